"""The codebook as an indented text outline: one code a line, two spaces a level, 'name | description'.

    autonomy | the city acting on its own account
      own funding [#4e79a7] | programmes paid from the city's budget
    # a line starting with '#' is a comment

Every name the program accepts survives export and import unchanged (issue 12, item 11):
the characters the outline gives a meaning are written with a backslash where a name holds
them, `\\#` for a name starting with '#' (else a comment), `\\|` for a '|' in a name (else
the description starts), `\\[` for a name ending like a colour ("x [#ff0000]"), and `\\\\`
for a backslash before any of these or 'n'. A newline in a description is written `\\n`.
Any other backslash stands for itself, so hand-written outlines read as they look.
Colours are read from the outline but written only to the CSV and QDC codebooks.
"""
from __future__ import annotations

from pathlib import Path

from workbench.core.errors import ImportRefused
from workbench.io.atomic import atomic_write_text
from workbench.store.project import Project

_ESCAPABLE = set("\\#|[n")
MAX_CODEBOOK_BYTES = 50 * 1024 * 1024

Entry = tuple[list[str], str, str | None]


def parse_outline(path: Path, text: str) -> list[Entry]:
    """(path parts, description, colour) for each line, parents before children.

    Linear in the file: each line costs its own length plus its depth."""
    out: list[Entry] = []
    stack: list[str] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for n, raw in enumerate(lines, start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        entry = raw.lstrip(" \t")
        lead = raw[: len(raw) - len(entry)]
        indent = len(lead.replace("\t", "  "))  # tabs count only where they indent
        if indent % 2:
            raise ImportRefused(f"{path}: line {n} is indented by {indent} spaces; use two a level")
        level = indent // 2
        if level > len(stack):
            raise ImportRefused(f"{path}: line {n} is indented deeper than the line above allows")
        name, desc, color = _parse_entry(entry)
        if not name:
            raise ImportRefused(f"{path}: line {n} has no code name")
        stack[level:] = [name]
        out.append((list(stack), desc, color))
    if not out:
        raise ImportRefused(f"{path}: the file holds no codes")
    return out


def _parse_entry(entry: str) -> tuple[str, str, str | None]:
    chars: list[tuple[str, bool]] = []  # (character, was escaped)
    desc_raw = ""
    i = 0
    while i < len(entry):
        ch = entry[i]
        if ch == "\\" and i + 1 < len(entry) and entry[i + 1] in _ESCAPABLE:
            chars.append(("\n" if entry[i + 1] == "n" else entry[i + 1], True))
            i += 2
            continue
        if ch == "|":
            desc_raw = entry[i + 1:]
            break
        chars.append((ch, False))
        i += 1
    while chars and chars[-1][0] in " \t":
        chars.pop()
    color = None
    if chars and chars[-1] == ("]", False):
        opens = [k for k, (c, escaped) in enumerate(chars) if c == "[" and not escaped]
        if opens and chars[opens[-1] + 1: opens[-1] + 2] == [("#", False)]:  # optional 'name [#rrggbb]'
            k = opens[-1]
            color = "".join(c for c, _ in chars[k + 1:-1]).strip()
            chars = chars[:k]
    name = "".join(c for c, _ in chars).strip()
    return name, _unescape(desc_raw.strip()), color


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in _ESCAPABLE:
            out.append("\n" if text[i + 1] == "n" else text[i + 1])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _escape_backslashes(text: str, i: int) -> str:
    return "\\\\" if i + 1 == len(text) or text[i + 1] in _ESCAPABLE else "\\"


def escape_name(name: str) -> str:
    """A code name as an outline line writes it (the inverse of the parser)."""
    last_open = name.rfind("[")
    looks_like_color = name.endswith("]") and name[last_open + 1: last_open + 2] == "#"
    out = []
    for i, ch in enumerate(name):
        if ch == "\\":
            out.append(_escape_backslashes(name, i))
        elif ch == "|" or (ch == "#" and i == 0) or (ch == "[" and i == last_open and looks_like_color):
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def escape_description(desc: str) -> str:
    desc = desc.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(_escape_backslashes(desc, i) if ch == "\\" else ("\\n" if ch == "\n" else ch)
                   for i, ch in enumerate(desc))


def read_text_file(path: Path) -> str:
    """A codebook file's text: UTF-8 (with or without BOM), else Windows-1252."""
    from workbench.core.files import read_regular_file

    data = read_regular_file(path, MAX_CODEBOOK_BYTES)
    if not data.strip():
        raise ImportRefused(f"{path}: the file is empty")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def import_codebook(project: Project, path: Path) -> str:
    entries = parse_outline(path, read_text_file(path))
    from workbench.services.codebook_io import merge_entries

    return merge_entries(project, entries).result


def export_codebook(project: Project, path: Path) -> str:
    from workbench.services.codebook_io import codebook_entries

    lines = []
    for parts, desc, _color in codebook_entries(project):
        line = "  " * (len(parts) - 1) + escape_name(parts[-1])
        lines.append(line + (f" | {escape_description(desc.strip())}" if desc and desc.strip() else ""))
    atomic_write_text(path, "\n".join(lines) + "\n")
    return f"{len(lines)} codes"
