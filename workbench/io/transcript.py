"""Speaker turns and timestamps in interview transcripts, found without changing the text.

A turn starts a line with a speaker label and a colon ("Ms Dlamini:", "INTERVIEWER:",
"Respondent 2:", "Q:"), optionally with a timestamp in any of the layouts transcription
services write:

    [00:12:34] Ms Dlamini: ...        00:12:34 - Ms Dlamini: ...
    [00:12:34]                        Ms Dlamini (00:12:34): ...
    Ms Dlamini: ...                   Ms Dlamini: [00:12:34] ...

A turn runs to the start of the next one (trailing blank lines excluded). Text before
the first turn (a header) belongs to no turn; in a transcript whose turns carry
timestamps, labelled header lines before the first timestamp ("Interviewer: T. Mokoena")
are header too. Offsets are code points, end exclusive.
"""
from __future__ import annotations

import re
from collections import Counter

from workbench.io.importers.base import Turn

_TIME = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_TURN_BODY = (
    rf"[ \t]*(?:[\[(]?(?P<ts>{_TIME})[\])]?[ \t]*(?:[-\u2013][ \t]*)?(?:\n[ \t]*)?)?"
    r"(?P<speaker>[^\W\d_][\w.'\u2019\- ]{0,38}?)"
    rf"(?:[ \t]*[\[(](?P<ts2>{_TIME})[\])])?"
    r"[ \t]*:(?=[ \t]|$)"
    rf"(?:[ \t]*[\[(](?P<ts3>{_TIME})[\])])?"
)
# The first line is tried with match(); every other line start is found by searching for
# the newline before it, a literal the regex engine scans for far faster than '^'.
_FIRST_LINE = re.compile(_TURN_BODY, re.MULTILINE)
_LATER_LINE = re.compile(r"\n" + _TURN_BODY, re.MULTILINE)
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
    if len(ts) == 8 and ts[2] == ":" and ts[5] == ":":  # the usual HH:MM:SS
        return (int(ts[:2]) * 3600 + int(ts[3:5]) * 60 + int(ts[6:])) * 1000
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
    first = _FIRST_LINE.match(text)
    matches = _LATER_LINE.finditer(text, first.end() if first is not None else 0)
    for m in ([first] if first is not None else []) + list(matches):
        speaker = m.group("speaker").rstrip()
        if speaker.casefold() in _NOT_SPEAKERS or speaker.count(" ") >= _MAX_LABEL_WORDS:
            continue
        start = m.start() if m is first else m.start() + 1  # past the newline
        found.append((start, m.end(), speaker, m.group("ts") or m.group("ts2") or m.group("ts3")))
    return found


def find_turns(text: str) -> list[Turn]:
    """Speaker turns in text; empty when the text does not read as a transcript.

    A document counts as a transcript when at least two turns are found and some
    speaker speaks more than once, so a policy text's 'Note:' or 'Purpose:' makes no turn.
    """
    found = _candidates(text)
    if len(found) < 2:
        return []
    first = next((i for i, c in enumerate(found) if c[3]), None)
    if first:
        stamped = sum(1 for c in found[first:] if c[3])
        if 3 * stamped >= 2 * (len(found) - first):  # most turns carry a timestamp
            # A timestamped transcript: labelled lines before the first timestamp are its
            # header ("Interviewer: T. Mokoena", "Location: ..."), not speech.
            found = found[first:]
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
