"""Random sources, case links (whole and passages) and codings against a character-set model.

The model knows nothing of intervals: a case holds a set of (source, character) pairs, a
coding covers another, and what `--case` keeps of a coding is their intersection split into
runs of consecutive characters.
"""
from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from query_expect import add_source
from sqlalchemy import delete

from workbench.query.matrix import cell_segments, code_matrix
from workbench.query.segments import Filters, query_segments
from workbench.services.codebook import ensure_code_path_in
from workbench.services.coders import ensure_coder
from workbench.services.coding import NewCoding, apply_codes_in
from workbench.store.models import AttributeValue, Case, CasePassage, CaseSource, Coding, Source

CASES = ("North", "South", "East")
CODES = ("a", "b")
_counter = itertools.count()


@st.composite
def worlds(draw):
    lengths = draw(st.lists(st.integers(1, 40), min_size=1, max_size=3))

    def span(length):
        s = draw(st.integers(0, length - 1))
        return s, draw(st.integers(s + 1, length))

    links = {}  # (case, source) -> "whole" or [spans]
    for case in CASES:
        for src, length in enumerate(lengths):
            kind = draw(st.sampled_from(["none", "none", "whole", "passages"]))
            if kind == "whole":
                links[(case, src)] = "whole"
            elif kind == "passages":
                links[(case, src)] = [span(length) for _ in range(draw(st.integers(1, 3)))]
    codings = []
    for _ in range(draw(st.integers(0, 8))):
        src = draw(st.integers(0, len(lengths) - 1))
        codings.append((src, draw(st.sampled_from(CODES)), *span(lengths[src])))
    chosen = draw(st.lists(st.sampled_from(CASES), min_size=1, max_size=2, unique=True))
    region = draw(st.sampled_from(["north", "south"]))  # the attribute filter: cases with this value
    return lengths, links, codings, chosen, region


REGION_OF = {"North": "north", "South": "south", "East": "north"}


def case_chars(lengths, links, case) -> set[tuple[int, int]]:
    out = set()
    for (c, src), link in links.items():
        if c == case:
            spans = [(0, lengths[src])] if link == "whole" else link
            out |= {(src, i) for s, e in spans for i in range(s, e)}
    return out


def runs(chars: set[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """(source, start, end) of each run of consecutive characters."""
    out = []
    for src, i in sorted(chars):
        if out and out[-1][0] == src and out[-1][2] == i:
            out[-1][2] = i + 1
        else:
            out.append([src, i, i + 1])
    return [tuple(r) for r in out]


def build(project, lengths, links, codings):
    from workbench.services.cases import ensure_attribute, ensure_case, set_value_in

    with project.transaction() as s:  # one transaction an example: each commit waits for the disk
        for model in (Coding, CasePassage, CaseSource, AttributeValue, Case, Source):
            s.execute(delete(model))
        s.flush()
        n = next(_counter)
        # Texts differ in their first character: a source with the text of another is not stored.
        sids = [add_source(s, f"s{n}_{i}.txt", str(i) + "x" * (length - 1)) for i, length in enumerate(lengths)]
        cids = {c: ensure_case(s, c) for c in CASES}
        aid = ensure_attribute(s, "region")
        for c in CASES:
            set_value_in(s, cids[c], aid, REGION_OF[c])
        for (c, src), link in links.items():
            if link == "whole":
                s.add(CaseSource(case_id=cids[c], source_id=sids[src]))
            else:
                for st_, en in set(link):
                    s.add(CasePassage(case_id=cids[c], source_id=sids[src], start=st_, end=en))
        codes = {name: ensure_code_path_in(s, name, create=True)[0] for name in CODES}
        coder = ensure_coder(s, "Thandi")
        apply_codes_in(s, [NewCoding(sids[src], codes[code], coder, a, b) for src, code, a, b in codings])
    return sids


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds())
def test_clipped_segments_equal_the_character_model(empty_project, world):
    lengths, links, codings, chosen, region = world
    sids = build(empty_project, lengths, links, codings)
    src_of = {sid: i for i, sid in enumerate(sids)}
    held = {c: case_chars(lengths, links, c) for c in CASES}
    selected = set().union(*(held[c] for c in chosen))

    def expected(chars_kept: set, code: str | None = None) -> list:
        out = []
        for src, c, a, b in set(codings):  # the same coding twice is stored once
            if code is None or c == code:
                out += [(src, s, e, c) for src, s, e in runs({(src, i) for i in range(a, b)} & chars_kept)]
        return sorted(out)

    def got(segs) -> list:
        return sorted((src_of[x.source_id], x.start, x.end, x.code) for x in segs)

    segs = query_segments(empty_project, Filters(cases=tuple(chosen)))
    assert got(segs) == expected(selected)
    # Each row's case: the cases that hold at least one of its characters.
    for x in segs:
        chars = {(src_of[x.source_id], i) for i in range(x.start, x.end)}
        names = [c for c in CASES if held[c] & chars]
        assert x.case == ("; ".join(names) if names else None)
    # --case and --attr AND: the text in a chosen case that is also in a case of that region.
    in_region = set().union(*(held[c] for c in CASES if REGION_OF[c] == region))
    both = query_segments(empty_project, Filters(cases=tuple(chosen), attrs=(f"region={region}",)))
    assert got(both) == expected(selected & in_region)
    # An expression under the filter: the runs of the text a or b covers, within the chosen cases.
    covered = {(src, i) for src, _, a, b in codings for i in range(a, b)} & selected
    ors = query_segments(empty_project, Filters(cases=tuple(chosen)), '"a" OR "b"')
    assert sorted((src_of[x.source_id], x.start, x.end) for x in ors) == runs(covered)
    # The matrix by case: segments are the pieces, chars the characters of the code in the case.
    seg_m = code_matrix(empty_project, "cases")
    chars_m = code_matrix(empty_project, "cases", "chars")
    with empty_project.reading() as s:
        for i, code in enumerate(seg_m.rows):
            for j, case in enumerate(seg_m.cols):
                pieces = expected(held[case], code)
                assert seg_m.cells[i][j] == len(pieces), (code, case)
                assert got(cell_segments(s, seg_m, i, j)) == pieces
                code_chars = {(src, k) for src, c, a, b in codings if c == code for k in range(a, b)}
                assert chars_m.cells[i][j] == len(code_chars & held[case])
