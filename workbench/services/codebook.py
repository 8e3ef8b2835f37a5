"""The codebook tree: create, rename, move, recolour, describe, merge and delete codes."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from workbench.core.changes import Changes, Kind
from workbench.core.errors import ConflictError, NotFoundError, ValidationError
from workbench.core.ids import new_guid
from workbench.core.names import clean_name
from workbench.core.paths import name_key, split_path
from workbench.core.timeutil import now_iso
from workbench.services.lookup import CodeTree, code_by_path
from workbench.services.tombstones import bury, unbury
from workbench.services.versions import checked
from workbench.store.bulk import insert_rows
from workbench.store.models import Code, Coding, Memo, ProjectInfo, bumped
from workbench.store.project import Project

# Tableau 10: distinct, colour-blind-friendly defaults for new top-level codes.
PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"]
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def normalize_color(color: str) -> str:
    color = color.strip()
    if re.fullmatch(r"[0-9a-fA-F]{6}", color):
        color = "#" + color
    if not _COLOR.match(color):
        raise ValidationError(f"{color!r} is not a colour; write it as #rrggbb")
    return color.lower()


def _check_name(name: str) -> str:
    return clean_name("code", name)


def _sibling_clash(session: Session, parent_id: int | None, name: str, except_id: int | None = None) -> None:
    """Refuse name where a sibling's name compares equal to it (core.names), naming that sibling."""
    q = select(Code.name).where(Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id,
                                Code.name_key == name_key(name))
    if except_id is not None:
        q = q.where(Code.id != except_id)
    other = session.scalar(q)
    if other is not None:
        raise ValidationError(f"a code named {other!r} already exists there")


