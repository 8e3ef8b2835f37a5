"""The index never changes a hit: seeded random texts and queries, each searched through the
engine's index and as a scan of every text (query.search alone, no index), on both engines.

The texts are built from the pieces that have broken search before: accents composed and
decomposed ('Re\u0301union', where query.search finds 'reunion', 'union' and "re union"),
a mark or an emoji glued to a word, 'ß' beside 'SS', Greek final sigma, ligatures, CRLF and
words at the very start and end of a text. The queries are words, prefixes* and "phrases",
some from the vocabulary in other cases, some cut from the texts themselves.
"""
from __future__ import annotations

import random
import re

import pytest
from query_expect import add_source

from workbench.query.search import search, search_in

WORDS = ["city", "cit", "cities", "a", "aa", "ab", "aba", "sister", "Réunion", "Re\u0301union", "re", "union",
         "straße", "STRASSE", "strasse", "café", "cafe\u0301", "cafe", "Zürich", "ZU\u0308RICH", "σοφός", "ΣΟΦΟΣ",
         "ǅemal", "ǆemal", "ﬁnance", "finance", "İstanbul", "2019", "memorandum", "signed", "naïve", "e\u034fx"]
GAPS = [" ", " ", " ", "-", "\r\n", "\n", "_", "\U0001F600", "\u0301", "\u034f", ", ", "'", "\u2026 ", "", ""]
SOURCES = 40
QUERIES = 300


def _marked(s: str) -> bool:
    return any("\u0300" <= c <= "\u036f" for c in s)


def _text(rng: random.Random, marks: bool) -> str:
    words = WORDS if marks else [w for w in WORDS if not _marked(w)]
    gaps = GAPS if marks else [g for g in GAPS if not _marked(g)]
    out = []
    for _ in range(rng.randint(1, 30)):
        w = rng.choice(words)
        forms = [f for f in (w, w.upper(), w.capitalize(), w.lower()) if marks or not _marked(f)]
        out.append(rng.choice(forms))  # 'İstanbul'.lower() is 'i\u0307stanbul': a mark
        out.append(rng.choice(gaps))
    if rng.random() < 0.5:
        out.pop()  # a word at the very end
    return "".join(out)


def _queries(rng: random.Random, texts: list[str]) -> list[str]:
    out: list[str] = []
    while len(out) < QUERIES:
        kind = rng.random()
        if kind < 0.3:
            out.append(rng.choice(WORDS))
        elif kind < 0.45:
            w = rng.choice(WORDS)
            out.append(w[:rng.randint(1, len(w))] + "*")
        elif kind < 0.6:
            out.append('"' + " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 3))) + '"')
        else:  # cut from a text: a phrase that is there, perhaps glued or half a word
            t = rng.choice(texts)
            a = rng.randrange(len(t))
            piece = t[a:a + rng.randint(2, 24)].replace('"', " ")
            if not re.search(r"[^\W_]", piece):
                continue
            out.append(rng.choice(('"' + piece + '"', piece, '"' + piece + '"*')))
    return out


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("marks", [False, True], ids=["composed", "marks"])
def test_index_and_scan_find_the_same_hits(request, engine, empty_project, seed, marks):
    if marks and engine == "sqlite":
        request.applymarker(pytest.mark.xfail(strict=True, reason=(
            "FTS5 (unicode61 remove_diacritics 2) keeps a mark U+0300-U+036F inside its token "
            "('Re\u0301union' is the one token 'reunion', 'sister\u0301city' is 'sistercity') and splits at "
            "U+034F, where query.search lets such a mark also stand as the gap between two words, so it finds "
            "'union' and \"re union\" in 'Re\u0301union': FTS5 leaves that source out (store/fts.py)")))
    rng = random.Random(seed)
    texts = [_text(rng, marks) for _ in range(SOURCES)]
    with empty_project.transaction() as s:
        for i, body in enumerate(texts):
            add_source(s, f"t{i:02}.txt", body)
    differ = []
    for q in _queries(rng, texts):
        with_index = search(empty_project, q)
        with empty_project.reading() as s:
            scanned = search_in(s, q, None)
        assert with_index.used_index
        if [tuple(h) for h in with_index.hits] != [tuple(h) for h in scanned.hits]:
            differ.append(q)
    assert differ == []
