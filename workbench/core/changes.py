"""What a service call touched, so views refresh only what changed."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Changes:
    """Ids created, updated and deleted by one committed action, by entity kind."""

    created: dict[str, list[int]] = field(default_factory=dict)
    updated: dict[str, list[int]] = field(default_factory=dict)
    deleted: dict[str, list[int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def add(self, what: str, kind: str, *ids: int) -> "Changes":
        getattr(self, what).setdefault(kind, []).extend(ids)
        return self

    def touched(self, kind: str) -> bool:
        return any(kind in d for d in (self.created, self.updated, self.deleted))

    def merge(self, other: "Changes") -> "Changes":
        for what in ("created", "updated", "deleted"):
            for kind, ids in getattr(other, what).items():
                self.add(what, kind, *ids)
        self.warnings.extend(other.warnings)
        return self

    @property
    def first_created(self) -> int | None:
        for ids in self.created.values():
            if ids:
                return ids[0]
        return None
