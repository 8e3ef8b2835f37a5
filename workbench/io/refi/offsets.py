"""How other tools count selection offsets, and which counting a file used.

The REFI-QDA standard counts Unicode code points. NVivo 12 counts UTF-16 units
with the byte-order mark skipped and CRLF as two (NOTES.md §6); ATLAS.ti is
said to count CRLF as one. We store text with '\\n' line ends and code-point
offsets, so every selection is converted. The model is chosen from the file's
`origin` and confirmed by checking that the selections start and end on
sensible boundaries (inside the text, not inside a surrogate pair or a CRLF,
not mid-word); when another model fits clearly better, it is used instead.

One file can still mix countings: QualCoder stores UTF-16 positions for
codings made in its view and passes imported offsets through unchanged. Where
a selection carries its text (QualCoder and ATLAS.ti write it into @name), the
`Placer` takes, per selection, the counting under which that text is the slice.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from heapq import merge

from workbench.io.refi.qdpx_xml import INVALID

_SPECIAL = re.compile("\r\n|[\U00010000-\U0010FFFF]")


@dataclass(frozen=True)
class OffsetModel:
    name: str
    label: str
    utf16: bool  # characters outside the BMP count as two
    crlf_units: int  # a CRLF line end counts as this many


CODEPOINTS = OffsetModel("codepoints", "Unicode code points, as the REFI-QDA standard says", False, 2)
CODEPOINTS_CRLF1 = OffsetModel("codepoints-crlf1", "code points with a Windows line end counted as one (ATLAS.ti)",
                               False, 1)
UTF16 = OffsetModel("utf16", "UTF-16 units with a Windows line end counted as one", True, 1)
NVIVO = OffsetModel("nvivo", "UTF-16 units, byte-order mark skipped, a Windows line end counted as two (NVivo)",
                    True, 2)
MODELS = (CODEPOINTS, CODEPOINTS_CRLF1, UTF16, NVIVO)
BY_NAME = {m.name: m for m in MODELS}


def model_for_origin(origin: str) -> OffsetModel:
    """The counting the tool named in `origin` is known to use."""
    low = (origin or "").lower()
    if "nvivo" in low:
        return NVIVO
    if "atlas" in low:
        return CODEPOINTS_CRLF1
    return CODEPOINTS


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


class UnitMap:
    """Converts one model's offsets into code points of the stored ('\\n') text."""

    __slots__ = ("length", "units", "_wide_u")

    def __init__(self, length: int, wide: list[int]):
        self.length = length  # code points of the stored text
        # Unit offset at which each two-unit character starts.
        self._wide_u = [i + k for k, i in enumerate(wide)]
        self.units = length + len(wide)

    def to_cp(self, u: int) -> tuple[int, bool]:
        """(code point at or before unit u, whether u falls on a character boundary)."""
        k = bisect_right(self._wide_u, u - 2)  # two-unit characters wholly before u
        if k < len(self._wide_u) and self._wide_u[k] == u - 1:
            return u - k - 1, False  # inside a surrogate pair or between CR and LF
        return u - k, True


class PlainText:
    """A source's plain text as another tool wrote it, and where its counting can differ."""

    __slots__ = ("text", "_crlf", "_astral")

    def __init__(self, raw: str):
        if raw.startswith("\ufeff"):
            raw = raw[1:]  # no sample counts the BOM
        self.text = normalize_newlines(raw)
        self._crlf: list[int] = []
        self._astral: list[int] = []
        if "\r" in raw or not raw.isascii():
            removed = 0
            for m in _SPECIAL.finditer(raw):
                if m.group() == "\r\n":
                    self._crlf.append(m.start() - removed)
                    removed += 1
                else:
                    self._astral.append(m.start() - removed)

    @property
    def has_crlf(self) -> bool:
        return bool(self._crlf)

    @property
    def has_astral(self) -> bool:
        return bool(self._astral)

    def unit_map(self, model: OffsetModel) -> UnitMap:
        wide: list[int] = []
        if model.utf16 and self._astral:
            wide = self._astral
        if model.crlf_units == 2 and self._crlf:
            wide = list(merge(wide, self._crlf)) if wide else self._crlf
        return UnitMap(len(self.text), wide)


