"""The search index of a server project: a folded copy of each text under a pg_trgm index.

query.search finds the hits itself, in Python, over the stored text; an index only narrows
the sources to look in, and must never leave out one that holds a hit. FTS5 does that for a
file. Here each source's text is kept once more in `source_fold`, folded by `fold_key`:
every character to one case-free, accent-free form (combining marks dropped), so that any
span query.search would match, folded, contains each of the query's folded tokens. The
sources holding every token are found with `LIKE '%token%'`, which a GIN trigram index
(pg_trgm) answers quickly; without the extension (a server that does not let us create it)
the same LIKE scans the folded texts, with the same answers. PostgreSQL's own text search
(its parser splits `city.Every` as a host name, `e-mail` three ways) and `unaccent` plus
`lower()` (whose answers depend on the database's locale) were not used for that reason:
the fold is ours, and tests/core checks it against query.search's matching rules for every
character. The table lives outside Alembic, as FTS5's does, and is made on first use; a
removed source takes its row with it (ON DELETE CASCADE), texts never change after import,
so the index is fresh when every source has its row. In the folded copy every run of
characters that are not word characters (query.search's gaps between the words of a phrase)
is one space, so a phrase is looked for whole, not only word by word.
"""
from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from workbench.store.backend import SearchIndex, SearchTerm

TABLE = "source_fold"
BATCH = 50
_GAP = re.compile(r"[\W_]+")
MAX_PHRASE_JOINS = 3  # a phrase of up to 4 words is also looked for whole (2**3 spellings at most)


@lru_cache(maxsize=65536)
def fold_char(ch: str) -> str:
    """One character's search key: decomposed, marks dropped, case folded through upper case."""
    if unicodedata.combining(ch):
        return ""
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c)) or ch
    up = base.upper()  # through upper case, so 'ς' and 'σ' (both 'Σ') meet; 'ß' (upper 'SS') stays itself
    return up.lower() if len(up) == len(base) else base.lower()


def fold_key(value: str) -> str:
    """A text's search key (not the same length as the text: only for finding candidates)."""
    folded = value.lower() if value.isascii() else "".join(map(fold_char, value))
    return _GAP.sub(" ", folded)


def _like(token: str) -> str:
    escaped = token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class TrigramIndex(SearchIndex):
    """The SearchIndex of a server project (store.backend)."""

    def _exists(self, session: Session) -> bool:
        return session.execute(text("SELECT to_regclass(:t)"), {"t": TABLE}).scalar() is not None

    def is_fresh(self, session: Session) -> bool:
        if not self._exists(session):
            return False
        return session.execute(text(
            f"SELECT NOT EXISTS (SELECT 1 FROM source s LEFT JOIN {TABLE} f ON f.source_id = s.id "
            "WHERE f.source_id IS NULL)")).scalar()

    def ensure(self, session: Session) -> bool:
        if not self._exists(session):
            self._create(session)
        missing = session.execute(text(
            f"SELECT s.id FROM source s LEFT JOIN {TABLE} f ON f.source_id = s.id WHERE f.source_id IS NULL "
            "ORDER BY s.id")).scalars().all()
        for i in range(0, len(missing), BATCH):
            rows = session.execute(text("SELECT id, text FROM source WHERE id = ANY(:ids)"),
                                   {"ids": missing[i:i + BATCH]}).all()
            session.execute(text(f"INSERT INTO {TABLE} (source_id, folded) VALUES (:i, :f)"),
                            [{"i": sid, "f": fold_key(body)} for sid, body in rows])
        if missing:
            session.execute(text(f"ANALYZE {TABLE}"))  # so the planner knows the trigram index pays
        return bool(missing)

    def _create(self, session: Session) -> None:
        session.execute(text(f"CREATE TABLE {TABLE} (source_id integer PRIMARY KEY "
                             "REFERENCES source(id) ON DELETE CASCADE, folded text NOT NULL)"))
        if self._trigrams(session):
            session.execute(text(f"CREATE INDEX {TABLE}_trgm ON {TABLE} USING gin (folded gin_trgm_ops)"))

    def _trigrams(self, session: Session) -> bool:
        """Whether pg_trgm is there, creating it when we may (a savepoint keeps a refusal harmless)."""
        have = "SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'"
        if session.execute(text(have)).first():
            return True
        try:
            with session.begin_nested():
                session.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
        except DBAPIError:
            return False
        return True

    def matching_sources(self, session: Session, terms: Sequence[SearchTerm]) -> list[int]:
        params: dict[str, str] = {}

        def like(pattern: str) -> str:
            name = f"t{len(params)}"
            params[name] = _like(pattern)
            return f"folded LIKE :{name}"

        where, words = [], set()
        for t in terms:
            keys = [fold_key(tok) for tok in t.tokens]
            if 1 < len(keys) <= MAX_PHRASE_JOINS + 1:
                # The words with a gap between them, folded to one space; or none, where the gap was
                # only combining marks, which the folded copy drops. Each spelling holds every word.
                spellings = {"".join(k + j for k, j in zip(keys, joins + ("",)))
                             for joins in itertools.product((" ", ""), repeat=len(keys) - 1)}
                where.append("(" + " OR ".join(like(sp) for sp in sorted(spellings)) + ")")
            else:
                words.update(keys)
        where += [like(w) for w in sorted(words)]
        return list(session.execute(text(f"SELECT source_id FROM {TABLE} WHERE {' AND '.join(where) or 'TRUE'}"),
                                    params).scalars())

    def drop(self, session: Session) -> None:
        session.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))
