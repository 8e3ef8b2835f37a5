"""Full-text search: words, phrases, prefixes, folded case and diacritics, the FTS index kept
in step with the sources, and coding the hits in one transaction."""
from __future__ import annotations

import re

import pytest
from query_expect import SOURCES, add_source
from sqlalchemy import func, select

from workbench.core.changes import Kind
from workbench.core.errors import NotFoundError, ValidationError
from workbench.query.search import fold, parse_query, search, search_in
from workbench.services.code_hits import code_hits, paragraph_span, sentence_span
from workbench.services.lookup import code_by_path, coder_by_name, source_by_name
from workbench.services.sources import delete_source
from workbench.store.models import Coding
from workbench.store.project import open_project


def found(result):
    return [(h.source, h.start, h.end) for h in result.hits]


def occurrences(pattern: str, flags=re.IGNORECASE):
    """Where a regex matches in the small project's texts, computed without the search code."""
    out = []
    for name in ("interview_jhb.txt", "interview_addis.txt", "policy.txt"):
        out += [(name, m.start(), m.end()) for m in re.finditer(pattern, SOURCES[name], flags)]
    return sorted(out, key=lambda x: (["interview_jhb.txt", "interview_addis.txt", "policy.txt"].index(x[0]), x[1]))


def test_words_are_whole_words_ignoring_case(project):
    assert found(search(project, "agreement")) == occurrences(r"\bagreement\b")
    assert found(search(project, "PROVINCE")) == occurrences(r"\bprovince\b")
    assert len(found(search(project, "province"))) == 2  # "the province?" and "the Province"


def test_prefix_and_phrase(project):
    assert found(search(project, "agree*")) == occurrences(r"\bagree\w*")
    assert found(search(project, "provinc*")) == occurrences(r"\bprovinc\w*")
    hits = search(project, '"sign off"')
    assert found(hits) == occurrences(r"sign-off")
    assert found(search(project, "sign-off")) == found(hits)
    assert found(search(project, '"the drawing board"')) == occurrences(r"the drawing board")


def test_all_terms_must_be_in_a_source_and_each_hit_is_listed(project):
    result = search(project, "province agreement")
    # policy.txt has 'Province' but not the word 'agreement'; jhb has both.
    assert {h.source for h in result.hits} == {"interview_jhb.txt"}
    assert found(result) == sorted(occurrences(r"\bprovince\b")[:1] + occurrences(r"\bagreement\b"),
                                   key=lambda x: x[1])


def test_offsets_are_code_points_and_context_is_kwic(project):
    result = search(project, "training")
    (hit,) = result.hits
    text = SOURCES["interview_addis.txt"]
    assert text.index("Training") == hit.start  # after the emoji: counted as one code point
    assert text[hit.start:hit.end] == "Training"
    row = result.as_json(width=10)[0]
    assert row["context"] == text[hit.start - 10:hit.end + 10].replace("\n", " ")
    assert row["match"] == "Training" and set(row) >= {"source", "start", "end", "context"}


def test_diacritics_and_scripts(project):
    text = "Réunion à SÃO PAULO: the CAFÉ opened. Cafe culture; cafe\u0301 au lait. القاهرة שלום 👍 Zürich"
    with project.transaction() as s:
        add_source(s, "notes.txt", text)
    hits = search(project, "cafe")
    spans = [(h.start, h.end) for h in hits.hits]
    assert [text[a:b] for a, b in spans] == ["CAFÉ", "Cafe", "cafe\u0301"]
    assert [text[h.start:h.end] for h in search(project, '"sao paulo"').hits] == ["SÃO PAULO"]
    assert [text[h.start:h.end] for h in search(project, "zurich").hits] == ["Zürich"]
    assert [text[h.start:h.end] for h in search(project, "القاهرة").hits] == ["القاهرة"]
    assert [text[h.start:h.end] for h in search(project, "reunion").hits] == ["Réunion"]
    assert fold("ÉİẞX") == "eiẞx".lower() and len(fold(text)) == len(text)


def test_index_follows_added_and_removed_sources(project):
    search(project, "clinic")
    with project.reading() as s:
        assert project.backend.search.is_fresh(s)
    with project.transaction() as s:
        add_source(s, "extra.txt", "Another clinic opened in Soweto.")
    with project.reading() as s:
        assert not project.backend.search.is_fresh(s)
    assert {h.source for h in search(project, "clinic").hits} == {"interview_addis.txt", "extra.txt"}
    with project.reading() as s:
        sid = source_by_name(s, "interview_addis.txt")
    delete_source(project, sid, force=True)
    assert {h.source for h in search(project, "clinic").hits} == {"extra.txt"}
    with project.reading() as s:
        assert project.backend.search.is_fresh(s)
        assert sorted(project.backend.search.matching_sources(s, parse_query("clinic"))) == \
            [source_by_name(s, "extra.txt")]


