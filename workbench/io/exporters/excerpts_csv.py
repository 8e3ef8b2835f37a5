"""Coded excerpts as CSV, one row an excerpt (UTF-8 with a byte-order mark, so Excel reads it).

Text cells that a spreadsheet would run as a formula are written with a leading quote (csv_cells).
"""
from __future__ import annotations

import csv
from collections.abc import Iterable
from itertools import islice
from pathlib import Path

from typing import TYPE_CHECKING

from workbench.core.csv_cells import guard_row
from workbench.core.errors import Cancelled
from workbench.io.atomic import atomic_path
from workbench.io.exporters.excerpts import COLUMNS, Excerpt, ReportData, quick_excerpts, streamed
from workbench.query.segment_rows import Filters

if TYPE_CHECKING:
    from workbench.store.project import Project


def write_csv(data: ReportData, path: str | Path, report=None, should_stop=None) -> int:
    """Write the excerpts; returns how many. The file appears whole or not at all."""
    return _write(data.excerpts, len(data.excerpts), path, report, should_stop)


def export_csv(project: Project, path: str | Path, filters: Filters | None = None, expr: str | None = None,
               report=None, should_stop=None) -> int:
    """Query the project and write its excerpts, streamed a source at a time (excerpts.streamed)."""
    with streamed(project, filters, expr) as (_data, total, excerpts):
        return _write(excerpts, total, path, report, should_stop)


def quick_export_csv(location, path: str | Path, filters: Filters | None = None) -> int | None:
    """export_csv by the sqlite3 module alone (excerpts.quick_excerpts): the same file, without the
    store's imports, which cost a cold `workbench export` of a code's excerpts a third of its time
    (issue 11). None when the project or the filters must go through the store."""
    with quick_excerpts(location, filters) as found:
        if found is None:
            return None
        total, excerpts = found
        return _write(excerpts, total, path, None, None)


def _write(excerpts: Iterable[Excerpt], total: int, path: str | Path, report, should_stop) -> int:
    report = report or (lambda *a: None)
    should_stop = should_stop or (lambda: False)
    it = iter(excerpts)
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(COLUMNS)
            for i in range(0, total, 5000):
                if should_stop():
                    raise Cancelled("the export was cancelled; no file was written")
                w.writerows(guard_row(ex.row()) for ex in islice(it, 5000))
                report(min(total, i + 5000), total, "Writing rows")
            if should_stop():
                raise Cancelled("the export was cancelled; no file was written")
    return total
