"""The SQLite FTS5 index over source texts: the one SQLite-only piece of text search.

The index is an external-content FTS5 table over `source.text` (the text is not stored
twice), created on first use outside Alembic and the ORM, since a PostgreSQL project would
search differently. Source texts never change after import, so the index is fresh as long as
the set of (source id, sha256) is the one recorded in ProjectMeta; new sources are added,
and a removed one makes us rebuild. A read-only project with a stale index cannot write it:
callers then scan the texts instead (same answers, slower).
"""
from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from workbench.store.backend import SearchIndex, SearchTerm
from workbench.store.models import ProjectMeta

TABLE = "source_fts"
VOCAB = "source_fts_vocab"  # fts5vocab over TABLE: where each token occurs
META_KEY = "fts_index"
TOKENIZE = "unicode61 remove_diacritics 2"


def _current(session: Session) -> dict[str, str]:
    return {str(i): sha[:16] for i, sha in session.execute(text("SELECT id, sha256 FROM source"))}


def _recorded(session: Session) -> dict[str, str] | None:
    row = session.get(ProjectMeta, META_KEY)
    if row is None:
        return None
    try:
        return json.loads(row.value)
    except ValueError:
        return None


def _exists(session: Session, name: str = TABLE) -> bool:
    return session.execute(text("SELECT 1 FROM sqlite_master WHERE type='table' AND name=:n"),
                           {"n": name}).first() is not None


def is_fresh(session: Session) -> bool:
    """True when the index exists and covers exactly the sources there are."""
    return _exists(session) and _recorded(session) == _current(session)


def ensure_index(session: Session) -> bool:
    """Create or bring the index up to date inside the caller's write transaction.

    Returns True when anything was (re)indexed."""
    current = _current(session)
    recorded = _recorded(session) if _exists(session) else None
    if not _exists(session, VOCAB):
        if recorded is not None:
            session.execute(text(f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCAB} USING fts5vocab({TABLE}, instance)"))
    if recorded == current:
        return False
    session.execute(text(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
        f"text, content='source', content_rowid='id', tokenize='{TOKENIZE}')"))
    session.execute(text(f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCAB} USING fts5vocab({TABLE}, instance)"))
    if recorded is not None and all(current.get(k) == v for k, v in recorded.items()):
        new = [int(k) for k in current if k not in recorded]
        for i in range(0, len(new), 200):
            chunk = ",".join(str(x) for x in new[i:i + 200])
            session.execute(text(f"INSERT INTO {TABLE}(rowid, text) SELECT id, text FROM source WHERE id IN ({chunk})"))
    else:
        session.execute(text(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')"))
    row = session.get(ProjectMeta, META_KEY)
    value = json.dumps(current, separators=(",", ":"))
    if row is None:
        session.add(ProjectMeta(key=META_KEY, value=value))
    else:
        row.value = value
    return True


def match_expression(terms: Sequence[SearchTerm]) -> str:
    """The FTS5 MATCH expression that holds when every term does: "a b" phrases, "a"* prefixes."""
    return " ".join('"' + " ".join(t.tokens) + '"' + ("*" if t.prefix else "") for t in terms)


def matching_sources(session: Session, match: str) -> list[int]:
    """Ids of the sources whose text matches an FTS5 MATCH expression."""
    try:
        return [r[0] for r in session.execute(text(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH :m"),
                                              {"m": match})]
    except OperationalError as exc:  # a malformed MATCH string is our bug, but say what it was
        raise ValueError(f"full-text query {match!r} failed: {exc.orig}") from None


def token_counts(session: Session, token: str, prefix: bool = False) -> dict[int, int] | None:
    """How often a (folded) token, or any token it begins, occurs in each source; None when
    the index has no vocabulary table (an index made before it existed)."""
    if not _exists(session, VOCAB):
        return None
    if prefix:
        where, params = "term >= :lo AND term < :hi", {"lo": token, "hi": token + "\U0010ffff"}
    else:
        where, params = "term = :lo", {"lo": token}
    return dict(session.execute(text(f"SELECT doc, count(*) FROM {VOCAB} WHERE {where} GROUP BY doc"), params).all())


def drop_index(session: Session) -> None:
    session.execute(text(f"DROP TABLE IF EXISTS {VOCAB}"))
    session.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))
    row = session.get(ProjectMeta, META_KEY)
    if row is not None:
        session.delete(row)


# The texts of a search are read through a memory map of the file, opened for the read alone:
# a common word's sources are every text, more pages than the 64 MiB page cache holds at 4xL,
# and read through the cache each was copied in again on every search (the search's cost grew
# faster than the texts: issue 11). The map is closed right after, so a file changed under
# the program (which SQLite answers with an error, where a map would be a crash) is mapped
# for the length of one read only.
MMAP_BYTES = 1 << 40


def source_texts(session: Session, ids: set[int]) -> list[tuple[int, str, int, str]]:
    """(id, name, position, text) of these sources, read by the driver through a memory map."""
    from workbench.store.sqlite import rows_by_id

    if not ids:
        return []
    conn = session.connection()
    driver = conn.connection.driver_connection
    driver.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
    try:
        return rows_by_id(conn, "source", ("id", "name", "position", "text"), ids)
    finally:
        driver.execute("PRAGMA mmap_size=0")


class Fts5Index(SearchIndex):
    """The SearchIndex of a project file (store.backend): FTS5 with its vocabulary table."""

    def is_fresh(self, session: Session) -> bool:
        return is_fresh(session)

    def ensure(self, session: Session) -> bool:
        return ensure_index(session)

    def matching_sources(self, session: Session, terms: Sequence[SearchTerm]) -> list[int]:
        return matching_sources(session, match_expression(terms))

    def token_counts(self, session: Session, token: str, prefix: bool = False) -> dict[int, int] | None:
        # Exact only where FTS5 folds as query.search matches: ASCII. Beyond it FTS5 has its own
        # case folding ('ΣΟΦΟΣ' is the term 'σοφοσ', the query 'σοφος' looks up 'σοφος' and finds 0),
        # and a count too low made query.search trust it and drop real hits.
        return token_counts(session, token, prefix) if token.isascii() else None

    def source_texts(self, session: Session, ids: set[int]) -> list[tuple[int, str, int, str]]:
        return source_texts(session, ids)

    def drop(self, session: Session) -> None:
        drop_index(session)
