"""A passage several coders coded alike is one quote naming them all (issue 10, item 7), in the
streamed report the window writes: the joining holds one passage's codings at a time, keeps a
PDF excerpt's page citation, and never joins an expression's segments or different passages."""
from __future__ import annotations

import docx

from workbench.io.exporters.docx_report import export_report
from workbench.io.exporters.excerpts import Excerpt, one_quote_per_passage
from workbench.query.pages import PageRef
from workbench.query.segments import Segment


def seg(coding_id, coder, start=10, end=20, code_id=1, source_id=1):
    return Segment(coding_id, f"g{coding_id}" if coding_id else None, source_id, "a.pdf", None, code_id,
                   "autonomy", coder, start, end, "some words")


def test_codings_of_one_passage_by_two_coders_are_one_excerpt_with_its_page():
    page = PageRef("3", "4")
    got = list(one_quote_per_passage([
        Excerpt(seg(1, "Thandi"), "4", "mine", page),
        Excerpt(seg(2, "Pieter"), "4", None, page),
        Excerpt(seg(3, "Naledi"), "4", "hers", page),
        Excerpt(seg(4, "Thandi", start=30, end=40), "5", None, page),   # another passage
        Excerpt(seg(5, "Pieter", code_id=2), "5", None, page),          # another code on the same span
    ]))
    assert [e.segment.coder for e in got] == ["Thandi, Pieter and Naledi", "Thandi", "Pieter"]
    assert got[0].memo == "Thandi: mine\nNaledi: hers"
    assert all(e.page == page for e in got)
    assert got[0].segment.coding_id == 1 and got[0].paragraph == "4"


def test_an_expressions_segments_are_never_joined():
    both = [Excerpt(seg(None, "Thandi"), "4", None), Excerpt(seg(None, "Pieter"), "4", None)]
    assert list(one_quote_per_passage(both)) == both


def _quotes(path):
    return [p.text for p in docx.Document(str(path)).paragraphs if p.style.name == "Quote"]


def test_the_windows_report_names_both_coders_of_a_passage_once(project, tmp_path):
    # Thandi and Pieter coded "Every agreement waits for provincial sign-off" alike (conftest).
    quote = "Every agreement waits for provincial sign-off"
    each, once = tmp_path / "each.docx", tmp_path / "once.docx"
    n_each = export_report(project, each)
    n_once = export_report(project, once, one_quote=True)
    assert _quotes(each).count(quote) == 2 and _quotes(once).count(quote) == 1
    assert (n_each, n_once) == (len(_quotes(each)), len(_quotes(once)))
    paras = [p.text for p in docx.Document(str(once)).paragraphs]
    citation = paras[paras.index(quote) + 1]
    assert "Thandi" in citation and "Pieter" in citation and " and " in citation
