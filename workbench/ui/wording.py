"""Counted words as people write them: "1 source", "2 sources", "no codings"."""
from __future__ import annotations

IRREGULAR = {"case": "cases", "memo": "memos", "copy": "copies", "entry": "entries", "this": "these",
             "child": "children", "analysis": "analyses"}


def plural(word: str) -> str:
    if word in IRREGULAR:
        return IRREGULAR[word]
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def count(n: int, word: str, zero: str | None = None) -> str:
    """'1 source', '2,310 sources'; with zero, that text for none ('no codings')."""
    if n == 0 and zero is not None:
        return zero
    return f"{n:,} {word if n == 1 else plural(word)}"