def _lock_siblings(session: Session, parent_id: int | None) -> None:
    """Two people making a code of one name under one parent at once: the parent's row (the
    project's for top-level codes) is locked first, so the second waits, then finds the first's
    code in the name check and is told so (docs/team.md). No-op on a file (one writer)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    if parent_id is None:  # FOR NO KEY UPDATE: codings on the parent need not wait
        session.execute(select(ProjectInfo.id).with_for_update(key_share=True))
    elif session.scalar(select(Code.id).where(Code.id == parent_id).with_for_update(key_share=True)) is None:
        raise ConflictError(f"the parent code #{parent_id} was deleted meanwhile; the code was not made")


def create_code_in(session: Session, name: str, parent_id: int | None = None, color: str | None = None,
                   description: str = "", created_by_id: int | None = None, guid: str | None = None) -> int:
    name = _check_name(name)
    _lock_siblings(session, parent_id)
    _sibling_clash(session, parent_id, name)
    siblings = session.scalar(
        select(func.count()).select_from(Code).where(
            Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id
        )
    )
    if color is None:
        if parent_id is None:
            color = PALETTE[siblings % len(PALETTE)]
        else:
            color = session.scalar(select(Code.color).where(Code.id == parent_id))
    code = Code(name=name, parent_id=parent_id, color=normalize_color(color), description=description,
                position=siblings, created_by_id=created_by_id)
    if guid:
        code.guid = guid
    session.add(code)
    session.flush()
    if guid:
        unbury(session, [guid])
    return code.id


def create_code(project: Project, name: str, parent_id: int | None = None, color: str | None = None,
                description: str = "", created_by_id: int | None = None) -> Changes:
    with project.transaction() as s:
        cid = create_code_in(s, name, parent_id, color, description, created_by_id)
    return Changes().add("created", Kind.CODE, cid)


def ensure_code_path_in(session: Session, path: str, create: bool, created_by_id: int | None = None,
                        tree: CodeTree | None = None) -> tuple[int, list[int]]:
    """The id of the code at path; with create, missing codes (and parents) are made. Returns (id, created ids)."""
    tree = tree or CodeTree(session)
    found = tree.find(path)
    if found is not None:
        return found, []
    if not create:
        code_by_path(session, path, tree)  # raises NotFoundError with suggestions
    created: list[int] = []
    parent: int | None = None
    for part in split_path(path):
        match = [] if created else [c for c in tree.children.get(parent, []) if name_key(tree.name[c]) == name_key(part)]
        if match:
            parent = match[0]
            continue
        # Below a code made just now nothing exists yet: no need to look again.
        parent = create_code_in(session, part, parent, created_by_id=created_by_id)
        created.append(parent)
    return parent, created


_CODE_COLUMNS = ("guid", "parent_id", "name", "name_key", "color", "description", "position", "created_at",
                 "updated_at", "created_by_id")


class CodeMaker:
    """Makes many codes in one session in a few statements (issue 11: importing 1,200 codes took
    11 s, the tree reloaded after every code made and each new code scanning its siblings).

    The codebook's shape is read once and kept in step with the codes made. A code made gets a
    provisional (negative) id, usable as a parent at once; `write()` inserts them all, a
    statement a level of the tree, and returns their real ids. Nothing else may change the
    codebook in the session while a maker is in use.
    """

    def __init__(self, session: Session):
        self.session = session
        self._load()

    def _load(self) -> None:
        rows = self.session.execute(select(Code.id, Code.parent_id, Code.name, Code.name_key, Code.color)).all()
        self.parent: dict[int, int | None] = {r.id: r.parent_id for r in rows}
        self.name: dict[int, str] = {r.id: r.name for r in rows}
        self.color: dict[int, str] = {r.id: r.color for r in rows}
        self._child: dict[tuple[int | None, str], int] = {(r.parent_id, r.name_key): r.id for r in rows}
        self._siblings: dict[int | None, int] = {}
        for r in rows:
            self._siblings[r.parent_id] = self._siblings.get(r.parent_id, 0) + 1
        self._pending: list[dict] = []

    def find(self, parts: list[str]) -> int | None:
        """The code at this path of names (compared by the one name rule), or None."""
        parent: int | None = None
        for part in parts:
            parent = self._child.get((parent, name_key(part)))
            if parent is None:
                return None
        return parent

    def parts(self, code_id: int) -> list[str]:
        out, cur = [], code_id
        while cur is not None:
            out.append(self.name[cur])
            cur = self.parent[cur]
        return out[::-1]

    def make(self, name: str, parent_id: int | None = None, color: str | None = None, description: str = "",
             created_by_id: int | None = None) -> int:
        """As create_code_in: a sibling whose name compares equal is refused, naming it; a new top-level
        code takes the next palette colour, a subcode its parent's. Returns a provisional id."""
        name = _check_name(name)
        key = name_key(name)
        if parent_id is not None and parent_id not in self.parent:
            raise NotFoundError("code", f"#{parent_id}")
        clash = self._child.get((parent_id, key))
        if clash is not None:
            raise ValidationError(f"a code named {self.name[clash]!r} already exists there")
        position = self._siblings.get(parent_id, 0)
        if color is None:
            color = PALETTE[position % len(PALETTE)] if parent_id is None else self.color[parent_id]
        cid = -1 - len(self._pending)
        self._pending.append(dict(guid=new_guid(), parent_id=parent_id, name=name, name_key=key,
                                  color=normalize_color(color), description=description, position=position,
                                  created_by_id=created_by_id))
        self.parent[cid], self.name[cid], self.color[cid] = parent_id, name, self._pending[-1]["color"]
        self._child[(parent_id, key)] = cid
        self._siblings[parent_id] = position + 1
        return cid

    def ensure(self, parts: list[str], created_by_id: int | None = None) -> tuple[int, list[int]]:
        """The code at parts, made with any missing parents. Returns (id, ids made)."""
        made: list[int] = []
        parent: int | None = None
        for part in parts:
            found = None if made else self._child.get((parent, name_key(part)))
            if found is None:
                found = self.make(part, parent, created_by_id=created_by_id)
                made.append(found)
            parent = found
        return parent, made

    def update(self, code_id: int, description: str | None = None, color: str | None = None) -> bool:
        """Give a code (made here or already there) a description and colour; whether it changed."""
        if code_id < 0:
            row = self._pending[-1 - code_id]
        else:
            code = self.session.get(Code, code_id)
            row = {"description": code.description, "color": code.color}
        new = {k: v for k, v in (("description", description), ("color", color)) if v is not None and row[k] != v}
        if not new:
            return False
        if code_id < 0:
            row.update(new)
        else:
            for k, v in new.items():
                setattr(code, k, v)
            code.updated_at = now_iso()
        self.color[code_id] = new.get("color", self.color[code_id])  # subcodes made later take it
        return True

    def write(self) -> dict[int, int]:
        """Insert the codes made, parents before children; returns provisional id -> id.

        The maker reads the tree afresh afterwards, so it can go on making codes.
        """
        real: dict[int, int] = {}
        now = now_iso()
        for p in self._pending:
            p["created_at"] = p["updated_at"] = now
        pending = [(-1 - i, p) for i, p in enumerate(self._pending)]
        while pending:
            ready = [(cid, p) for cid, p in pending
                     if p["parent_id"] is None or p["parent_id"] > 0 or p["parent_id"] in real]
            assert ready, "a provisional parent that was never made"
            for _, p in ready:
                p["parent_id"] = real.get(p["parent_id"], p["parent_id"])
            # One executemany a level; the new ids are found again by (parent, name key), which is unique.
            before = self.session.scalar(select(func.max(Code.id))) or 0
            insert_rows(self.session, Code.__table__, _CODE_COLUMNS, [tuple(p[c] for c in _CODE_COLUMNS) for _, p in ready])
            ids = {(r.parent_id, r.name_key): r.id for r in self.session.execute(
                select(Code.id, Code.parent_id, Code.name_key).where(Code.id > before))}
            real.update((cid, ids[(p["parent_id"], p["name_key"])]) for cid, p in ready)
            pending = [(cid, p) for cid, p in pending if cid not in real]
        if real:
            self._load()
        return real


