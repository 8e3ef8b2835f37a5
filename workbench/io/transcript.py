"""Speaker turns and timestamps in interview transcripts, found without changing the text."""
from __future__ import annotations

import re

from workbench.io.importers.base import Turn

# A turn starts a line: an optional timestamp ([00:12:34], (00:12:34), 00:12:34 or 12:34,
# with optional .mmm), then a speaker label of up to six words and a colon. The label must
# not itself look like a time, and a sentence ("The problem is: ...") is too long to match.
_TIME = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_TURN = re.compile(
    rf"^[ \t]*(?:[\[(]?(?P<ts>{_TIME})[\])]?[ \t]*(?:-[ \t]*)?)?"
    r"(?P<speaker>[^\W\d_][\w.'’\- ]{0,38}?(?:\s\d{1,2})?)[ \t]*:(?=[ \t]|$)",
    re.MULTILINE,
)
_MAX_LABEL_WORDS = 6


def _ms(ts: str) -> int:
    main, _, frac = ts.replace(",", ".").partition(".")
    parts = [int(p) for p in main.split(":")]
    while len(parts) < 3:
        parts.insert(0, 0)
    h, m, s = parts
    return ((h * 60 + m) * 60 + s) * 1000 + (int(frac.ljust(3, "0")[:3]) if frac else 0)


def find_turns(text: str) -> list[Turn]:
    """Speaker turns in text; empty when the text does not read as a transcript.

    A document counts as a transcript when at least two labelled turns are found
    and some speaker speaks more than once, so a policy text's 'Note:' is not a turn.
    """
    starts = []
    for m in _TURN.finditer(text):
        speaker = m.group("speaker").strip()
        if len(speaker.split()) > _MAX_LABEL_WORDS or speaker.casefold() in {"http", "https", "note", "nb"}:
            continue
        starts.append((m.start(), m.end(), speaker, m.group("ts")))
    if len(starts) < 2:
        return []
    names = [s[2] for s in starts]
    if len(set(names)) == len(names):
        return []
    turns = []
    for i, (start, label_end, speaker, ts) in enumerate(starts):
        # Skip the leading indentation so a turn starts where its first visible character is.
        while start < label_end and text[start] in " \t":
            start += 1
        end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        while end > label_end and text[end - 1] in "\n \t":
            end -= 1
        turns.append(Turn(speaker, start, end, label_end, ts, _ms(ts) if ts else None))
    return turns
