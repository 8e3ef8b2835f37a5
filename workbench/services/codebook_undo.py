"""Merging codes so that it can be undone: `merge_codes` keeps no undo record, so this keeps the rows.

`merge_codes_kept` copies every row a merge of codes can touch (the codes and their children,
the codings of the merged codes and of the target, and the memos of all of them), then merges,
in one transaction; `unmerge_codes` writes those rows back (re-inserting what went, resetting
what moved or was appended to) in one transaction. The window's undo calls the pair (issue 13:
the UI writes no rows itself).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import insert, or_, select, update

from workbench.core.changes import Changes, Kind
from workbench.services.codebook import merge_codes
from workbench.services.tombstones import unbury
from workbench.store.models import Code, Coding, Memo
from workbench.store.project import Project


@dataclass
class MergeSnapshot:
    """The rows a merge of `source_ids` into `target_id` could change, as they were before it."""

    source_ids: list[int]
    target_id: int
    codes: list[dict] = field(default_factory=list)
    codings: list[dict] = field(default_factory=list)
    memos: list[dict] = field(default_factory=list)


def _snapshot(s, source_ids: list[int], target_id: int) -> MergeSnapshot:
    ids = list(source_ids) + [target_id]
    snap = MergeSnapshot(list(source_ids), target_id)
    snap.codes = [dict(r._mapping) for r in s.execute(
        select(Code.__table__).where(or_(Code.id.in_(ids), Code.parent_id.in_(ids))))]
    # The target's codings too: a repeat folded into one of them moves or appends its memo there.
    snap.codings = [dict(r._mapping) for r in s.execute(select(Coding.__table__).where(Coding.code_id.in_(ids)))]
    coding_ids = [c["id"] for c in snap.codings]
    snap.memos = [dict(r._mapping) for r in s.execute(
        select(Memo.__table__).where(or_(Memo.code_id.in_(ids), Memo.coding_id.in_(coding_ids))))]
    return snap


def merge_codes_kept(project: Project, source_ids: list[int], target_id: int, deleted_by: str = "") -> Changes:
    """`merge_codes`, with `result` the MergeSnapshot that `unmerge_codes` puts back."""
    with project.transaction() as s:
        snap = _snapshot(s, source_ids, target_id)
        changes = merge_codes(project, source_ids, target_id, deleted_by)  # joins this transaction
    return changes.with_result(snap)


def unmerge_codes(project: Project, snap: MergeSnapshot) -> Changes:
    """Undo a merge of codes: every kept row back as it was (same ids and GUIDs), tombstones lifted.

    The Changes names exactly the rows that differed: those re-inserted as created, those written
    back as updated, and the codes, sources and memo targets whose codings or memos moved.
    """
    changes = Changes()
    with project.transaction() as s:
        now = {c["id"]: c for c in _current(s, Code, [c["id"] for c in snap.codes])}
        by_id = {c["id"]: c for c in snap.codes}
        done: set[int] = set(now)

        def put(row: dict) -> None:  # parents first
            if row["id"] in done:
                return
            parent = by_id.get(row["parent_id"])
            if parent is not None:
                put(parent)
            s.execute(insert(Code), [row])
            done.add(row["id"])

        for row in snap.codes:
            put(row)
        for row in snap.codes:
            if row["id"] in now and not _same(now[row["id"]], row):
                s.execute(update(Code).where(Code.id == row["id"]).values(**_next_version(Code, row)))
        changes.add("created", Kind.CODE, *[c["id"] for c in snap.codes if c["id"] not in now])
        changes.add("updated", Kind.CODE, *[c["id"] for c in snap.codes
                                            if c["id"] in now and not _same(now[c["id"]], c)])
        for old, new in _put_back(s, Coding, Kind.CODING, snap.codings, changes):
            for r in (old, new):
                if r is not None:
                    changes.add("counts", Kind.CODE, r["code_id"]).add("counts", Kind.SOURCE, r["source_id"])
        for old, new in _put_back(s, Memo, Kind.MEMO, snap.memos, changes):
            for r in (old, new):
                for col, kind in (("source_id", Kind.SOURCE), ("case_id", Kind.CASE), ("code_id", Kind.CODE),
                                  ("coding_id", Kind.CODING)):
                    if r is not None and r[col] is not None:
                        changes.add("counts", kind, r[col])
        unbury(s, [r["guid"] for r in snap.codes + snap.codings + snap.memos])
    for what in ("created", "updated", "counts"):
        for kind, ids in getattr(changes, what).items():
            ids[:] = sorted(set(ids))
    return changes


def _same(a: dict, b: dict) -> bool:
    """The same row but for its version."""
    return {k: v for k, v in a.items() if k != "version"} == {k: v for k, v in b.items() if k != "version"}


def _next_version(table, row: dict) -> dict:
    """A row written back goes on to a new version, never back to its old one: a version is never
    seen twice, or a change made from the old view would pass its check (docs/team.md)."""
    values = dict(row)
    if "version" in values:
        values["version"] = table.version + 1
    return values


def _current(session, table, ids: list[int]) -> list[dict]:
    return [dict(r._mapping) for r in session.execute(select(table.__table__).where(table.id.in_(ids)))]


def _put_back(session, table, kind: Kind, rows: list[dict], changes: Changes) -> list[tuple[dict | None, dict]]:
    """Write kept rows back (update the ones still there, insert the others); record them on
    `changes`; return the (row as it was, row as kept) pairs that differed."""
    if not rows:
        return []
    now = {r["id"]: r for r in _current(session, table, [r["id"] for r in rows])}
    differed = []
    for row in rows:
        old = now.get(row["id"])
        if old is None:
            session.execute(insert(table), [row])
            changes.add("created", kind, row["id"])
        elif not _same(old, row):
            session.execute(update(table).where(table.id == row["id"]).values(**_next_version(table, row)))
            changes.add("updated", kind, row["id"])
        else:
            continue
        differed.append((old, row))
    return differed
