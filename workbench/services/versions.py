"""Version checks and row locks: concurrent edits of a team project (issue 14, item 5; docs/team.md).

Every row a person edits carries a version (store.models `_version`), bumped by every in-place
update. A change made from what the user saw passes the version it saw; `checked` locks the row
(SELECT ... FOR UPDATE on PostgreSQL; a file project has one writer at a time anyway) and
refuses the change, saying what happened, when the row has moved on or gone. Writers that add
rows under a parent (a coding on a code and a source) take a share lock on the parents
(`held`), so a delete or a merge of the parent, which takes the update lock, waits for them or
they for it: what arrives first counts, and nothing lands on a row that is going.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.core.errors import ConflictError
from workbench.store.models import Tombstone


def checked(session: Session, model, row_id: int, version: int | None, what: str, action: str):
    """The row, locked for this transaction; ConflictError if it is gone or not at `version`.

    what names the row as the user knows it ("the code 'autonomy'"), action the change
    ("rename"). Without a version (a script, or a change not made from a view) the row is only
    locked, so the change is made on its latest state.
    """
    row = session.get(model, row_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise ConflictError(f"{what} was deleted meanwhile; your {action} was not made")
    if version is not None and row.version != version:
        raise ConflictError(f"{what} was changed by someone else meanwhile{_now(row)}; your {action} was not made")
    return row


def _now(row) -> str:
    name = getattr(row, "name", None)
    return f" (it is now {name!r})" if name is not None else ""


def held(session: Session, model, ids: set[int]) -> set[int]:
    """Which of these rows exist, each share-locked until the transaction ends (PostgreSQL:
    FOR SHARE, so deletes and merges of them wait, and writers beside each other do not)."""
    if not ids:
        return set()
    q = select(model.id).where(model.id.in_(ids))
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(read=True)
    return set(session.scalars(q))


def gone_words(session: Session, kind: str, guid: str, name: str) -> str:
    """How a row that went meanwhile went, from its tombstone: "the code 'x' was deleted by alice"."""
    stone = session.scalar(select(Tombstone).where(Tombstone.guid == guid))
    if stone is None:
        return f"the {kind} {name!r} was deleted meanwhile"
    by = f" by {stone.deleted_by}" if stone.deleted_by else ""
    if "merged into guid:" in stone.detail and "(" in stone.detail:
        into = stone.detail.rsplit("(", 1)[1].rstrip(")")
        return f"the {kind} {name!r} was merged into {into!r}{by}"
    return f"the {kind} {name!r} was deleted{by}"