def rename_code(project: Project, code_id: int, name: str, version: int | None = None) -> Changes:
    """Rename a code. `version` is the code's version the user saw (docs/team.md): when someone
    else has changed the code since, the rename is refused and nothing changes."""
    with project.transaction() as s:
        code = _get(s, code_id, version, "rename")
        name = _check_name(name)
        _sibling_clash(s, code.parent_id, name, except_id=code_id)
        code.name = name
        code.updated_at = now_iso()
    return Changes().add("updated", Kind.CODE, code_id)


def recolor_code(project: Project, code_id: int, color: str, version: int | None = None) -> Changes:
    with project.transaction() as s:
        code = _get(s, code_id, version, "change of colour")
        code.color = normalize_color(color)
        code.updated_at = now_iso()
    return Changes().add("updated", Kind.CODE, code_id)


def describe_code(project: Project, code_id: int, description: str, version: int | None = None) -> Changes:
    with project.transaction() as s:
        code = _get(s, code_id, version, "description")
        code.description = description
        code.updated_at = now_iso()
    return Changes().add("updated", Kind.CODE, code_id)


def move_code(project: Project, code_id: int, new_parent_id: int | None, position: int | None = None,
              version: int | None = None) -> Changes:
    """Re-parent and/or reorder a code; position counts among the new siblings (None: last)."""
    with project.transaction() as s:
        _get(s, code_id, version, "move")
        if new_parent_id is not None:
            _get(s, new_parent_id)  # locked: a parent being deleted meanwhile is not moved under
        moved = move_code_in(s, code_id, new_parent_id, position)
    return Changes().add("updated", Kind.CODE, *moved)


def move_code_in(session: Session, code_id: int, new_parent_id: int | None, position: int | None = None) -> list[int]:
    """Move a code; the ids of the codes whose rows changed (it, and siblings whose places moved)."""
    code = _get(session, code_id)
    tree = CodeTree(session)
    if new_parent_id is not None:
        _get(session, new_parent_id)
        if new_parent_id in tree.subtree(code_id):
            raise ValidationError("a code cannot be moved under itself or one of its subcodes")
    if new_parent_id != code.parent_id:
        _sibling_clash(session, new_parent_id, code.name, except_id=code_id)
    siblings = [c for c in tree.children.get(new_parent_id, []) if c != code_id]
    if position is None or position > len(siblings):
        position = len(siblings)
    siblings.insert(max(position, 0), code_id)
    code.parent_id = new_parent_id
    code.updated_at = now_iso()
    places = dict(session.execute(select(Code.id, Code.position).where(Code.id.in_(siblings))).all())
    moved = [code_id]
    for i, cid in enumerate(siblings):
        if places.get(cid) != i or cid == code_id:
            session.execute(update(Code).where(Code.id == cid).values(position=i, **bumped(Code)))
            if cid != code_id:
                moved.append(cid)
    return moved


def _get(session: Session, code_id: int, version: int | None = None, action: str = "change") -> Code:
    """The code, locked until the transaction ends; with the version the user saw, refused
    (ConflictError) when someone else changed or deleted it since."""
    if version is not None:
        return checked(session, Code, code_id, version, "this code", action)
    code = session.get(Code, code_id, with_for_update=True, populate_existing=True)
    if code is None:
        raise NotFoundError("code", f"#{code_id}")
    return code


def count_codings(project: Project, code_id: int, with_children: bool = True) -> int:
    with project.reading() as s:
        ids = CodeTree(s).subtree(code_id) if with_children else [code_id]
        return s.scalar(select(func.count()).select_from(Coding).where(Coding.code_id.in_(ids)))


@dataclass
class CodeSnapshot:
    """A deleted subtree of codes with its codings and memos, to restore it exactly (undo)."""

    codes: list[dict] = field(default_factory=list)
    codings: list[dict] = field(default_factory=list)
    memos: list[dict] = field(default_factory=list)


def _rows(session: Session, table, where) -> list[dict]:
    return [dict(r._mapping) for r in session.execute(select(table.__table__).where(where))]


