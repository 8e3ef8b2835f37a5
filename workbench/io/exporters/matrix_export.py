"""A matrix (code by case, attribute value, coder or source; or code by code) as CSV, XLSX or a
Word table whose cells are shaded by value."""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from workbench.core.errors import ValidationError
from workbench.io.atomic import atomic_path
from workbench.core.csv_cells import guard, guard_row
from workbench.io.exporters.excerpts import xml_safe
from workbench.query.matrix import Matrix

FORMATS = (".csv", ".xlsx", ".docx")


def shade(value: float, maximum: float) -> str | None:
    """A fill from white to the matrix blue, by value; None for an empty cell."""
    if not value or not maximum:
        return None
    f = min(1.0, value / maximum)
    lo, hi = (255, 255, 255), (0x4e, 0x79, 0xa7)
    r, g, b = (round(a + (c - a) * (0.15 + 0.7 * f)) for a, c in zip(lo, hi))
    return f"{r:02x}{g:02x}{b:02x}"


def _label(m: Matrix, i: int, indent: bool) -> str:
    if not indent or not m.row_depth:
        return m.rows[i]
    name = m.rows[i].rsplit("/", 1)[-1] if m.row_depth[i] else m.rows[i]
    return "    " * m.row_depth[i] + name


def write_matrix_csv(m: Matrix, path: str | Path) -> None:
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(guard_row(["code"] + [str(c) for c in m.cols]))  # formula-looking names as text
            for i, row in enumerate(m.cells):
                w.writerow([guard(m.rows[i])] + row)


def write_matrix_xlsx(m: Matrix, path: str | Path) -> None:
    import xlsxwriter

    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                              "strings_to_numbers": False})
        try:
            sheet = book.add_worksheet("Matrix")
            bold = book.add_format({"bold": True})
            sheet.write_string(0, 0, "code", bold)
            for j, c in enumerate(m.cols, start=1):
                sheet.write_string(0, j, xml_safe(str(c)), bold)
            top = m.maximum
            fills: dict[str, object] = {}
            for i, row in enumerate(m.cells, start=1):
                sheet.write_string(i, 0, xml_safe(m.rows[i - 1]))
                for j, v in enumerate(row, start=1):
                    fill = shade(v, top)
                    fmt = fills.setdefault(fill, book.add_format({"bg_color": "#" + fill})) if fill else None
                    sheet.write_number(i, j, v, fmt)
            sheet.set_column(0, 0, max(12, min(60, max((len(r) for r in m.rows), default=10))))
            sheet.freeze_panes(1, 1)
        finally:
            book.close()


def write_matrix_docx(m: Matrix, path: str | Path, title: str = "", note: str = "") -> None:
    import docx

    from workbench.io.exporters.docx_xml import BodyWriter

    document = docx.Document()
    w = BodyWriter(document)
    w.paragraph("Heading 1", title or f"Codes by {m.cols_kind}")
    counted = {"segments": "coded segments", "sources": "sources", "chars": "coded characters",
               "places": "overlapping places"}.get(m.count, m.count)
    w.paragraph("Normal", f"Each cell counts {counted}" + ("; rows include their subcodes" if m.with_children else "")
                + (f". {note}" if note else "") + f". {date.today().isoformat()}")
    top = m.maximum
    w.table(["code"] + [str(c) for c in m.cols], [[_label(m, i, True)] + row for i, row in enumerate(m.cells)],
            shade=lambda i, j: shade(m.cells[i][j - 1], top) if j > 0 else None)
    w.flush()
    with atomic_path(path) as tmp:
        document.save(str(tmp))


def write_matrix(m: Matrix, path: str | Path, title: str = "") -> None:
    """Write by the file's extension."""
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        write_matrix_csv(m, path)
    elif suffix == ".xlsx":
        write_matrix_xlsx(m, path)
    elif suffix == ".docx":
        write_matrix_docx(m, path, title)
    else:
        raise ValidationError(f"{path}: cannot write a matrix as {suffix or 'a file without extension'}; "
                              f"use {', '.join(FORMATS)}")
