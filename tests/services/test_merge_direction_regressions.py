"""Three copies merged two ways must agree: regressions found by the property tests, told as stories.

Each test builds its copies through the services, as users would, merges the last step both
ways, and checks the result against what the rules of docs/merge.md give, worked out by hand.
"""
from __future__ import annotations

import pytest

from merge_stories import JHB, code_id, coder_id, hand_out_copies, merged, source_id, span, unfolded
from merge_support import canonical, content
from workbench.services import codebook, coding
from workbench.services.merge import merge_files
from workbench.store.project import open_project

PIETERS_AUTONOMY = "We set our own agenda and fund"  # Pieter's coding on autonomy (the small project)
PIETERS_CONSTRAINT = "Every agreement waits for provincial sign-off"  # his on provincial constraint


@pytest.fixture
def three_copies(project_path, tmp_path):
    """Thandi hands out copies a, b and c of the small project (nothing changed in any yet)."""
    return hand_out_copies(project_path, tmp_path, {"a": "Thandi", "b": "Thandi", "c": "Pieter"})


def test_a_coding_kept_by_an_answer_but_gone_with_its_code_comes_back_with_it_both_ways(three_copies, tmp_path):
    # In copy a Thandi merges "autonomy" into "provincial constraint", then deletes that code
    # with all its codings: Pieter's autonomy coding (X, moved there by the merge) and his
    # coding on provincial constraint (Y) go with it. In copy b she deletes "provincial
    # constraint" too (Y goes; X stays on autonomy). Copy c is left as it was.
    a, b, c = three_copies
    with open_project(a) as p:
        x, y = span(p, PIETERS_AUTONOMY), span(p, PIETERS_CONSTRAINT)
        codebook.merge_codes(p, [code_id(p, "autonomy")], code_id(p, "provincial constraint"), deleted_by="Thandi")
        codebook.delete_code(p, code_id(p, "provincial constraint"), force=True, deleted_by="Thandi")
    with open_project(b) as p:
        codebook.delete_code(p, code_id(p, "provincial constraint"), force=True, deleted_by="Thandi")

    # a and b: both deleted "provincial constraint"; autonomy, alive in b, folds into it (a's
    # redirect). X was Pieter's coding, deleted by Thandi: asked about, kept. The code its chain
    # ends at stays in neither file, so X stays on its own code, autonomy, which stays with it,
    # unfolded (kept-work-keeps-its-code), and the report says so. Thandi's own codings on
    # autonomy and "own funding" (hers only), which a deleted with the code, go with no question.
    ab, report = merged(tmp_path, "ab", a, b)
    (asked,) = report.body["conflicts"]
    assert asked["label"].startswith("coding by Pieter, deleted by Thandi: autonomy on interview_jhb.txt")
    assert asked["resolution"] == "keep"
    assert unfolded(report.body) == ["autonomy"]
    got = content(ab)
    assert [k[0] for k in got["codes"]] == ["autonomy", "development outcome",
                                            "development outcome/unrealised objective"]
    assert [k for k in got["codings"] if k[0] == JHB] == [(JHB, "autonomy", "Pieter", *x)]

    # ab and c, both ways. c still has "provincial constraint" as it was at the hand-out; autonomy
    # is alive in both now, folded in neither. The code's deletion (by Thandi, in ab) takes
    # Pieter's Y with it: one question (deletion-of-others-work), default keep, and Y stays on it
    # (deleted-with-its-container). X stays on autonomy, alive on both sides. Thandi's own codings
    # that she deleted go, and so does "own funding", which held only hers. The earlier answer
    # about X is not asked again (X is alive in ab, no deletion of it is weighed).
    abc, abc_report = merged(tmp_path, "abc", ab, c)
    c_ab, c_ab_report = merged(tmp_path, "c-ab", c, ab)
    for result, rep in ((abc, abc_report), (c_ab, c_ab_report)):
        (question,) = rep.body["conflicts"]
        assert question["label"].startswith("code provincial constraint, deleted by Thandi, holds another "
                                            "coder's work (coding by Pieter")
        assert question["resolution"] == "keep"
        assert unfolded(rep.body) == []
        got = content(result)
        assert [k[0] for k in got["codes"]] == ["autonomy", "development outcome",
                                                "development outcome/unrealised objective",
                                                "provincial constraint"], result.name
        assert [k for k in got["codings"] if k[0] == JHB] == [
            (JHB, "autonomy", "Pieter", *x), (JHB, "provincial constraint", "Pieter", *y)], result.name
        assert len(got["codings"]) == 4  # and the two in interview_addis.txt, never touched
    assert canonical(abc) == canonical(c_ab)
    assert content(abc) == content(c_ab)

    # Merging the same files again changes nothing and asks nothing.
    before = canonical(abc)
    again = merge_files(abc, [c])
    assert again.body["conflicts"] == [] and canonical(abc) == before
    before = canonical(ab)
    again = merge_files(ab, [b, a])
    assert again.body["conflicts"] == [] and canonical(ab) == before


