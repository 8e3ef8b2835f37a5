"""Coded excerpts as an Excel sheet, one row an excerpt, streamed with XlsxWriter's
constant-memory mode (rows go to disk as they are written)."""
from __future__ import annotations

from pathlib import Path

from workbench.core.errors import Cancelled
from workbench.io.atomic import atomic_path
from workbench.io.exporters.excerpts import COLUMNS, ReportData, xml_safe

# Excel's limit on one cell's text; longer excerpts are cut there (the CSV keeps them whole).
CELL_LIMIT = 32767
_WIDTHS = {"coding": 38, "source": 24, "case": 18, "code": 28, "coder": 12, "start": 8, "end": 8,
           "paragraph": 10, "text": 80, "memo": 40}
_NUMBERS = {COLUMNS.index("start"), COLUMNS.index("end")}


def write_xlsx(data: ReportData, path: str | Path, report=None, should_stop=None) -> int:
    import xlsxwriter

    report = report or (lambda *a: None)
    should_stop = should_stop or (lambda: False)
    total = len(data.excerpts)
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_formulas": False,
                                              "strings_to_urls": False, "strings_to_numbers": False})
        try:
            sheet = book.add_worksheet("Excerpts")
            bold = book.add_format({"bold": True})
            for j, name in enumerate(COLUMNS):
                sheet.set_column(j, j, _WIDTHS[name])
            sheet.write_row(0, 0, COLUMNS, bold)
            sheet.freeze_panes(1, 0)
            write_string, write_number = sheet.write_string, sheet.write_number
            for i, ex in enumerate(data.excerpts, start=1):
                for j, value in enumerate(ex.row()):
                    if j in _NUMBERS:
                        write_number(i, j, value)
                    elif value != "":
                        write_string(i, j, xml_safe(value)[:CELL_LIMIT])
                if i % 5000 == 0:
                    if should_stop():
                        raise Cancelled("the export was cancelled; no file was written")
                    report(i, total, "Writing rows")
            if should_stop():
                raise Cancelled("the export was cancelled; no file was written")
        finally:
            book.close()
    return total
