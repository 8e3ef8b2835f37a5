"""The one interface behind which everything engine-specific sits (SQLite file or PostgreSQL).

`store.project.Project` holds a `Backend` as `project.backend`; services, query, io and
merge use SQLAlchemy expressions on the project's engine and sessions, and reach the
engine only through these methods: connection set-up, the writer's lock, copies and
backups, the text-search index, integrity checks and error messages. `store/sqlite.py`
(with `store/fts.py`) and `store/postgres.py` (with `store/pg_search.py`) implement it.
"""
from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session


class SearchTerm(Protocol):
    """A search term as the index sees it: folded tokens, the last one open-ended if prefix."""

    tokens: tuple[str, ...]
    prefix: bool


def source_texts(session: Session, ids: set[int]) -> list[tuple[int, str, int, str]]:
    """(id, name, position, text) of these sources, read by any engine (a search scans them)."""
    from sqlalchemy import select

    from workbench.store.models import Source

    if not ids:
        return []
    return [tuple(r) for r in session.execute(
        select(Source.id, Source.name, Source.position, Source.text).where(Source.id.in_(ids)))]


class SearchIndex(ABC):
    """Narrows a text search to the sources that may hold every term.

    `matching_sources` may return more sources than hold a hit (query.search checks each
    text), never fewer; `token_counts` is never below the hits query.search finds (exact for
    plain text), or None.
    """

    @abstractmethod
    def is_fresh(self, session: Session) -> bool:
        """True when the index covers exactly the sources there are."""

    @abstractmethod
    def ensure(self, session: Session) -> bool:
        """Bring the index up to date inside the caller's write transaction; True if it changed."""

    @abstractmethod
    def matching_sources(self, session: Session, terms: Sequence[SearchTerm]) -> list[int]:
        """Ids of the sources that may contain every term."""

    def token_counts(self, session: Session, token: str, prefix: bool = False) -> dict[int, int] | None:
        """How often a folded token (or any token it begins) occurs in each source, or None."""
        return None

    def lookup(self, session: Session, terms: Sequence[SearchTerm]) \
            -> tuple[list[int], list[dict[int, int] | None]]:
        """matching_sources, and token_counts of each one-word term (None for a phrase), in one
        call: an index on a server answers both in one round trip."""
        return (self.matching_sources(session, terms),
                [self.token_counts(session, t.tokens[0], t.prefix) if len(t.tokens) == 1 else None for t in terms])

    def source_texts(self, session: Session, ids: set[int]) -> list[tuple[int, str, int, str]]:
        """(id, name, position, text) of these sources, for the search to look through."""
        return source_texts(session, ids)

    @abstractmethod
    def drop(self, session: Session) -> None:
        """Remove the index (it is made again on the next search)."""


class WriteLock(ABC):
    """Held while one program has the project open for writing."""

    @abstractmethod
    def release(self) -> None: ...


class Backend(ABC):
    """One engine's ways of doing what the store needs; `label` names the project in messages."""

    kind: str  # "sqlite" or "postgresql"
    readonly: bool
    search: SearchIndex

    @property
    @abstractmethod
    def location(self) -> Path | object:
        """What the project is known by: its file Path, or a core.location.ServerLocation."""

    @property
    def label(self) -> str:
        return str(self.location)

    @abstractmethod
    def make_engine(self, readonly: bool, foreign_keys: bool = True) -> Engine:
        """A SQLAlchemy engine on the project: every connection set up as the engine needs."""

    @abstractmethod
    def lock_for_writing(self) -> WriteLock:
        """Take the writer's lock or raise ProjectLockedError."""

    @abstractmethod
    def revision(self) -> str:
        """The project's Alembic revision; ProjectError when it is no project of ours."""

    @abstractmethod
    def backup(self, tag: str) -> str:
        """A whole copy of the project beside it, named with tag and the time; returns its location."""

    @abstractmethod
    def copy_to_file(self, dest: Path) -> None:
        """A whole copy of the project as a new project file at dest (hand-outs, merge into OUT)."""

    @abstractmethod
    def integrity_problems(self) -> list[str]:
        """What the engine's own checks report; empty when the project is sound."""

    @abstractmethod
    def error_words(self, exc: BaseException) -> str:
        """A database error as the user should read it (no password, no traceback)."""

    @abstractmethod
    def on_open(self, conn: Connection) -> list[str]:
        """Checks run once when the project opens for writing; returns warnings for the user."""

    def close(self) -> None:
        """Whatever the backend holds beyond its engines."""


def same_location(a: str | os.PathLike | object, b: str | os.PathLike | object) -> bool:
    """Whether two locations name one project (files by identity, server projects by address)."""
    if isinstance(a, Path) and isinstance(b, Path):
        try:
            return a.resolve() == b.resolve() or os.path.samefile(a, b)
        except OSError:
            return False
    return str(a) == str(b)
