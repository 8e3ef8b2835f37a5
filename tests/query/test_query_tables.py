"""Matrix, co-occurrence and code frequencies on the small project, against hand counts."""
from __future__ import annotations

import random

import pytest
from query_expect import add_source, span

from workbench.core.errors import NotFoundError, ValidationError
from workbench.query.cooccur import code_cooccurrence, overlap_segments
from workbench.query.frequencies import code_frequencies
from workbench.query.matrix import cell_segments, code_matrix, covered_length
from workbench.query.segments import Filters

ROWS = ["autonomy", "autonomy/own funding", "provincial constraint", "development outcome",
        "development outcome/unrealised objective"]


def L(phrase):  # noqa: E743 - length of a phrase
    return len(phrase)


def test_matrix_by_case_counts_segments(project):
    m = code_matrix(project, "cases")
    assert m.as_json() == {"rows": ROWS, "cols": ["Johannesburg", "Addis Ababa"],
                           "cells": [[2, 0], [1, 0], [3, 0], [0, 1], [0, 1]]}
    kids = code_matrix(project, "cases", with_children=True)
    assert kids.cells == [[3, 0], [1, 0], [3, 0], [0, 2], [0, 1]]
    assert m.row_depth == [0, 1, 0, 0, 1] and m.row_parent == [None, 0, None, None, 3]


def test_matrix_counts_sources_and_chars(project):
    assert code_matrix(project, "cases", "sources").cells == [[1, 0], [1, 0], [2, 0], [0, 1], [0, 1]]
    chars = code_matrix(project, "cases", "chars").cells
    assert chars[0] == [L("We set our own agenda and fund"), 0]  # Thandi's lies inside Pieter's: counted once
    assert chars[2] == [L("Every agreement waits for provincial sign-off")
                        + L("Agreements are submitted to the Province before signature."), 0]
    kids = code_matrix(project, "cases", "chars", with_children=True).cells
    assert kids[0] == [L("We set our own agenda and fund the exchanges ourselves"), 0]


def test_matrix_by_coder_source_and_attribute(project):
    coders = code_matrix(project, "coders")
    assert coders.cols == ["Pieter", "Thandi"]
    assert coders.cells == [[1, 1], [0, 1], [1, 2], [0, 1], [1, 0]]
    sources = code_matrix(project, "sources")
    assert sources.cols == ["interview_jhb.txt", "interview_addis.txt", "policy.txt"]
    assert sources.cells[2] == [2, 0, 1]
    years = code_matrix(project, "attr:year_signed")
    assert years.cols == ["2001", "2006"] and years.cells == [[2, 0], [1, 0], [3, 0], [0, 1], [0, 1]]
    region = code_matrix(project, "attr:Region", with_children=True)
    assert region.cols == ["Africa"] and region.cells == [[3], [1], [3], [2], [1]]


def test_matrix_with_filters_and_errors(project):
    m = code_matrix(project, "cases", filters=Filters(codes=("autonomy",), with_children=True, coders=("Thandi",)))
    assert m.rows == ["autonomy", "autonomy/own funding"] and m.cells == [[2, 0], [1, 0]]
    with pytest.raises(NotFoundError) as e:
        code_matrix(project, "attr:countri")
    assert "country" in e.value.suggestions
    with pytest.raises(ValidationError):
        code_matrix(project, "cases", "words")
    with pytest.raises(ValidationError):
        code_matrix(project, "people")


def test_clicking_a_cell_lists_its_excerpts(project):
    m = code_matrix(project, "cases", with_children=True)
    coders = code_matrix(project, "coders")
    years = code_matrix(project, "attr:year_signed")
    with project.reading() as s:
        segs = cell_segments(s, m, 0, 0)
        assert sorted(x.text for x in segs) == ["We set our own agenda", "We set our own agenda and fund",
                                                "fund the exchanges ourselves"]
        assert cell_segments(s, m, 0, 1) == []
        assert [x.text for x in cell_segments(s, coders, 4, 0)] == ["The bus project never left the drawing board."]
        assert len(cell_segments(s, years, 2, 0)) == 3
        for i, row in enumerate(m.cells):
            for j, value in enumerate(row):
                assert len(cell_segments(s, m, i, j)) == value


def test_cooccurrence_counts_places(project):
    m = code_cooccurrence(project)
    assert m.rows == ROWS and m.cols == ROWS
    assert m.cells == [
        [1, 1, 0, 0, 0],
        [1, 1, 0, 0, 0],
        [0, 0, 2, 0, 0],
        [0, 0, 0, 1, 0],
        [0, 0, 0, 0, 1],
    ]
    kids = code_cooccurrence(project, with_children=True)
    assert kids.cells[3] == [0, 0, 0, 2, 1]  # the outcome subtree: two stretches, one with the subcode
    assert code_cooccurrence(project, count="sources").cells[2][2] == 2
    with project.reading() as s:
        segs = overlap_segments(s, m.row_ids[0], m.row_ids[1])
    start = span("interview_jhb.txt", "fund the exchanges")[0]
    assert [(x.start, x.end, x.text) for x in segs] == [(start, start + 4, "fund")]


