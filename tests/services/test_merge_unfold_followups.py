"""Follow-ups of kept-work-keeps-its-code (docs/merge.md), told as stories through the services.

Each test builds its copies as users would (hand-outs, Merge codes, deleting a code, merging) and
checks the result against what the rules of docs/merge.md give, worked out by hand.
"""
from __future__ import annotations

import json
import shutil

import pytest

import store_read
from merge_support import canonical, content
from workbench.services import codebook, coding
from workbench.services.handout import hand_out
from workbench.services.lookup import code_by_path
from workbench.services.merge import merge_files
from workbench.services.sources import source_text
from workbench.store import sqlite as wsqlite
from workbench.store.project import open_project

JHB = "interview_jhb.txt"
PIETERS_AUTONOMY = "We set our own agenda and fund"  # Pieter's coding on autonomy (the small project)
PIETERS_CONSTRAINT = "Every agreement waits for provincial sign-off"  # his on provincial constraint


def _code(p, path):
    with p.reading() as s:
        return code_by_path(s, path)


def _source(p, name):
    from sqlalchemy import select

    from workbench.store.models import Source

    with p.reading() as s:
        return s.scalar(select(Source.id).where(Source.name == name))


def _coder(p, name):
    from sqlalchemy import select

    from workbench.store.models import Coder

    with p.reading() as s:
        return s.scalar(select(Coder.id).where(Coder.name == name))


def _span(p, phrase):
    start = source_text(p, JHB).index(phrase)
    return start, start + len(phrase)


@pytest.fixture
def three_copies(project_path, tmp_path):
    """Thandi hands out copies a, b and c of the small project (nothing changed in any yet)."""
    paths = [tmp_path / f"{name}.qwb" for name in "abc"]
    with open_project(project_path) as p:
        for path, coder in zip(paths, ("Thandi", "Thandi", "Pieter")):
            hand_out(p, path, coder)
    return paths


def _merged(tmp_path, name, into, other):
    result = tmp_path / f"{name}.qwb"
    wsqlite.checkpoint(into)
    shutil.copy(into, result)
    return result, merge_files(result, [other])


def _unfolded(body):
    """The codes a merge report says were kept, unfolded, for the work on them (kept-work-keeps-its-code)."""
    return [m["name"] for m in body["matches"] if m.get("by") == "unfolded"]


def _stored_unfolded(path):
    """The unfolded lines of every merge report stored in the project, the earliest first."""
    reports = store_read.rows(path, "SELECT body, created_at FROM report WHERE kind = 'merge' ORDER BY created_at, id")
    return [_unfolded(json.loads(body)) for body, _ in reports]


def _dump(path):
    """Codes, codings and tombstones by GUID, with every field a merge could change."""
    return {
        "codes": store_read.rows(path, "SELECT c.guid, p.guid, c.name, c.color, c.description, c.position "
                                       "FROM code c LEFT JOIN code p ON p.id = c.parent_id ORDER BY c.guid"),
        "codings": store_read.rows(path, 'SELECT g.guid, c.guid, s.guid, k.name, g.start, g."end", g.created_at '
                                         "FROM coding g JOIN code c ON c.id = g.code_id "
                                         "JOIN source s ON s.id = g.source_id JOIN coder k ON k.id = g.coder_id "
                                         "ORDER BY g.guid"),
        "tombstones": store_read.rows(path, "SELECT guid, kind, deleted_at, deleted_by, detail FROM tombstone "
                                            "ORDER BY guid"),
    }


def _fold_autonomy_into_a_deleted_code(three_copies):
    """The story of test_merge_direction_regressions (new codings on a code folded into one deleted
    elsewhere): in copy a Pieter codes a new passage N with "autonomy"; in copy c Thandi makes
    "self-rule", merges "autonomy" into it and deletes "self-rule" with its codings."""
    a, b, c = three_copies
    with open_project(a) as p:
        n = _span(p, "Every agreement")
        coding.apply_code(p, _source(p, JHB), _code(p, "autonomy"), _coder(p, "Pieter"), *n)
    with open_project(c) as p:
        codebook.create_code(p, "self-rule")
        codebook.merge_codes(p, [_code(p, "autonomy")], _code(p, "self-rule"), deleted_by="Thandi")
        codebook.delete_code(p, _code(p, "self-rule"), force=True, deleted_by="Thandi")
    return a, b, c


def test_merging_the_same_file_again_reports_no_unfolded_code(three_copies, tmp_path):
    # ab+c (and c+ab): autonomy stays, unfolded, for Pieter's codings on it (the story's first
    # merge, whose report lists it). Merging the same file again into either result (c, which
    # holds autonomy's redirect tombstone) changes nothing and asks nothing
    # (weighed-before-not-asked); autonomy already stays in the project, and its redirect is the
    # one an earlier merge into it reported unfolded: nothing is unfolded by this merge, so its
    # report has no unfolded line.
    a, b, c = _fold_autonomy_into_a_deleted_code(three_copies)
    ab, _ = _merged(tmp_path, "ab", a, b)
    for name, into, other in (("abc", ab, c), ("c-ab", c, ab)):
        result, first = _merged(tmp_path, name, into, other)
        assert _unfolded(first.body) == ["autonomy"], name
        before, seen = _dump(result), content(result)
        again = merge_files(result, [c])
        assert again.body["conflicts"] == [], name
        assert _unfolded(again.body) == [], name
        assert _dump(result) == before and content(result) == seen, name
        # The first report, as stored in the project, still lists it; the second does not.
        assert _stored_unfolded(result)[-2:] == [["autonomy"], []], name
    assert canonical(tmp_path / "abc.qwb") == canonical(tmp_path / "c-ab.qwb")
