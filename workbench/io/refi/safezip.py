"""Opening a QDPX from someone else: refuse hostile archives before reading any entry.

A QDPX is a zip with one `.qde` XML file and a flat `sources/` folder. Every
check here runs on the central directory alone, so a refused archive has
had nothing extracted and nothing written. The sizes declared there bind the
reads too: zipfile never returns more bytes than an entry declares.
"""
from __future__ import annotations

import posixpath
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from workbench.core.errors import ImportRefused

# CLI.md: more than 1 GiB uncompressed in all, or an entry expanding past 1 MiB
# at more than 100:1, is refused as a zip bomb.
MAX_TOTAL_BYTES = 1 << 30
RATIO_FLOOR_BYTES = 1 << 20
MAX_RATIO = 100

_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class Limits:
    """The bomb limits; tests pass small ones instead of writing a gigabyte."""

    max_total: int = MAX_TOTAL_BYTES
    ratio_floor: int = RATIO_FLOOR_BYTES
    max_ratio: int = MAX_RATIO


def _refuse(path: Path, why: str) -> ImportRefused:
    return ImportRefused(f"{path}: refused: {why}")


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    # Unix tools keep the file mode in the high 16 bits of external_attr.
    return stat.S_ISLNK(info.external_attr >> 16)


def check_entry_name(path: Path, name: str) -> str:
    """The entry's name with '/' separators, or refusal if it is absolute or climbs out."""
    norm = name.replace("\\", "/")
    if norm.startswith("/") or _DRIVE.match(norm):
        raise _refuse(path, f"the archive entry {name!r} has an absolute path")
    if ".." in PurePosixPath(norm).parts:
        raise _refuse(path, f"the archive entry {name!r} climbs out of the archive ('..')")
    if "\x00" in norm:
        raise _refuse(path, f"the archive entry {name!r} has a NUL character in its name")
    return norm


@dataclass
class QdpxArchive:
    """An opened, checked QDPX: where its `.qde` is and which files its sources folder holds."""

    path: Path
    zf: zipfile.ZipFile
    qde_name: str
    # Lower-cased file name -> entry name, for internal files (sources folder, then beside the .qde).
    internal: dict[str, str] = field(default_factory=dict)
    sources_folder: str | None = None

    def read_qde(self) -> bytes:
        return self._read(self.qde_name)

    def find_internal(self, ref: str) -> str | None:
        """The entry an `internal://x`, `relative://x` or bare `x` path names, case ignored."""
        name = ref.strip()
        for scheme in ("internal://", "relative://", "absolute://", "file://"):
            if name.lower().startswith(scheme):
                name = name[len(scheme):]
                break
        name = name.replace("\\", "/").lstrip("/")
        key = name.lower()
        if key in self.internal:
            return self.internal[key]
        base = posixpath.basename(key)
        return self.internal.get(base)

    def read_internal(self, ref: str) -> bytes | None:
        entry = self.find_internal(ref)
        return None if entry is None else self._read(entry)

    def _read(self, entry: str) -> bytes:
        try:
            return self.zf.read(entry)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            raise ImportRefused(f"{self.path}: the archive entry {entry!r} cannot be read ({exc})") from None
        except RuntimeError as exc:  # encrypted entries
            raise ImportRefused(f"{self.path}: the archive entry {entry!r} cannot be read ({exc})") from None

    def close(self) -> None:
        self.zf.close()

    def __enter__(self) -> "QdpxArchive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_qdpx(path: str | Path, limits: Limits = Limits()) -> QdpxArchive:
    """Open and check a QDPX; raise ImportRefused naming the file and the problem."""
    path = Path(path)
    if not path.is_file():
        raise ImportRefused(f"{path}: no such file")
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ImportRefused(f"{path}: not a QDPX file (it is not a zip archive)") from None
    except OSError as exc:
        raise ImportRefused(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        return _checked(path, zf, limits)
    except BaseException:
        zf.close()
        raise


def _checked(path: Path, zf: zipfile.ZipFile, limits: Limits) -> QdpxArchive:
    infos = zf.infolist()
    total = 0
    files: list[tuple[str, zipfile.ZipInfo]] = []
    for info in infos:
        name = check_entry_name(path, info.filename)
        if _is_symlink(info):
            raise _refuse(path, f"the archive entry {info.filename!r} is a symbolic link")
        if info.flag_bits & 0x1:
            raise _refuse(path, f"the archive entry {info.filename!r} is encrypted")
        total += info.file_size
        if total > limits.max_total:
            raise _refuse(path, f"it expands to more than {limits.max_total:,} bytes (a zip bomb?)")
        if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise _refuse(path, f"the archive entry {info.filename!r} expands {info.file_size:,} bytes from "
                                f"{info.compress_size:,} (more than {limits.max_ratio}:1, a zip bomb?)")
        if not info.is_dir():
            files.append((name, info))
    qde = _find_qde(path, [n for n, _ in files])
    qde_dir = posixpath.dirname(qde)
    archive = QdpxArchive(path, zf, next(i.filename for n, i in files if n == qde))
    beside: dict[str, str] = {}
    for name, info in files:
        folder, base = posixpath.split(name)
        if not base or base.startswith(".") or name == qde:
            continue
        parent, last = posixpath.split(folder)
        if parent == qde_dir and last.lower() == "sources":
            archive.sources_folder = archive.sources_folder or folder
            archive.internal.setdefault(base.lower(), info.filename)
            archive.internal.setdefault(posixpath.relpath(name, qde_dir or ".").lower(), info.filename)
        elif folder == qde_dir:
            beside.setdefault(base.lower(), info.filename)
    for key, entry in beside.items():
        archive.internal.setdefault(key, entry)
    return archive


def _find_qde(path: Path, names: list[str]) -> str:
    """The project XML: the one `*.qde` at the root whatever its name or case (else the only one)."""
    qdes = [n for n in names if n.lower().endswith(".qde") and not n.startswith("__MACOSX/")]
    root = [n for n in qdes if "/" not in n]
    pick = root or qdes
    if not pick:
        raise ImportRefused(f"{path}: not a QDPX project (the archive holds no .qde project file)")
    if len(pick) > 1:
        preferred = [n for n in pick if posixpath.basename(n).lower() == "project.qde"]
        if len(preferred) == 1:
            return preferred[0]
        raise ImportRefused(f"{path}: the archive holds several project files ({', '.join(sorted(pick))}); "
                           "cannot tell which to import")
    return pick[0]
