"""The codebook as an indented text outline: one code a line, two spaces a level, 'name | description'."""
from __future__ import annotations

from pathlib import Path

from workbench.core.errors import ImportError_
from workbench.io.atomic import atomic_write_text
from workbench.store.project import Project


def parse_outline(path: Path, text: str) -> list[tuple[list[str], str, str | None]]:
    """(path parts, description, colour) for each line, parents before children."""
    out: list[tuple[list[str], str, str | None]] = []
    stack: list[str] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        expanded = raw.replace("\t", "  ")
        indent = len(expanded) - len(expanded.lstrip(" "))
        if indent % 2:
            raise ImportError_(f"{path}: line {n} is indented by {indent} spaces; use two a level")
        level = indent // 2
        if level > len(stack):
            raise ImportError_(f"{path}: line {n} is indented deeper than the line above allows")
        name, _, desc = expanded.strip().partition("|")
        name = name.strip()
        color = None
        if name.endswith("]") and "[#" in name:  # optional 'name [#rrggbb]'
            name, _, c = name.rpartition("[")
            name, color = name.strip(), c.rstrip("]").strip()
        if not name:
            raise ImportError_(f"{path}: line {n} has no code name")
        stack[level:] = [name]
        out.append((list(stack), desc.strip(), color))
    if not out:
        raise ImportError_(f"{path}: the file holds no codes")
    return out


def read_text_file(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportError_(f"{path}: no such file") from None
    except OSError as exc:
        raise ImportError_(f"{path}: cannot be read ({exc.strerror})") from None
    if not data.strip():
        raise ImportError_(f"{path}: the file is empty")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def import_codebook(project: Project, path: Path) -> str:
    entries = parse_outline(path, read_text_file(path))
    from workbench.services.codebook_io import merge_entries

    return merge_entries(project, entries)


def export_codebook(project: Project, path: Path) -> str:
    from workbench.services.codebook_io import codebook_entries

    lines = []
    for parts, desc, _color in codebook_entries(project):
        line = "  " * (len(parts) - 1) + parts[-1].replace("|", "/")
        lines.append(line + (f" | {desc}" if desc else ""))
    atomic_write_text(path, "\n".join(lines) + "\n")
    return f"{len(lines)} codes"
