"""Merging codes so that it can be undone: `merge_codes` keeps no undo record, so this keeps the rows.

`merge_codes_kept` copies every row a merge of codes can touch (the codes and their children,
the codings of the merged codes and of the target, and the memos of all of them), then merges,
and copies the same rows as the merge left them, in one transaction; `unmerge_codes` writes
back the rows that differ between the two (re-inserting what went, resetting what moved or was
appended to) in one transaction, and leaves the others as they are by then. The window's undo
calls the pair (issue 13: the UI writes no rows itself).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, insert, or_, select, update

from workbench.core.changes import Changes, Kind
from workbench.core.errors import ConflictError
from workbench.services.codebook import merge_codes
from workbench.services.tombstones import unbury
from workbench.services.versions import unversioned
from workbench.store.models import Code, Coding, Memo, bumped
from workbench.store.project import Project


@dataclass
class MergeSnapshot:
    """The rows a merge of `source_ids` into `target_id` could change, as they were before it,
    and in `after` ("codes", "codings", "memos") the same rows as the merge left them (a row it
    deleted is absent)."""

    source_ids: list[int]
    target_id: int
    codes: list[dict] = field(default_factory=list)
    codings: list[dict] = field(default_factory=list)
    memos: list[dict] = field(default_factory=list)
    after: dict[str, list[dict]] = field(default_factory=dict)


_TABLES = (("codes", Code, Kind.CODE), ("codings", Coding, Kind.CODING), ("memos", Memo, Kind.MEMO))


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
        later = _snapshot(s, source_ids, target_id)
        for name, table, _ in _TABLES:
            ids = {r["id"] for r in getattr(snap, name)} | {r["id"] for r in getattr(later, name)}
            snap.after[name] = _current(s, table, sorted(ids))
    return changes.with_result(snap)


def unmerge_codes(project: Project, snap: MergeSnapshot) -> Changes:
    """Undo a merge of codes: what the merge changed back as it was (same ids and GUIDs), the
    tombstones of what it deleted lifted. Rows the merge did not change stay as they are now, so
    a colleague's coding deleted, or memo written, on the target since is not undone with it.

    A row to put back that is no longer as the merge left it (someone changed or deleted it
    since) refuses the whole undo with a ConflictError naming it, and nothing changes. The
    Changes names exactly the rows that differed: those re-inserted as created, those written
    back as updated, and the codes, sources and memo targets whose codings or memos moved.
    """
    changes = Changes()
    with project.transaction() as s:
        plans = []
        for name, table, kind in _TABLES:
            was = {r["id"]: r for r in getattr(snap, name)}
            left = {r["id"]: r for r in snap.after[name]}
            touched = sorted(i for i in was.keys() | left.keys() if unversioned(was.get(i)) != unversioned(left.get(i)))
            now = {r["id"]: r for r in _current(s, table, touched)}
            for i in touched:
                if unversioned(now.get(i)) != unversioned(left.get(i)):
                    raise ConflictError(_refusal(kind, left.get(i) or now.get(i) or was[i], now.get(i)))
            plans.append((table, kind, was, now, touched))
        (_, _, code_was, code_now, code_touched), *rest = plans
        made = [i for i in code_touched if i not in code_was and i in code_now]
        back = {i: code_was[i] for i in code_touched if i in code_was and i not in code_now}

        def put(row: dict) -> None:  # parents first
            if row["id"] not in back:
                return
            parent = back.get(row["parent_id"])
            if parent is not None:
                put(parent)
            s.execute(insert(Code), [back.pop(row["id"])])
            changes.add("created", Kind.CODE, row["id"])

        restored = [code_was[i]["guid"] for i in back]
        for row in list(back.values()):
            put(row)
        for i in code_touched:
            if i in code_was and i in code_now:
                s.execute(update(Code).where(Code.id == i).values(**{**code_was[i], **bumped(Code)}))
                changes.add("updated", Kind.CODE, i)
        for table, kind, was, now, touched in rest:
            for old, new in _put_back(s, table, kind, was, now, touched, changes):
                if new is not None and old is None:
                    restored.append(new["guid"])
                for r in (old, new):
                    if r is None:
                        continue
                    if kind is Kind.CODING:
                        changes.add("counts", Kind.CODE, r["code_id"]).add("counts", Kind.SOURCE, r["source_id"])
                    for col, k in (("source_id", Kind.SOURCE), ("case_id", Kind.CASE), ("code_id", Kind.CODE),
                                   ("coding_id", Kind.CODING)):
                        if kind is Kind.MEMO and r[col] is not None:
                            changes.add("counts", k, r[col])
        if made:  # no merge makes codes; were one to, undo takes it away again
            s.execute(delete(Code).where(Code.id.in_(made)))
            changes.add("deleted", Kind.CODE, *made)
        unbury(s, restored)
    for what in ("created", "updated", "deleted", "counts"):
        for kind, ids in getattr(changes, what).items():
            ids[:] = sorted(set(ids))
    return changes


def _refusal(kind: Kind, row: dict, now: dict | None) -> str:
    """In the words of the window's undo check: what, by the name the merge left it with."""
    what = {Kind.CODE: f"the code {row.get('name')!r}", Kind.CODING: "a coding"}.get(kind, "a memo")
    how = "deleted" if now is None else "changed"
    renamed = f" (it is now {now['name']!r})" if kind is Kind.CODE and now and now["name"] != row["name"] else ""
    return f"{what} was {how} by someone else since the merge{renamed}; the merge was not undone"


def _current(session, table, ids: list[int]) -> list[dict]:
    out = []
    for i in range(0, len(ids), 500):
        out += [dict(r._mapping) for r in session.execute(select(table.__table__).where(table.id.in_(ids[i : i + 500])))]
    return out


def _put_back(session, table, kind: Kind, was: dict[int, dict], now: dict[int, dict], touched: list[int],
              changes: Changes) -> list[tuple[dict | None, dict | None]]:
    """Write the touched rows back as they `was` (update the ones still there, insert the others,
    delete those the merge made); record them on `changes`; return (row now, row as kept) pairs.
    A row updated goes on to a new version, never back to its old one, or a change made from the
    old view would pass its check (docs/team.md)."""
    differed = []
    for i in touched:
        old, row = now.get(i), was.get(i)
        if row is None:
            session.execute(delete(table).where(table.id == i))
            changes.add("deleted", kind, i)
        elif old is None:
            session.execute(insert(table), [row])
            changes.add("created", kind, i)
        else:
            session.execute(update(table).where(table.id == i).values(**{**row, **bumped(table)}))
            changes.add("updated", kind, i)
        differed.append((old, row))
    return differed
