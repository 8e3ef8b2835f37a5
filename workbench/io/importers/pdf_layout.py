"""PDF lines joined back into paragraphs, so quotes, citations and phrase searches see prose.

A PDF places each line of a paragraph on its own; pypdf reads them back as lines. This
module reads where each line starts (pypdf's text visitor: the text matrix times the
current transformation matrix) and joins a line to the one before it with one space
when all of these hold, else starts a new paragraph (paragraphs are parted by "\\n\\n"):

- both lines are upright text of the same font size (within 5%; a heading differs);
- the drop from the one baseline to the next is no more than the line spacing (x 1.15):
  the line spacing is, for each font size, the smallest baseline-to-baseline distance
  (in half points) found between at least a tenth of the consecutive lines of that size
  in the document; a size without one never joins;
- the start does not move: a paragraph's second line may start left of its first (a
  first-line indent), or right of it (a hanging indent) only after a first line that
  starts with a list marker, or fills the line and does not end a sentence; every later
  line starts where the line before it did (within 0.3 of the font size);
- the line does not start with a bullet (•, ◦, ▪, ●, ...) or a transcript's turn (a
  timestamp "[00:12:34]", or a speaker label of up to three capitalised words and a colon,
  "Ms Dlamini:"), and the line before it holds no dot leader (". . . ." or "....": a table
  of contents keeps one entry a paragraph);
- the line before is not short, or it runs on: "short" means it ends before 70% of the
  text width (widths estimated at half the font size a character, a whole one for wide
  East Asian characters; the text runs from the page's most common line start to the
  farther of the mirrored left margin and the ends of the page's longer lines), and it
  "runs on" when it ends in a comma, hyphen, dash, slash, "(" or "&", or the next line
  starts with a lower-case letter. So a short line ending a sentence, and a short line
  followed by one starting in capitals (an unpunctuated heading), end the paragraph.

Where two lines join, the line break becomes one space, except at a hyphen:
- a soft hyphen (U+00AD) at the end of a line is dropped and the word closed up;
- a hyphen (-, U+2010) after a letter at the end of a line, followed by a lower-case
  letter, is a word hyphenated by the typesetter ("develop-" "ment" -> "development")
  and is dropped, unless the word already holds a hyphen on either side of the break
  ("city-to-" "city", "self-" "help-group") or the document writes that compound with
  its hyphen inside a line elsewhere ("self-governance"): then the hyphen stays and
  the word is closed up ("city-to-city"); the rule has no dictionary, so a compound
  split at its only hyphen and written nowhere else loses it ("well-" "being" -> "wellbeing");
- a hyphen followed by anything else ("pre-" "2010", "Afro-" "American"), a hyphen
  after a digit, and an en or em dash glued to the word before it stay, closed up;
- between two wide East Asian characters there is no space.

Lines whose position is unknown (rotated text) and pages always part paragraphs. Each
step is one pass over the lines (counts in dicts, one sort of line ends per page), so the
work grows with the text.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from workbench.io.importers.text import normalize_newlines

SIZE_TOLERANCE = 0.05  # font sizes within 5% are one size
PITCH_SLACK = 1.15  # a baseline drop up to 1.15 line spacings continues a paragraph
PITCH_SHARE = 0.1  # the line spacing is met between at least a tenth of the line pairs
INDENT_TOLERANCE = 0.3  # line starts within 0.3 font sizes are the same
SHORT = 0.7  # a line ending before 70% of the text width is short
LONG_LINES = 0.9  # the text's right edge: the end of the line at the 90th percentile

_BULLET = re.compile(r"[\u2022\u25e6\u25aa\u25ab\u2023\u2043\u25cf\u25cb\u25a0\u25a1\u2219]")
_LIST_MARK = re.compile(r"(?:[\u2022\u25e6\u25aa\u25ab\u2023\u2043\u25cf\u25cb\u25a0\u25a1\u2219]"
                        r"|[-\u2013*]\s|\(?(?:\d{1,3}|[A-Za-z]|[ivxIVX]{1,5})[.)]\s)")
_TURN = re.compile(r"[\[(]?(?:\d{1,2}:)?\d{1,2}:\d{2}\b|(?:[A-Z][\w.'\u2019-]*\s?){1,3}:(?:\s|$)")
_SENTENCE_END = re.compile(r"[.!?:;\u2026\u3002\uff01\uff1f][\"'\u201d\u2019\u00bb)\]]*$")
_RUNS_ON = ",-\u2010\u2013\u2014/(&"
_COMPOUND = re.compile(r"(?<![^\W\d_])[^\W\d_]+(?:-[^\W\d_]+)+")
_WORD_BEFORE_HYPHEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*$")
_WORD_AFTER = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


@dataclass(slots=True)
class Line:
    """One line as pypdf read it, with its start and baseline in page space (None: unknown)."""

    text: str
    x: float | None = None
    y: float | None = None
    size: float = 0.0


@dataclass
class PageLines:
    lines: list[Line] = field(default_factory=list)
    box: tuple[float, float] | None = None  # the page's left and right edge


def page_lines(page, **extract) -> PageLines:
    """The text lines of a pypdf page in pypdf's reading order, each with where it starts.

    `extract` goes to pypdf's extract_text (pdf.py charges its content work through a visitor)."""
    parts: list[tuple[str, float | None, float | None, float]] = []

    def visit(text, cm, tm, font, size):
        if text:
            parts.append((normalize_newlines(text), *_place(cm, tm, size)))

    page.extract_text(visitor_text=visit, **extract)
    try:
        box = (float(page.mediabox.left), float(page.mediabox.right))
    except Exception:  # a damaged /MediaBox: no mirrored margin, the lines' ends still count
        box = None
    return PageLines(_split_lines(parts), box)


