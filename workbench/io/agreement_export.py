"""The inter-coder agreement table written to CSV and Word, one row per code and source."""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from workbench.io.atomic import atomic_write_text, atomic_write_with
from workbench.core.csv_cells import guard_row

HEADER = ["code", "source", "characters", "coded by A", "coded by B", "coded by both", "percent agreement",
          "Cohen's kappa", "Krippendorff's alpha", "unitizing alpha", "segments matched %"]
ALL_SOURCES = "(all compared sources)"


def _num(value, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _row(code: str, source: str, f: dict) -> list[str]:
    coded = f.get("coded") or []
    return [code, source, str(f.get("chars", "")),
            str(coded[0]) if len(coded) > 0 else "", str(coded[1]) if len(coded) > 1 else "",
            "" if f.get("both") is None else str(f["both"]), _num(f.get("percent"), 2), _num(f.get("kappa"), 3),
            _num(f.get("alpha"), 3), _num(f.get("u_alpha"), 3), _num((f.get("segments") or {}).get("percent"), 1)]


def table_rows(table: dict, per_source: bool = True) -> list[list[str]]:
    """Rows of the agreement table (JSON form): each code over all sources, then per source; overall last."""
    rows = []
    for c in table["codes"]:
        rows.append(_row(c["code"], ALL_SOURCES, c))
        if per_source:
            rows += [_row(c["code"], s["source"], s) for s in c["sources"]]
    rows.append(_row("(all codes)", ALL_SOURCES, table["overall"]))
    return rows


def write_csv(table: dict, path: str | os.PathLike) -> None:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(HEADER)
    w.writerows(guard_row(r) for r in table_rows(table))  # a code named =1+1 stays text in a spreadsheet
    atomic_write_text(path, "\ufeff" + buf.getvalue())  # a BOM so Excel reads UTF-8


# The Word table: short headers that fit their columns; numbers never wrap (w:noWrap).
DOCX_HEADER = ["Code", "Source", "Characters", "Coded by A", "Coded by B", "Coded by both", "Percent", "Kappa",
               "Alpha", "u-alpha", "Segments %"]
# Column widths in centimetres on a landscape A4 page (27.7 cm between the margins of 1 cm).
DOCX_WIDTHS = [6.2, 5.4, 1.9, 1.8, 1.8, 1.8, 1.7, 1.6, 1.6, 1.6, 1.9]


def _no_wrap(cell) -> None:
    from docx.oxml import OxmlElement

    cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))


def _table(doc, rows: list[list[str]], columns: list[int]):
    """A grid of the chosen columns: header repeated on every page, numbers right-aligned, unbroken."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.shared import Cm, Pt

    grid = doc.add_table(rows=1, cols=len(columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    head = grid.rows[0]
    head._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeat on each page
    for cell, col in zip(head.cells, columns):
        cell.text = DOCX_HEADER[col]
        cell.paragraphs[0].runs[0].bold = True
    for r in rows:
        cells = grid.add_row().cells
        for cell, col in zip(cells, columns):
            cell.text = r[col]
            if col >= 2:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
                _no_wrap(cell)
    for row in grid.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for cell, col in zip(row.cells, columns):
            cell.width = Cm(DOCX_WIDTHS[col])
            for para in cell.paragraphs:
                para.paragraph_format.space_after = Pt(0)
                for run in para.runs:
                    run.font.size = Pt(8.5)
    return grid


def write_docx(table: dict, path: str | os.PathLike, title: str = "Inter-coder agreement") -> None:
    """A landscape document: the figures per code on the first page, then per code and source
    (one table, its header repeated on each page): at most one table on a page."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_BREAK
    from docx.shared import Cm

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.0))
    section.top_margin = section.bottom_margin = Cm(1.5)
    doc.add_heading(title, level=1)
    coders = " and ".join(table["coders"])
    doc.add_paragraph(f"Coders: {coders} (A = {table['coders'][0]}, B = {table['coders'][1]}). "
                      f"Sources compared: {len(table.get('compared_sources', []))}. "
                      f"Segment overlap threshold: {round(100 * table.get('threshold', 0.9))}%. "
                      "Percent counts the characters both coders treated alike, coded or not, so it is high "
                      "wherever most text is coded by neither; kappa and alpha discount that chance agreement.")
    summary = table_rows(table, per_source=False)
    _table(doc, summary, [0, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    detail = [r for r in table_rows(table) if r[1] != ALL_SOURCES]
    if detail:
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        doc.add_heading("Per code and source", level=2)
        _table(doc, detail, list(range(len(DOCX_HEADER))))
    atomic_write_with(path, lambda tmp: doc.save(str(tmp)))


def export_table(table: dict, path: str | os.PathLike) -> None:
    """CSV or Word by the file's extension."""
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        write_csv(table, path)
    elif suffix == ".docx":
        write_docx(table, path)
    else:
        from workbench.core.errors import ValidationError

        raise ValidationError(f"{path}: export the agreement table as .csv or .docx")
