"""Full-text search across sources: words, "phrases" and prefix*, case and diacritics ignored.

FTS5 (store/fts.py) narrows the search to the sources that contain every term; the hits
themselves are located here in Python on a folded copy of each text, so offsets are code
points of the stored text, as everywhere else. Folding is lower-casing plus removing
diacritics, one character for one character, so folded and stored offsets coincide.
A read-only project whose index is stale is scanned instead, with the same answers.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.core.errors import ValidationError
from workbench.store import fts
from workbench.store.models import Source
from workbench.store.project import Project

_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_TOKEN = re.compile(r"[^\W_]+")
_GAP = r"[\W_]+"


@lru_cache(maxsize=65536)
def fold_char(ch: str) -> str:
    """One character lower-cased and stripped of diacritics; always one character."""
    low = ch.lower()
    if len(low) != 1:
        low = ch
    base = "".join(c for c in unicodedata.normalize("NFD", low) if not unicodedata.combining(c))
    return base if len(base) == 1 else low


def fold(text: str) -> str:
    """The search form of a text, the same length as the text."""
    if text.isascii():
        return text.lower()
    return _NON_ASCII_RUN.sub(lambda m: "".join(map(fold_char, m.group())), text).lower()


@dataclass(frozen=True)
class Term:
    """A word (one token), a phrase (several) or a prefix (last token open-ended)."""

    tokens: tuple[str, ...]
    prefix: bool = False

    def fts(self) -> str:
        return '"' + " ".join(self.tokens) + '"' + ("*" if self.prefix else "")

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


@dataclass(frozen=True)
class Hit:
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


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def find_in(folded: str, term: Term) -> list[tuple[int, int]]:
    """Spans of a term in a folded text. Scans for the first token as a literal (fast), then
    checks word boundaries and the rest of a phrase at each candidate."""
    first = term.tokens[0]
    single = len(term.tokens) == 1
    rx = re.compile(re.escape(first))
    rest = None if single else re.compile(
        _GAP.join(re.escape(t) for t in term.tokens) + (r"[^\W_]*" if term.prefix else ""))
    open_end = re.compile(r"[^\W_]*")
    out = []
    n = len(folded)
    for m in rx.finditer(folded):
        s = m.start()
        if s > 0 and _is_word(folded[s - 1]):
            continue
        if single:
            e = m.end()
            if term.prefix:
                e = open_end.match(folded, e).end()
        else:
            full = rest.match(folded, s)
            if full is None:
                continue
            e = full.end()
        if e < n and _is_word(folded[e]):
            continue
        out.append((s, e))
    return out


@dataclass
class SearchResult:
    query: str
    terms: list[Term]
    hits: list[Hit]
    texts: dict[int, str]
    used_index: bool

    def as_json(self, width: int = 40) -> list[dict]:
        return [h.as_json(self.texts[h.source_id], width) for h in self.hits]


def search_in(session: Session, query: str, use_index: bool = True, source_ids: set[int] | None = None) -> SearchResult:
    """Hits of every term in the sources that contain all the terms."""
    terms = parse_query(query)
    if use_index:
        candidates = set(fts.matching_sources(session, " ".join(t.fts() for t in terms)))
    else:
        candidates = set(session.scalars(select(Source.id)))
    if source_ids is not None:
        candidates &= source_ids
    rows = session.execute(select(Source.id, Source.name, Source.position, Source.text)
                           .where(Source.id.in_(candidates))).all() if candidates else []
    hits: list[Hit] = []
    texts: dict[int, str] = {}
    for row in sorted(rows, key=lambda r: (r.position, r.name.casefold(), r.id)):
        folded = fold(row.text)
        found = []
        for term in terms:
            spans = find_in(folded, term)
            if not spans:
                found = []
                break
            found.extend((s, _past_marks(row.text, e), term.label()) for s, e in spans)
        if not found:
            continue
        texts[row.id] = row.text
        seen = set()
        for s, e, label in sorted(found):
            if (s, e) not in seen:
                seen.add((s, e))
                hits.append(Hit(row.id, row.name, s, e, label))
    return SearchResult(query, terms, hits, texts, use_index)


def _past_marks(text: str, end: int) -> int:
    """Extend a hit over combining marks that follow it (a decomposed é belongs to its word)."""
    while end < len(text) and unicodedata.combining(text[end]):
        end += 1
    return end


def search(project: Project, query: str, source_ids: set[int] | None = None) -> SearchResult:
    """Search, bringing the FTS index up to date first when the project can be written."""
    parse_query(query)  # bad input fails before any write
    if not project.readonly:
        with project.transaction() as s:
            fts.ensure_index(s)
        with project.reading() as s:
            return search_in(s, query, True, source_ids)
    with project.reading() as s:
        return search_in(s, query, fts.is_fresh(s), source_ids)
