"""A source's cases as the document header names them (query.document.source_document): the cases
that hold the source whole or a passage of it, in the cases' order, read for that one source."""
from __future__ import annotations

from workbench.core.changes import Kind
from workbench.query.document import source_document, source_rows
from workbench.services.cases import create_case, link_passage, link_source
from workbench.services.sources import import_files


def test_cases_of_one_source_whole_or_by_passage_in_case_order(empty_project, tmp_path):
    p = empty_project
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(f"Text of {name}: the province decides 😀.\n", encoding="utf-8")
    import_files(p, [tmp_path / n for n in ("a.txt", "b.txt", "c.txt")])
    ids = {r.name: r.id for r in source_rows(p)}
    # Made in this order, so the cases' order is not the names' order.
    soweto, addis, tokyo, lyon = (create_case(p, n).ids("created", Kind.CASE)[0]
                                  for n in ("Soweto", "Addis", "Tokyo", "Lyon"))
    link_source(p, tokyo, ids["a.txt"])          # whole
    link_passage(p, soweto, ids["a.txt"], 0, 4)  # a passage only
    link_passage(p, lyon, ids["a.txt"], 5, 9)
    link_passage(p, lyon, ids["a.txt"], 10, 12)  # two passages of one case: named once
    link_source(p, addis, ids["b.txt"])          # another source's case, not a.txt's
    link_passage(p, addis, ids["b.txt"], 0, 3)   # whole and a passage at once: named once

    assert source_document(p, ids["a.txt"]).cases == ("Soweto", "Tokyo", "Lyon")
    assert source_document(p, ids["b.txt"]).cases == ("Addis",)
    assert source_document(p, ids["c.txt"]).cases == ()
