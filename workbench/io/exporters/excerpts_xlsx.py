"""Coded excerpts as an Excel sheet, one row an excerpt, streamed to disk as rows are made.

XlsxWriter in constant-memory mode needed 6-7 s for the 60,000 excerpts of the L workload
(its per-cell bookkeeping); the dedicated writer in xlsx_stream.py does it in about 1 s.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from workbench.core.errors import Cancelled
from workbench.io.atomic import atomic_path
from workbench.io.exporters.excerpts import COLUMNS, Excerpt, ReportData, streamed, xml_safe
from workbench.io.exporters.xlsx_stream import write_sheet
from workbench.query.segments import Filters
from workbench.store.project import Project

# Excel's limit on one cell's text; longer excerpts are cut there (the CSV keeps them whole).
CELL_LIMIT = 32767
_WIDTHS = {"coding": 38, "source": 24, "case": 18, "code": 28, "coder": 12, "start": 8, "end": 8,
           "paragraph": 10, "text": 80, "memo": 40, "page": 10}


def _cells(ex) -> list:
    row = ex.row()
    return [v if not isinstance(v, str) else xml_safe(v)[:CELL_LIMIT] for v in row]


def write_xlsx(data: ReportData, path: str | Path, report=None, should_stop=None) -> int:
    """Write the excerpts; returns how many. The file appears whole or not at all."""
    return _write(data.excerpts, len(data.excerpts), path, report, should_stop)


def export_xlsx(project: Project, path: str | Path, filters: Filters | None = None, expr: str | None = None,
                report=None, should_stop=None) -> int:
    """Query the project and write its excerpts, streamed a source at a time (excerpts.streamed)."""
    with streamed(project, filters, expr) as (_data, total, excerpts):
        return _write(excerpts, total, path, report, should_stop)


def _write(excerpts: Iterable[Excerpt], total: int, path: str | Path, report, should_stop) -> int:
    report = report or (lambda *a: None)
    should_stop = should_stop or (lambda: False)

    def tick(n: int) -> None:
        if should_stop():
            raise Cancelled("the export was cancelled; no file was written")
        if n % 5000 == 0:
            report(n, total, "Writing rows")

    with atomic_path(path) as tmp:
        write_sheet(tmp, COLUMNS, (_cells(ex) for ex in excerpts), [_WIDTHS[c] for c in COLUMNS],
                    "Excerpts", tick)
        if should_stop():
            raise Cancelled("the export was cancelled; no file was written")
    report(total, total, "Done")
    return total