def _place(cm, tm, size) -> tuple[float | None, float | None, float]:
    """Start, baseline and font size in page space; no start for rotated or skewed text."""
    try:
        a = tm[0] * cm[0] + tm[1] * cm[2]
        b = tm[0] * cm[1] + tm[1] * cm[3]
        c = tm[2] * cm[0] + tm[3] * cm[2]
        d = tm[2] * cm[1] + tm[3] * cm[3]
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        size = float(size) * d
    except (TypeError, IndexError, ValueError):
        return None, None, 0.0
    if a <= 0 or d <= 0 or abs(b) > 0.01 * a or abs(c) > 0.01 * d or size <= 0:
        return None, None, 0.0
    return x, y, size


def _split_lines(parts) -> list[Line]:
    """Pieces of text (pypdf ends a line with "\\n") into lines: a line starts where its first
    visible piece starts and takes the baseline and size of its longest piece."""
    lines: list[Line] = []
    pieces: list[str] = []
    start = longest = None
    best = -1

    def close():
        nonlocal start, longest, best
        text = "".join(pieces)
        if start is None or longest is None:
            lines.append(Line(text))
        else:
            lines.append(Line(text, start[1], longest[2], longest[3]))
        pieces.clear()
        start = longest = None
        best = -1

    for part in parts:
        chunks = part[0].split("\n")
        for i, chunk in enumerate(chunks):
            if i:
                close()
            if not chunk:
                continue
            pieces.append(chunk)
            visible = len(chunk.strip())
            if visible and start is None:
                start = part
            if visible > best:
                longest, best = part, visible
            if part[1] is None:  # one rotated piece makes the line's place unknown
                start = longest = part
                best = 1 << 60
    if pieces:
        close()
    return lines


def _same_size(a: float, b: float) -> bool:
    return abs(a - b) <= SIZE_TOLERANCE * max(a, b)


def _key(size: float) -> float:
    return round(size * 2) / 2


@dataclass
class _Style:
    pitch: dict[float, float]  # font size (half points) -> line spacing
    compounds: set[str]  # "self-governance" pairs written inside a line, case-folded


def _measure(pages: list[PageLines]) -> _Style:
    gaps: dict[float, Counter] = defaultdict(Counter)
    compounds: set[str] = set()
    for page in pages:
        prev = None
        for line in page.lines:
            for m in _COMPOUND.finditer(line.text) if "-" in line.text else ():
                words = m.group().casefold().split("-")
                compounds.update(f"{a}-{b}" for a, b in zip(words, words[1:]))
            if line.x is None or not line.text.strip():
                prev = None
                continue
            if prev is not None and _same_size(prev.size, line.size):
                dy = prev.y - line.y
                if 0.5 * line.size < dy < 3 * line.size:
                    gaps[_key(line.size)][round(dy * 2) / 2] += 1
            prev = line
    pitch = {}
    for key, counts in gaps.items():
        needed = max(1, PITCH_SHARE * sum(counts.values()))
        frequent = [g for g, n in counts.items() if n >= needed] or [counts.most_common(1)[0][0]]
        pitch[key] = min(frequent) + 0.25  # the upper edge of its half-point bucket
    return _Style(pitch, compounds)


