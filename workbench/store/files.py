"""Project files as files: temporary names, settling into place, removal with their sidecars.

Services and io write new project files (hand-out copies, a merge into OUT, a QDPX import);
they do it through these names, so that nothing outside the store touches SQLite itself
(the layers contract in pyproject.toml keeps store.sqlite private to the store).
"""
from __future__ import annotations

from workbench.store.sqlite import SIDECARS, clear_stale_sidecars, place_new_file, remove_with_sidecars
from workbench.store.sqlite import checkpoint as make_whole
from workbench.store.sqlite import settle_into_place, sweep_dead_temps, temp_beside

__all__ = ["SIDECARS", "clear_stale_sidecars", "make_whole", "place_new_file", "remove_with_sidecars",
           "settle_into_place", "sweep_dead_temps", "temp_beside"]
