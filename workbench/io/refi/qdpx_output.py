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
import re
import uuid
from pathlib import Path

from workbench.core.errors import ImportError_, ProjectError
from workbench.store import sqlite

SIDECARS = ("-journal", "-wal", "-shm")
# A temporary, or one of its journal files or its lock.
_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)-[A-Za-z0-9_]+\.part(?:-journal|-wal|-shm|\.lock)?$")


def temp_for(out: Path) -> Path:
    """A fresh temporary path beside `out` (not created), after sweeping the leftovers of dead imports."""
    sweep_dead_temps(out)
    return out.with_name(f".{out.name}.{os.getpid()}-{uuid.uuid4().hex[:12]}.part")


def sweep_dead_temps(out: Path) -> list[str]:
    """Remove the temporaries (and their sidecars) that processes now gone left for `out`; their names."""
    try:
        entries = list(os.scandir(out.parent))
    except OSError:
        return []
    swept = []
    for entry in entries:
        m = _TEMP.match(entry.name)
        if m and m.group("name") == out.name and not _alive(int(m.group("pid"))):
            try:
                os.unlink(entry.path)
            except OSError:
                continue
            swept.append(entry.name)
    return swept


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, someone else's
        return True
    return True


def clear_stale_sidecars(out: Path) -> list[str]:
    """Remove the journal files at `out` that belong to no file there; their names (for the report)."""
    if out.exists():
        return []
    found = [f"{out.name}{s}" for s in SIDECARS if Path(f"{out}{s}").exists()]
    for name in found:
        out.with_name(name).unlink(missing_ok=True)
    return found


def check_finished(tmp: Path, label: str) -> None:
    """Raise unless the closed project at `tmp` stands alone: its journal folded in, nothing pending."""
    sqlite.checkpoint(tmp)
    for suffix in ("-wal", "-journal"):
        side = Path(f"{tmp}{suffix}")
        if side.exists() and side.stat().st_size > 0:
            raise ImportError_(f"{label}: the new project could not be finished (its {suffix[1:]} still holds "
                               "changes); nothing was written")
    for suffix in ("-wal", "-shm"):  # empty now: the file alone holds the project
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)


def place(tmp: Path, out: Path) -> None:
    """Give the finished project at `tmp` the name `out`, never over a file that appeared there meanwhile."""
    appeared = [f"{out.name}{s}" for s in SIDECARS if Path(f"{out}{s}").exists()]
    if appeared:
        raise ProjectError(f"{out}: {appeared[0]} appeared beside where the new project goes while it was being "
                           "built; SQLite would replay it onto the project. Nothing was written; remove it and "
                           "import again")
    try:
        os.link(tmp, out)
    except FileExistsError:
        raise ProjectError(f"{out}: a file already exists there; choose another name") from None
    except OSError:  # file systems without hard links
        if out.exists():
            raise ProjectError(f"{out}: a file already exists there; choose another name") from None
        os.replace(tmp, out)
    _sync_folder(out.parent)


def _sync_folder(folder: Path) -> None:
    """Make the new name durable (POSIX); a file system that cannot is left as it is."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