def mid_word(text: str, p: int) -> bool:
    return 0 < p < len(text) and text[p - 1].isalnum() and text[p].isalnum()


@dataclass
class ConvertedSelection:
    """A selection converted to code points, or the reason it cannot be."""

    start: int = 0
    end: int = 0
    problem: str = ""
    sensible: bool = True


def convert(umap: UnitMap, text: str, start: int, end: int) -> ConvertedSelection:
    if start < 0 or end < 0:
        return ConvertedSelection(problem=f"negative offsets {start}-{end}", sensible=False)
    if start >= end:
        return ConvertedSelection(problem=f"an empty or reversed selection {start}-{end}", sensible=False)
    if end > umap.units:
        return ConvertedSelection(problem=f"offsets {start}-{end} run past the end of the text ({umap.units} units)",
                    sensible=False)
    cs, ok_s = umap.to_cp(start)
    ce, ok_e = umap.to_cp(end)
    if not ok_e:
        ce += 1  # an end inside a pair keeps the whole character
    sensible = ok_s and ok_e and not mid_word(text, cs) and not mid_word(text, ce)
    return ConvertedSelection(cs, ce, "", sensible)


@dataclass
class ModelChoice:
    """The model used for a file, the one its origin suggested, and how each model scored."""

    model: OffsetModel
    suggested: OffsetModel
    scores: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (sensible, selections)

    @property
    def confirmed(self) -> bool:
        return self.model is self.suggested

    def describe(self) -> str:
        ok, total = self.scores.get(self.model.name, (0, 0))
        if total == 0:
            return f"{self.model.label} (no text selections to check)"
        head = f"{self.model.label}: {ok} of {total} selections fall on sensible boundaries"
        if self.confirmed:
            return head
        s_ok, _ = self.scores.get(self.suggested.name, (0, 0))
        return f"{head} (the file's origin suggested {self.suggested.label}, which fits only {s_ok})"


class ScoreTally:
    """How many selections fall on sensible boundaries under each counting, added up a text at a time,
    so a file's texts need not be held together to choose its counting."""

    def __init__(self):
        self.scores: dict[str, list[int]] = {m.name: [0, 0] for m in MODELS}  # name -> [sensible, selections]

    def add(self, text: PlainText, sels: list[tuple[int, int]]) -> None:
        if not sels:
            return
        # Countings that read this text alike (no CRLF, nothing outside the BMP) are scored once.
        done: dict[tuple[bool, bool], tuple[int, int]] = {}
        for model in MODELS:
            key = (model.utf16 and text.has_astral, model.crlf_units == 2 and text.has_crlf)
            if key not in done:
                done[key] = _score(model, [(text, sels)])
            ok, total = done[key]
            self.scores[model.name][0] += ok
            self.scores[model.name][1] += total

    def add_selection(self, readings: Readings, start: int, end: int, name: str = "") -> None:
        """One selection of the text `readings` reads, scored under each counting (as `add` scores it),
        converting it once per distinct reading, the placers after it reusing the conversions."""
        for model in MODELS:
            score = self.scores[model.name]
            score[0] += readings.span(model, start, end, name).sensible
            score[1] += 1

    def choice(self, origin: str) -> ModelChoice:
        """The counting for the whole file: the origin's, unless another fits more selections."""
        suggested = model_for_origin(origin)
        scores = {name: (ok, total) for name, (ok, total) in self.scores.items()}
        best = max(MODELS, key=lambda m: (scores[m.name][0], m is suggested))
        chosen = suggested if scores[suggested.name][0] >= scores[best.name][0] else best
        return ModelChoice(chosen, suggested, scores)


def choose_model(origin: str, items: list[tuple[PlainText, list[tuple[int, int]]]]) -> ModelChoice:
    """Pick the counting for a whole file from its origin, confirmed on its selections."""
    tally = ScoreTally()
    for text, sels in items:
        tally.add(text, sels)
    return tally.choice(origin)


