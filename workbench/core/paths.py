"""Code paths: names joined by '/', with a '/' inside a name written '\\/' (see CLI.md).

A backslash stands for itself, except before '/' or another backslash, where it escapes:
'\\/' is a '/' inside a name and '\\\\' one backslash. So `join_path` writes a name's
backslash doubled only where it would otherwise be read as an escape (before '/' or '\\',
or at the end of a name that a '/' follows), and every list of names survives
`split_path(join_path(parts))` unchanged, including names that end in a backslash.
"""
from __future__ import annotations

from workbench.core.errors import ValidationError
from workbench.core.names import name_key as _name_key


class CodePathError(ValidationError, ValueError):
    """A typed code path that names no code at all: empty, or with an empty part.

    A ValueError too, for the callers that caught split_path's ValueError before."""


def split_path(path: str) -> list[str]:
    """Split 'a/b\\/c' into ['a', 'b/c']; surrounding spaces of each part are dropped."""
    parts: list[str] = []
    buf: list[str] = []
    i = 0
    while i < len(path):
        ch = path[i]
        if ch == "\\" and i + 1 < len(path) and path[i + 1] in "/\\":
            buf.append(path[i + 1])
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
        raise CodePathError(_empty_part_problem(path, parts))
    return parts


def _empty_part_problem(path: str, parts: list[str]) -> str:
    if not path.strip():
        return "the code path is empty; name a code, e.g. 'autonomy/own funding'"
    if parts[0] == "":
        where = "it starts with '/'"
    elif parts[-1] == "":
        where = "it ends with '/'"
    else:
        where = "it has an empty name between two '/'"
    return f"code path {path!r}: {where}; write names joined by single '/', e.g. 'autonomy/own funding'"


def _escape(name: str, last: bool) -> str:
    out: list[str] = []
    for i, ch in enumerate(name):
        if ch == "/":
            out.append("\\/")
        elif ch == "\\":
            nxt = name[i + 1] if i + 1 < len(name) else ("" if last else "/")
            out.append("\\\\" if nxt in ("/", "\\") else "\\")
        else:
            out.append(ch)
    return "".join(out)


def join_path(parts: list[str]) -> str:
    """The inverse of split_path."""
    return "/".join(_escape(p, i == len(parts) - 1) for i, p in enumerate(parts))


# Names compare by one rule everywhere (core/names.py); kept here for the code-path helpers.
name_key = _name_key
