"""Project files as files: temporary names, settling into place, removal with their sidecars.

Services and io write new project files (hand-out copies, a merge into OUT, a QDPX import);
they do it through these names, so that nothing outside the store touches SQLite itself
(the layers contract in pyproject.toml keeps store.sqlite private to the store).
"""
from __future__ import annotations

from workbench.store.sqlite import checkpoint as make_whole
from workbench.store.sqlite import remove_with_sidecars, settle_into_place, temp_beside

__all__ = ["make_whole", "remove_with_sidecars", "settle_into_place", "temp_beside"]
