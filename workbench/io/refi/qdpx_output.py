"""Where a QDPX import builds its new project, and how the project comes to have its name.

The project is built in a hidden temporary file beside the output, named
`.OUT.PID-RANDOM.part` (the store's pattern for temporaries), so two imports
never share one and a leftover says which process made it. A process killed
with SIGKILL cannot remove its temporary; the next import to the same output
removes every one whose process is gone. Nothing gets the output's name until
the project is finished: its journal folded into the file and nothing left
beside it. A `-journal`, `-wal` or `-shm` lying at the output path belongs to
no file there (an earlier file of that name was deleted without it); SQLite
would replay it onto the new project, so it is removed before the build and
reported, and one that appears during the build refuses the import.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

from workbench.core.errors import ImportRefused, ProjectError
from workbench.store import files


def temp_for(out: Path) -> Path:
    """A fresh temporary path beside `out` (not created), after sweeping the leftovers of dead imports."""
    files.sweep_dead_temps(out.parent, out.name)
    return out.with_name(f".{out.name}.{os.getpid()}-{uuid.uuid4().hex[:12]}.part")


def clear_stale_sidecars(out: Path) -> list[str]:
    """Remove the journal files at `out` that belong to no file there; their names (for the report)."""
    return [f"{out.name}{s}" for s in files.clear_stale_sidecars(out)]


def check_finished(tmp: Path, label: str) -> None:
    """Raise unless the closed project at `tmp` stands alone: its journal folded in, nothing pending."""
    files.make_whole(tmp)
    for suffix in ("-wal", "-journal"):
        side = Path(f"{tmp}{suffix}")
        if side.exists() and side.stat().st_size > 0:
            raise ImportRefused(f"{label}: the new project could not be finished (its {suffix[1:]} still holds "
                               "changes); nothing was written")
    for suffix in ("-wal", "-shm"):  # empty now: the file alone holds the project
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)


def place(tmp: Path, out: Path) -> None:
    """Give the finished project at `tmp` the name `out`, never over a file that appeared there meanwhile."""
    appeared = [f"{out.name}{s}" for s in files.SIDECARS if Path(f"{out}{s}").exists()]
    if appeared:
        raise ProjectError(f"{out}: {appeared[0]} appeared beside where the new project goes while it was being "
                           "built; SQLite would replay it onto the project. Nothing was written; remove it and "
                           "import again")
    files.place_new_file(tmp, out)
