"""Applying and removing codes on passages: the action researchers repeat all day."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, insert, select, tuple_
from sqlalchemy.orm import Session

from workbench.core.changes import Changes
from workbench.core.errors import NotFoundError, ValidationError
from workbench.core.ids import new_guid
from workbench.core.timeutil import now_iso
from workbench.services.memos import set_memo_in
from workbench.services.tombstones import bury, unbury
from workbench.store.models import Code, Coder, Coding, Memo, Source
from workbench.store.project import Project


@dataclass(frozen=True)
class NewCoding:
    """A coding to apply. `guid` and `created_at` are given when restoring (undo) or merging."""

    source_id: int
    code_id: int
    coder_id: int
    start: int
    end: int
    memo: str | None = None
    guid: str | None = None
    created_at: str | None = None


@dataclass(frozen=True)
class CodingRecord:
    """A coding as it was when removed, enough to put it back exactly (same GUID)."""

    id: int
    guid: str
    source_id: int
    code_id: int
    coder_id: int
    start: int
    end: int
    created_at: str
    memo: str | None


def apply_codes_in(session: Session, items: list[NewCoding]) -> Changes:
    """Insert codings after checking offsets against each source's length.

    The same code on the same passage by the same coder is one coding: such a
    repeat is skipped with a warning rather than stored twice.
    """
    changes = Changes()
    if not items:
        return changes
    source_ids = {it.source_id for it in items}
    lengths = dict(session.execute(select(Source.id, Source.length).where(Source.id.in_(source_ids))).all())
    code_ids = {it.code_id for it in items}
    known_codes = set(session.scalars(select(Code.id).where(Code.id.in_(code_ids))))
    coder_ids = {it.coder_id for it in items}
    known_coders = set(session.scalars(select(Coder.id).where(Coder.id.in_(coder_ids))))
    for it in items:
        _check(it, lengths, known_codes, known_coders)
    # Checked first: an offset past any text (even past 64 bits) is refused, never sent to SQLite.
    existing = _existing_keys(session, {(it.source_id, it.code_id, it.coder_id, it.start, it.end) for it in items})
    now = now_iso()
    rows = []
    for it in items:
        key = (it.source_id, it.code_id, it.coder_id, it.start, it.end)
        if key in existing:
            changes.warnings.append(f"passage {it.start}-{it.end} already has this code by this coder; skipped")
            continue
        existing.add(key)
        rows.append(
            {
                "guid": it.guid or new_guid(),
                "source_id": it.source_id,
                "code_id": it.code_id,
                "coder_id": it.coder_id,
                "start": it.start,
                "end": it.end,
                "created_at": it.created_at or now,
            }
        )
    if not rows:
        return changes
    # Core inserts: tens of thousands of codings go in at once when merging or benchmarking.
    result = session.execute(insert(Coding).returning(Coding.id, Coding.guid), rows)
    ids_by_guid = {r.guid: r.id for r in result}
    memo_items = [(it, r["guid"]) for it, r in zip(_kept(items, rows), rows) if it.memo]
    for it, guid in memo_items:
        set_memo_in(session, "coding", ids_by_guid[guid], it.memo, author_id=it.coder_id)
    unbury(session, [r["guid"] for r in rows])
    changes.add("created", "coding", *ids_by_guid.values())
    return changes


def _check(it: NewCoding, lengths: dict, known_codes: set, known_coders: set) -> None:
    length = lengths.get(it.source_id)
    if length is None:
        raise NotFoundError("source", f"#{it.source_id}")
    if it.code_id not in known_codes:
        raise NotFoundError("code", f"#{it.code_id}")
    if it.coder_id not in known_coders:
        raise NotFoundError("coder", f"#{it.coder_id}")
    if not (0 <= it.start < it.end <= length):
        raise ValidationError(
            f"offsets {it.start}-{it.end} do not fit the source (it has {length} characters; "
            "start must be below end)"
        )


def _existing_keys(session: Session, keys: set[tuple]) -> set[tuple]:
    """Which of these (source, code, coder, start, end) keys are already codings.

    Asks for the exact keys (row-value IN, served by the source/start index), so the
    cost follows the batch, not the number of codings in the project.
    """
    cols = (Coding.source_id, Coding.code_id, Coding.coder_id, Coding.start, Coding.end)
    found: set[tuple] = set()
    keys_list = list(keys)
    for i in range(0, len(keys_list), 400):
        chunk = keys_list[i : i + 400]
        found.update(map(tuple, session.execute(select(*cols).where(tuple_(*cols).in_(chunk)))))
    return found


def _kept(items: list[NewCoding], rows: list[dict]) -> list[NewCoding]:
    """The items that became rows, in order (repeats were skipped)."""
    by_key = {}
    for it in items:
        by_key.setdefault((it.source_id, it.code_id, it.coder_id, it.start, it.end), it)
    return [by_key[(r["source_id"], r["code_id"], r["coder_id"], r["start"], r["end"])] for r in rows]


def apply_codes(project: Project, items: list[NewCoding]) -> Changes:
    """Apply several codings as one action: all stored, or none."""
    with project.transaction() as s:
        return apply_codes_in(s, items)


def apply_code(
    project: Project, source_id: int, code_id: int, coder_id: int, start: int, end: int, memo: str | None = None
) -> Changes:
    """Code one passage; Changes.created['coding'] holds the new id."""
    return apply_codes(project, [NewCoding(source_id, code_id, coder_id, start, end, memo)])


def coding_records(session: Session, ids: list[int]) -> list[CodingRecord]:
    rows = session.execute(select(Coding).where(Coding.id.in_(ids))).scalars().all()
    memos = dict(session.execute(select(Memo.coding_id, Memo.text).where(Memo.coding_id.in_(ids))).all())
    return [
        CodingRecord(c.id, c.guid, c.source_id, c.code_id, c.coder_id, c.start, c.end, c.created_at, memos.get(c.id))
        for c in rows
    ]


def remove_codings_in(session: Session, ids: list[int], deleted_by: str = "") -> list[CodingRecord]:
    records = coding_records(session, ids)
    found = {r.id for r in records}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFoundError("coding", f"#{missing[0]}")
    bury(session, "coding", [(r.guid, f"{r.source_id}:{r.start}-{r.end}") for r in records], deleted_by)
    session.execute(delete(Coding).where(Coding.id.in_(ids)))
    return records


def remove_codings(project: Project, ids: list[int], deleted_by: str = "") -> list[CodingRecord]:
    """Remove codings as one action; returns what was removed, for undo."""
    with project.transaction() as s:
        return remove_codings_in(s, ids, deleted_by)


def restore_codings(project: Project, records: list[CodingRecord]) -> Changes:
    """Put removed codings back with their GUIDs, memos and creation times (undo of removal)."""
    items = [
        NewCoding(r.source_id, r.code_id, r.coder_id, r.start, r.end, r.memo, guid=r.guid, created_at=r.created_at)
        for r in records
    ]
    return apply_codes(project, items)


def coding_id_by_guid(session: Session, guid: str) -> int:
    cid = session.scalar(select(Coding.id).where(Coding.guid == guid.strip().strip("{}").lower()))
    if cid is None:
        raise NotFoundError("coding", guid)
    return cid
