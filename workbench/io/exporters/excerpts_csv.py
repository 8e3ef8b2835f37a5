"""Coded excerpts as CSV, one row an excerpt (UTF-8 with a byte-order mark, so Excel reads it).

Text cells that a spreadsheet would run as a formula are written with a leading quote (csv_cells).
"""
from __future__ import annotations

import csv
from pathlib import Path

from workbench.core.errors import Cancelled
from workbench.io.atomic import atomic_path
from workbench.core.csv_cells import guard_row
from workbench.io.exporters.excerpts import COLUMNS, ReportData


def write_csv(data: ReportData, path: str | Path, report=None, should_stop=None) -> int:
    """Write the excerpts; returns how many. The file appears whole or not at all."""
    report = report or (lambda *a: None)
    should_stop = should_stop or (lambda: False)
    total = len(data.excerpts)
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(COLUMNS)
            for i in range(0, total, 5000):
                if should_stop():
                    raise Cancelled("the export was cancelled; no file was written")
                w.writerows(guard_row(ex.row()) for ex in data.excerpts[i:i + 5000])
                report(min(total, i + 5000), total, "Writing rows")
            if should_stop():
                raise Cancelled("the export was cancelled; no file was written")
    return total
