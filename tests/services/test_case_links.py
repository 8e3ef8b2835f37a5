"""Linking passages of sources to cases (issue 9, finding 6): checks, tombstones and undo."""
from __future__ import annotations


import pytest
import store_read
from sqlalchemy import select

from workbench.core.changes import Kind
from workbench.core.errors import NotFoundError, ValidationError
from workbench.services.cases import (
    case_passages,
    delete_case,
    link_by_name,
    link_passage,
    restore_passage,
    unlink_by_name,
    unlink_passage,
)
from workbench.services.lookup import case_by_name, source_by_name
from workbench.store.models import Tombstone

# tests/conftest.py: policy.txt has 153 code points, interview_addis.txt 251 (its emoji is one).
POLICY, ADDIS = 153, 251


def ids(project, case="Johannesburg", source="policy.txt"):
    with project.reading() as s:
        return case_by_name(s, case), source_by_name(s, source)


def rows(path) -> list[tuple]:
    """case_passage as the project holds it, read beside the application (tests/store_read.py)."""
    return store_read.rows(path, 'SELECT guid, case_id, source_id, start, "end" FROM case_passage ORDER BY id')


def tombstones(project) -> dict[str, str]:
    with project.reading() as s:
        return dict(s.execute(select(Tombstone.guid, Tombstone.kind)).all())


def test_link_list_unlink_and_restore_with_the_same_guid(project, project_path):
    case, source = ids(project, "Addis Ababa", "policy.txt")
    changes = link_passage(project, case, source, 10, 40)
    (pid,) = changes.created[Kind.PASSAGE]
    (guid, *rest), = rows(project_path)
    assert rest == [case, source, 10, 40]
    assert [(p.id, p.guid, p.start, p.end) for p in case_passages(project, case)] == [(pid, guid, 10, 40)]
    record = unlink_passage(project, pid, deleted_by="Thandi").result
    assert rows(project_path) == [] and tombstones(project)[guid] == "case_passage"
    assert (record.guid, record.start, record.end) == (guid, 10, 40)
    restore_passage(project, record)
    assert rows(project_path) == [(guid, case, source, 10, 40)]
    assert guid not in tombstones(project)  # alive again: a merge must not delete it


def test_offsets_are_code_points_end_exclusive_checked_against_the_text(project, project_path):
    case, addis = ids(project, "Johannesburg", "interview_addis.txt")
    link_passage(project, case, addis, ADDIS - 1, ADDIS)  # the last code point
    for start, end in ((0, ADDIS + 1), (-1, 5), (5, 5), (9, 3)):
        with pytest.raises(ValidationError) as exc:
            link_passage(project, case, addis, start, end)
        assert "interview_addis.txt" in str(exc.value)
    assert [r[3:] for r in rows(project_path)] == [(ADDIS - 1, ADDIS)]
    with pytest.raises(NotFoundError):
        link_passage(project, 999, addis, 0, 1)


def test_overlapping_passages_are_kept_and_the_same_one_twice_is_one(project, project_path):
    case, source = ids(project)
    link_passage(project, case, source, 0, 20)
    link_passage(project, case, source, 10, 30)  # overlaps: its own link, the case holds the union
    again = link_passage(project, case, source, 0, 20)
    assert Kind.PASSAGE not in again.created and "already linked" in again.warnings[0]
    assert [r[3:] for r in rows(project_path)] == [(0, 20), (10, 30)]
    # The source is also linked whole to Johannesburg: said so, and kept.
    assert "linked whole" in link_passage(project, case, source, 40, 50).warnings[0]


def test_link_by_name_makes_the_case_and_refuses_without_changing_anything(project, project_path):
    r = link_by_name(project, "Pretoria", "policy.txt", 0, POLICY).result
    assert r.case_created and r.passage.end == POLICY and r.summary() == \
        "linked policy.txt 0-153 to case 'Pretoria' (case created)"
    before = rows(project_path)
    with pytest.raises(NotFoundError) as exc:
        link_by_name(project, "Durban", "polcy.txt", 0, 5)
    assert "policy.txt" in str(exc.value)  # the suggestion
    with pytest.raises(ValidationError):
        link_by_name(project, "Durban", "policy.txt", 0, POLICY + 1)
    with pytest.raises(ValidationError):
        link_by_name(project, "Durban", "policy.txt", 0, None)
    with project.reading() as s, pytest.raises(NotFoundError):
        case_by_name(s, "Durban")  # the case was not made by the failed calls
    assert rows(project_path) == before
    whole = link_by_name(project, "Durban", "policy.txt").result
    assert whole.passage is None and whole.case_created
    assert not link_by_name(project, "durban", "policy.txt").result.changed


def test_unlink_by_name_takes_back_exactly_one_link(project, project_path):
    link_by_name(project, "Pretoria", "policy.txt", 0, 20)
    link_by_name(project, "Pretoria", "policy.txt", 30, 40)
    with pytest.raises(ValidationError) as exc:
        unlink_by_name(project, "Pretoria", "policy.txt", 0, 25)
    assert "0-20, 30-40" in str(exc.value)
    r = unlink_by_name(project, "Pretoria", "policy.txt", 0, 20).result
    assert r.passage.start == 0 and tombstones(project)[r.passage.guid] == "case_passage"
    assert [row[3:] for row in rows(project_path)] == [(30, 40)]
    assert unlink_by_name(project, "Johannesburg", "policy.txt").result.changed  # the whole-source link
    assert not unlink_by_name(project, "Johannesburg", "policy.txt").result.changed


def test_deleting_a_case_or_source_removes_its_passages_and_buries_the_case_ones(project, project_path):
    link_by_name(project, "Pretoria", "policy.txt", 0, 20)
    link_by_name(project, "Pretoria", "interview_addis.txt", 5, 9)
    guids = [r[0] for r in rows(project_path)]
    case, _ = ids(project, "Pretoria")
    delete_case(project, case, deleted_by="Thandi")
    assert rows(project_path) == []
    assert all(tombstones(project)[g] == "case_passage" for g in guids)
    from workbench.services.sources import delete_source

    link_by_name(project, "Addis Ababa", "policy.txt", 3, 9)
    _, policy = ids(project)
    delete_source(project, policy, deleted_by="Thandi", force=True)
    assert rows(project_path) == []  # the foreign key cascades; the source's tombstone covers it


def test_deleting_a_case_as_the_window_does_buries_its_passages_and_undo_lifts_them(project, project_path):
    # The window deletes through delete_case_kept (for undo): its passages must leave tombstones
    # too, or a merge with a copy that still has them counts them as new work on the case.
    from workbench.services.cases import delete_case_kept, restore_case

    link_by_name(project, "Pretoria", "policy.txt", 0, 20)
    (guid, *_), = rows(project_path)
    case, _ = ids(project, "Pretoria")
    kept = delete_case_kept(project, case, deleted_by="Thandi").result
    assert rows(project_path) == [] and tombstones(project)[guid] == "case_passage"
    restore_case(project, kept)
    assert [r[0] for r in rows(project_path)] == [guid] and guid not in tombstones(project)
