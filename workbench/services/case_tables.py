"""The case tables kept whole, and what an import changed in them written back: undo and redo of
a cases-from-CSV import.

An import of cases may touch every case, attribute, value and link, so its undo keeps the four
tables as they were before and after it. Undo writes back what differs between the two, to the
state before; redo to the state after; one transaction each. Rows the import did not change stay
as they are now: undo is your own (docs/team.md), so a case a colleague renamed or made in the
meantime keeps its name, or stays.
"""
from __future__ import annotations

from sqlalchemy import delete, insert, select, tuple_, update

from workbench.core.changes import Changes, Kind
from workbench.core.errors import ConflictError
from workbench.services.versions import unversioned
from workbench.store.models import Base, bumped
from workbench.store.project import Project

TABLES = ("case_", "attribute", "attribute_value", "case_source")
CaseTables = dict[str, list[dict]]  # table name -> its rows
_KEYS = {"case_": ("id",), "attribute": ("id",), "attribute_value": ("case_id", "attribute_id"),
         "case_source": ("case_id", "source_id")}
_KINDS = {"case_": Kind.CASE, "attribute": Kind.ATTRIBUTE, "attribute_value": Kind.VALUE,
          "case_source": Kind.LINK}


def case_tables(project: Project) -> CaseTables:
    """Every row of the case tables (inside an operation: as the steps before wrote them)."""
    t = Base.metadata.tables
    with project.reading() as s:
        return {name: [dict(r._mapping) for r in s.execute(select(t[name]))] for name in TABLES}


def _by_key(name: str, rows) -> dict[tuple, dict]:
    return {tuple(r[c] for c in _KEYS[name]): dict(r) for r in rows}


def restore_case_tables(project: Project, state: CaseTables, since: CaseTables) -> Changes:
    """Write back what differs between `since` (the tables as the action left them) and `state`
    (as they are to be): rows in `since` only go, rows in `state` only come back with their ids,
    rows in both take `state`'s content at a new version. Every other row stays as it is now.

    A row to write back that is no longer as `since` has it (changed, deleted or made by someone
    else since) refuses the whole restore with a ConflictError naming it, and nothing changes.
    The Changes names exactly what was written; values and links by the case they belong to."""
    t = Base.metadata.tables
    changes = Changes()
    with project.transaction() as s:
        plans = []
        for name in TABLES:
            table, keys = t[name], _KEYS[name]
            want, was = _by_key(name, state[name]), _by_key(name, since[name])
            touched = sorted(k for k in want.keys() | was.keys() if unversioned(want.get(k)) != unversioned(was.get(k)))
            have: dict[tuple, dict] = {}
            cols = [table.c[c] for c in keys]
            for i in range(0, len(touched), 400):
                chunk = touched[i : i + 400]
                where = cols[0].in_([k[0] for k in chunk]) if len(cols) == 1 else tuple_(*cols).in_(chunk)
                have.update(_by_key(name, (r._mapping for r in s.execute(select(table).where(where)))))
            for k in touched:
                if unversioned(have.get(k)) != unversioned(was.get(k)):
                    raise ConflictError(_refusal(s, name, k, was.get(k), have.get(k)))
            plans.append((name, table, cols, want, have, touched))
        came_went: set[int] = set()
        for name, table, cols, want, have, touched in plans:
            kind = _KINDS[name]
            gone = [k for k in touched if k not in want and k in have]
            back = [want[k] for k in touched if k in want and k not in have]
            rewrite = [k for k in touched if k in want and k in have]
            for k in gone:
                s.execute(delete(table).where(*(c == v for c, v in zip(cols, k))))
            if back:
                s.execute(insert(table), back)
            for k in rewrite:
                s.execute(update(table).where(*(c == v for c, v in zip(cols, k))).values(**{**want[k], **bumped(table)}))
            if kind in (Kind.CASE, Kind.ATTRIBUTE):
                changes.add("updated", kind, *[k[0] for k in rewrite])
                changes.add("deleted", kind, *[k[0] for k in gone]).add("created", kind, *[r["id"] for r in back])
                if kind is Kind.CASE:
                    came_went = {k[0] for k in gone} | {r["id"] for r in back}
            else:
                changes.add("updated", kind, *sorted({k[0] for k in touched} - came_went))
    return changes


def _refusal(session, name: str, key: tuple, was: dict | None, now: dict | None) -> str:
    """Why a row cannot be written back, in the words of the window's undo check."""
    t = Base.metadata.tables
    if name in ("case_", "attribute"):
        what = f"the {'case' if name == 'case_' else 'attribute'} {(was or now)['name']!r}"
    else:
        case = session.execute(select(t["case_"].c.name).where(t["case_"].c.id == key[0])).scalar()
        other = t["attribute"] if name == "attribute_value" else t["source"]
        label = session.execute(select(other.c.name).where(other.c.id == key[1])).scalar()
        case = repr(case) if case is not None else "a deleted case"
        what = (f"the value of {label!r} for the case {case}" if name == "attribute_value"
                else f"the link of the case {case} to the source {label!r}")
    if was is None:
        return f"{what} was made by someone else since; the import was not undone or redone"
    if now is None:
        return f"{what} was deleted by someone else since; the import was not undone or redone"
    return f"{what} was changed by someone else since; the import was not undone or redone"
