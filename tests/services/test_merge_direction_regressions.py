"""Three copies merged two ways must agree: regressions found by the property tests, told as stories.

Each test builds its copies through the services, as users would, merges the last step both
ways, and checks the result against what the rules of docs/merge.md give, worked out by hand.
"""
from __future__ import annotations

import shutil

import pytest

from merge_support import canonical, content
from workbench.services import codebook
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


def test_a_coding_kept_by_an_answer_but_gone_with_its_code_comes_back_with_it_both_ways(three_copies, tmp_path):
    # In copy a Thandi merges "autonomy" into "provincial constraint", then deletes that code
    # with all its codings: Pieter's autonomy coding (X, moved there by the merge) and his
    # coding on provincial constraint (Y) go with it. In copy b she deletes "provincial
    # constraint" too (Y goes; X stays on autonomy). Copy c is left as it was.
    a, b, c = three_copies
    with open_project(a) as p:
        x, y = _span(p, PIETERS_AUTONOMY), _span(p, PIETERS_CONSTRAINT)
        codebook.merge_codes(p, [_code(p, "autonomy")], _code(p, "provincial constraint"), deleted_by="Thandi")
        codebook.delete_code(p, _code(p, "provincial constraint"), force=True, deleted_by="Thandi")
    with open_project(b) as p:
        codebook.delete_code(p, _code(p, "provincial constraint"), force=True, deleted_by="Thandi")

    # a and b: both deleted "provincial constraint", and autonomy folds into it, so it goes
    # with autonomy's codings. X was Pieter's coding deleted by Thandi: asked about (keep), but
    # its code is gone in both copies, so the keep could not hold and ab does not have it.
    ab, report = _merged(tmp_path, "ab", a, b)
    (asked,) = report.body["conflicts"]
    assert asked["label"].startswith("coding by Pieter, deleted by Thandi: autonomy on interview_jhb.txt")
    assert asked["resolution"] == "keep"
    assert (JHB, "provincial constraint", "Pieter", *x) not in content(ab)["codings"], (
        "ab keeps X now: this test no longer builds the case it guards; work its expectations out again")

    # ab and c, both ways. c still has "provincial constraint" as it was at the hand-out: its
    # deletion (by Thandi, in ab) takes Pieter's work with it, Y and X (autonomy, which holds
    # X in c, was folded into it), so it is one question (deletion-of-others-work), default
    # keep. What went with the code goes or stays with it (deleted-with-its-container): X and
    # Y stay on it. Thandi's own codings that she deleted with it go, and so does the subcode
    # "own funding", which held only hers. The earlier answer about X (keep) did not keep X in
    # ab; it cannot make X go now in the one direction and stay in the other.
    abc, abc_report = _merged(tmp_path, "abc", ab, c)
    c_ab, c_ab_report = _merged(tmp_path, "c-ab", c, ab)
    for result, rep in ((abc, abc_report), (c_ab, c_ab_report)):
        (question,) = rep.body["conflicts"]
        assert question["label"].startswith("code provincial constraint, deleted by Thandi, holds another "
                                            "coder's work (coding by Pieter")
        assert question["resolution"] == "keep"
        got = content(result)
        assert [k[0] for k in got["codes"]] == ["development outcome", "development outcome/unrealised objective",
                                                "provincial constraint"], result.name
        assert [k for k in got["codings"] if k[0] == JHB] == [
            (JHB, "provincial constraint", "Pieter", *x), (JHB, "provincial constraint", "Pieter", *y)], result.name
        assert len(got["codings"]) == 4  # and the two in interview_addis.txt, never touched
    assert canonical(abc) == canonical(c_ab)
    assert content(abc) == content(c_ab)

    # Merging the same file again changes nothing and asks nothing.
    before = canonical(abc)
    again = merge_files(abc, [c])
    assert again.body["conflicts"] == [] and canonical(abc) == before
