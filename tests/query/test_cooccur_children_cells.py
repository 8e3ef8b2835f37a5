"""A co-occurrence cell's passages with "With subcodes" on: the window asks overlap_segments for
them with with_children=True and no filters, so they must be read with the subcodes too and
match the count in the cell. Worked by hand on the small project of tests/conftest.py:

interview_jhb.txt   autonomy              "We set our own agenda" (Thandi), "We set our own agenda and fund" (Pieter)
                    autonomy/own funding  "fund the exchanges ourselves"
interview_addis.txt development outcome   "Training for engineers, and a clinic"
                    .../unrealised objective "The bus project never left the drawing board."

With subcodes, autonomy covers "We set our own agenda and fund the exchanges ourselves" (one
stretch), so autonomy x own funding is "fund the exchanges ourselves", not just "fund"; and
development outcome covers both Addis passages: its diagonal is 2, and development outcome x
unrealised objective is the bus passage (without subcodes that cell is empty).
"""
from __future__ import annotations

import pytest
from query_expect import span

from workbench.query.cooccur import code_cooccurrence, overlap_segments
from workbench.query.segments import Filters

AUTONOMY, OWN_FUNDING, PROVINCIAL, OUTCOME, UNREALISED = range(5)
BUS = "The bus project never left the drawing board."
TRAINING = "Training for engineers, and a clinic"
AGENDA_ALL = "We set our own agenda and fund the exchanges ourselves"


def _texts(segs):
    return [(x.source, x.start, x.end, x.text) for x in segs]


def _at(source, phrase):
    return (source, *span(source, phrase), phrase)


@pytest.mark.parametrize("how", ["argument", "filters"])
def test_a_cell_with_subcodes_lists_the_passages_its_count_counts(project, how):
    m = code_cooccurrence(project, with_children=True)
    # the counts, by hand (the passages below are the ones counted)
    assert m.cells[AUTONOMY][AUTONOMY] == 1
    assert m.cells[AUTONOMY][OWN_FUNDING] == 1
    assert m.cells[OUTCOME][OUTCOME] == 2
    assert m.cells[OUTCOME][UNREALISED] == 1 and m.cells[UNREALISED][OUTCOME] == 1
    ids = m.row_ids

    def cell(i, j):
        with project.reading() as s:
            if how == "argument":  # as the window asks: with_children=True, no filters
                return overlap_segments(s, ids[i], ids[j], with_children=True)
            return overlap_segments(s, ids[i], ids[j], Filters(with_children=True))

    assert _texts(cell(AUTONOMY, AUTONOMY)) == [_at("interview_jhb.txt", AGENDA_ALL)]
    assert _texts(cell(AUTONOMY, OWN_FUNDING)) == [_at("interview_jhb.txt", "fund the exchanges ourselves")]
    assert sorted(_texts(cell(OUTCOME, OUTCOME))) == sorted(
        [_at("interview_addis.txt", TRAINING), _at("interview_addis.txt", BUS)])
    assert _texts(cell(OUTCOME, UNREALISED)) == [_at("interview_addis.txt", BUS)]
    assert _texts(cell(UNREALISED, OUTCOME)) == [_at("interview_addis.txt", BUS)]
    assert cell(AUTONOMY, OUTCOME) == [] and cell(PROVINCIAL, AUTONOMY) == []
    # and every cell lists as many passages as it counts
    for i, row in enumerate(m.cells):
        for j, value in enumerate(row):
            assert len(cell(i, j)) == value, (m.rows[i], m.cols[j])


def test_a_cell_without_subcodes_keeps_to_the_codes_own_passages(project):
    m = code_cooccurrence(project)
    ids = m.row_ids
    assert m.cells[OUTCOME][OUTCOME] == 1 and m.cells[OUTCOME][UNREALISED] == 0
    with project.reading() as s:
        assert _texts(overlap_segments(s, ids[OUTCOME], ids[OUTCOME])) == [_at("interview_addis.txt", TRAINING)]
        assert overlap_segments(s, ids[OUTCOME], ids[UNREALISED]) == []
        assert _texts(overlap_segments(s, ids[AUTONOMY], ids[AUTONOMY])) == [
            _at("interview_jhb.txt", "We set our own agenda and fund")]
