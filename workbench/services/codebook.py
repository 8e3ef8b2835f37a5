"""The codebook tree: create, rename, move, recolour, describe, merge and delete codes."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from workbench.core.changes import Changes
from workbench.core.errors import NotFoundError, ValidationError
from workbench.core.paths import name_key, split_path
from workbench.core.timeutil import now_iso
from workbench.services.lookup import CodeTree, code_by_path
from workbench.services.tombstones import bury, unbury
from workbench.store.models import Code, Coding, Memo
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
    name = " ".join(name.split())
    if not name:
        raise ValidationError("a code needs a name")
    return name


def _sibling_clash(session: Session, parent_id: int | None, name: str, except_id: int | None = None) -> None:
    q = select(Code.id, Code.name).where(Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id)
    for cid, other in session.execute(q):
        if cid != except_id and name_key(other) == name_key(name):
            raise ValidationError(f"a code named {other!r} already exists there")


def create_code_in(session: Session, name: str, parent_id: int | None = None, color: str | None = None,
                   description: str = "", created_by_id: int | None = None, guid: str | None = None) -> int:
    name = _check_name(name)
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
    return Changes().add("created", "code", cid)


def ensure_code_path_in(session: Session, path: str, create: bool, created_by_id: int | None = None,
                        tree: CodeTree | None = None) -> tuple[int, list[int]]:
    """The id of the code at path; with create, missing codes (and parents) are made. Returns (id, created ids)."""
    tree = tree or CodeTree(session)
    found = tree.find(path)
    if found is not None:
        return found, []
    if not create:
        code_by_path(session, path, tree)  # raises NotFoundError with suggestions
    created = []
    parent: int | None = None
    for part in split_path(path):
        match = [c for c in tree.children.get(parent, []) if name_key(tree.name[c]) == name_key(part)]
        if match:
            parent = match[0]
            continue
        parent = create_code_in(session, part, parent, created_by_id=created_by_id)
        created.append(parent)
        tree = CodeTree(session)  # codebooks are small; reloading beats patching the cache
    return parent, created


def rename_code(project: Project, code_id: int, name: str) -> Changes:
    with project.transaction() as s:
        code = _get(s, code_id)
        name = _check_name(name)
        _sibling_clash(s, code.parent_id, name, except_id=code_id)
        code.name = name
        code.updated_at = now_iso()
    return Changes().add("updated", "code", code_id)


def recolor_code(project: Project, code_id: int, color: str) -> Changes:
    with project.transaction() as s:
        code = _get(s, code_id)
        code.color = normalize_color(color)
        code.updated_at = now_iso()
    return Changes().add("updated", "code", code_id)


def describe_code(project: Project, code_id: int, description: str) -> Changes:
    with project.transaction() as s:
        code = _get(s, code_id)
        code.description = description
        code.updated_at = now_iso()
    return Changes().add("updated", "code", code_id)


def move_code(project: Project, code_id: int, new_parent_id: int | None, position: int | None = None) -> Changes:
    """Re-parent and/or reorder a code; position counts among the new siblings (None: last)."""
    with project.transaction() as s:
        move_code_in(s, code_id, new_parent_id, position)
    return Changes().add("updated", "code", code_id)


def move_code_in(session: Session, code_id: int, new_parent_id: int | None, position: int | None = None) -> None:
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
    for i, cid in enumerate(siblings):
        session.execute(update(Code).where(Code.id == cid).values(position=i))


def _get(session: Session, code_id: int) -> Code:
    code = session.get(Code, code_id)
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


def delete_code(project: Project, code_id: int, *, force: bool = False, deleted_by: str = "") -> CodeSnapshot:
    """Delete a code and its subcodes. With codings on them, `force` must confirm it.

    Every deleted code, coding and memo leaves a tombstone. Returns what was deleted, for undo.
    """
    with project.transaction() as s:
        tree = CodeTree(s)
        if code_id not in tree.parent:
            raise NotFoundError("code", f"#{code_id}")
        ids = tree.subtree(code_id)
        n = s.scalar(select(func.count()).select_from(Coding).where(Coding.code_id.in_(ids)))
        if n and not force:
            raise ValidationError(
                f"code {tree.path(code_id)!r} and its subcodes hold {n} codings; confirm to delete them too"
            )
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
    return snap


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
            s.execute(insert(Code), [c])
            done.add(c["id"])

        for c in snap.codes:
            put(c)
        if snap.codings:
            s.execute(insert(Coding), snap.codings)
        if snap.memos:
            s.execute(insert(Memo), snap.memos)
        unbury(s, [r["guid"] for r in snap.codes + snap.codings + snap.memos])
    return Changes().add("created", "code", *by_id)


def merge_codes(project: Project, source_ids: list[int], target_id: int, deleted_by: str = "") -> Changes:
    """Fold codes into target: their codings move over (a repeat by the same coder collapses),
    their subcodes become the target's, their memos are appended to the target's; then they go.

    Whatever goes leaves a tombstone "merged into guid:X" naming what it became (docs/merge.md):
    a later team merge follows it as a redirect, so a copy that still has the old code, coding
    or memo folds it into the same place instead of deleting it or bringing it back.
    """
    changes = Changes()
    with project.transaction() as s:
        target = _get(s, target_id)
        tree = CodeTree(s)
        for sid in source_ids:
            if sid == target_id or target_id in tree.subtree(sid):
                raise ValidationError("a code cannot be merged into itself or one of its subcodes")
            src = _get(s, sid)
            _fold_codings(s, tree, sid, target, deleted_by)
            for child in tree.children.get(sid, []):
                move_code_in(s, child, target_id)
            for memo in s.scalars(select(Memo).where(Memo.code_id == sid)):
                mine = s.scalars(select(Memo).where(Memo.code_id == target_id)).first()
                if mine is None:
                    memo.code_id = target_id
                    memo.updated_at = now_iso()
                else:
                    _append_memo(mine, memo, f"from {src.name}")
                    bury(s, "memo", [(memo.guid, f"memo of {tree.path(sid)} {redirect(mine.guid)}")], deleted_by)
                    s.delete(memo)
            if not target.description and src.description:
                target.description = src.description
            s.flush()
            bury(s, "code", [(src.guid, f"{tree.path(sid)} {redirect(target.guid)} ({tree.path(target_id)})")],
                 deleted_by)
            s.delete(src)
            s.flush()
            changes.add("deleted", "code", sid)
        target.updated_at = now_iso()
    return changes.add("updated", "code", target_id)


def redirect(guid: str) -> str:
    """The tombstone detail a merge follows as a redirect (merge_deletions.REDIRECT)."""
    return f"merged into guid:{guid}"


def _fold_codings(s: Session, tree: CodeTree, sid: int, target: Code, deleted_by: str) -> None:
    """Move a code's codings to target; a repeat of one already there (same coder, passage) goes,
    redirected to the one that stays, and its memo moves to it (or is appended to its memo)."""
    existing = {(c.source_id, c.coder_id, c.start, c.end): c
                for c in s.scalars(select(Coding).where(Coding.code_id == target.id))}
    dupes = []
    for c in s.scalars(select(Coding).where(Coding.code_id == sid)):
        key = (c.source_id, c.coder_id, c.start, c.end)
        if key in existing:
            dupes.append((c, existing[key]))
        else:
            existing[key] = c
            c.code_id = target.id
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
            else:
                _append_memo(theirs, memo, f"from {path}")
                bury(s, "memo", [(memo.guid, f"memo of a coding of {path} {redirect(theirs.guid)}")], deleted_by)
                s.delete(memo)
    s.flush()
    bury(s, "coding", [(d.guid, f"{path} {redirect(k.guid)}") for d, k in dupes], deleted_by)
    s.execute(delete(Coding).where(Coding.id.in_([d.id for d, _ in dupes])))


def _append_memo(mine: Memo, other: Memo, heading: str) -> None:
    mine.text += f"\n\n--- {heading} ---\n{other.text}"
    mine.updated_at = now_iso()
