"""The search index of a server project: where each folded word of each source stands.

query.search finds the hits itself, in Python, over the stored text; an index only narrows
the sources to look in and counts a word's occurrences, and must never leave out a source
that holds a hit nor count fewer than there are. FTS5 does that for a file. Here, as FTS5
keeps its position lists, the table `source_fold` keeps one row per source and folded word:
how often the word stands as a whole word (`n`) and at which word positions (`pos`). A
phrase is then found by positions that follow one another, a word by its row, a prefix by
a range of words, all from a B-tree, without reading any text: the trigram index over a
folded copy of each text that came before passed every source of a small-vocabulary text
and then rechecked the whole folded text with LIKE, eight times slower than the file.

The words are those query.search can match: runs of word characters ([^\\W_], the same as
str.isalnum), each folded by `fold_key` to one case-free, accent-free form, checked against
query.search's character classes for every code point in tests. One case needs care:
query.search lets a combining mark U+0300-U+036F belong to the letter before it *or* stand
as the gap between two words, so in 'Re\u0301union' it finds 'reunion', 'union' and the phrase
"re union". Such a word (letters with marks between them) is indexed as every run of its
parts (`ext`: start, end, whether it reaches the word's end), a word of more than
MAX_PARTS parts marks its source unsure (always a candidate, its counts not trusted).
Positions count parts, so a phrase's next word starts at the part after the last one.

The table lives outside Alembic, as FTS5's does, and is made on first use; a removed source
takes its rows with it (ON DELETE CASCADE); texts never change after import, so the index is
fresh when every source has its row for the empty word (the mark that it was indexed).
"""
from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from types import SimpleNamespace

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from workbench.store.backend import SearchIndex, SearchTerm

TABLE = "source_fold"
BATCH = 50
MAX_PARTS = 8  # a word with more marked parts than this makes its source unsure
UNSURE = 1 << 30  # the count given for every word of an unsure source: query.search then checks it all
_WORD = re.compile(r"[^\W_]+")
_MARKS = re.compile(r"[\u0300-\u036f]+")
_GAP = re.compile(r"[\W_]+")
_LAST = "\U0010ffff"  # above every word character, so [w, w + _LAST) holds the words beginning w


@lru_cache(maxsize=65536)
def fold_char(ch: str) -> str:
    """One character's search key: decomposed, marks dropped, case folded through upper case."""
    if unicodedata.combining(ch):
        return ""
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c)) or ch
    up = base.upper()  # through upper case, so 'ς' and 'σ' (both 'Σ') meet; 'ß' (upper 'SS') stays itself
    return up.lower() if len(up) == len(base) else base.lower()


@lru_cache(maxsize=65536)
def word_key(word: str) -> str:
    """The key of a run of word characters: each character's key, joined."""
    return word.lower() if word.isascii() else "".join(map(fold_char, word))


def fold_key(value: str) -> str:
    """A text's folded form: words by word_key, marks dropped, every other gap one space."""
    folded = value.lower() if value.isascii() else "".join(map(fold_char, value))
    return _GAP.sub(" ", folded)


def index_words(body: str) -> tuple[dict[str, list[int]], dict[str, list[int]], bool]:
    """A text's words: {key: positions of whole words}, {key: (start, end, reaches the end)
    triples, flat, of runs of parts of marked words}, and whether the text is unsure."""
    simple: dict[str, list[int]] = {}
    parts: dict[str, list[int]] = {}
    if not _MARKS.search(body):  # no word has parts: each run of word characters is a word
        ascii_ = body.isascii()
        words = _WORD.findall(body.lower() if ascii_ else body)
        for pos, key in enumerate(words if ascii_ else map(word_key, words)):
            at = simple.get(key)
            if at is None:
                simple[key] = [pos]
            else:
                at.append(pos)
        return simple, parts, False
    unsure = False
    word: list[str] = []  # the parts of the current word, joined by marks only
    first = 0
    prev_end = -1
    pos = -1

    def close() -> None:
        nonlocal unsure
        if len(word) == 1:
            simple.setdefault(word[0], []).append(first)
            return
        if len(word) > MAX_PARTS:
            unsure = True
            return
        last = len(word) - 1
        for i in range(len(word)):
            for j in range(i, len(word)):
                parts.setdefault("".join(word[i:j + 1]), []).extend((first + i, first + j, int(j == last)))

    for m in _WORD.finditer(body):
        pos += 1
        key = word_key(m.group())
        start = m.start()
        if word and _MARKS.fullmatch(body, prev_end, start):
            word.append(key)
        else:
            if word:
                close()
            word, first = [key], pos
        prev_end = m.end()
    if word:
        close()
    return simple, parts, unsure


