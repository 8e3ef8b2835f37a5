"""What one operation touched, by typed entity kind, so views refresh only what changed.

Every write in `services` is one operation (one transaction) and returns one `Changes`
(Anki's OpChanges): the ids it created, updated and deleted per `Kind`, the entities whose
counts moved without their own row changing, warnings for the user, and in `result` whatever
else the caller needs to undo it exactly (a snapshot of deleted rows, removed codings).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal

What = Literal["created", "updated", "deleted"]
WHATS: tuple[What, ...] = ("created", "updated", "deleted")


class Kind(Enum):
    """The kinds of entity an operation reports, one per stored thing a view can show."""

    PROJECT = "project"      # the project's own row: name, description
    SOURCE = "source"
    FOLDER = "folder"        # a source folder
    CODE = "code"
    CODING = "coding"
    CASE = "case"
    LINK = "link"            # a whole source in a case; ids are the cases whose links changed
    PASSAGE = "passage"      # a passage held by a case (CasePassage)
    ATTRIBUTE = "attribute"
    VALUE = "value"          # a case's attribute values; ids are the cases whose values changed
    MEMO = "memo"
    CODER = "coder"
    QUERY = "query"          # a saved query
    REPORT = "report"        # a kept merge or import record


def _kind(kind: Kind) -> Kind:
    if not isinstance(kind, Kind):
        raise TypeError(f"a change names a Kind, not {kind!r}")
    return kind


@dataclass
class Changes:
    """Ids created, updated and deleted by one committed operation, by entity kind.

    `counts` names entities whose dependants changed while their own rows stayed as they were:
    a code or source that gained or lost codings, the target (source, case, code, coding) of a
    memo written. `result` is the operation's other return value.
    """

    created: dict[Kind, list[int]] = field(default_factory=dict)
    updated: dict[Kind, list[int]] = field(default_factory=dict)
    deleted: dict[Kind, list[int]] = field(default_factory=dict)
    counts: dict[Kind, list[int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    result: Any = None

    def add(self, what: What | Literal["counts"], kind: Kind, *ids: int) -> "Changes":
        """Record ids under created/updated/deleted/counts; no ids, nothing recorded."""
        if what not in (*WHATS, "counts"):
            raise ValueError(f"unknown change {what!r}")
        ids = [i for i in ids if i is not None]
        if ids:
            getattr(self, what).setdefault(_kind(kind), []).extend(ids)
        return self

    def some(self, what: What, kind: Kind) -> "Changes":
        """Say that rows of a kind were created/updated/deleted without naming them (a bulk write):
        views of that kind reload whole."""
        if what not in WHATS:
            raise ValueError(f"unknown change {what!r}")
        getattr(self, what).setdefault(_kind(kind), [])
        return self

    def ids(self, what: What | Literal["counts"], kind: Kind) -> list[int]:
        return list(getattr(self, what).get(_kind(kind), []))

    def touched(self, kind: Kind) -> bool:
        """Whether a row of this kind was created, updated or deleted (counts do not count)."""
        kind = _kind(kind)
        return any(kind in d for d in (self.created, self.updated, self.deleted))

    def bulk(self) -> bool:
        """Whether a kind is named without ids (`some`): views reload it whole."""
        return any(not ids for d in (self.created, self.updated, self.deleted) for ids in d.values())

    def only_codings(self) -> bool:
        """A small edit of codings and their memos (coding, uncoding, a coding's memo, their undo):
        exact ids, no other row touched; the counts of their codes and sources may have moved."""
        rows = {k for d in (self.created, self.updated, self.deleted) for k in d}
        return not self.bulk() and rows <= {Kind.CODING, Kind.MEMO}

    def kinds(self) -> set[Kind]:
        return {k for d in (self.created, self.updated, self.deleted, self.counts) for k in d}

    def merge(self, other: "Changes") -> "Changes":
        """Add another operation's changes (the result stays this one's unless it has none)."""
        for what in (*WHATS, "counts"):
            for kind, ids in getattr(other, what).items():
                if ids:
                    self.add(what, kind, *ids)
                elif what in WHATS:
                    self.some(what, kind)
        self.warnings.extend(other.warnings)
        if self.result is None:
            self.result = other.result
        return self

    def with_result(self, result: Any) -> "Changes":
        self.result = result
        return self

    @property
    def first_created(self) -> int | None:
        for ids in self.created.values():
            if ids:
                return ids[0]
        return None