def test_index_and_scan_agree(project):
    for q in ["the", "agree*", '"sign off"', "city partners", "a", "2019", "zzz"]:
        with_index = search(project, q)
        with project.reading() as s:
            scanned = search_in(s, q, None)
        assert found(with_index) == found(scanned), q
        assert with_index.used_index and not scanned.used_index


def test_read_only_project_scans_when_the_index_is_stale(project_path):
    ro = open_project(project_path, readonly=True)
    try:
        result = search(ro, "agreement")
        assert not result.used_index
        assert found(result) == occurrences(r"\bagreement\b")
    finally:
        ro.close()


def test_bad_queries_say_what_is_wrong(project):
    with pytest.raises(ValidationError, match="character 8"):
        search(project, 'clinic "sign off')
    with pytest.raises(ValidationError, match="nothing to search"):
        search(project, " -- !! ")
    assert [t.label() for t in parse_query('Clinic "Sign-Off" prov*')] == ["clinic", '"sign off"', "prov*"]


def test_code_all_hits_in_one_step_widened_to_sentences(project):
    hits = [(h.source_id, h.start, h.end) for h in search(project, "agree*").hits]
    with project.reading() as s:
        code = code_by_path(s, "provincial constraint")
        coder = coder_by_name(s, "Pieter")
        before = s.scalar(select(func.count()).select_from(Coding))
    changes = code_hits(project, hits, code, coder, extend="sentence")
    new = changes.created[Kind.CODING]
    with project.reading() as s:
        rows = s.execute(select(Coding.source_id, Coding.start, Coding.end).where(Coding.id.in_(new))).all()
        names = {sid: n for n, sid in ((n, source_by_name(s, n)) for n in SOURCES)}
    texts = sorted(SOURCES[names[sid]][a:b] for sid, a, b in rows)
    # Pieter already coded jhb's sign-off clause, but not the whole sentence: a new coding.
    assert texts == ["Agreements are submitted to the Province before signature.",
                     "Every agreement waits for provincial sign-off, sometimes a year."]
    with project.reading() as s:
        assert s.scalar(select(func.count()).select_from(Coding)) == before + 2


def test_code_hits_is_all_or_nothing(project):
    hits = [(h.source_id, h.start, h.end) for h in search(project, "clinic").hits]
    with project.reading() as s:
        before = s.scalar(select(func.count()).select_from(Coding))
    with pytest.raises(NotFoundError):
        code_hits(project, hits + [(hits[0][0], 0, 3)], code_id=1, coder_id=999)
    with project.reading() as s:
        assert s.scalar(select(func.count()).select_from(Coding)) == before
    with pytest.raises(ValidationError):
        code_hits(project, hits, 1, 1, extend="chapter")


def test_sentence_and_paragraph_spans():
    text = "[00:00:10] Mr Bekele: Training for engineers. And a clinic! It opened in 2019.\nNext line."
    label = text.index("Training")
    turns = [(0, text.index("\n"), label - 1)]
    clinic = text.index("clinic")
    assert text[slice(*sentence_span(text, clinic, clinic + 6, turns))] == "And a clinic!"
    assert text[slice(*paragraph_span(text, clinic, clinic + 6, turns))] == \
        "Training for engineers. And a clinic! It opened in 2019."
    nxt = text.index("Next")
    assert text[slice(*sentence_span(text, nxt, nxt + 4))] == "Next line."
    two = text.index("engineers")
    assert text[slice(*sentence_span(text, two, clinic + 2, turns))] == "Training for engineers. And a clinic!"


def test_literal_fast_path_falls_back_to_the_full_pattern(project):
    """The index's token count tells when plain literals missed accented or mIxEd-case forms."""
    text = "CiTy city City CITY cíty citywide city's. Cities; cit y"
    with project.transaction() as s:
        sid = add_source(s, "mixed.txt", text)
    result = search(project, "city")
    assert [text[h.start:h.end] for h in result.hits if h.source_id == sid] == \
        ["CiTy", "city", "City", "CITY", "cíty", "city"]
    with project.reading() as s:
        counts = project.backend.search.token_counts(s, "city")
        assert counts is None or counts[sid] == 6  # exact or absent (the server index keeps none)
        scanned = search_in(s, "city", None)
    assert found(scanned) == found(result)
    prefix = search(project, "cit*")
    assert [text[h.start:h.end] for h in prefix.hits if h.source_id == sid] == \
        ["CiTy", "city", "City", "CITY", "cíty", "citywide", "city", "Cities", "cit"]
