"""Placers of every counting sharing one text's readings place each selection as the rule read straight
off the conversions says, the tally fed a selection at a time scores as the tally fed a whole text,
and a selection is converted once per distinct reading of the text (the QDPX import places every
selection four times)."""
from __future__ import annotations

import random

from workbench.io.refi import offsets
from workbench.io.refi.offsets import MODELS, Placement, Placer, PlainText, Readings, ScoreTally, convert, same_text

ALPHABET = ["a", "b", "word", " ", "é", "😀", "👍🏽", "\r\n", "\n", "x"]


def _selections(rng, plain, n=200):
    """Spans in every counting's range, some with their text (as code points read it), some with
    another text, some with none."""
    out = []
    for _ in range(n):
        start = rng.randrange(0, len(plain.text) + 3)
        end = start + rng.randrange(-1, 12)
        if rng.random() < 0.4:
            name = plain.text[start:end]
        elif rng.random() < 0.5:
            name = rng.choice(["word", "a b", "😀", "…"])
        else:
            name = ""
        out.append((start, end, name))
        if rng.random() < 0.2:  # the same span next with another text (two tools' selections on one span)
            out.append((start, end, "zz" if name == plain.text[start:end] else plain.text[start:end]))
    return out


def _placed(plain, default, start, end, name):
    """The placement rule read straight off the conversions: the file's counting if the text fits it,
    else the first other counting it fits (only where the countings differ), else the file's."""
    def span(model):
        return convert(plain.unit_map(model), plain.text, start, end)

    def fits(sp):
        return not sp.problem and same_text(name, plain.text[sp.start:sp.end])

    own = span(default)
    if not name.strip():
        return Placement(own, default, "")
    if fits(own):
        return Placement(own, default, "file")
    if plain.has_crlf or plain.has_astral:
        for model in MODELS:
            if model is not default and fits(span(model)):
                return Placement(span(model), model, "other")
    return Placement(own, default, "none")


def test_shared_readings_place_and_score_as_separate_placers_do():
    rng = random.Random(11)
    for trial in range(30):
        raw = "".join(rng.choice(ALPHABET) for _ in range(80))
        plain = PlainText(raw)
        sels = _selections(rng, plain)
        shared = Readings(plain)
        placers = [Placer(plain, m, shared) for m in MODELS]
        tally = ScoreTally()
        for start, end, name in sels:
            tally.add_selection(shared, start, end, name)
            for p in placers:
                want = _placed(plain, p.default, start, end, name)
                assert p.place(start, end, name) == want, (raw, start, end, name, p.default)
        whole = ScoreTally()
        whole.add(plain, [(s, e) for s, e, _ in sels])
        assert tally.scores == whole.scores, raw


def test_a_selection_is_converted_once_per_distinct_reading(monkeypatch):
    calls = []
    real = offsets.convert

    def counting(umap, text, start, end):
        calls.append((start, end))
        return real(umap, text, start, end)

    monkeypatch.setattr(offsets, "convert", counting)
    # Characters outside the BMP and no CRLF: code points and UTF-16 read it two ways, not four.
    plain = PlainText("one 😀 two 😀 three four")
    shared = Readings(plain)
    tally = ScoreTally()
    placers = [Placer(plain, m, shared) for m in MODELS]
    sels = [(0, 3, "one"), (6, 9, "two"), (4, 5, "x"), (8, 11, "")]
    for start, end, name in sels:
        tally.add_selection(shared, start, end, name)
        for p in placers:
            p.place(start, end, name)
    assert len(calls) == 2 * len(sels)
    assert sorted(set(calls)) == sorted((s, e) for s, e, _ in sels)