def test_new_codings_on_a_code_folded_into_one_deleted_elsewhere_stay_on_their_code_both_ways(three_copies, tmp_path):
    # In copy a Pieter codes a new passage N with "autonomy". In copy c Thandi makes a new code
    # "self-rule", merges "autonomy" into it, then deletes "self-rule" with all its codings:
    # Pieter's X (moved there by the merge), her own autonomy coding and the subcode "own
    # funding" with her coding in it. Copy b is left as it was.
    a, b, c = three_copies
    with open_project(a) as p:
        x, y = span(p, PIETERS_AUTONOMY), span(p, PIETERS_CONSTRAINT)
        n = span(p, "Every agreement")  # a new passage: its first words
        coding.apply_code(p, source_id(p, JHB), code_id(p, "autonomy"), coder_id(p, "Pieter"), *n)
    with open_project(c) as p:
        codebook.create_code(p, "self-rule")
        codebook.merge_codes(p, [code_id(p, "autonomy")], code_id(p, "self-rule"), deleted_by="Thandi")
        codebook.delete_code(p, code_id(p, "self-rule"), force=True, deleted_by="Thandi")

    # a and b: b changed nothing; ab is a with N.
    ab, report = merged(tmp_path, "ab", a, b)
    assert report.body["conflicts"] == []

    # ab and c, both ways. "self-rule" is alive on neither side; autonomy, alive in ab, folds into
    # it (c's redirect). N was never deleted (c never knew it) and stays; X, Pieter's, deleted by
    # Thandi with the code, is a question of its own (deletion-of-others-work; its code is in
    # neither file, so no container decides it), default keep. Neither can land on "self-rule": they
    # stay on autonomy, which stays with them, unfolded (kept-work-keeps-its-code), one line in
    # the report. Thandi's own autonomy coding and "own funding" (hers only) go with no question.
    abc, abc_report = merged(tmp_path, "abc", ab, c)
    c_ab, c_ab_report = merged(tmp_path, "c-ab", c, ab)
    for result, rep in ((abc, abc_report), (c_ab, c_ab_report)):
        (question,) = rep.body["conflicts"]
        assert question["label"].startswith("coding by Pieter, deleted by Thandi: autonomy on interview_jhb.txt")
        assert question["resolution"] == "keep"
        assert unfolded(rep.body) == ["autonomy"]
        got = content(result)
        assert [k[0] for k in got["codes"]] == ["autonomy", "development outcome",
                                                "development outcome/unrealised objective",
                                                "provincial constraint"], result.name
        assert sorted(k for k in got["codings"] if k[0] == JHB) == sorted([
            (JHB, "autonomy", "Pieter", *x), (JHB, "autonomy", "Pieter", *n),
            (JHB, "provincial constraint", "Pieter", *y), (JHB, "provincial constraint", "Thandi", *y)]), result.name
        assert len(got["codings"]) == 7  # and policy.txt's one and the two in interview_addis.txt
    assert canonical(abc) == canonical(c_ab)
    assert content(abc) == content(c_ab)

    # Merging the same files again changes nothing and asks nothing.
    before = canonical(abc)
    again = merge_files(abc, [b, c])
    assert again.body["conflicts"] == [] and canonical(abc) == before
