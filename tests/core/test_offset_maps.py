"""The offset maps against the definition: a UTF-16 offset is len(s[:i].encode('utf-16-le')) // 2.

core.textpos.Utf16Map converts for the window (Qt counts UTF-16 units); io.refi.offsets.UnitMap
converts the selections of other tools' files (UTF-16 or code points, a CRLF as one unit or
two). Both are checked here, position by position, on texts drawn around the places where
the counts differ: surrogate pairs, the U+FFFF / U+10000 boundary, CRLF and lone CR.
"""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.textpos import Utf16Map, utf16_len
from workbench.io.refi.offsets import MODELS, PlainText

EDGE = ["a", "é", "\u0301", "\n", "\r\n", "\r", "\uffff", "\ufffd", "\U00010000", "\U0001f600",
        "\U0010ffff", "\u4e2d", " ", "\ufeff"]
texts = st.lists(st.one_of(st.sampled_from(EDGE), st.characters(blacklist_categories=("Cs",))),
                 max_size=40).map("".join)


def units(s: str) -> int:
    """The definition of a UTF-16 length, computed by Python's own encoder."""
    return len(s.encode("utf-16-le")) // 2


@settings(max_examples=300, deadline=None)
@given(texts)
def test_utf16_map_matches_the_encoder_at_every_position(s):
    m = Utf16Map(s)
    assert m.length_cp == len(s) and m.length_u16 == units(s) == utf16_len(s)
    for i in range(len(s) + 1):
        u = m.to_utf16(i)
        assert u == units(s[:i]), (s, i)
        assert m.to_codepoint(u) == i
        if i < len(s) and ord(s[i]) >= 0x10000:
            assert m.to_codepoint(u + 1) == i  # between the two halves of a pair: rounds down


def test_the_bmp_boundary_itself():
    s = "\uffff\U00010000x"
    m = Utf16Map(s)
    assert [m.to_utf16(i) for i in range(4)] == [0, 1, 3, 4]
    assert [m.to_codepoint(u) for u in range(5)] == [0, 1, 1, 2, 3]


def _stored_and_raw_positions(raw: str) -> list[int]:
    """For each position of the stored text (BOM dropped, CRLF and CR as LF), where it is in raw."""
    body = raw[1:] if raw.startswith("\ufeff") else raw
    starts = [m.start() for m in re.finditer(r"\r\n|.", body, re.S)]
    return starts + [len(body)], body


@settings(max_examples=300, deadline=None)
@given(texts)
def test_unit_maps_of_every_counting_match_the_definition(raw):
    pos, body = _stored_and_raw_positions(raw)
    text = PlainText(raw)
    assert len(text.text) == len(pos) - 1
    for model in MODELS:
        umap = text.unit_map(model)
        for i, j in enumerate(pos):
            before = body[:j]
            expected = units(before) if model.utf16 else len(before)
            if model.crlf_units == 1:
                expected -= before.count("\r\n")
            assert umap.to_cp(expected) == (i, True), (model.name, raw, i)
            wide = j < len(body) and ((model.utf16 and ord(body[j]) >= 0x10000)
                                      or (model.crlf_units == 2 and body.startswith("\r\n", j)))
            if wide:  # inside a surrogate pair, or between CR and LF
                assert umap.to_cp(expected + 1) == (i, False), (model.name, raw, i)
        assert umap.units == (units(body) if model.utf16 else len(body)) - \
            (body.count("\r\n") if model.crlf_units == 1 else 0)