def _array(values: list[int] | None) -> str | None:
    return None if values is None else "{" + ",".join(map(str, values)) + "}"


def _rows(sid: int, body: str):
    """The index's rows of one text: (source_id, token, n, pos, ext), the empty word first."""
    simple, parts, unsure = index_words(body)
    yield sid, "", 0, None, "{1}" if unsure else None
    for key, pos in simple.items():
        ext = parts.pop(key, None)
        yield sid, key, len(pos) + (sum(ext[2::3]) if ext else 0), _array(pos), _array(ext)
    for key, ext in parts.items():
        yield sid, key, sum(ext[2::3]), None, _array(ext)


def _units(pos, ext) -> list[tuple[int, int, int]]:
    out = [(p, p, 1) for p in pos or ()]
    if ext:
        out += [(ext[i], ext[i + 1], ext[i + 2]) for i in range(0, len(ext), 3)]
    return out


class WordIndex(SearchIndex):
    """The SearchIndex of a server project (store.backend)."""

    def _state(self, session: Session) -> tuple[bool, bool]:
        """Whether the table exists, and whether it is this version's (not an earlier folded copy)."""
        row = session.execute(text(
            "SELECT to_regclass(:t) IS NOT NULL, EXISTS (SELECT 1 FROM pg_attribute "
            "WHERE attrelid = to_regclass(:t) AND attname = 'pos' AND NOT attisdropped)"), {"t": TABLE}).one()
        return bool(row[0]), bool(row[1])

    _made = False  # the table was seen, of this version, by this index: not asked again (a round trip)

    def is_fresh(self, session: Session) -> bool:
        if not self._made:
            if self._state(session) != (True, True):
                return False
            self._made = True
        try:
            return session.execute(text(
                f"SELECT NOT EXISTS (SELECT 1 FROM source s WHERE NOT EXISTS "
                f"(SELECT 1 FROM {TABLE} f WHERE f.token = '' AND f.source_id = s.id))")).scalar()
        except DBAPIError:
            self._made = False  # dropped behind our back: this search fails, the next one rebuilds
            raise

    def ensure(self, session: Session) -> bool:
        exists, current = self._state(session)
        if exists and not current:  # the folded copy of an earlier version: made anew
            self.drop(session)
        if not current:
            self._create(session)
        missing = session.execute(text(
            f"SELECT s.id FROM source s WHERE NOT EXISTS "
            f"(SELECT 1 FROM {TABLE} f WHERE f.token = '' AND f.source_id = s.id) ORDER BY s.id")).scalars().all()
        if not missing:
            return False
        for i in range(0, len(missing), BATCH):
            rows = session.execute(text("SELECT id, text FROM source WHERE id = ANY(:ids)"),
                                   {"ids": missing[i:i + BATCH]}).all()
            cols: tuple[list, ...] = ([], [], [], [], [])
            for sid, body in rows:
                for row in _rows(sid, body):
                    for col, value in zip(cols, row):
                        col.append(value)
            # One INSERT of parallel arrays (not COPY: a team project's coder is under row-level
            # security, where COPY FROM is refused); each row's positions travel as array text.
            session.execute(text(
                f"INSERT INTO {TABLE} (source_id, token, n, pos, ext) "
                "SELECT s, t, n, p::integer[], e::integer[] "
                "FROM unnest(CAST(:s AS integer[]), CAST(:t AS text[]), CAST(:n AS integer[]), "
                "CAST(:p AS text[]), CAST(:e AS text[])) AS u(s, t, n, p, e)"),
                dict(zip("stnpe", cols)))
        session.execute(text(f"ANALYZE {TABLE}"))
        return True

    def _create(self, session: Session) -> None:
        session.execute(text(
            f"CREATE TABLE {TABLE} (source_id integer NOT NULL REFERENCES source(id) ON DELETE CASCADE, "
            'token text COLLATE "C" NOT NULL, n integer NOT NULL, pos integer[], ext integer[], '
            "PRIMARY KEY (token, source_id))"))
        session.execute(text(f"CREATE INDEX {TABLE}_source ON {TABLE} (source_id)"))

    def lookup(self, session: Session, terms: Sequence[SearchTerm]) \
            -> tuple[list[int], list[dict[int, int] | None]]:
        """The sources that may hold every term and, for each one-word term, its count in each
        of them (a count is never below the hits query.search finds; None for a phrase)."""
        params: dict[str, object] = {}
        parts = ["SELECT -1 AS t, 0 AS w, source_id, 0 AS n, NULL::integer[] AS pos, NULL::integer[] AS ext "
                 f"FROM {TABLE} WHERE token = '' AND ext IS NOT NULL"]
        for t, term in enumerate(terms):
            keys = [word_key(tok) for tok in term.tokens]
            cols = "pos, ext" if len(keys) > 1 else "NULL::integer[], NULL::integer[]"
            for w, key in enumerate(keys):
                name = f"k{t}_{w}"
                params[name] = key
                if term.prefix and w == len(keys) - 1:
                    params[name + "z"] = key + _LAST
                    where = f"token >= :{name} AND token < :{name}z"
                else:
                    where = f"token = :{name}"
                parts.append(f"SELECT {t}, {w}, source_id, n, {cols} FROM {TABLE} WHERE {where}")
        rows = session.execute(text(" UNION ALL ".join(parts)), params).all()
        unsure = {r[2] for r in rows if r[0] < 0}
        found: list[dict[int, dict[int, list]]] = [{} for _ in terms]  # term -> source -> word -> rows
        for t, w, sid, n, pos, ext in rows:
            if t >= 0:
                found[t].setdefault(sid, {}).setdefault(w, []).append((n, pos, ext))
        candidates: set[int] | None = None
        counts: list[dict[int, int] | None] = []
        for term, by_source in zip(terms, found):
            if len(term.tokens) == 1:
                count = {sid: sum(r[0] for r in words[0]) for sid, words in by_source.items()}
                count = {sid: c for sid, c in count.items() if c}
                have = set(count)
                count.update(dict.fromkeys(unsure, UNSURE))
                counts.append(count)
            else:
                have = {sid for sid, words in by_source.items() if self._phrase(words, len(term.tokens))}
                counts.append(None)
            candidates = have if candidates is None else candidates & have
        return sorted((candidates or set()) | unsure), counts

    @staticmethod
    def _phrase(words: dict[int, list], length: int) -> bool:
        """Whether words (word number -> its rows in one source) stand one after another."""
        if len(words) < length:
            return False
        if all(ext is None for w in range(length) for _, _, ext in words[w]):  # whole words only
            at: set[int] | None = None
            for w in range(length):
                here = set(itertools.chain.from_iterable(pos or () for _, pos, _ in words[w]))
                at = here if at is None else here.intersection(map((1).__add__, at))
                if not at:
                    return False
            return True
        ends = None
        for w in range(length):
            units = [u for _, pos, ext in words[w] for u in _units(pos, ext)]
            last = w == length - 1
            ends = {e for s, e, whole in units
                    if (ends is None or s - 1 in ends) and (whole or not last)}
            if not ends:
                return False
        return True

    def matching_sources(self, session: Session, terms: Sequence[SearchTerm]) -> list[int]:
        return self.lookup(session, terms)[0]

    def token_counts(self, session: Session, token: str, prefix: bool = False) -> dict[int, int] | None:
        return self.lookup(session, [SimpleNamespace(tokens=(token,), prefix=prefix)])[1][0]

    def drop(self, session: Session) -> None:
        self._made = False
        session.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))


