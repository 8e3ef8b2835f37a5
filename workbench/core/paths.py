"""Code paths: names joined by '/', with a '/' inside a name written '\\/' (see CLI.md)."""
from __future__ import annotations

from workbench.core.names import name_key as _name_key


def split_path(path: str) -> list[str]:
    """Split 'a/b\\/c' into ['a', 'b/c']; surrounding spaces of each part are dropped."""
    parts: list[str] = []
    buf: list[str] = []
    i = 0
    while i < len(path):
        ch = path[i]
        if ch == "\\" and i + 1 < len(path) and path[i + 1] == "/":
            buf.append("/")
            i += 2
            continue
        if ch == "/":
            parts.append("".join(buf).strip())
            buf = []
        else:
            buf.append(ch)
        i += 1
    parts.append("".join(buf).strip())
    if any(p == "" for p in parts):
        raise ValueError(f"code path {path!r} has an empty part")
    return parts


def join_path(parts: list[str]) -> str:
    """The inverse of split_path."""
    return "/".join(p.replace("/", "\\/") for p in parts)


# Names compare by one rule everywhere (core/names.py); kept here for the code-path helpers.
name_key = _name_key