def delete_code(project: Project, code_id: int, *, force: bool = False, deleted_by: str = "") -> Changes:
    """Delete a code and its subcodes. With subcodes or codings, `force` must confirm it.

    Every deleted code, coding and memo leaves a tombstone. `result` holds the CodeSnapshot of
    what was deleted, for undo.
    """
    deleted_by = deleted_by or project.signed_in or ""  # a team project: the role signed in
    with project.transaction() as s:
        tree = CodeTree(s)
        if code_id not in tree.parent:
            raise NotFoundError("code", f"#{code_id}")
        ids = tree.subtree(code_id)
        # Locked before the codings are counted: a coding on one of them in flight commits first
        # and is counted (so the delete wants force), or waits and finds the code gone.
        s.scalars(select(Code.id).where(Code.id.in_(ids)).with_for_update()).all()
        n = s.scalar(select(func.count()).select_from(Coding).where(Coding.code_id.in_(ids)))
        if (n or len(ids) > 1) and not force:
            raise ValidationError(_what_would_go(tree.path(code_id), len(ids) - 1, n))
        snap = CodeSnapshot(
            codes=_rows(s, Code, Code.id.in_(ids)),
            codings=_rows(s, Coding, Coding.code_id.in_(ids)),
        )
        coding_ids = [c["id"] for c in snap.codings]
        snap.memos = _rows(s, Memo, Memo.code_id.in_(ids)) + _rows(s, Memo, Memo.coding_id.in_(coding_ids))
        bury(s, "coding", [(c["guid"], tree.path(c["code_id"])) for c in snap.codings], deleted_by)
        bury(s, "memo", [(m["guid"], "") for m in snap.memos], deleted_by)
        bury(s, "code", [(c["guid"], tree.path(c["id"])) for c in snap.codes], deleted_by)
        s.execute(delete(Memo).where(Memo.id.in_([m["id"] for m in snap.memos])))
        s.execute(delete(Coding).where(Coding.code_id.in_(ids)))
        for cid in reversed(ids):  # children before parents
            s.execute(delete(Code).where(Code.id == cid))
    return _snapshot_changes(snap, "deleted").with_result(snap)


def _snapshot_changes(snap: CodeSnapshot, what: str) -> Changes:
    ch = Changes().add(what, Kind.CODE, *[c["id"] for c in snap.codes])
    ch.add(what, Kind.CODING, *[c["id"] for c in snap.codings]).add(what, Kind.MEMO, *[m["id"] for m in snap.memos])
    return ch.add("counts", Kind.SOURCE, *{c["source_id"] for c in snap.codings})


def _what_would_go(path: str, subcodes: int, codings: int) -> str:
    """Why a delete needs confirming (force): what would go with the code."""
    if not subcodes:
        return f"code {path!r} holds {_n(codings, 'coding')}"
    held = f", and it and its subcodes hold {_n(codings, 'coding')}" if codings else ""
    return f"code {path!r} has {_n(subcodes, 'subcode')}{held}"


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _next(row: dict) -> dict:
    """A row put back comes back at a version it never had: a change made from the view before its
    deletion is refused, not taken for one made from the latest (docs/team.md)."""
    return {**row, "version": row["version"] + 1}


def restore_code(project: Project, snap: CodeSnapshot) -> Changes:
    """Undo delete_code: the same rows, ids and GUIDs come back; their tombstones go."""
    with project.transaction() as s:
        by_id = {c["id"]: c for c in snap.codes}
        done: set[int] = set()

        def put(c):
            if c["id"] in done:
                return
            if c["parent_id"] in by_id:
                put(by_id[c["parent_id"]])
            s.execute(insert(Code), [_next(c)])
            done.add(c["id"])

        for c in snap.codes:
            put(c)
        if snap.codings:
            s.execute(insert(Coding), [_next(c) for c in snap.codings])
        if snap.memos:
            s.execute(insert(Memo), [_next(m) for m in snap.memos])
        unbury(s, [r["guid"] for r in snap.codes + snap.codings + snap.memos])
    return _snapshot_changes(snap, "created")