def test_cooccurrence_matches_pairwise_and_queries_on_random_codings(empty_project):
    """Each cell equals the number of stretches `"a" AND "b"` yields (brute force over pairs)."""
    from workbench.query.segments import query_segments
    from workbench.services.codebook import ensure_code_path_in
    from workbench.services.coders import ensure_coder
    from workbench.services.coding import NewCoding, apply_codes_in

    rng = random.Random(5)
    p = empty_project
    with p.transaction() as s:
        sid = add_source(s, "t.txt", "x" * 300)
    with p.transaction() as s:
        codes = [ensure_code_path_in(s, n, create=True)[0] for n in ("a", "b", "c", "a/d")]
        coder = ensure_coder(s, "Thandi")
        items = []
        for _ in range(60):
            st = rng.randrange(0, 290)
            items.append(NewCoding(sid, rng.choice(codes), coder, st, st + rng.randint(1, 10)))
        apply_codes_in(s, items)
    m = code_cooccurrence(p)
    for i, a in enumerate(m.rows):
        for j, b in enumerate(m.rows):
            want = len(query_segments(p, expr=f'"{a}"' if i == j else f'"{a}" AND "{b}"'))
            assert m.cells[i][j] == want, (a, b)
    # a few codes read through the code_id index, the whole codebook by one pass: the same counts
    b = m.rows.index("b")
    assert code_cooccurrence(p, Filters(codes=("b",))).cells == [[m.cells[b][b]]]



@pytest.mark.parametrize("with_children", [False, True])
def test_cooccurrence_by_sources_matches_pairwise_and_queries_on_random_codings(empty_project, with_children):
    """Counting sources, each cell is the number of sources where `"a" AND "b"` yields a stretch
    (brute force over pairs), on several sources, with and without subcodes."""
    from workbench.query.segments import query_segments
    from workbench.services.codebook import ensure_code_path_in
    from workbench.services.coders import ensure_coder
    from workbench.services.coding import NewCoding, apply_codes_in

    rng = random.Random(11)
    p = empty_project
    with p.transaction() as s:
        sids = [add_source(s, f"t{k}.txt", "vwxyz"[k] * 120) for k in range(5)]
    with p.transaction() as s:
        codes = [ensure_code_path_in(s, n, create=True)[0] for n in ("a", "b", "c", "a/d", "e")]
        coder = ensure_coder(s, "Thandi")
        items = []
        for _ in range(70):
            st = rng.randrange(0, 110)
            items.append(NewCoding(rng.choice(sids), rng.choice(codes), coder, st, st + rng.randint(1, 10)))
        apply_codes_in(s, items)
    m = code_cooccurrence(p, with_children=with_children, count="sources")
    flags = {"with_children": True} if with_children else {}
    cells_seen = 0
    for i, a in enumerate(m.rows):
        for j, b in enumerate(m.rows):
            expr = f'"{a}"' if i == j else f'"{a}" AND "{b}"'
            want = len({seg.source for seg in query_segments(p, Filters(**flags), expr=expr)})
            assert m.cells[i][j] == want, (a, b)
            cells_seen += want > 0 and i != j
    assert cells_seen  # some pair shares a source, so the off-diagonal cells are tested

def test_code_frequencies(project):
    rows = {f.code: (f.segments, f.sources, f.cases, f.coders) for f in code_frequencies(project)}
    assert rows == {
        "autonomy": (2, 1, 1, 2),
        "autonomy/own funding": (1, 1, 1, 1),
        "provincial constraint": (3, 2, 1, 2),
        "development outcome": (1, 1, 1, 1),
        "development outcome/unrealised objective": (1, 1, 1, 1),
    }
    kids = {f.code: (f.segments, f.sources, f.cases, f.coders) for f in code_frequencies(project, with_children=True)}
    assert kids["autonomy"] == (3, 1, 1, 2) and kids["development outcome"] == (2, 1, 1, 2)
    assert kids["provincial constraint"] == rows["provincial constraint"]
    pieter = {f.code: f.segments for f in code_frequencies(project, Filters(coders=("Pieter",)))}
    assert pieter == {"autonomy": 1, "autonomy/own funding": 0, "provincial constraint": 1,
                      "development outcome": 0, "development outcome/unrealised objective": 1}


def test_covered_length():
    assert covered_length([(0, 5), (3, 8), (10, 12), (12, 13)]) == 11
    assert covered_length([]) == 0
