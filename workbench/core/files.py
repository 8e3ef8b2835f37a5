"""Reading a user's file whole, bounded: never a pipe, a device or more bytes than a limit.

Importers, the cases CSV and the codebook readers all take files users point at; a FIFO
would block forever and a symlink to /dev/zero read without end (issue 12, item 11).
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from workbench.core.errors import ImportRefused

MAX_FILE_BYTES = 200 * 1024 * 1024


def read_regular_file(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, or ImportRefused saying why not.

    A FIFO, socket or device (a symlink to /dev/zero) is refused without reading from it:
    it is opened without blocking, checked with fstat, and any read stops at limit + 1.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise ImportRefused(f"{path}: no such file") from None
    except PermissionError:
        raise ImportRefused(f"{path}: cannot be read (permission denied)") from None
    except IsADirectoryError:
        raise ImportRefused(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a FIFO or socket nobody writes to
            raise ImportRefused(f"{path}: is not a regular file (a pipe or socket); import a saved file") from None
        raise ImportRefused(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ImportRefused(f"{path}: is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise ImportRefused(f"{path}: is not a regular file ({_kind(info.st_mode)}); import a saved file")
        if info.st_size > limit:
            raise _too_large(path, info.st_size, limit)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise ImportRefused(f"{path}: cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if size > limit:
        raise _too_large(path, size, limit)
    return b"".join(chunks)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def _too_large(path: Path, size: int, limit: int) -> ImportRefused:
    return ImportRefused(f"{path}: the file is {size / 2**20:.0f} MiB or more, larger than the "
                        f"{limit // 2**20} MiB the workbench imports")
