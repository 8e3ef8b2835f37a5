"""Memos: the analyst's writing about the project, a source, a code, a case or a coding."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.core.changes import Changes
from workbench.core.errors import ValidationError
from workbench.core.timeutil import now_iso
from workbench.services.tombstones import bury, unbury
from workbench.store.models import Coder, Memo
from workbench.store.project import Project

TARGETS = {"project": None, "source": Memo.source_id, "code": Memo.code_id, "case": Memo.case_id, "coding": Memo.coding_id}


def _target_filter(kind: str, target_id: int | None):
    if kind not in TARGETS:
        raise ValidationError(f"a memo cannot be attached to a {kind}")
    if kind == "project":
        return [Memo.source_id.is_(None), Memo.code_id.is_(None), Memo.case_id.is_(None), Memo.coding_id.is_(None)]
    return [TARGETS[kind] == target_id]


def get_memo(project: Project, kind: str, target_id: int | None) -> str:
    """The text of the memo on a target ('' when there is none). A project may hold several; this is the first."""
    with project.reading() as s:
        return s.scalar(select(Memo.text).where(*_target_filter(kind, target_id)).order_by(Memo.id).limit(1)) or ""


def memo_guid(project: Project, kind: str, target_id: int | None) -> str | None:
    """The GUID of the memo on a target, or None when it has none."""
    with project.reading() as s:
        return s.scalar(select(Memo.guid).where(*_target_filter(kind, target_id)).order_by(Memo.id).limit(1))


def set_memo_in(session: Session, kind: str, target_id: int | None, text: str, author_id: int | None = None,
                deleted_by: str = "", guid: str | None = None) -> int | None:
    """Write the memo of a target; empty text deletes it (leaving a tombstone). Returns the memo id.

    `guid` names the memo to create when there is none: an undo that brings back a deleted
    memo gives its old GUID, so a later merge sees the same memo, not a deletion plus a new one.
    """
    memo = session.scalars(select(Memo).where(*_target_filter(kind, target_id)).order_by(Memo.id).limit(1)).first()
    if not text.strip():
        if memo is not None:
            if not deleted_by and author_id is not None:  # the one writing is the one deleting
                deleted_by = session.scalar(select(Coder.name).where(Coder.id == author_id)) or ""
            bury(session, "memo", [(memo.guid, kind)], deleted_by)
            session.delete(memo)
        return None
    if memo is None:
        memo = Memo(text=text, author_id=author_id)
        if guid:
            memo.guid = guid
            unbury(session, [guid])
        if kind != "project":
            setattr(memo, f"{kind}_id", target_id)
        session.add(memo)
        session.flush()
    elif memo.text != text:
        memo.text = text
        memo.updated_at = now_iso()
    return memo.id


def set_memo(project: Project, kind: str, target_id: int | None, text: str, author_id: int | None = None,
             guid: str | None = None) -> Changes:
    """Write (or with empty text, delete) the memo of a target as one action."""
    with project.transaction() as s:
        mid = set_memo_in(s, kind, target_id, text, author_id, guid=guid)
    return Changes().add("updated", "memo", mid) if mid else Changes().add("deleted", "memo")
