"""A fold on one side and a move on the other that lead back to the code they start from.

Copy a (Thandi) merges "development outcome" into "autonomy", then deletes "autonomy" with its
subcodes and codings; copy b (Pieter) moves "autonomy" under "development outcome". Weighing a's
deletion of autonomy walks what hangs on it in b and what a folded into it: development outcome
was folded into autonomy (in a), and autonomy hangs under development outcome (in b), so the
walk came back to autonomy and the merge died of a RecursionError (found by the three-copy
property test). Each entity is now looked at once.

Kept, autonomy's parent in b (development outcome) folds into autonomy itself: no parent, the top
level. Merging b again then asked whether autonomy should stay at the top level or go under
itself; a parent that folds into the code itself is now no parent on either side
(parent-folded-into-the-code-is-none), so nothing is asked.
"""
from __future__ import annotations

import pytest

import store_read
from merge_stories import code_id, hand_out_copies, merged
from merge_support import canonical, content
from workbench.services import codebook
from workbench.services.merge import merge_files
from workbench.store.project import open_project


@pytest.fixture
def copies(project_path, tmp_path):
    a, b = hand_out_copies(project_path, tmp_path, {"a": "Thandi", "b": "Pieter"})
    with open_project(a) as p:
        codebook.merge_codes(p, [code_id(p, "development outcome")], code_id(p, "autonomy"), deleted_by="Thandi")
        codebook.delete_code(p, code_id(p, "autonomy"), force=True, deleted_by="Thandi")
    with open_project(b) as p:
        codebook.move_code(p, code_id(p, "autonomy"), code_id(p, "development outcome"))
    return a, b


def _codes(path):
    return sorted(store_read.rows(path, "SELECT p.name, c.name FROM code c LEFT JOIN code p ON p.id = c.parent_id"),
                  key=lambda r: (r[0] or "", r[1]))


def _autonomy(path):
    ((guid,),) = store_read.rows(path, "SELECT guid FROM code WHERE name = 'autonomy'")
    return guid


# Worked by hand from docs/merge.md (the small project of tests/conftest.py):
# - development outcome: "merged into autonomy" in a, alive in b: it folds into autonomy
#   (redirect-is-no-deletion), its subcode unrealised objective with it.
# - autonomy: deleted by Thandi in a, taking Pieter's work (his autonomy coding, and his bus
#   coding on unrealised objective, under autonomy since the fold): one question, default keep
#   (deletion-of-others-work, deletion-conflict-keeps), labelled with the bus coding "and 1 more".
# - keep: autonomy stays. In b it hangs under development outcome, which folds into autonomy:
#   a loop, cut at autonomy, which moves to the top level (move-loop-cut-at-largest-guid, the only
#   code in it). own funding holds only Thandi's coding, which she deleted: both go
#   (deleted-with-its-container); unrealised objective holds Pieter's: it stays, under autonomy.
#   Thandi's three deleted codings (autonomy, own funding, and development outcome's, moved to
#   autonomy by the fold) go; Pieter's two stay; provincial constraint's three are untouched.
# - delete: autonomy goes with what hangs on it (Pieter's two codings, both subcodes). What was
#   folded into it keeps nothing (Thandi's own coding on it she deleted), so nothing is unfolded.
KEPT_CODES = [(None, "autonomy"), (None, "provincial constraint"), ("autonomy", "unrealised objective")]
PC = [("provincial constraint", "Pieter", "Every agreement waits for provincial sign-off"),
      ("provincial constraint", "Thandi", "Every agreement waits for provincial sign-off"),
      ("provincial constraint", "Thandi", "Agreements are submitted to the Province before signature.")]
KEPT_CODINGS = sorted(PC + [("autonomy", "Pieter", "We set our own agenda and fund"),
                            ("unrealised objective", "Pieter", "The bus project never left the drawing board.")])


def _texts(path):
    return sorted(store_read.rows(path, "SELECT c.name, k.name, substr(s.text, g.start + 1, g.\"end\" - g.start)"
                                        " FROM coding g JOIN code c ON c.id = g.code_id JOIN coder k ON k.id = g.coder_id"
                                        " JOIN source s ON s.id = g.source_id"))


@pytest.mark.parametrize("answer", ["keep", "delete"])
def test_a_fold_and_a_move_that_lead_back_to_the_deleted_code_merge_both_ways(copies, tmp_path, answer):
    a, b = copies
    results = []
    for name, into, other in (("ab", a, b), ("ba", b, a)):
        result, rep = merged(tmp_path, f"{name}-{answer}", into, other,
                             resolutions={f"0:deletion:{_autonomy(b)}:deleted": answer})
        labels = [c["label"] for c in rep.body["conflicts"]]
        assert len(labels) == 1 and labels[0].startswith("code development outcome/autonomy, deleted by Thandi, holds "
                                                         "another coder's work (coding by Pieter: "), name
        assert "The bus project never left the drawing board." in labels[0] and "and 1 more" in labels[0], name
        if answer == "keep":
            assert _codes(result) == KEPT_CODES, name
            assert _texts(result) == KEPT_CODINGS, name
        else:
            assert _codes(result) == [(None, "provincial constraint")], name
            assert _texts(result) == sorted(PC), name
        before, seen = canonical(result), content(result)
        again = merge_files(result, [other])  # the same file again: nothing asked, nothing changed
        assert again.body["conflicts"] == [] and canonical(result) == before and content(result) == seen, name
        results.append(result)
    assert canonical(results[0]) == canonical(results[1]) and content(results[0]) == content(results[1])


def test_a_longer_loop_is_cut_once_and_merging_again_asks_nothing(project_path, tmp_path):
    """b (Pieter) moves autonomy under provincial constraint; a (Thandi) merges provincial
    constraint into own funding, autonomy's subcode. By hand (docs/merge.md): only b moved
    autonomy, so it goes under provincial constraint, which folds into own funding: autonomy
    under own funding under autonomy, a loop, cut at the larger GUID, own funding's (made after
    autonomy), which goes to the top level (move-loop-cut-at-largest-guid). Merging b again, own
    funding's parent differs (the top level here, autonomy in b, both stamped at the base): either
    answer gives that tree once the loop is cut, so nothing is asked."""
    a, b = hand_out_copies(project_path, tmp_path, {"a2": "Thandi", "b2": "Pieter"})
    with open_project(a) as p:
        codebook.merge_codes(p, [code_id(p, "provincial constraint")], code_id(p, "autonomy/own funding"), deleted_by="Thandi")
    with open_project(b) as p:
        codebook.move_code(p, code_id(p, "autonomy"), code_id(p, "provincial constraint"))
    results = []
    for name, into, other in (("ab", a, b), ("ba", b, a)):
        result, first = merged(tmp_path, f"{name}-loop", into, other)
        assert first.body["conflicts"] == [], name
        assert _codes(result) == [(None, "development outcome"), (None, "own funding"),
                                  ("development outcome", "unrealised objective"), ("own funding", "autonomy")], name
        before, seen = canonical(result), content(result)
        again = merge_files(result, [other])
        assert again.body["conflicts"] == [] and canonical(result) == before and content(result) == seen, name
        results.append(result)
    assert canonical(results[0]) == canonical(results[1])
