"""Follow-ups of kept-work-keeps-its-code (docs/merge.md), told as stories through the services.

Each test builds its copies as users would (hand-outs, Merge codes, deleting a code, merging) and
checks the result against what the rules of docs/merge.md give, worked out by hand.
"""
from __future__ import annotations

import json

import pytest

import store_read
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


def _stored_unfolded(path):
    """The unfolded lines of every merge report stored in the project, the earliest first."""
    reports = store_read.rows(path, "SELECT body, created_at FROM report WHERE kind = 'merge' ORDER BY created_at, id")
    return [unfolded(json.loads(body)) for body, _ in reports]


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
        n = span(p, "Every agreement")
        coding.apply_code(p, source_id(p, JHB), code_id(p, "autonomy"), coder_id(p, "Pieter"), *n)
    with open_project(c) as p:
        codebook.create_code(p, "self-rule")
        codebook.merge_codes(p, [code_id(p, "autonomy")], code_id(p, "self-rule"), deleted_by="Thandi")
        codebook.delete_code(p, code_id(p, "self-rule"), force=True, deleted_by="Thandi")
    return a, b, c


def test_merging_the_same_file_again_reports_no_unfolded_code(three_copies, tmp_path):
    # ab+c (and c+ab): autonomy stays, unfolded, for Pieter's codings on it (the story's first
    # merge, whose report lists it). Merging the same file again into either result (c, which
    # holds autonomy's redirect tombstone) changes nothing and asks nothing
    # (weighed-before-not-asked); autonomy already stays in the project, and its redirect is the
    # one an earlier merge into it reported unfolded: nothing is unfolded by this merge, so its
    # report has no unfolded line.
    a, b, c = _fold_autonomy_into_a_deleted_code(three_copies)
    ab, _ = merged(tmp_path, "ab", a, b)
    for name, into, other in (("abc", ab, c), ("c-ab", c, ab)):
        result, first = merged(tmp_path, name, into, other)
        assert unfolded(first.body) == ["autonomy"], name
        before, seen = _dump(result), content(result)
        again = merge_files(result, [c])
        assert again.body["conflicts"] == [], name
        assert unfolded(again.body) == [], name
        assert _dump(result) == before and content(result) == seen, name
        # The first report, as stored in the project, still lists it; the second does not.
        assert _stored_unfolded(result)[-2:] == [["autonomy"], []], name
    assert canonical(tmp_path / "abc.qwb") == canonical(tmp_path / "c-ab.qwb")


# A coding the other copy holds on the target of a fold made in a copy that then deleted that
# target. Copy a (Thandi) merges "autonomy" (X) into "provincial constraint" (Y) and deletes Y
# with its codings; copy b never folds. Which setups can there be? In a every coding on Y went
# with it (delete_code, force), and a coding changes its code only by a fold (Merge codes; there
# is no recode: moving a passage to another code is uncoding it and coding it anew, a new
# coding). So a coding b holds on Y was either on Y at the base, in both copies (a deleted it with
# Y: it is alive on the side that did not delete, never on the deleting one), or made on Y in b
# since, a "recode" included (a never knew it). A coding alive in a and on Y in b would need b
# to have moved it onto Y, by a fold b did not make. The two tests below take one setup each.

def _pc(path):
    """Provincial constraint's GUID (the same in every copy)."""
    ((guid,),) = store_read.rows(path, "SELECT guid FROM code WHERE name = 'provincial constraint'")
    return guid


def _fold_and_delete_the_target(a):
    """Copy a: Thandi merges autonomy into provincial constraint, then deletes that with its codings."""
    with open_project(a) as p:
        codebook.merge_codes(p, [code_id(p, "autonomy")], code_id(p, "provincial constraint"), deleted_by="Thandi")
        codebook.delete_code(p, code_id(p, "provincial constraint"), force=True, deleted_by="Thandi")


def _both_ways_and_again(tmp_path, a, b, answer):
    """a+b (into a copy of a) and b+a (into a copy of b), answering the one question `answer`; then
    each merged with the same file again. Returns the two results and their first reports."""
    out = []
    for name, into, other in (("ab", a, b), ("ba", b, a)):
        result, rep = merged(tmp_path, f"{name}-{answer}", into, other,
                             resolutions={f"0:deletion:{_pc(b)}:deleted": answer})
        # The same file again: nothing asked, nothing unfolded, nothing changed (weighed-before-not-asked).
        before, seen = _dump(result), content(result)
        again = merge_files(result, [other])
        assert again.body["conflicts"] == [] and unfolded(again.body) == [], name
        assert _dump(result) == before and content(result) == seen, name
        out.append((result, rep))
    (ab, _), (ba, _) = out
    assert canonical(ab) == canonical(ba) and content(ab) == content(ba)
    return out


