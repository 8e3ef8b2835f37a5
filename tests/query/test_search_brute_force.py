"""Search finds what a brute-force scan of the texts finds: every position of every text tried
against the rule itself (a whole word, case and Latin accents ignored, a combining mark after a
letter part of it), on texts with emoji, combining marks and CRLF, on both engines.

The texts the search reads come through the engine's own read (on a file a memory map opened
for the one read, issue 11); the map is closed again after each search.
"""
from __future__ import annotations

import random
import sqlite3
import unicodedata

import pytest
from query_expect import add_source

from workbench.query.search import search, search_in

WORDS = ["city", "City", "CITY", "cíty", "CÍTY", "ci\u0301ty", "city\u0301", "cities", "cityscape", "xcity",
         "Réunion", "re", "union", "cafe\u0301", "café", "cafe", "naïve", "2019", "memorandum"]
GAPS = [" ", " ", "\r\n", "\n", "\U0001F600", "-", "_", ", ", "\u2026 ", "\r\n\r\n"]
QUERIES = ["city", "cafe", "naive", "union", "re", "memorandum", "2019", "cities"]


def _fold(ch: str) -> str:
    """A character lower-cased, a Latin letter without its accents (the rule, written out)."""
    low = ch.lower() if len(ch.lower()) == 1 else ch
    if 0xC0 <= ord(low) <= 0x24F or 0x1E00 <= ord(low) <= 0x1EFF:
        base = "".join(c for c in unicodedata.normalize("NFD", low) if not unicodedata.combining(c))
        return base if len(base) == 1 else low
    return low


def _mark(ch: str) -> bool:
    return "\u0300" <= ch <= "\u036f"


def brute_force(text: str, word: str) -> list[tuple[int, int]]:
    """Every span where word starts after no letter or digit, each of its letters matches one
    character (with the marks after it) and no letter or digit follows."""
    out, n = [], len(text)
    for s in range(n):
        if s and text[s - 1].isalnum():
            continue
        i = s
        for c in word:
            if i >= n or _fold(text[i]) != c:
                break
            i += 1
            while i < n and _mark(text[i]):
                i += 1
        else:
            if i == n or not text[i].isalnum():
                out.append((s, i))
    return out


def _text(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 40)):
        parts += [rng.choice(WORDS), rng.choice(GAPS)]
    if rng.random() < 0.5:
        parts.pop()  # a word at the very end
    return "".join(parts)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_search_finds_what_a_brute_force_scan_finds(empty_project, seed):
    rng = random.Random(seed)
    texts = {f"t{i:02}.txt": _text(rng) for i in range(30)}
    with empty_project.transaction() as s:
        for name, body in texts.items():
            add_source(s, name, body)
    assert any("\r\n" in t for t in texts.values()) and any("\U0001F600" in t for t in texts.values())
    for q in QUERIES:
        expected = sorted((name, s, e) for name, t in texts.items() for s, e in brute_force(t, q))
        found = search(empty_project, q)
        assert found.used_index
        assert sorted((h.source, h.start, h.end) for h in found.hits) == expected, q
        with empty_project.reading() as s:
            scanned = search_in(s, q, None)
        assert sorted((h.source, h.start, h.end) for h in scanned.hits) == expected, q
        assert all(found.texts[h.source_id] == texts[h.source] for h in found.hits)
    assert sum(1 for t in texts.values() for _ in brute_force(t, "city")) > 20  # the rule is exercised


def test_the_brute_force_is_the_rule():
    """The oracle itself, on cases counted by hand."""
    t = "City ci\u0301ty\r\ncíty\U0001F600CITY xcity cities city\u0301_city"
    assert [t[s:e] for s, e in brute_force(t, "city")] == ["City", "ci\u0301ty", "cíty", "CITY", "city\u0301", "city"]
    assert brute_force("Re\u0301union", "union") == [(3, 8)] and brute_force("Re\u0301union", "re") == []


@pytest.mark.file_only  # SQLite's memory map
def test_the_memory_map_of_a_search_is_closed_after_it(project, project_path):
    search(project, "city")
    with project.reading() as s:
        driver = s.connection().connection.driver_connection
        assert driver.execute("PRAGMA mmap_size").fetchone()[0] == 0
        rows = sorted(project.backend.search.source_texts(s, {1, 2, 3}))
    con = sqlite3.connect(project_path)
    assert rows == sorted(con.execute("SELECT id, name, position, text FROM source WHERE id IN (1, 2, 3)"))
    con.close()
