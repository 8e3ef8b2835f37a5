"""Memos: the analyst's writing about the project, a source, a code, a case or a coding."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.core.changes import Changes, Kind
from workbench.core.errors import ConflictError, ValidationError
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


def memo_version(project: Project, kind: str, target_id: int | None) -> int:
    """The version of the memo on a target as it is now (0: it has none); an editor keeps it and
    passes it to set_memo, so an edit made over someone else's is refused."""
    with project.reading() as s:
        return s.scalar(select(Memo.version).where(*_target_filter(kind, target_id)).order_by(Memo.id).limit(1)) or 0


def memo_guid(project: Project, kind: str, target_id: int | None) -> str | None:
    """The GUID of the memo on a target, or None when it has none."""
    with project.reading() as s:
        return s.scalar(select(Memo.guid).where(*_target_filter(kind, target_id)).order_by(Memo.id).limit(1))


def set_memo_in(session: Session, kind: str, target_id: int | None, text: str, author_id: int | None = None,
                deleted_by: str = "", guid: str | None = None, version: int | None = None) -> int | None:
    """Write the memo of a target; empty text deletes it (leaving a tombstone). Returns the memo id.

    `guid` names the memo to create when there is none: an undo that brings back a deleted
    memo gives its old GUID, so a later merge sees the same memo, not a deletion plus a new one.
    `version` is the memo's version the writer saw (0: it saw no memo there): when someone else
    wrote it since, the edit is refused and nothing changes (docs/team.md).
    """
    _lock_target(session, kind, target_id)
    memo = session.scalars(select(Memo).where(*_target_filter(kind, target_id)).order_by(Memo.id).limit(1)
                           .with_for_update().execution_options(populate_existing=True)).first()
    # In a team project a role may lock (and change) only its own memos: a lock that finds none
    # where a plain read finds one means the memo there is someone else's, not that there is none.
    if memo is None and session.scalar(select(Memo.id).where(*_target_filter(kind, target_id)).limit(1)):
        raise ConflictError(f"the memo on this {kind} is someone else's (the server lets you change only "
                            "your own); your edit was not saved")
    if version is not None and (memo.version if memo is not None else 0) != version:
        what = "written" if memo is not None else "deleted"
        raise ConflictError(f"the memo on this {kind} was {what} by someone else meanwhile; your edit was not saved "
                            "(copy your text before reloading the memo)")
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
             guid: str | None = None, version: int | None = None) -> Changes:
    """Write (or with empty text, delete) the memo of a target as one action; `version` as in set_memo_in."""
    with project.transaction() as s:
        _lock_target(s, kind, target_id)
        old = s.scalars(select(Memo).where(*_target_filter(kind, target_id)).order_by(Memo.id).limit(1)).first()
        old_id, old_text = (old.id, old.text) if old is not None else (None, None)
        mid = set_memo_in(s, kind, target_id, text, author_id, guid=guid, version=version)
    changes = Changes()
    if old_id is not None and mid is None:
        changes.add("deleted", Kind.MEMO, old_id)
    elif old_id is None and mid is not None:
        changes.add("created", Kind.MEMO, mid)
    elif mid is not None and old_text != text:
        changes.add("updated", Kind.MEMO, mid)
    if changes.kinds() and kind != "project":  # the target shows its memo
        changes.add("counts", Kind(kind), target_id)
    return changes


def _lock_target(session: Session, kind: str, target_id: int | None) -> None:
    """Lock what the memo is on (the project row for a project memo), so two people writing the
    first memo of one target at once make one memo, the second finding the first's (PostgreSQL;
    a file has one writer at a time). A target gone meanwhile is said so."""
    if session.get_bind().dialect.name != "postgresql":
        return
    from workbench.store.models import Case, Code, Coding, ProjectInfo, Source

    model = {"project": ProjectInfo, "source": Source, "code": Code, "case": Case, "coding": Coding}[kind]
    q = select(model.id).with_for_update(key_share=True)  # FOR NO KEY UPDATE: codings on it need not wait
    if kind != "project":
        q = q.where(model.id == target_id)
    if session.scalar(q) is None and kind != "project":
        raise ConflictError(f"the {kind} of this memo was deleted meanwhile; your memo was not saved")


@dataclass(frozen=True)
class MemoRow:
    """One memo as the memo list shows it: what it is on, where that is, who wrote it, when."""

    id: int
    kind: str  # project, source, case, code, coding
    target_id: int | None  # the source, case, code or coding it is on
    target: str  # the target in words: a source's name, a code's path, "code — source, characters a–b"
    source_id: int | None  # where a coding memo's passage is
    author: str
    updated_at: str
    text: str


def list_memos(project: Project) -> list[MemoRow]:
    """Every memo of the project: the project's first, then sources', cases', codes' and codings'."""
    return [MemoRow(*t) for t in memo_tuples(project)]


def memo_tuples(project: Project) -> list[tuple]:
    """list_memos as plain tuples in MemoRow's field order, for the memo list's model.

    Plain tuples of ints and strings are what the garbage collector stops tracking at its first
    pass, and the result's rows are read one at a time, not held in a list: an L study's 3,751
    memos then add nothing to the objects a full collection walks, where 3,751 row objects and
    3,751 MemoRows set one off (55 ms) inside the list's opening (issue 10, speed).
    """
    from workbench.services.lookup import CodeTree
    from workbench.store.models import Case, Coder, Coding, Source

    order = {"project": 0, "source": 1, "case": 2, "code": 3, "coding": 4}
    out = []
    with project.reading() as s:
        tree = CodeTree(s)
        path = tree.path
        con = s.connection()  # plain rows: no ORM row processing for thousands of memos
        sources = dict(con.execute(select(Source.id, Source.name)).all())
        cases = dict(con.execute(select(Case.id, Case.name)).all())
        authors = dict(con.execute(select(Coder.id, Coder.name)).all())
        # A coding memo's passage comes in the same query (outer joins), not as a second query over
        # an IN list of thousands of ids: the memo list of an L study opens in one read (issue 10, speed).
        result = con.execute(select(Memo.id, Memo.source_id, Memo.case_id, Memo.code_id, Memo.coding_id,
                                    Memo.author_id, Memo.updated_at, Memo.text, Coding.source_id.label("c_source"),
                                    Coding.code_id.label("c_code"), Coding.start.label("c_start"),
                                    Coding.end.label("c_end"), Coder.name.label("c_coder"))
                             .outerjoin(Coding, Coding.id == Memo.coding_id)
                             .outerjoin(Coder, Coder.id == Coding.coder_id))
        for mid, m_source, m_case, m_code, m_coding, author, updated, text, c_source, c_code, a, b, c_coder in (
                row for part in result.partitions(500) for row in part):
            source_id = None
            if m_coding is not None:
                kind, target_id = "coding", m_coding
                found = c_code is not None
                target = (f"{path(c_code)} — {sources.get(c_source, '?')}, characters {a}–{b} ({c_coder})"
                          if found else "a coding")
                source_id = c_source if found else None
            elif m_code is not None:
                kind, target_id, target = "code", m_code, path(m_code)
            elif m_case is not None:
                kind, target_id, target = "case", m_case, cases.get(m_case, "?")
            elif m_source is not None:
                kind, target_id, target = "source", m_source, sources.get(m_source, "?")
                source_id = m_source
            else:
                kind, target_id, target = "project", None, "the project"
            out.append((mid, kind, target_id, target, source_id, authors.get(author, ""), updated, text))
    out.sort(key=lambda m: (order[m[1]], m[3].casefold(), m[0]))
    return out