def _score(model: OffsetModel, items: list[tuple[PlainText, list[tuple[int, int]]]]) -> tuple[int, int]:
    ok = total = 0
    for text, sels in items:
        if not sels:
            continue
        umap = text.unit_map(model)
        for start, end in sels:
            total += 1
            ok += convert(umap, text.text, start, end).sensible
    return ok, total


def same_text(name: str, excerpt: str) -> bool:
    """Whether a selection's @name is its text: equal but for whitespace (XML folds line breaks in an
    attribute into spaces), or its beginning cut off with '…' (ATLAS.ti, this workbench)."""
    if name == excerpt:
        return True
    want = " ".join(name.split())
    if not want.endswith("…"):
        return want == _flat(excerpt)
    head = want[:-1].rstrip()
    if not head:
        return False
    # The flattened beginning of a passage is the beginning of the flattened passage: read no more of
    # a long passage than the name needs (unless it is mostly whitespace).
    part = excerpt[: 4 * len(head) + 16]
    got = _flat(part)
    if len(got) < len(head) and len(part) < len(excerpt):
        got = _flat(excerpt)
    return got.startswith(head)


def _flat(text: str) -> str:
    # XML cannot carry most control characters: a name read from a file never has them, the text may.
    return " ".join(INVALID.sub("", text).split())


@dataclass
class Placement:
    span: ConvertedSelection
    model: OffsetModel
    fit: str  # "file": its text fits the file's counting; "other": only another one; "none"; "": no text


class Readings:
    """One text's selections as each counting reads them, shared by the placers of every counting: the
    countings that read the text alike (no CRLF, nothing outside the BMP) convert and compare a selection
    once between them, and each placer asks for the same selection in turn."""

    __slots__ = ("plain", "_keys", "_maps", "_at", "_spans", "_fits")

    def __init__(self, plain: PlainText):
        self.plain = plain
        self._keys = {m.name: (m.utf16 and plain.has_astral, m.crlf_units == 2 and plain.has_crlf) for m in MODELS}
        self._maps: dict[tuple[bool, bool], UnitMap] = {}
        self._at: tuple[int, int, str] | None = None
        self._spans: dict[tuple[bool, bool], ConvertedSelection] = {}
        self._fits: dict[tuple[bool, bool], bool] = {}

    def span(self, model: OffsetModel, start: int, end: int, name: str) -> ConvertedSelection:
        at = (start, end, name)
        if self._at != at:
            self._at = at
            self._spans.clear()
            self._fits.clear()
        key = self._keys[model.name]
        span = self._spans.get(key)
        if span is None:
            umap = self._maps.get(key)
            if umap is None:
                umap = self._maps[key] = self.plain.unit_map(model)
            span = self._spans[key] = convert(umap, self.plain.text, start, end)
        return span

    def fits(self, model: OffsetModel, start: int, end: int, name: str) -> bool:
        """Whether `name` is the text the selection covers read by `model`'s counting."""
        span = self.span(model, start, end, name)
        key = self._keys[model.name]
        fit = self._fits.get(key)
        if fit is None:
            fit = self._fits[key] = not span.problem and same_text(name, self.plain.text[span.start:span.end])
        return fit


class Placer:
    """Converts one text's selections, each by the counting its own text fits, the file's counting first."""

    def __init__(self, plain: PlainText, default: OffsetModel, readings: Readings | None = None):
        self.plain, self.default = plain, default
        self.readings = readings or Readings(plain)
        # Without CRLF or characters outside the BMP every counting gives the same positions.
        self._others = [m for m in MODELS if m is not default] if plain.has_crlf or plain.has_astral else []

    def place(self, start: int, end: int, name: str = "") -> Placement:
        r = self.readings
        span = r.span(self.default, start, end, name)
        if not name.strip():
            return Placement(span, self.default, "")
        if r.fits(self.default, start, end, name):
            return Placement(span, self.default, "file")
        for model in self._others:
            if r.fits(model, start, end, name):
                return Placement(r.span(model, start, end, name), model, "other")
        return Placement(span, self.default, "none")
