"""Tombstones: a record of each deleted entity, so a merge can tell deleted from never seen.

Attribute values and case–source links have no GUID in the schema; their tombstones
carry one derived from the pair (pair_guid), the same in every copy of the project.
"""
from __future__ import annotations

import uuid

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from workbench.core.timeutil import now_iso
from workbench.store.models import Tombstone

# Fixed for all time: the GUIDs of value and link tombstones derive from it.
PAIR_NAMESPACE = uuid.UUID("8f0c6a52-3b7e-5d1a-9c4e-2a6f1b0d7e93")
PAIR_KINDS = ("value", "link")  # value: (case, attribute); link: (case, source)


DELETERS_SEP = "; "  # a tombstone merged from copies where different people deleted the same thing


def deleters(deleted_by: str) -> list[str]:
    """The people a tombstone names as having deleted the entity (none: unknown)."""
    return [n for n in (x.strip() for x in deleted_by.split(DELETERS_SEP.strip())) if n]


def join_deleters(*names: str) -> str:
    """One deleted_by naming everyone who deleted the entity in any copy, in a fixed order."""
    return DELETERS_SEP.join(sorted({n for x in names for n in deleters(x)}))


def pair_guid(kind: str, first: str, second: str) -> str:
    """The GUID that stands for an attribute value or a case–source link in a tombstone."""
    if kind not in PAIR_KINDS:
        raise ValueError(f"no pair tombstones of kind {kind!r}")
    return str(uuid.uuid5(PAIR_NAMESPACE, f"{kind}:{first}/{second}"))


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


def bury_pair(session: Session, kind: str, first: str, second: str, detail: str, deleted_by: str = "") -> None:
    """Record a cleared attribute value (case, attribute GUIDs) or a removed link (case, source)."""
    bury(session, kind, [(pair_guid(kind, first, second), detail)], deleted_by)


def unbury_pair(session: Session, kind: str, first: str, second: str) -> None:
    """A value set again or a source linked again is alive again."""
    unbury(session, [pair_guid(kind, first, second)])


def unbury_of_kind(session: Session, kind: str, guids: list[str]) -> None:
    """unbury for many GUIDs of one kind at once: the kind's tombstones are read once, and only
    the GUIDs among them are deleted, so a bulk write costs statements for what was buried."""
    buried = set(session.scalars(select(Tombstone.guid).where(Tombstone.kind == kind)))
    unbury(session, [g for g in guids if g in buried])
