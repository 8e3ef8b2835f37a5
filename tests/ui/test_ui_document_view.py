"""The document view on its own: highlight formats over overlaps, margin columns and labels, speaker marks."""
from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QTextCharFormat

from workbench.query.document import CodingRow, SourceDocument, TurnRow
from workbench.ui.views import margin as margin_mod
from workbench.ui.views.document_view import DocumentView

TEXT = "[00:01:02] Ms Dlamini: We set our own agenda and fund the exchanges ourselves.\nNext line.\n"


def row(i, start, end, code=1, color="#4e79a7", name="autonomy", coder="Thandi"):
    return CodingRow(i, f"g{i}", 1, code, 1, coder, start, end, "", name, name, color)


@pytest.fixture
def view(qtbot):
    v = DocumentView()
    qtbot.addWidget(v)
    v.resize(700, 400)
    v.show()
    return v


def runs(view, block_no=0):
    """(text, background colour or None, bold, underlined) for each format range of a block."""
    block = view.document().findBlockByNumber(block_no)
    text = block.text()
    out = []
    for r in sorted(block.layout().formats(), key=lambda r: r.start):
        f: QTextCharFormat = r.format
        bg = f.background().color().name() if f.background().style().value else None
        out.append((text[r.start:r.start + r.length], bg, f.fontWeight() == QFont.Weight.Bold,
                    f.underlineStyle() != QTextCharFormat.UnderlineStyle.NoUnderline))
    return out


def test_overlaps_look_different_from_single_codings(view):
    a = TEXT.index("We set")
    c = TEXT.index("fund")
    d = TEXT.index(" the exchanges")
    view.load(SourceDocument(1, "s", TEXT, (TurnRow("Ms Dlamini", 0, len(TEXT) - 12, TEXT.index(" We")),), ()),
              [row(1, a, d), row(2, c, d, code=2, color="#e15759", name="own funding")])
    got = runs(view)
    texts = [g[0] for g in got]
    assert texts[:2] == ["[00:01:02] ", "Ms Dlamini:"]
    assert got[0][2] is False and got[1][2] is True  # the timestamp dimmed, the speaker bold
    single = next(g for g in got if g[0] == "We set our own agenda and ")
    double = next(g for g in got if g[0] == "fund")
    assert single[1] and double[1] and single[1] != double[1]  # a stronger tint where two overlap
    assert double[3] and not single[3]  # and an underline in the other code's colour
    assert "the exchanges" not in "".join(t for t, bg, *_ in got if bg)


def test_margin_puts_overlapping_codings_in_columns_with_labels(view):
    a = TEXT.index("We set")
    view.load(SourceDocument(1, "s", TEXT, (), ()),
              [row(1, a, a + 20), row(2, a + 5, a + 30, code=2, name="own funding"), row(3, a + 40, a + 50)])
    view.margin.repaint()
    brackets = {br.span.id: br for br in view.margin.layout_brackets()}
    assert brackets[1].x != brackets[2].x  # overlapping: two columns
    assert brackets[3].x == brackets[1].x  # the later one reuses the free first column
    assert view.layer.ncols == 2
    assert {brackets[1].label.isNull(), brackets[2].label.isNull()} == {False}


def test_a_crowded_margin_gathers_deep_overlaps(view, monkeypatch):
    monkeypatch.setattr(margin_mod, "MAX_COLS", 3)
    a = TEXT.index("We set")
    view.load(SourceDocument(1, "s", TEXT, (), ()), [row(i, a, a + 10 + i) for i in range(1, 7)])
    view.margin.repaint()
    shown = view.margin.layout_brackets()
    assert len(shown) == 2  # two own columns, the rest in the last one
    assert sum(n for _t, _b, n in view.margin.overflow_bars()) == 4


def test_new_coding_does_not_move_existing_brackets(view):
    a = TEXT.index("We set")
    view.load(SourceDocument(1, "s", TEXT, (), ()), [row(1, a, a + 20), row(2, a + 30, a + 40)])
    before = {i: view.layer.column(i) for i in (1, 2)}
    view.add_codings([row(3, a + 10, a + 35, code=2)])
    assert {i: view.layer.column(i) for i in (1, 2)} == before
    assert view.layer.column(3) == 1
    view.remove_codings([1])
    assert view.layer.column(2) == before[2]


def test_coder_filter_hides_other_coders(view):
    a = TEXT.index("We set")
    pieter = row(2, a + 7, a + 10, coder="Pieter")._replace(coder_id=2)
    view.load(SourceDocument(1, "s", TEXT, (), ()), [row(1, a, a + 6), pieter])
    view.set_coder_filter(2)
    assert [s.id for s in view.layer.ordered()] == [2]
    assert [g[0] for g in runs(view) if g[1]] == [TEXT[a + 7:a + 10]]
