"""The inter-coder agreement table written to CSV and Word, one row per code and source."""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from workbench.io.atomic import atomic_write_text, atomic_write_with
from workbench.io.exporters.csv_cells import guard_row

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


def write_docx(table: dict, path: str | os.PathLike, title: str = "Inter-coder agreement") -> None:
    from docx import Document

    doc = Document()
    doc.add_heading(title, level=1)
    coders = " and ".join(table["coders"])
    doc.add_paragraph(f"Coders: {coders} (A = {table['coders'][0]}, B = {table['coders'][1]}). "
                      f"Sources compared: {len(table.get('compared_sources', []))}. "
                      f"Segment overlap threshold: {round(100 * table.get('threshold', 0.9))}%.")
    rows = table_rows(table)
    grid = doc.add_table(rows=1, cols=len(HEADER))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, HEADER):
        cell.text = text
    for r in rows:
        for cell, text in zip(grid.add_row().cells, r):
            cell.text = text
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
