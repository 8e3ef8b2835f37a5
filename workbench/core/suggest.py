"""Nearest-name suggestions for unknown codes, sources, cases and attributes."""
from __future__ import annotations

from collections.abc import Iterable


def nearest(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Up to n candidates that look like name, best first, case ignored."""
    import difflib  # here: only a mistyped name needs it, and every command loads this module

    cands = list(candidates)
    folded = {c.casefold(): c for c in cands}
    hits = difflib.get_close_matches(name.casefold(), list(folded), n=n, cutoff=0.5)
    out = [folded[h] for h in hits]
    if not out:
        key = name.casefold()
        out = [c for c in cands if key in c.casefold() or c.casefold().endswith(key.split("/")[-1])][:n]
    return out