def merge_codes(project: Project, source_ids: list[int], target_id: int, deleted_by: str = "") -> Changes:
    """Fold codes into target: their codings move over (a repeat by the same coder collapses),
    their subcodes become the target's, their memos are appended to the target's; then they go.

    Whatever goes leaves a tombstone "merged into guid:X" naming what it became (docs/merge.md):
    a later team merge follows it as a redirect, so a copy that still has the old code, coding
    or memo folds it into the same place instead of deleting it or bringing it back.
    """
    changes = Changes()
    deleted_by = deleted_by or project.signed_in or ""
    with project.transaction() as s:
        target = _get(s, target_id)
        # Every code of the merge locked first: codings in flight on them commit before (and are
        # moved) or wait and are refused, the code gone (docs/team.md).
        s.scalars(select(Code.id).where(Code.id.in_(source_ids)).order_by(Code.id).with_for_update()).all()
        tree = CodeTree(s)
        for sid in source_ids:
            if sid == target_id or target_id in tree.subtree(sid):
                raise ValidationError("a code cannot be merged into itself or one of its subcodes")
            src = _get(s, sid)
            _fold_codings(s, tree, sid, target, deleted_by, changes)
            for child in tree.children.get(sid, []):
                changes.add("updated", Kind.CODE, *move_code_in(s, child, target_id))
            for memo in s.scalars(select(Memo).where(Memo.code_id == sid)):
                mine = s.scalars(select(Memo).where(Memo.code_id == target_id)).first()
                if mine is None:
                    memo.code_id = target_id
                    memo.updated_at = now_iso()
                    changes.add("updated", Kind.MEMO, memo.id).add("counts", Kind.CODE, target_id)
                else:
                    _append_memo(mine, memo, f"from {src.name}")
                    bury(s, "memo", [(memo.guid, f"memo of {tree.path(sid)} {redirect(mine.guid)}")], deleted_by)
                    changes.add("updated", Kind.MEMO, mine.id).add("deleted", Kind.MEMO, memo.id)
                    s.delete(memo)
            if not target.description and src.description:
                target.description = src.description
            s.flush()
            bury(s, "code", [(src.guid, f"{tree.path(sid)} {redirect(target.guid)} ({tree.path(target_id)})")],
                 deleted_by)
            s.delete(src)
            s.flush()
            changes.add("deleted", Kind.CODE, sid)
        target.updated_at = now_iso()
    changes.updated[Kind.CODE] = [c for c in dict.fromkeys(changes.ids("updated", Kind.CODE))
                                  if c not in source_ids]  # a child moved before its old parent went
    return changes.add("updated", Kind.CODE, target_id).add("counts", Kind.CODE, target_id)


def redirect(guid: str) -> str:
    """The tombstone detail a merge follows as a redirect (merge_deletions.REDIRECT)."""
    return f"merged into guid:{guid}"


def _fold_codings(s: Session, tree: CodeTree, sid: int, target: Code, deleted_by: str, changes: Changes) -> None:
    """Move a code's codings to target; a repeat of one already there (same coder, passage) goes,
    redirected to the one that stays, and its memo moves to it (or is appended to its memo)."""
    existing = {(c.source_id, c.coder_id, c.start, c.end): c
                for c in s.scalars(select(Coding).where(Coding.code_id == target.id))}
    dupes = []
    for c in s.scalars(select(Coding).where(Coding.code_id == sid)):
        key = (c.source_id, c.coder_id, c.start, c.end)
        changes.add("counts", Kind.SOURCE, c.source_id)
        if key in existing:
            dupes.append((c, existing[key]))
        else:
            existing[key] = c
            c.code_id = target.id
            changes.add("updated", Kind.CODING, c.id)
    if not dupes:
        return
    path = tree.path(sid)
    for dupe, kept in dupes:
        memo = s.scalars(select(Memo).where(Memo.coding_id == dupe.id)).first()
        if memo is not None:
            theirs = s.scalars(select(Memo).where(Memo.coding_id == kept.id)).first()
            if theirs is None:
                memo.coding_id = kept.id
                memo.updated_at = now_iso()
                changes.add("updated", Kind.MEMO, memo.id).add("counts", Kind.CODING, kept.id)
            else:
                _append_memo(theirs, memo, f"from {path}")
                bury(s, "memo", [(memo.guid, f"memo of a coding of {path} {redirect(theirs.guid)}")], deleted_by)
                changes.add("updated", Kind.MEMO, theirs.id).add("deleted", Kind.MEMO, memo.id)
                changes.add("counts", Kind.CODING, kept.id)  # its memo grew
                s.delete(memo)
    s.flush()
    bury(s, "coding", [(d.guid, f"{path} {redirect(k.guid)}") for d, k in dupes], deleted_by)
    s.execute(delete(Coding).where(Coding.id.in_([d.id for d, _ in dupes])))
    changes.add("deleted", Kind.CODING, *[d.id for d, _ in dupes])


def _append_memo(mine: Memo, other: Memo, heading: str) -> None:
    mine.text += f"\n\n--- {heading} ---\n{other.text}"
    mine.updated_at = now_iso()
