"""The Cases panel's list of a case's passages: each with its source's name and first characters,
cut in SQL by characters (code points) on either engine, so an emoji never splits (issue 10, item 1)."""
from __future__ import annotations

from workbench.core.changes import Kind
from workbench.query.document import case_names, case_passage_excerpts, source_rows
from workbench.services.cases import create_case, link_passage
from workbench.services.sources import import_files

TEXT = "Intro 😀 then: we fund the exchanges 🇿🇦 ourselves.\nThe province decides.\n"


def test_excerpts_are_cut_by_characters_in_source_then_start_order(empty_project, tmp_path):
    p = empty_project
    (tmp_path / "b.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "a.txt").write_text("Short one.\n", encoding="utf-8")
    import_files(p, [tmp_path / "b.txt", tmp_path / "a.txt"])
    cid = create_case(p, "Soweto").ids("created", Kind.CASE)[0]
    create_case(p, "Addis")
    ids = {r.name: r.id for r in source_rows(p)}
    fund = TEXT.index("we fund")
    link_passage(p, cid, ids["b.txt"], fund, len(TEXT) - 1)
    link_passage(p, cid, ids["b.txt"], 0, 7)
    link_passage(p, cid, ids["a.txt"], 0, 5)
    rows = case_passage_excerpts(p, cid, width=10)
    # b.txt was imported first, so it comes first; within it, by start.
    assert [(r.source, r.start, r.end, r.excerpt) for r in rows] == [
        ("b.txt", 0, 7, "Intro 😀"),
        ("b.txt", fund, len(TEXT) - 1, "we fund th"),
        ("a.txt", 0, 5, "Short"),
    ]
    emoji_cut = case_passage_excerpts(p, cid, width=7)
    assert emoji_cut[0].excerpt == "Intro 😀"  # seven characters, the emoji whole
    assert [n for _, n in case_names(p)] == ["Soweto", "Addis"]
