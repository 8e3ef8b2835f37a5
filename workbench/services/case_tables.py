"""The case tables kept whole and written back whole: undo and redo of a cases-from-CSV import.

An import of cases may touch every case, attribute, value and link, so its undo keeps the four
tables as they were before and after it and writes one or the other back, one transaction each.
"""
from __future__ import annotations

from sqlalchemy import delete, insert, select, update

from workbench.core.changes import Changes, Kind
from workbench.store.models import AttributeValue, Base, CaseSource
from workbench.store.project import Project

TABLES = ("case_", "attribute", "attribute_value", "case_source")
CaseTables = dict[str, list[dict]]  # table name -> its rows


def case_tables(project: Project) -> CaseTables:
    """Every row of the case tables (inside an operation: as the steps before wrote them)."""
    t = Base.metadata.tables
    with project.reading() as s:
        return {name: [dict(r._mapping) for r in s.execute(select(t[name]))] for name in TABLES}


def restore_case_tables(project: Project, state: CaseTables) -> Changes:
    """Make the case tables hold exactly `state`: cases and attributes keep their ids (rows not in
    it go, missing ones come back, changed ones are written back), values and links are written
    anew. The Changes names exactly what differed; values and links by the case they belong to."""
    t = Base.metadata.tables
    changes = Changes()
    with project.transaction() as s:
        came_went: set[int] = set()
        for name, kind in (("case_", Kind.CASE), ("attribute", Kind.ATTRIBUTE)):
            want = {r["id"]: r for r in state[name]}
            have = {r.id: dict(r._mapping) for r in s.execute(select(t[name]))}
            gone = sorted(set(have) - set(want))
            if gone:
                s.execute(delete(t[name]).where(t[name].c.id.in_(gone)))
            missing = [r for i, r in want.items() if i not in have]
            if missing:
                s.execute(insert(t[name]), missing)
            for i, row in want.items():
                if i in have and have[i] != row:
                    s.execute(update(t[name]).where(t[name].c.id == i).values(**row))
                    changes.add("updated", kind, i)
            changes.add("deleted", kind, *gone).add("created", kind, *sorted(r["id"] for r in missing))
            if name == "case_":
                came_went = set(gone) | {r["id"] for r in missing}
        for name, model, kind in (("attribute_value", AttributeValue, Kind.VALUE), ("case_source", CaseSource, Kind.LINK)):
            have = {_key(r._mapping) for r in s.execute(select(t[name]))}
            want = {_key(r) for r in state[name]}
            s.execute(delete(model))
            if state[name]:
                s.execute(insert(t[name]), state[name])
            changes.add("updated", kind, *sorted({dict(k)["case_id"] for k in have ^ want} - came_went))
    return changes


def _key(row) -> tuple:
    return tuple(sorted(dict(row).items()))
