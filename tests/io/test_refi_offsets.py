"""Offset counting models: conversions checked against hand-counted positions and a brute-force encoder."""
from __future__ import annotations

import random

from workbench.io.refi.offsets import (CODEPOINTS, CODEPOINTS_CRLF1, NVIVO, UTF16, PlainText, choose_model,
                                       convert, model_for_origin)

RAW = "Hi 😀 you\r\nNext👍🏽 line\r\nEnd"


def test_stored_text_drops_bom_and_crlf():
    t = PlainText("\ufeff" + RAW)
    assert t.text == "Hi 😀 you\nNext👍🏽 line\nEnd"


def test_hand_counted_positions_of_next():
    # 'Next' starts after "Hi 😀 you\r\n": H i _ 😀 _ y o u is 8 code points, then the line end.
    t = PlainText(RAW)
    assert t.text.index("Next") == 9
    assert t.unit_map(CODEPOINTS_CRLF1).to_cp(9) == (9, True)  # CRLF as one: same as stored
    assert t.unit_map(CODEPOINTS).to_cp(10) == (9, True)  # CRLF as two
    assert t.unit_map(UTF16).to_cp(10) == (9, True)  # the emoji takes two units
    assert t.unit_map(NVIVO).to_cp(11) == (9, True)  # emoji two, CRLF two


def test_position_inside_a_surrogate_pair_or_crlf_is_flagged():
    t = PlainText(RAW)
    # Under UTF-16 the emoji occupies units 3-4; unit 4 is inside it.
    assert t.unit_map(UTF16).to_cp(4) == (3, False)
    # Under CRLF-as-two the CR is unit 8 and the LF unit 9: unit 9 falls between them.
    assert t.unit_map(CODEPOINTS).to_cp(9) == (8, False)


def test_brute_force_nvivo_model_matches_utf16_slicing():
    """For random spans on character boundaries, the NVivo model reproduces slicing the UTF-16 encoding."""
    rng = random.Random(3)
    alphabet = ["a", "b", " ", "é", "😀", "👍", "\r\n", "\n", "x"]
    for _ in range(50):
        raw = "".join(rng.choice(alphabet) for _ in range(60))
        t = PlainText(raw)
        umap = t.unit_map(NVIVO)
        u16 = raw.encode("utf-16-le")
        # Unit boundaries that fall between whole characters of the raw text.
        bounds, u = [0], 0
        for piece in _pieces(raw):
            u += len(piece.encode("utf-16-le")) // 2
            bounds.append(u)
        for _ in range(20):
            s, e = sorted(rng.sample(bounds, 2))
            if s == e:
                continue
            expected = u16[2 * s:2 * e].decode("utf-16-le").replace("\r\n", "\n")
            span = convert(umap, t.text, s, e)
            assert t.text[span.start:span.end] == expected


def _pieces(raw: str):
    i = 0
    while i < len(raw):
        if raw.startswith("\r\n", i):
            yield "\r\n"
            i += 2
        else:
            yield raw[i]
            i += 1


def test_convert_reports_out_of_range_and_reversed():
    t = PlainText("short text")
    umap = t.unit_map(CODEPOINTS)
    assert "past the end" in convert(umap, t.text, 3, 11).problem
    assert "empty or reversed" in convert(umap, t.text, 5, 5).problem
    assert "negative" in convert(umap, t.text, -1, 3).problem
    assert convert(umap, t.text, 0, 10).problem == ""


def test_origin_suggests_model():
    assert model_for_origin("NVivo for Windows 12.6") is NVIVO
    assert model_for_origin("ATLAS.ti 8.4.0") is CODEPOINTS_CRLF1
    assert model_for_origin("MAXQDA 24") is CODEPOINTS
    assert model_for_origin("") is CODEPOINTS


def test_choice_overrides_origin_when_selections_fit_another_model_better():
    # A file claiming to be MAXQDA whose offsets are in fact UTF-16 units.
    raw = " ".join(f"😀 word{i} 👍 filler" for i in range(20))
    t = PlainText(raw)
    u16 = lambda cp: len(raw[:cp].encode("utf-16-le")) // 2  # noqa: E731
    sels = []
    for i in range(0, 20, 3):
        start = raw.index(f"word{i} ")
        sels.append((u16(start), u16(start + len(f"word{i}"))))
    choice = choose_model("MAXQDA 24", [(t, sels)])
    assert choice.suggested is CODEPOINTS
    assert choice.model in (UTF16, NVIVO)  # equal here: the text has no CRLF
    assert not choice.confirmed
    assert "suggested" in choice.describe()
    ok, total = choice.scores[choice.model.name]
    assert ok == total == len(sels)


def test_choice_keeps_origin_model_when_it_fits():
    raw = "alpha beta\r\ngamma 😀 delta"
    t = PlainText(raw)
    start = raw.index("delta")  # code points of the raw file, CRLF as two
    choice = choose_model("Some tool", [(t, [(start, start + 5)])])
    assert choice.model is CODEPOINTS and choice.confirmed
    span = convert(t.unit_map(choice.model), t.text, start, start + 5)
    assert t.text[span.start:span.end] == "delta"


def test_the_report_counts_a_single_selection():
    # A file with one selection says how it fell; only a file with none says there was nothing to check.
    t = PlainText("The city signed the agreement.")
    one = choose_model("MAXQDA 24", [(t, [(4, 8)])])
    assert one.model is CODEPOINTS
    assert one.describe() == f"{CODEPOINTS.label}: 1 of 1 selections fall on sensible boundaries"
    none = choose_model("MAXQDA 24", [(t, [])])
    assert none.describe() == f"{CODEPOINTS.label} (no text selections to check)"
