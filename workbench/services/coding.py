"""Applying and removing codes on passages: the action researchers repeat all day."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, literal, select, update
from sqlalchemy.orm import Session

from workbench.core.changes import Changes, Kind
from workbench.core.errors import ConflictError, NotFoundError, ValidationError, WorkbenchError
from workbench.core.gcpause import gc_paused
from workbench.core.ids import new_guid
from workbench.core.names import name_key
from workbench.core.paths import split_path
from workbench.core.timeutil import now_iso
from workbench.services.codebook import CodeMaker
from workbench.services.coders import ensure_coder
from workbench.services.lookup import code_by_path, source_by_name
from workbench.services.memos import set_memo_in
from workbench.services.tombstones import bury, unbury
from workbench.services.versions import gone_words
from workbench.store.bulk import existing_keys, insert_codings, present_ids, source_lengths
from workbench.store.models import Code, Coding, Memo, Source, Tombstone
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
    if not items:
        return Changes()
    # Hundreds of thousands of plain tuples are built here for a large `code --batch`, "code all
    # hits" or undo; they hold no cycles, and the collector's passes over them were a tenth of the
    # time at XL.
    with gc_paused():
        return _apply_codes_in(session, items)


def _apply_codes_in(session: Session, items: list[NewCoding]) -> Changes:
    changes = Changes()
    known_codes, lengths = _hold(session, {it.code_id for it in items}, {it.source_id for it in items})
    known_coders = present_ids(session, "coder", {it.coder_id for it in items})
    # Checked first: an offset past any text (even past 64 bits) is refused, never sent to SQLite.
    # One pass of plain comparisons; _check says what is wrong with the first row that fails.
    keys = []
    for it in items:
        length = lengths.get(it.source_id)
        if length is None or it.code_id not in known_codes or it.coder_id not in known_coders \
                or not (0 <= it.start < it.end <= length):
            _check(it, lengths, known_codes, known_coders)
        keys.append((it.source_id, it.code_id, it.coder_id, it.start, it.end))
    existing = existing_keys(session, set(keys))
    now = now_iso()
    rows, memos, pairs = [], [], set()
    for it, key in zip(items, keys):
        if key in existing:
            changes.warnings.append(f"passage {it.start}-{it.end} already has this code by this coder; skipped")
            continue
        existing.add(key)
        guid = it.guid or new_guid()
        rows.append((guid, *key, it.created_at or now))
        pairs.add(key[:2])
        if it.memo:
            memos.append((guid, it))
    if not rows:
        return changes
    # Tens of thousands of codings go in at once when merging, coding all hits or undoing:
    # store.bulk writes them at the driver's speed.
    ids = insert_codings(session, rows)
    if memos:
        ids_by_guid = {guid: cid for cid, guid in ids}
        for guid, it in memos:
            changes.add("created", Kind.MEMO, set_memo_in(session, "coding", ids_by_guid[guid], it.memo,
                                                          author_id=it.coder_id))
    restored = [it.guid for it in items if it.guid]
    if restored:  # a new GUID was never buried
        unbury(session, restored)
    changes.add("created", Kind.CODING, *(cid for cid, _ in ids))
    return _counted(changes, pairs)


def _hold(session: Session, code_ids: set[int], source_ids: set[int]) -> tuple[set[int], dict[int, int]]:
    """The codes that exist and the sources' lengths, each row key-share-locked until the
    transaction ends (docs/team.md; the lock the coding's foreign keys take anyway, taken before
    the checks): a delete or merge of one of them, which locks it for update, then waits for this
    coding or this for it; codings beside each other, and renames, do not wait. One that went while
    this coding waited is named, from its tombstone: "the code 'x' was deleted by alice"."""
    codes = select(Code.id).where(Code.id.in_(code_ids))
    lengths = select(Source.id, Source.length).where(Source.id.in_(source_ids))
    if session.get_bind().dialect.name != "postgresql":  # a file has one writer at a time
        return present_ids(session, "code", code_ids), source_lengths(session, source_ids)
    # What they are called, read first, unlocked, in one statement: to name one gone meanwhile.
    seen = {(r.kind, r.id): (r.guid, r.name) for r in session.execute(
        select(literal("code").label("kind"), Code.id, Code.guid, Code.name).where(Code.id.in_(code_ids))
        .union_all(select(literal("source"), Source.id, Source.guid, Source.name).where(Source.id.in_(source_ids))))}
    known = set(session.scalars(codes.order_by(Code.id).with_for_update(read=True, key_share=True)))
    found = dict(session.execute(lengths.order_by(Source.id).with_for_update(read=True, key_share=True)).all())
    for kind, there in (("code", known), ("source", found)):
        for k, rid in sorted(seen):
            if k == kind and rid not in there:  # there a moment ago: it went while this coding waited
                raise ConflictError(f"{gone_words(session, kind, *seen[(k, rid)])} meanwhile; "
                                    "your coding was not made")
    return known, found


def _counted(changes: Changes, pairs) -> Changes:
    """Name the sources and codes, (source id, code id) pairs, whose codings came or went."""
    return changes.add("counts", Kind.SOURCE, *{s for s, _ in pairs}).add("counts", Kind.CODE, *{c for _, c in pairs})


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


def apply_codes(project: Project, items: list[NewCoding]) -> Changes:
    """Apply several codings as one action: all stored, or none."""
    with project.transaction() as s:
        return apply_codes_in(s, items)


def apply_code(
    project: Project, source_id: int, code_id: int, coder_id: int, start: int, end: int, memo: str | None = None
) -> Changes:
    """Code one passage; Changes.created[Kind.CODING] holds the new id."""
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


def remove_codings(project: Project, ids: list[int], deleted_by: str = "") -> Changes:
    """Remove codings (and their memos) as one action; `result` holds the CodingRecords, for undo."""
    with project.transaction() as s:
        memo_ids = list(s.scalars(select(Memo.id).where(Memo.coding_id.in_(ids))))
        records = remove_codings_in(s, ids, deleted_by)
    changes = Changes().add("deleted", Kind.CODING, *[r.id for r in records]).add("deleted", Kind.MEMO, *memo_ids)
    return _counted(changes, [(r.source_id, r.code_id) for r in records]).with_result(records)


def coding_memo_rows(project: Project, coding_ids: list[int]) -> dict[str, dict]:
    """The memo rows of these codings by coding GUID (all but their ids), taken before a removal
    so that `restore_codings` can give the memos back their GUIDs, authors and dates."""
    cols = [c for c in Memo.__table__.c if c.name not in ("id", "coding_id")]
    with project.reading() as s:
        rows = s.execute(select(Coding.guid.label("coding_guid"), *cols).join(Memo, Memo.coding_id == Coding.id)
                         .where(Coding.id.in_(coding_ids))).all()
    return {r.coding_guid: {c.name: r._mapping[c] for c in cols} for r in rows}


def restore_codings(project: Project, records: list[CodingRecord], memo_rows: dict[str, dict] | None = None
                    ) -> Changes:
    """Put removed codings back with their GUIDs, memos and creation times (undo of removal).

    With `memo_rows` (from `coding_memo_rows`) the re-made memos get their old GUIDs, authors
    and dates back in the same transaction, so a merge with a colleague's copy sees the same
    memo and not a new one.
    """
    items = [
        NewCoding(r.source_id, r.code_id, r.coder_id, r.start, r.end, r.memo, guid=r.guid, created_at=r.created_at)
        for r in records
    ]
    with project.transaction() as s:
        changes = apply_codes_in(s, items)
        if memo_rows:
            ids = dict(s.execute(select(Coding.guid, Coding.id).where(Coding.guid.in_(list(memo_rows)))).all())
            for coding_guid, row in memo_rows.items():
                if coding_guid in ids:
                    s.execute(update(Memo).where(Memo.coding_id == ids[coding_guid]).values(
                        **{**row, "version": Memo.version + 1}))  # on to a new version, never back (docs/team.md)
    return changes


def coding_id_by_guid(session: Session, guid: str) -> int:
    cid = session.scalar(select(Coding.id).where(Coding.guid == guid.strip().strip("{}").lower()))
    if cid is None:
        raise NotFoundError("coding", guid)
    return cid


@dataclass(frozen=True)
class NamedCoding:
    """A coding asked for by names, as a user or a script writes it (`workbench code`, `--batch`).

    `where` says where it came from ("codings.csv: line 7"); every error about it starts so.
    An empty coder means the default coder.
    """

    source: str
    code: str
    start: int
    end: int
    coder: str | None = None
    memo: str | None = None
    where: str | None = None


def apply_named_codings_in(session: Session, rows: list[NamedCoding], *, create: bool = False,
                           default_coder: str | None = None) -> Changes:
    """Check every row as one coding is checked (names known, offsets inside the text, not a
    repeat of a coding there or of an earlier row), then code them all at once.

    The first bad row in order raises, named by its `where`; the caller's transaction then
    leaves the project as it was. With create, missing codes (and their parents) are made;
    an unknown coder is recorded, as for one coding.
    """
    names = _Names(session, create, default_coder)
    resolved: list[tuple[int, int, int, int, int]] = []
    failure = None
    for row in rows:
        try:
            resolved.append((*names.resolve(row), row.start, row.end))
        except WorkbenchError as exc:
            failure = ValidationError(_at(row, str(exc)))
            break
    # Repeats are checked for the rows before the first bad one, so the first bad row is named.
    there = existing_keys(session, {k for k in resolved if k[1] > 0})  # a code made now holds nothing yet
    seen: dict[tuple, NamedCoding] = {}
    for row, key in zip(rows, resolved):
        if key in there:
            raise ValidationError(_at(row, f"{row.source} {row.start}-{row.end} already has code {row.code!r} "
                                           f"by {row.coder or default_coder}"))
        if key in seen:
            raise ValidationError(_at(row, f"repeats {seen[key].where or 'an earlier coding'}"))
        seen[key] = row
    if failure is not None:
        raise failure
    made = names.maker.write()
    items = [NewCoding(sid, made.get(cid, cid), kid, start, end, row.memo or None)
             for row, (sid, cid, kid, start, end) in zip(rows, resolved)]
    changes = apply_codes_in(session, items)
    return changes.add("created", Kind.CODE, *made.values()) if made else changes


class _Names:
    """The sources, codes and coders rows name, each looked up once."""

    def __init__(self, session: Session, create: bool, default_coder: str | None):
        self.session, self.create, self.default_coder = session, create, default_coder
        self.maker = CodeMaker(session)
        self.sources: dict[str, tuple[int, int]] = {}  # name key -> (id, length)
        self.coders: dict[str, int] = {}

    def resolve(self, row: NamedCoding) -> tuple[int, int, int]:
        """(source id, code id, coder id) of a row whose offsets fit; a code made now has a
        provisional (negative) id."""
        key = name_key(row.source)
        if key not in self.sources:
            sid = source_by_name(self.session, row.source)
            self.sources[key] = (sid, self.session.scalar(select(Source.length).where(Source.id == sid)))
        sid, length = self.sources[key]
        try:
            parts = split_path(row.code)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        coder = row.coder or self.default_coder
        if not coder:
            raise ValidationError("the project has no coder yet; name one with --coder")
        if name_key(coder) not in self.coders:
            self.coders[name_key(coder)] = ensure_coder(self.session, coder)
        cid = self.maker.find(parts)
        if cid is None:
            if not self.create:
                _deleted_code(self.session, "/".join(parts))  # someone deleted it meanwhile: say who
                code_by_path(self.session, row.code)  # raises, with the nearest paths
            cid, _ = self.maker.ensure(parts, created_by_id=self.coders[name_key(coder)])  # who made it
        if not (0 <= row.start < row.end <= length):
            raise ValidationError(f"offsets {row.start}-{row.end} do not fit the source (it has {length} "
                                  "characters; start must be below end)")
        return sid, cid, self.coders[name_key(coder)]


def _deleted_code(session: Session, path: str) -> None:
    """Raise ConflictError naming who deleted (or merged away) the code at path, when its latest
    tombstone says so (docs/team.md); nothing when no code of that path was ever deleted."""
    stone = session.execute(select(Tombstone.guid, Tombstone.detail).where(
        Tombstone.kind == "code", (Tombstone.detail == path) | Tombstone.detail.startswith(f"{path} merged into guid:"))
        .order_by(Tombstone.deleted_at.desc()).limit(1)).first()
    if stone is not None:
        raise ConflictError(f"{gone_words(session, 'code', stone.guid, path)}; the coding was not made")


def _at(row: NamedCoding, message: str) -> str:
    return f"{row.where}: {message}" if row.where else message