def _assert_pieters_two_stay_or_go(got, answer, x, c, name):
    """The content both stories reach: kept, provincial constraint stays with Pieter's two passages
    (x, his autonomy one, and c) and the Addis pair, 4 codings; deleted, only the Addis pair."""
    assert len(got["codings"]) == (4 if answer == "keep" else 2), name
    if answer == "keep":
        assert [k[0] for k in got["codes"]] == ["development outcome", "development outcome/unrealised objective",
                                                "provincial constraint"], name
        assert sorted(k for k in got["codings"] if k[0] == JHB) == [
            (JHB, "provincial constraint", "Pieter", *x), (JHB, "provincial constraint", "Pieter", *c)], name
    else:
        assert [k[0] for k in got["codes"]] == ["development outcome", "development outcome/unrealised objective"], name


@pytest.mark.parametrize("answer", ["keep", "delete"])
def test_a_coding_on_the_folds_target_from_the_start_goes_or_stays_with_the_target(three_copies, tmp_path, answer):
    """Pieter's coding on provincial constraint (Y), there at the base, alive in b, deleted with Y in a.

    Worked by hand from docs/merge.md. a holds: autonomy "merged into" Y (a redirect,
    redirect-is-no-deletion), Y deleted by Thandi, "own funding" (moved under Y by the fold)
    deleted with it, and every coding that was on autonomy, own funding or Y deleted by Thandi:
    her own three (TA, TF on own funding, TC) and policy.txt's (TP), Pieter's two (X on autonomy,
    C on Y). b holds all of it as at the base. So autonomy, alive in b, folds into Y
    (redirect-is-no-deletion). Y's deletion takes Pieter's work with it: C, and X, which reached Y
    by the fold (work-on-a-folded-entity-counts-for-its-target, deletion-of-others-work): one
    question, default keep, labelled with his autonomy coding first (the fold's) "and 1 more".
    Nothing was changed or made in b since, so nothing else is a question: Thandi's own codings
    and "own funding" (holding only hers) go with no question (deletion-applies-without-work,
    deleted-with-its-container); X and C, unchanged, go or stay with Y, asked about once
    (deleted-with-its-container).
    - keep: Y stays, so the chain autonomy -> Y ends at a code that stays and nothing is unfolded
      (kept-work-keeps-its-code does not come in). Codes: provincial constraint, development
      outcome and its subcode. Codings: X and C, both Pieter's, both on provincial constraint,
      and the two in interview_addis.txt.
    - delete: Y goes with what hangs on it (deletion-conflict-keeps): X and C too; autonomy's
      chain ends at a code answered delete, so it is not unfolded (kept-work-keeps-its-code, not
      against an answer). Codes: development outcome and its subcode; codings: the two in Addis.
    Both directions agree (every rule symmetric); merging the same file again asks nothing and
    changes nothing (the answer stands: weighed-before-not-asked).
    """
    a, b, _ = three_copies
    with open_project(a) as p:
        x, c = span(p, PIETERS_AUTONOMY), span(p, PIETERS_CONSTRAINT)
    _fold_and_delete_the_target(a)
    for result, rep in _both_ways_and_again(tmp_path, a, b, answer):
        (question,) = rep.body["conflicts"]
        assert question["label"].startswith("code provincial constraint, deleted by Thandi, holds another "
                                            "coder's work (coding by Pieter: autonomy on interview_jhb.txt")
        assert question["label"].endswith(" and 1 more)") and question["resolution"] == answer
        assert unfolded(rep.body) == []
        got = content(result)
        assert len([k for k in got["codings"] if k[0] == "interview_addis.txt"]) == 2, result.name
        _assert_pieters_two_stay_or_go(got, answer, x, c, result.name)


