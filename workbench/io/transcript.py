"""Speaker turns and timestamps in interview transcripts, found without changing the text.

A turn starts a line with a speaker label and a colon ("Ms Dlamini:", "INTERVIEWER:",
"Respondent 2:", "Q:"), optionally with a timestamp in any of the layouts transcription
services write:

    [00:12:34] Ms Dlamini: ...        00:12:34 - Ms Dlamini: ...
    [00:12:34]                        Ms Dlamini (00:12:34): ...
    Ms Dlamini: ...                   Ms Dlamini: [00:12:34] ...

A turn runs to the start of the next one (trailing blank lines excluded). Text before
the first turn (a header) belongs to no turn. Offsets are code points, end exclusive.
"""
from __future__ import annotations

import re
from collections import Counter

from workbench.io.importers.base import Turn

_TIME = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
# Matched at a line start (the caller walks the lines: far faster than a MULTILINE '^').
_TURN = re.compile(
    rf"[ \t]*(?:[\[(]?(?P<ts>{_TIME})[\])]?[ \t]*(?:[-\u2013][ \t]*)?(?:\n[ \t]*)?)?"
    r"(?P<speaker>[^\W\d_][\w.'\u2019\- ]{0,38}?)"
    rf"(?:[ \t]*[\[(](?P<ts2>{_TIME})[\])])?"
    r"[ \t]*:(?=[ \t]|$)"
    rf"(?:[ \t]*[\[(](?P<ts3>{_TIME})[\])])?",
    re.MULTILINE,
)
_MAX_LABEL_WORDS = 6
# Labels that head a line in documents and transcript headers but name no speaker.
_NOT_SPEAKERS = frozenset("""
    note notes nb n.b ps p.s source sources see e.g i.e example examples tel fax email e-mail phone mobile
    date time re subject from to cc bcc attention attn website web url address warning caution important
    tip hint figure fig table chapter section article clause page step http https ftp mailto www total
    location venue place duration length transcriber transcribed by recording recorded audio file
    language keywords title topic project study summary abstract purpose scope objective objectives aim
    aims definition definitions background conclusion conclusions result results comment comments
    remark remarks annex appendix reference references
""".split()) | {"transcribed by", "audio file", "recorded by", "interview date", "please note"}
# Lower-case words that belong inside names ("Mr van der Merwe", "Ms du Toit").
_PARTICLES = frozenset("van der de du da di le la von den dos das del bin ibn al el ter ten st. y".split())


def _ms(ts: str) -> int:
    main, _, frac = ts.replace(",", ".").partition(".")
    parts = [int(p) for p in main.split(":")]
    while len(parts) < 3:
        parts.insert(0, 0)
    h, m, s = parts
    return ((h * 60 + m) * 60 + s) * 1000 + (int(frac.ljust(3, "0")[:3]) if frac else 0)


def _looks_like_name(label: str) -> bool:
    """A label seen once must read as a name or role, not a sentence ("The answer is:")."""
    words = label.split()
    if not words[0][0].isupper():
        return False
    particles = sum(1 for w in words[1:] if w.casefold() in _PARTICLES)
    if len(words) - particles > 3:
        return False
    return all(w[0].isupper() or w[0].isdigit() or w.casefold() in _PARTICLES for w in words[1:])


def _candidates(text: str) -> list[tuple[int, int, str, str | None]]:
    """(start, label_end, speaker, timestamp) for every line that begins with a label."""
    found = []
    match = _TURN.match
    find = text.find
    pos, n = 0, len(text)
    while pos < n:
        m = match(text, pos)
        if m is not None:
            speaker = m.group("speaker").rstrip()
            key = speaker.casefold()
            if key not in _NOT_SPEAKERS and speaker.count(" ") < _MAX_LABEL_WORDS:
                ts = m.group("ts") or m.group("ts2") or m.group("ts3")
                found.append((m.start(), m.end(), speaker, ts))
                pos = m.end()  # a timestamp line may have taken the next line too
        nl = find("\n", pos)
        if nl < 0:
            break
        pos = nl + 1
    return found


def find_turns(text: str) -> list[Turn]:
    """Speaker turns in text; empty when the text does not read as a transcript.

    A document counts as a transcript when at least two turns are found and some
    speaker speaks more than once, so a policy text's 'Note:' or 'Purpose:' makes no turn.
    """
    found = _candidates(text)
    if len(found) < 2:
        return []
    counts = Counter(c[2] for c in found)
    if len(counts) > 1 and min(counts.values()) == 1:
        found = [c for c in found if counts[c[2]] > 1 or _looks_like_name(c[2])]
    if len(found) < 2 or max(counts[c[2]] for c in found) < 2:
        return []
    turns = []
    last = len(found) - 1
    for i, (start, label_end, speaker, ts) in enumerate(found):
        # A turn starts at its first visible character, past the line's indentation.
        while text[start] in " \t":
            start += 1
        end = found[i + 1][0] if i < last else len(text)
        while end > label_end and text[end - 1] in "\n \t":
            end -= 1
        turns.append(Turn(speaker, start, end, label_end, ts, _ms(ts) if ts else None))
    return turns
