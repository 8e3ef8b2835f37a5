"""The cases × attributes table as CSV, in the format `import_cases_csv` reads back.

Every text cell is guarded against spreadsheet formulas (core/csv_cells.py, issue 12) and
the import removes that guard again, so names and values come back as they were.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import select

from workbench.core.csv_cells import guard_row
from workbench.io.atomic import atomic_write_text
from workbench.services.cases import case_table
from workbench.store.models import Source
from workbench.store.project import Project


def export_cases_csv(project: Project, path: str | Path) -> int:
    """Write the cases × attributes table; returns the case count."""
    cases, attrs = case_table(project)
    with project.reading() as s:
        names = dict(s.execute(select(Source.id, Source.name)).all())
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(guard_row(["case"] + [a.name for a in attrs] + ["sources"]))
    for c in cases:
        out.writerow(guard_row([c.name] + [c.values.get(a.id, "") for a in attrs]
                               + ["; ".join(names[i] for i in c.source_ids)]))
    atomic_write_text(path, "\ufeff" + buf.getvalue())  # a BOM, so spreadsheet programs read UTF-8
    return len(cases)
