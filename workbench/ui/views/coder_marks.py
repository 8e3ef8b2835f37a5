"""Who coded what at a glance: each coder's initials and colour, for the margin and the codings list."""
from __future__ import annotations

from PySide6.QtGui import QColor

# Colour-blind-safe and unlike the default code colours, so a coder chip is not read as a code.
PALETTE = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#a6761d", "#e6ab02", "#666666")


def initials(name: str) -> str:
    """'Nomsa Dube' -> 'ND', 'Thandi' -> 'T'."""
    words = [w for w in name.replace("-", " ").split() if w]
    return "".join(w[0] for w in words[:3]).upper() or "?"


def coder_marks(coders: list[tuple[int, str]]) -> dict[int, tuple[str, QColor]]:
    """{coder id: (short mark, colour)}: initials, lengthened to tell apart coders who share them;
    colours by the coders' order by name, so every window gives a coder the same one."""
    ordered = sorted(coders, key=lambda c: c[1].casefold())
    marks = {cid: initials(name) for cid, name in ordered}
    clash = {m for m in marks.values() if list(marks.values()).count(m) > 1}
    for cid, name in ordered:
        if marks[cid] in clash:
            marks[cid] = name.replace(" ", "")[:3].title() or "?"
    return {cid: (marks[cid], QColor(PALETTE[k % len(PALETTE)])) for k, (cid, _name) in enumerate(ordered)}