def _est_width(text: str, size: float) -> float:
    if text.isascii():
        return 0.5 * size * len(text)
    return 0.5 * size * sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@dataclass
class _Frame:
    """The page's text width: from its most common line start to its right edge."""

    left: float
    width: float

    def short(self, line: Line) -> bool:
        end = line.x + _est_width(line.text.rstrip(), line.size)
        return self.width <= 0 or end - self.left < SHORT * self.width


def _frame(page: PageLines) -> _Frame | None:
    placed = [ln for ln in page.lines if ln.x is not None and ln.text.strip()]
    if not placed:
        return None
    left = Counter(round(ln.x) for ln in placed).most_common(1)[0][0]
    ends = sorted(ln.x + _est_width(ln.text.rstrip(), ln.size) for ln in placed)
    right = ends[int(LONG_LINES * (len(ends) - 1))]
    if page.box is not None:
        right = max(right, page.box[1] - (left - page.box[0]))
    return _Frame(left, right - left)


def paragraphs(pages: list[PageLines]) -> list[str]:
    """Each page's text: its lines joined into paragraphs, parted by a blank line."""
    style = _measure(pages)
    return ["\n\n".join(_page_paragraphs(page, style)) for page in pages]


def _page_paragraphs(page: PageLines, style: _Style) -> list[str]:
    frame = _frame(page)
    out: list[str] = []
    current: list[str] = []
    prev: Line | None = None
    first = True
    for line in page.lines:
        text = line.text.strip()
        if not text:
            if current:
                out.append("".join(current))
                current = []
            prev = None
            continue
        glue = None if prev is None or frame is None else _continues(prev, line, first, frame, style)
        if glue is None:
            if current:
                out.append("".join(current))
            current = [text]
            first = True
        else:
            cut, sep = glue
            if cut:
                current[-1] = current[-1][:-cut]
            current.append(sep)
            current.append(text)
            first = False
        prev = line
    if current:
        out.append("".join(current))
    return out


def _continues(prev: Line, nxt: Line, first: bool, frame: _Frame, style: _Style) -> tuple[int, str] | None:
    """How nxt joins prev's paragraph (characters to cut from prev, separator), or None."""
    if prev.x is None or nxt.x is None or not _same_size(prev.size, nxt.size):
        return None
    pitch = style.pitch.get(_key(nxt.size))
    if pitch is None or not 0.5 * pitch <= prev.y - nxt.y <= PITCH_SLACK * pitch:
        return None
    before, after = prev.text.strip(), nxt.text.strip()
    tolerance = INDENT_TOLERANCE * nxt.size
    if not first and abs(nxt.x - prev.x) > tolerance:
        return None
    if first and nxt.x > prev.x + tolerance and not (
            _LIST_MARK.match(before) or (not frame.short(prev) and not _SENTENCE_END.search(before))):
        return None
    if _BULLET.match(after) or _TURN.match(after) or _dot_leader(before):
        return None
    if frame.short(prev) and not (before[-1] in _RUNS_ON or after[0].islower()):
        return None
    return _glue(before, after, style.compounds)


def _glue(before: str, after: str, compounds: set[str]) -> tuple[int, str]:
    last, nxt = before[-1], after[0]
    if last == "\u00ad":
        return 1, ""
    if last in "-\u2010" and len(before) > 1 and before[-2].isalpha():
        if not nxt.islower():
            return 0, ""
        head = _WORD_BEFORE_HYPHEN.search(before[:-1].rsplit(None, 1)[-1])  # in the last word only
        tail = _WORD_AFTER.match(after)
        head_word = head.group() if head else ""
        tail_word = tail.group() if tail else ""
        if "-" in head_word or "-" in tail_word or f"{head_word}-{tail_word}".casefold() in compounds:
            return 0, ""  # a compound broken at one of its hyphens
        return 1, ""
    if last in "-\u2010" and len(before) > 1 and before[-2].isdigit():
        return 0, ""
    if last in "\u2013\u2014" and len(before) > 1 and not before[-2].isspace():
        return 0, ""
    if _wide(last) and _wide(nxt):
        return 0, ""
    return 0, " "


def _dot_leader(text: str) -> bool:
    return ". . . ." in text or "...." in text or "\u2026\u2026" in text


def _wide(ch: str) -> bool:
    return not ch.isascii() and unicodedata.east_asian_width(ch) in "WF"
