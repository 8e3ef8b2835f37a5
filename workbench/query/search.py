"""Full-text search across sources: words, "phrases" and prefix*, case and diacritics ignored.

The project's search index (store.backend.SearchIndex: FTS5 in a file, store/pg_search.py's
word positions on PostgreSQL) narrows the search to the sources that may contain every term
and counts each word, so that find_in may stop at plain literals when their finds reach the
count (an index's count is never below the hits found here); the hits
themselves are located here in Python with a regex over the stored text whose character
classes take in upper and lower case and accented Latin letters, so offsets are code points
of the stored text, as everywhere else, and the hits are the same on either engine. A
read-only project whose index is stale is scanned instead, with the same answers.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.core.errors import ValidationError
from workbench.store.backend import SearchIndex, source_texts
from workbench.store.models import Source
from workbench.store.project import Project

_TOKEN = re.compile(r"[^\W_]+")
_MARKS = "[\u0300-\u036f]*"  # combining diacritics of a decomposed letter belong to it
_GAP = r"[\W_]+"
# FTS5's remove_diacritics folds Latin letters only; so do we.
_LATIN = [(0x00C0, 0x024F), (0x1E00, 0x1EFF)]


def _latin(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in _LATIN)


@lru_cache(maxsize=65536)
def fold_char(ch: str) -> str:
    """One character lower-cased and, if a Latin letter, stripped of diacritics; always one."""
    low = ch.lower()
    if len(low) != 1:
        low = ch
    if not _latin(ord(low)):
        return low
    base = "".join(c for c in unicodedata.normalize("NFD", low) if not unicodedata.combining(c))
    return base.lower() if len(base) == 1 else low


def fold(text: str) -> str:
    """The search form of a text, the same length as the text (used for query terms)."""
    return "".join(map(fold_char, text)) if not text.isascii() else text.lower()


@lru_cache(maxsize=1)
def _variants() -> dict[str, str]:
    """For each folded character, every Latin letter that folds to it (both cases)."""
    out: dict[str, set[str]] = {}
    for lo, hi in _LATIN:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            for c in {ch, ch.lower(), ch.upper()}:
                if len(c) == 1:
                    out.setdefault(fold_char(c), set()).add(c)
    return {k: "".join(sorted(v)) for k, v in out.items()}


def _char_class(ch: str) -> str:
    """A regex class matching every character that folds to ch: cases and accented forms."""
    alts = {ch, ch.upper(), ch.lower(), ch.title()}
    alts = {a for a in alts if len(a) == 1} | set(_variants().get(ch, ""))
    if len(alts) == 1:
        return re.escape(ch)
    return "[" + "".join(re.escape(a) for a in sorted(alts)) + "]"


@dataclass(frozen=True)
class Term:
    """A word (one token), a phrase (several) or a prefix (last token open-ended)."""

    tokens: tuple[str, ...]
    prefix: bool = False

    def label(self) -> str:
        text = " ".join(self.tokens)
        return (f'"{text}"' if len(self.tokens) > 1 else text) + ("*" if self.prefix else "")


def parse_query(query: str) -> list[Term]:
    """Split what the user typed into terms; an unclosed quote names its position."""
    terms: list[Term] = []
    i = 0
    while i < len(query):
        ch = query[i]
        if ch.isspace():
            i += 1
            continue
        if ch == '"':
            close = query.find('"', i + 1)
            if close < 0:
                raise ValidationError(f"search {query!r}: the quote at character {i + 1} is never closed")
            raw, i = query[i + 1:close], close + 1
            prefix = i < len(query) and query[i] == "*"
            i += prefix
        else:
            m = re.compile(r"\S+").match(query, i)
            raw, i = m.group(0), m.end()
            prefix = raw.endswith("*")
            raw = raw.rstrip("*")
        tokens = tuple(_TOKEN.findall(fold(raw)))
        if tokens:
            terms.append(Term(tokens, prefix))
    if not terms:
        raise ValidationError(f"search {query!r}: nothing to search for; type a word, a \"phrase\" or a prefix*")
    return terms


class Hit(NamedTuple):
    source_id: int
    source: str
    start: int
    end: int
    term: str

    def as_json(self, text: str, width: int = 40) -> dict:
        before, match, after = kwic(text, self.start, self.end, width)
        return {"source": self.source, "start": self.start, "end": self.end,
                "context": before + match + after, "before": before, "match": match, "after": after}


def kwic(text: str, start: int, end: int, width: int = 40) -> tuple[str, str, str]:
    """Keyword in context: up to `width` code points either side, line breaks shown as spaces."""
    before = text[max(0, start - width):start].replace("\n", " ")
    after = text[end:end + width].replace("\n", " ")
    return before, text[start:end], after


@lru_cache(maxsize=256)
def term_pattern(term: "Term") -> re.Pattern:
    """A regex over stored text for the term, ignoring case and Latin diacritics. It starts
    with a character class, which the regex engine scans for quickly; word boundaries are
    checked in Python at each candidate (a look-behind would slow the scan threefold)."""
    tokens = [_MARKS.join(_char_class(c) for c in tok) + _MARKS for tok in term.tokens]
    tail = r"(?:[^\W_]|[\u0300-\u036f])*" if term.prefix else ""
    return re.compile(_GAP.join(tokens) + tail)


def _whole_words(text: str, matches, prefix: bool) -> list[tuple[int, int]]:
    out = []
    n = len(text)
    for m in matches:
        s, e = m.span()
        if s > 0 and text[s - 1].isalnum():
            continue
        if prefix:
            e = _WORD_RUN.match(text, e).end()
        else:
            if e < n and "\u0300" <= text[e] <= "\u036f":  # a literal's marks, as term_pattern takes them
                e = _MARK_RUN.match(text, e).end()
            if e < n and text[e].isalnum():
                continue
        out.append((s, e))
    return out


_WORD_RUN = re.compile(r"(?:[^\W_]|[\u0300-\u036f])*")
_MARK_RUN = re.compile(_MARKS)


def find_in(text: str, term: "Term", expected: int | None = None) -> list[tuple[int, int]]:
    """Spans of a term in a stored text, whole words only (a prefix may run on).

    With `expected` (the index's count of the token in this text) a one-word term is first
    looked for as plain lower-case, Capitalised and UPPER literals, which the regex engine
    finds four times faster than a class; only when these fall short of the count (accents,
    mIxEd case) is the full pattern run."""
    if expected is not None and len(term.tokens) == 1:
        spans: list[tuple[int, int]] = []
        for form in _literal_forms(term):
            spans += _whole_words(text, re.finditer(re.escape(form), text), term.prefix)
            if len(spans) >= expected:
                # Trusted only if no span follows a mark: there the pattern's own scan may have
                # taken the mark into an earlier, rejected match ('a\u0301aa', 'aa') and skip it.
                if len(spans) == expected and not any(s and "\u0300" <= text[s - 1] <= "\u036f" for s, _ in spans):
                    return sorted(spans)
                break
    return _whole_words(text, term_pattern(term).finditer(text), term.prefix)


@lru_cache(maxsize=256)
def _literal_forms(term: "Term") -> tuple[str, ...]:
    """lower, Capitalised and UPPER spellings of a one-word term that its pattern matches
    ('straße'.upper() is 'STRASSE', which the pattern, and so the scan, does not find)."""
    token = term.tokens[0]
    pattern = term_pattern(Term(term.tokens))
    return tuple(f for f in dict.fromkeys((token, token.capitalize(), token.upper())) if pattern.fullmatch(f))


@dataclass
class SearchResult:
    query: str
    terms: list[Term]
    hits: list[Hit]
    texts: dict[int, str]
    used_index: bool

    def as_json(self, width: int = 40) -> list[dict]:
        return [h.as_json(self.texts[h.source_id], width) for h in self.hits]


def search_in(session: Session, query: str, index: SearchIndex | None, source_ids: set[int] | None = None) \
        -> SearchResult:
    """Hits of every term in the sources that contain all the terms; without an index, every text is read."""
    terms = parse_query(query)
    counts: list[dict[int, int] | None] = [None] * len(terms)
    if index is not None:
        found, counts = index.lookup(session, terms)
        candidates = set(found)
    else:
        candidates = set(session.scalars(select(Source.id)))
    if source_ids is not None:
        candidates &= source_ids
    rows = (index.source_texts if index is not None else source_texts)(session, candidates)
    hits: list[Hit] = []
    texts: dict[int, str] = {}
    new = tuple.__new__
    for sid, name, _, text in sorted(rows, key=lambda r: (r[2], r[1].casefold(), r[0])):
        found = []
        for term, count in zip(terms, counts):
            spans = find_in(text, term, None if count is None else count.get(sid, 0))
            if not spans:
                found = []
                break
            label = term.label()
            found.extend((s, e, label) for s, e in spans)
        if not found:
            continue
        texts[sid] = text
        if len(terms) > 1:
            found.sort()
        last = None
        for s, e, label in found:
            if (s, e) != last:  # two terms on the same words: one hit
                hits.append(new(Hit, (sid, name, s, e, label)))
                last = (s, e)
    return SearchResult(query, terms, hits, texts, index is not None)


def search(project: Project, query: str, source_ids: set[int] | None = None) -> SearchResult:
    """Search, bringing the index up to date first when the project can be written."""
    parse_query(query)  # bad input fails before any write
    index = project.backend.search
    with project.reading() as s:  # a fresh index (every search but the first after an import): one session
        fresh = index.is_fresh(s)
        if fresh or project.readonly:  # a read-only project with a stale index is scanned
            return search_in(s, query, index if fresh else None, source_ids)
    with project.transaction() as s:
        index.ensure(s)
    with project.reading() as s:
        return search_in(s, query, index, source_ids)
