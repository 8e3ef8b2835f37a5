"""Tombstones: a record of each deleted entity, so a merge can tell deleted from never seen."""
from __future__ import annotations

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from workbench.core.timeutil import now_iso
from workbench.store.models import Tombstone


def bury(session: Session, kind: str, items: list[tuple[str, str]], deleted_by: str = "") -> None:
    """Record (guid, detail) pairs of one kind as deleted now."""
    if not items:
        return
    now = now_iso()
    guids = [g for g, _ in items]
    session.execute(delete(Tombstone).where(Tombstone.guid.in_(guids)))
    session.execute(
        insert(Tombstone),
        [{"guid": g, "kind": kind, "deleted_at": now, "deleted_by": deleted_by, "detail": d} for g, d in items],
    )


def unbury(session: Session, guids: list[str]) -> None:
    """An entity restored (undo) or re-created with its GUID is alive again."""
    for i in range(0, len(guids), 500):
        session.execute(delete(Tombstone).where(Tombstone.guid.in_(guids[i : i + 500])))
