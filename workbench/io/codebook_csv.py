"""The codebook as CSV: path, description, color.

Cells that a spreadsheet would run as a formula (a code named `=1+1`) are written with a
leading quote and read back without it (exporters/csv_cells.py), so every name survives
export and import unchanged. A cell longer than Python's csv reader takes (128 KiB) is
refused at export, with the code named, rather than written into a file that cannot be read.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from workbench.core.errors import ImportRefused, ValidationError
from workbench.core.paths import join_path, split_path
from workbench.io.atomic import atomic_write_text
from workbench.io.codebook_outline import read_text_file
from workbench.core.csv_cells import guard_row, unguard
from workbench.store.project import Project


def import_codebook(project: Project, path: Path) -> str:
    from workbench.services.codebook import normalize_color

    try:
        rows = list(csv.reader(io.StringIO(read_text_file(path))))
    except csv.Error as exc:
        raise ImportRefused(f"{path}: is not a readable CSV file ({exc})") from None
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise ImportRefused(f"{path}: the file is empty")
    header = [h.strip().casefold() for h in rows[0]]
    if "path" not in header:
        raise ImportRefused(f"{path}: needs a header row with a 'path' column (and optionally description, color)")
    ip, idesc, icol = header.index("path"), _idx(header, "description"), _idx(header, "color", "colour")
    entries = []
    for n, r in enumerate(rows[1:], start=2):
        try:
            parts = split_path(unguard(r[ip]))
        except (ValueError, IndexError):
            raise ImportRefused(f"{path}: line {n} has no usable code path") from None
        desc = unguard(r[idesc]).strip() if idesc is not None and idesc < len(r) else ""
        color = unguard(r[icol]).strip() if icol is not None and icol < len(r) and r[icol].strip() else None
        if color is not None:
            try:
                color = normalize_color(color)
            except ValidationError as exc:
                raise ImportRefused(f"{path}: line {n}: {exc}") from None
        entries.append((parts, desc, color))
    from workbench.services.codebook_io import merge_entries

    return merge_entries(project, entries).result


def _idx(header: list[str], *names: str) -> int | None:
    for name in names:
        if name in header:
            return header.index(name)
    return None


def export_codebook(project: Project, path: Path) -> str:
    from workbench.services.codebook_io import codebook_entries

    limit = csv.field_size_limit()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["path", "description", "color"])
    n = 0
    for parts, desc, color in codebook_entries(project):
        row = guard_row([join_path(parts), desc, color])
        for what, cell in zip(("path", "description"), row):
            if len(cell or "") > limit:
                raise ValidationError(f"{path}: code {join_path(parts)[:60]!r}: its {what} is longer than the "
                                      f"{limit:,} characters a CSV codebook can carry; nothing was written "
                                      "(shorten it, or export the codebook as .qdc)")
        w.writerow(row)
        n += 1
    atomic_write_text(path, buf.getvalue())
    return f"{n} codes"