@pytest.mark.parametrize("answer", ["keep", "delete"])
def test_a_coding_made_on_the_folds_target_since_stays_with_it_or_goes_by_the_answer(three_copies, tmp_path, answer):
    """In b Pieter "recodes" his autonomy passage onto provincial constraint (Y): uncodes X and
    codes the same passage with Y, a new coding N, which a never knew.

    Worked by hand from docs/merge.md. a holds what the test above says (autonomy folded into Y,
    Y deleted by Thandi with every coding on it: X and C of Pieter's among them). X is deleted in
    both (b's tombstone names Pieter, a's Thandi): alive on neither side, nothing to weigh. N is
    never deleted. Y's deletion meets new work: N on Y, which a never knew (deletion-meets-new-work),
    and it takes Pieter's C with it (deletion-of-others-work): one question, default keep, labelled
    with C (X is gone in b, no work of Pieter's reaches Y by the fold). Thandi's own codings and
    "own funding" go with no question, C goes or stays with Y (deleted-with-its-container).
    - keep: Y stays with C and N; autonomy folds into it (nothing unfolded: the chain ends at a
      code that stays). The content is that of the test above answered keep: Pieter's two passages
      on provincial constraint, the recoded one now by its new coding.
    - delete: Y goes with what hangs on it, C and N too (deletion-conflict-keeps: N never deleted,
      but on a code answered delete; kept-work-keeps-its-code is not against an answer, and N's
      code was never folded). Codes: development outcome and its subcode; codings: the two in Addis.
    Both directions agree; merging the same file again asks nothing and changes nothing.
    """
    from sqlalchemy import select

    from workbench.store.models import Coding

    a, b, _ = three_copies
    with open_project(b) as p:
        x, c = span(p, PIETERS_AUTONOMY), span(p, PIETERS_CONSTRAINT)
        with p.reading() as s:
            old = s.scalar(select(Coding.id).where(Coding.code_id == code_id(p, "autonomy"),
                                                   Coding.coder_id == coder_id(p, "Pieter")))
        coding.remove_codings(p, [old], deleted_by="Pieter")
        coding.apply_code(p, source_id(p, JHB), code_id(p, "provincial constraint"), coder_id(p, "Pieter"), *x)
    _fold_and_delete_the_target(a)
    for result, rep in _both_ways_and_again(tmp_path, a, b, answer):
        (question,) = rep.body["conflicts"]
        assert question["label"].startswith("code provincial constraint, deleted by Thandi, holds another "
                                            "coder's work (coding by Pieter: provincial constraint on "
                                            "interview_jhb.txt"), question["label"]
        assert " more)" not in question["label"] and question["resolution"] == answer
        assert unfolded(rep.body) == []
        _assert_pieters_two_stay_or_go(content(result), answer, x, c, result.name)
        if answer == "delete":
            assert rep.body["dropped"].get("coding", 0) >= 1, rep.body["dropped"]


def _stored(r, ctx):
    """r as the project holds it after the merge ctx made: with that merge's report stored."""
    from workbench.services.merge_state import ReportRow

    body = {"conflicts": [c.to_json() for c in ctx.conflicts], "matches": ctx.matches}
    r.reports["report-1"] = ReportRow("merge", "Merged b", json.dumps(body), "2026-01-01T00:00:00Z", "Thandi")
    return r


@pytest.mark.parametrize("kind", ["coding", "memo", "case_passage"])
def test_what_a_delete_answer_dropped_is_not_asked_about_when_the_same_file_is_merged_again(kind):
    """Side b deleted code X (or case CASE) as Thandi; side a made something on it since: Pieter's
    coding N on X, his memo M on X, a passage P linked to CASE. The deletion meets new work
    (deletion-meets-new-work): one question; answered delete, what hangs on it goes too
    (deletion-conflict-keeps), buried by the merge ("dropped with ..."). Merged into b, then a
    merged again: the answer stands (weighed-before-not-asked), and what went with it is weighed
    with it, stored with that question (as deleted-with-its-container is): nothing is asked,
    nothing dropped anew, nothing changes."""
    from merge_build import PIETER, G, T, case, code, coding as a_coding, memo, merge, passage, state, tomb, view
    from workbench.services.merge_conflicts import deletion_answers, seen_versions

    X, N, M, CASE, P = G(1), G(10), G(20), G(30), G(40)
    a, container = {
        "coding": (state(code={X: code("X")}, coding={N: a_coding(X, PIETER, t=4)}), X),
        "memo": (state(code={X: code("X")}, memo={M: memo("new", "code", X, author=PIETER, t=4)}), X),
        "case_passage": (state(case={CASE: case("c")}, case_passage={P: passage(CASE, t=4)}), CASE),
    }[kind]
    b = state(tombstones={container: tomb("case" if container == CASE else "code", 3, "Thandi")})
    r, ctx = merge(b, a, T[2], resolutions={f"0:deletion:{container}:deleted": "delete"})
    assert [c.guid for c in ctx.conflicts] == [container] and ctx.dropped == {kind: 1}
    (gone,) = [g for g in (N, M, P) if g in r.tombstones]
    assert ctx.conflicts[0].along == [{"key": f"deletion:{gone}:deleted", "value": "deleted by someone",
                                        "time": r.tombstones[gone].deleted_at}]
    r = _stored(r, ctx)
    again, ctx2 = merge(r, a, T[2], seen=seen_versions(r), answers=deletion_answers(r))
    assert ctx2.conflicts == [] and ctx2.dropped == {} and view(again) == view(r)
