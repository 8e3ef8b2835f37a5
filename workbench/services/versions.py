"""Version checks and row locks: concurrent edits of a team project (issue 14, item 5; docs/team.md).

Every row a person edits carries a version (store.models `_version`), bumped by every in-place
update. A change made from what the user saw passes the version it saw; `checked` locks the row
(SELECT ... FOR UPDATE on PostgreSQL; a file project has one writer at a time anyway) and
refuses the change, saying what happened, when the row has moved on or gone. Writers that add
rows under a parent (a coding on a code and a source) take a key-share lock on the parents
(services.coding), so a delete or a merge of the parent, which takes the update lock, waits for
them or they for it: what arrives first counts, and nothing lands on a row that is going.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.core.changes import Changes, Kind
from workbench.core.errors import ConflictError
from workbench.store.models import Tombstone
from workbench.store.project import Project


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


def unversioned(row: dict | None) -> dict | None:
    """A row (as a dict) but for its version, which a write-back moves on, never back: two
    snapshots of a row hold the same content when these are equal (None, no row, stays None)."""
    return None if row is None else {k: v for k, v in row.items() if k != "version"}


# Undo of one's own actions (docs/team.md): a window remembers the version each of its actions
# left a row at; undoing or redoing an action first checks that its rows are still there, at
# those versions, i.e. that nobody else changed them since.


@dataclass(frozen=True)
class RowLeft:
    """A row as an action left it: its kind and id, version, GUID and what the user calls it."""

    kind: Kind
    id: int
    version: int
    guid: str
    label: str


def _models() -> dict[Kind, type]:
    from workbench.store.models import Attribute, Case, Code, Coding, Memo, SavedQuery, Source, SourceFolder

    return {Kind.CODE: Code, Kind.MEMO: Memo, Kind.CASE: Case, Kind.ATTRIBUTE: Attribute, Kind.SOURCE: Source,
            Kind.FOLDER: SourceFolder, Kind.QUERY: SavedQuery, Kind.CODING: Coding}


def _label_col(model):
    return getattr(model, "name", None) if hasattr(model, "name") else None


def rows_left(project: Project, changes: Changes) -> list[RowLeft]:
    """The rows an action created or updated, as they are now; called inside its operation, so
    they are read before anyone else can change them."""
    out: list[RowLeft] = []
    with project.reading() as s:
        for kind, model in _models().items():
            ids = sorted(set(changes.ids("created", kind)) | set(changes.ids("updated", kind)))
            label = _label_col(model)
            for i in range(0, len(ids), 500):
                cols = [model.id, model.version, model.guid] + ([label] if label is not None else [])
                for r in s.execute(select(*cols).where(model.id.in_(ids[i:i + 500]))):
                    out.append(RowLeft(kind, r[0], r[1], r[2], r[3] if label is not None else ""))
    return out


def check_rows_left(project: Project, left: list[RowLeft]) -> None:
    """Refuse (ConflictError) unless every row is still there at the version the action left it,
    each locked until the operation ends; called first inside the undo's or redo's operation."""
    if not left:
        return
    by_kind: dict[Kind, dict[int, RowLeft]] = {}
    for r in left:
        by_kind.setdefault(r.kind, {})[r.id] = r
    models = _models()
    with project.reading() as s:
        pg = s.get_bind().dialect.name == "postgresql"
        for kind, rows in by_kind.items():
            model = models[kind]
            label = _label_col(model)
            now: dict[int, tuple] = {}
            ids = sorted(rows)
            for i in range(0, len(ids), 500):
                q = select(model.id, model.guid, model.version, *([label] if label is not None else [])).where(
                    model.id.in_(ids[i:i + 500])).order_by(model.id)
                now.update((r[0], tuple(r[1:])) for r in s.execute(q.with_for_update() if pg else q))
            for rid in ids:
                was = rows[rid]
                name = _what(kind, was.label)
                # Another row under the same id is the action's row gone: a file hands the largest
                # id out again once its row is deleted, at version 1 like the one the action made.
                if rid not in now or now[rid][0] != was.guid:
                    raise ConflictError(f"{_gone(s, kind, was)} since")
                _, version, *called = now[rid]
                if version != was.version:
                    renamed = f" (it is now {called[0]!r})" if called and called[0] != was.label else ""
                    raise ConflictError(f"{name} was changed by someone else since{renamed}")


def _what(kind: Kind, label: str) -> str:
    if kind is Kind.CODING:
        return "a coding"
    if kind is Kind.MEMO:
        return "the memo"
    return f"the {kind.value} {label!r}"


def _gone(session: Session, kind: Kind, was: RowLeft) -> str:
    if kind in (Kind.CODING, Kind.MEMO):
        stone = session.scalar(select(Tombstone).where(Tombstone.guid == was.guid))
        by = f" by {stone.deleted_by}" if stone is not None and stone.deleted_by else ""
        return f"{_what(kind, was.label)} was deleted{by}"
    return gone_words(session, kind.value, was.guid, was.label)
