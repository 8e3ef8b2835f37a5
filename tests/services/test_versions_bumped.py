"""Every in-place update a service makes bumps the row's version (issue 14, item 5).

The concurrent-edit rules (docs/team.md) refuse a change made from a version that is no longer
the row's: that only holds if no write, ORM flush or Core UPDATE, leaves a changed row at its old
version. Each operation of test_changes_total's table runs on the small project; every table is
read before and after, row by row by primary key, and every row whose columns changed must have
a higher version, and every table some operation changes in place must carry one.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from test_changes_total import OPERATIONS, _csv  # the one table of every service write
from workbench.services import cases as cs
from workbench.store.models import VERSIONED, Base

# Bookkeeping rows that no person edits and no version check guards.
UNGUARDED = {"project_meta", "tombstone", "project"}


def _by_key(project) -> dict[str, dict]:
    out = {}
    with project.reading() as s:
        for name, table in Base.metadata.tables.items():
            pk = [c.name for c in table.primary_key.columns]
            out[name] = {tuple(r[c] for c in pk): r for r in (dict(m._mapping) for m in s.execute(select(table)))}
    return out


@pytest.mark.parametrize("name,setup,op", OPERATIONS, ids=[o[0] for o in OPERATIONS])
def test_every_row_changed_in_place_has_a_higher_version(project, tmp_path, name, setup, op):
    if name == "import_cases_csv":
        path = _csv(project, tmp_path)
        setup, op = None, (lambda p, a: cs.import_cases_csv(p, path))
    arg = setup(project) if setup else None
    before = _by_key(project)
    op(project, arg)
    after = _by_key(project)
    unbumped, unversioned = [], []
    for table in Base.metadata.tables:
        old, new = before[table], after[table]
        for key in set(old) & set(new):
            a = {k: v for k, v in old[key].items() if k != "version"}
            b = {k: v for k, v in new[key].items() if k != "version"}
            if a == b:
                assert old[key].get("version") == new[key].get("version"), f"{name}: {table} {key} bumped, unchanged"
                continue
            if table in VERSIONED:
                if not new[key]["version"] > old[key]["version"]:
                    unbumped.append((table, key, old[key]["version"], new[key]["version"]))
            elif table not in UNGUARDED:
                unversioned.append((table, sorted(k for k in a if a[k] != b[k])))
    assert unbumped == [], f"{name}: rows changed in place at their old version: {unbumped}"
    assert unversioned == [], f"{name}: rows changed in place in a table without a version: {unversioned}"
