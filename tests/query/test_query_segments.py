"""Retrieval with filters on the small project, against answers worked out from its phrases."""
from __future__ import annotations

import pytest
from query_expect import SOURCES, codings_where, place_sources_in_reverse, span

from workbench.core.errors import NotFoundError, ValidationError
from workbench.query.segments import Filters, query_segments


def keyset(segments):
    return sorted((s.source, s.code, s.coder, s.text) for s in segments)


def expected(rows):
    return sorted((src, code, coder, phrase) for src, code, coder, phrase in rows)


def test_no_filter_gives_every_coding_with_offsets_and_text(project):
    segs = query_segments(project)
    assert keyset(segs) == expected(codings_where())
    for s in segs:
        assert (s.start, s.end) == span(s.source, s.text)
        assert SOURCES[s.source][s.start:s.end] == s.text
    # Ordered by source, then position.
    jhb = [s for s in segs if s.source == "interview_jhb.txt"]
    assert [s.start for s in jhb] == sorted(s.start for s in jhb)


def test_case_is_the_sources_case(project):
    by_source = {s.source: s.case for s in query_segments(project)}
    assert by_source == {"interview_jhb.txt": "Johannesburg", "policy.txt": "Johannesburg",
                         "interview_addis.txt": "Addis Ababa"}


def test_code_with_and_without_children(project):
    own = query_segments(project, Filters(codes=("autonomy",)))
    assert keyset(own) == expected(codings_where(code="autonomy"))
    kids = query_segments(project, Filters(codes=("Autonomy",), with_children=True))
    assert keyset(kids) == expected(codings_where(code={"autonomy", "autonomy/own funding"}))


def test_same_flag_ors_different_flags_and(project):
    two = query_segments(project, Filters(codes=("provincial constraint", "development outcome")))
    assert keyset(two) == expected(codings_where(code={"provincial constraint", "development outcome"}))
    pieter = query_segments(project, Filters(codes=("autonomy", "provincial constraint"), coders=("Pieter",)))
    assert keyset(pieter) == expected(codings_where(code={"autonomy", "provincial constraint"}, coder="Pieter"))
    policy = query_segments(project, Filters(codes=("provincial constraint",), sources=("policy.txt",)))
    assert keyset(policy) == expected(codings_where(code="provincial constraint", source="policy.txt"))


def test_case_filter(project):
    addis = query_segments(project, Filters(cases=("Addis Ababa",)))
    assert keyset(addis) == expected(codings_where(source="interview_addis.txt"))
    both = query_segments(project, Filters(cases=("Addis Ababa", "johannesburg")))
    assert len(both) == 8
    # Different flags AND: a case and a source outside it give nothing.
    assert query_segments(project, Filters(cases=("Addis Ababa",), sources=("policy.txt",))) == []


def test_attribute_filters_follow_the_attribute_type(project):
    sa = query_segments(project, Filters(attrs=("country=South Africa",)))
    assert keyset(sa) == expected(codings_where(source={"interview_jhb.txt", "policy.txt"}))
    # Text compares ignoring case; numbers compare as numbers.
    assert len(query_segments(project, Filters(attrs=("region=africa",)))) == 8
    assert keyset(query_segments(project, Filters(attrs=("year_signed=2001.0",)))) == keyset(sa)
    later = query_segments(project, Filters(attrs=("year_signed>2001",)))
    assert keyset(later) == expected(codings_where(source="interview_addis.txt"))
    assert query_segments(project, Filters(attrs=("year_signed>2006",))) == []
    # Same flag ORs.
    either = query_segments(project, Filters(attrs=("country=Ethiopia", "year_signed<=2001")))
    assert len(either) == 8


def test_unknown_names_suggest_the_nearest(project):
    with pytest.raises(NotFoundError) as e:
        query_segments(project, Filters(codes=("autonomie",)))
    assert "autonomy" in str(e.value)
    cases = [
        (Filters(sources=("interview_jhb",)), "interview_jhb.txt"),
        (Filters(cases=("Johannesberg",)), "Johannesburg"),
        (Filters(attrs=("countri=South Africa",)), "country"),
        (Filters(attrs=("country=South Afrika",)), "South Africa"),
        (Filters(coders=("Peter",)), "Pieter"),
    ]
    for filters, suggestion in cases:
        with pytest.raises(NotFoundError) as e:
            query_segments(project, filters)
        assert suggestion in e.value.suggestions, (filters, str(e.value))


def test_bad_attribute_filters_say_what_is_wrong(project):
    with pytest.raises(ValidationError, match="NAME=VALUE"):
        query_segments(project, Filters(attrs=("country",)))
    with pytest.raises(ValidationError, match="not a number"):
        query_segments(project, Filters(attrs=("year_signed=soon",)))
    with pytest.raises(ValidationError, match="only = and !="):
        query_segments(project, Filters(attrs=("country>Ethiopia",)))


def test_filters_round_trip_through_dict():
    f = Filters(codes=("a", "b/c"), with_children=True, attrs=("x=1",), coders=("Thandi",))
    assert Filters.from_dict(f.to_dict()) == f
    assert "codes: a, b/c (with subcodes)" in f.describe()


def test_sources_come_in_their_place_in_the_list_not_their_id_order(project):
    listed = place_sources_in_reverse(project)
    segs = query_segments(project)
    seen = [s.source for s in segs]
    firsts = [name for i, name in enumerate(seen) if name not in seen[:i]]
    assert firsts == [name for name in listed if name in seen] and len(firsts) > 1
    assert seen == sorted(seen, key=firsts.index)  # each source's passages together
    for name in firsts:
        starts = [(s.start, s.end) for s in segs if s.source == name]
        assert starts == sorted(starts)
