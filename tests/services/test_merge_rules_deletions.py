"""One test per deletion rule of docs/merge.md, named after the rule, on hand-built States.

Side b deleted something (tombstones) that side a still has; merge_build.both merges both ways
and checks the directions agree. Times: T[2] is the base unless a test says otherwise.
"""
from __future__ import annotations

import json

import pytest

from merge_build import (
    PIETER,
    SRC,
    THANDI,
    G,
    T,
    attribute,
    both,
    case,
    code,
    coding,
    memo,
    query,
    redirect,
    state,
    tomb,
    value,
)
from workbench.services.tombstones import pair_guid

X, Y, K, C1, C2, C3, M, MT = G(1), G(2), G(3), G(10), G(11), G(12), G(20), G(21)


def _deleted(by="Thandi", t=3, **extra):
    """Side b: code X and Thandi's coding C1 on it deleted by `by` at T[t]."""
    return state(tombstones={X: tomb("code", t, by), C1: tomb("coding", t, by), **extra})


def _with_x(t=1, **tables):
    """Side a: code X (changed at T[t]) with Thandi's coding C1."""
    codes = {X: code("X", t=t)} | tables.pop("code", {})
    codings = {C1: coding(X)} | tables.pop("coding", {})
    return state(code=codes, coding=codings, **tables)


def test_rule_deletion_applies_without_work():
    r, ctx, _ = both(_with_x(), _deleted(), T[2])
    assert ctx.conflicts == [] and X not in r.code and C1 not in r.coding
    assert sorted(r.tombstones) == [X, C1]


@pytest.mark.parametrize("base, deleted, changed, asked", [
    (T[2], 3, 4, [X]),    # changed after the base and after the deletion
    (T[5], 3, 4, [X]),    # changed after the deletion, before a later-estimated base: still news to b
    (T[3], 5, 4, [X]),    # changed after the base, before the deletion
    (T[5], 6, 4, []),     # changed before both: b saw it and deleted it
    (T[2], 3, 2, []),     # changed at the base itself: that version is the one b had
    ("", 3, 1, [X, C1]),  # no base known: every change counts as made since (the coding's creation too)
])
def test_rule_deletion_meets_change(base, deleted, changed, asked):
    r, ctx, _ = both(_with_x(t=changed), _deleted(t=deleted), base)
    assert sorted(c.guid for c in ctx.conflicts) == asked
    assert (X in r.code) == bool(asked)
    assert all(c.default == "keep" and c.options == ["keep", "delete"] for c in ctx.conflicts)


CASE, ATTR = G(30), G(31)
NEW_WORK = {  # entity b deleted, its kind, what a had at the base, what a attached since (unknown to b)
    "coding on a code": (X, "code", {"code": {X: code("X")}}, {"coding": {C2: coding(X, t=3)}}),
    "subcode of a code": (X, "code", {"code": {X: code("X")}}, {"code": {K: code("K", X, t=3)}}),
    "memo on a code": (X, "code", {"code": {X: code("X")}}, {"memo": {M: memo("m", "code", X, t=3)}}),
    "coding in a source": (SRC, "source", {"code": {K: code("K")}, "coding": {C1: coding(K)}},
                           {"coding": {C2: coding(K, t=3)}}),
    "link of a source": (SRC, "source", {"case": {CASE: case("c")}}, {"links": {(CASE, SRC): T[3]}}),
    "value of a case": (CASE, "case", {"case": {CASE: case("c")}, "attribute": {ATTR: attribute("r")}},
                        {"values": {(CASE, ATTR): value("v", t=3)}}),
    "link of a case": (CASE, "case", {"case": {CASE: case("c")}}, {"links": {(CASE, SRC): T[3]}}),
    "value of an attribute": (ATTR, "attribute", {"case": {CASE: case("c")}, "attribute": {ATTR: attribute("r")}},
                              {"values": {(CASE, ATTR): value("v", t=3)}}),
    "memo on a coding": (C2, "coding", {"code": {K: code("K")}, "coding": {C2: coding(K)}},
                         {"memo": {M: memo("m", "coding", C2, t=3)}}),
    # b never saw it, whatever its time says (a slow clock on a's machine): still new work
    "coding on a code, by a slow clock": (X, "code", {"code": {X: code("X")}}, {"coding": {C2: coding(X, t=1)}}),
}


@pytest.mark.parametrize("what", list(NEW_WORK))
def test_rule_deletion_meets_new_work(what):
    guid, kind, before, since = NEW_WORK[what]
    b = state(tombstones={guid: tomb(kind, 3, "Thandi")})
    if kind == "source":  # deleted with the source: the coding b knew
        del b.source[SRC]
        b.tombstones[C1] = tomb("coding", 3, "Thandi")
    # Without the new work the deletion applies...
    r, ctx, _ = both(state(**before), b, T[2])
    assert ctx.conflicts == [] and guid not in r.table(kind)
    # ...with it, it is a conflict and the entity stays.
    a = state(**before)
    for table, rows in since.items():
        getattr(a, table).update(rows)
    r, ctx, _ = both(a, b, T[2])
    assert [c.key for c in ctx.conflicts] == [f"deletion:{guid}:deleted"]
    assert guid in r.table(kind)


@pytest.mark.parametrize("deleter, asked", [("Pieter", True), ("", True), ("Thandi", False), (" thandi", False)])
def test_rule_deletion_of_others_work(deleter, asked):
    a = state(code={K: code("K")}, coding={C1: coding(K, THANDI, start=3, end=9)},
              memo={M: memo("Thandi's note", "code", K)})
    b = state(code={K: code("K")}, tombstones={C1: tomb("coding", 3, deleter), M: tomb("memo", 3, deleter)})
    r, ctx, _ = both(a, b, T[2])
    assert sorted(c.key for c in ctx.conflicts) == (
        sorted([f"deletion:{C1}:deleted", f"deletion:{M}:deleted"]) if asked else [])
    assert (C1 in r.coding, M in r.memo) == (asked, asked)
    for c in ctx.conflicts:
        assert "by Thandi" in c.label and f"deleted by {deleter or 'someone'}" in c.label and "more" not in c.label
        assert c.options == ["keep", "delete"] and c.default == "keep"
    if asked:
        (label,) = [c.label for c in ctx.conflicts if c.guid == C1]
        assert "K on interview.txt 3-9" in label
    # A memo no one wrote is no one else's work.
    a.memo[M] = memo("a note", "code", K, author=None)
    r, ctx, _ = both(a, b, T[2])
    assert M not in r.memo


@pytest.mark.parametrize("resolution, stays", [(None, True), ("keep", True), ("delete", False)])
def test_rule_deleted_with_its_container(resolution, stays):
    # Pieter deleted code X; with it went Thandi's coding C1 and its memo, and the subcode K.
    a = _with_x(code={K: code("K", X)}, memo={M: memo("why", "coding", C1)})
    b = state(tombstones={
        X: tomb("code", 3, "Pieter"), C1: tomb("coding", 3, "Pieter"), K: tomb("code", 3, "Pieter"),
        M: tomb("memo", 3, "Pieter")})
    _, ctx, _ = both(a, b, T[2])
    (c,) = ctx.conflicts  # asked once, about the container
    assert c.guid == X and "coding by Thandi" in c.label and "and 1 more" in c.label
    res = {} if resolution is None else {c.id: resolution}
    r, ctx, _ = both(a, b, T[2], resolutions=res)
    assert (X in r.code, C1 in r.coding, M in r.memo) == (stays,) * 3
    assert ctx.dropped == {}  # what went, went as deleted there (its own tombstone), not as a drop
    assert K not in r.code  # the empty subcode held no one's work: its deletion applies either way
    # Another coder's work in the subcode makes it follow the code as well.
    a.coding[C2] = coding(K, THANDI, start=20, end=30)
    b.tombstones[C2] = tomb("coding", 3, "Pieter")
    r, ctx, _ = both(a, b, T[2], resolutions=res)
    assert [c.guid for c in ctx.conflicts] == [X] and (K in r.code, C2 in r.coding) == (stays, stays)


def test_rule_deletion_conflict_keeps():
    a = _with_x(coding={C2: coding(X, PIETER, t=3)})  # new work on X since the base
    b = _deleted("Thandi")
    r, ctx, _ = both(a, b, T[2])
    (c,) = ctx.conflicts
    assert c.default == "keep" and X in r.code and C2 in r.coding
    assert C1 not in r.coding  # Thandi deleted her own coding; only the new work holds the code
    r, ctx, _ = both(a, b, T[2], resolutions={c.id: "delete"})
    assert X not in r.code and C2 not in r.coding and ctx.dropped == {"coding": 1}


def test_rule_redirect_is_no_deletion():
    # b folded X into Y (merge codes); a still has X, with a subcode, a coding and a memo since.
    a = state(code={X: code("X"), Y: code("Y"), K: code("K", X, t=3)}, coding={C2: coding(X, PIETER, t=3)},
              memo={M: memo("money, says Pieter", "code", X, PIETER, t=3), MT: memo("acting alone", "code", Y)})
    b = state(code={Y: code("Y", t=3)}, memo={MT: memo("acting alone\n\n--- from X ---\nmoney", "code", Y, t=3)},
              tombstones={X: redirect("code", Y, 3, "Pieter"), M: redirect("memo", MT, 3, "Pieter")})
    r, ctx, _ = both(a, b, T[2])
    assert [c.kind for c in ctx.conflicts] == ["memo"]  # both wrote on the memo since: both texts kept
    assert X not in r.code and r.code[K].parent == Y and r.coding[C2].code == Y
    assert list(r.memo) == [MT] and r.memo[MT].target == Y  # the memo folded into keeps its GUID
    assert "money, says Pieter" in r.memo[MT].text and "acting alone" in r.memo[MT].text
    assert r.tombstones[X].detail == f"merged into guid:{Y}" and r.tombstones[M].detail == f"merged into guid:{MT}"


def test_rule_tombstone_ranking():
    gone = G(40)
    deleted, folded = tomb("code", 3, "Pieter"), redirect("code", X, 5)
    r, _, _ = both(state(code={X: code("X")}, tombstones={gone: deleted}),
                   state(code={X: code("X")}, tombstones={gone: folded}))
    assert r.tombstones[gone] == folded  # a redirect beats a deletion, though later
    early, late = tomb("code", 3, "Pieter", "a"), tomb("code", 4, "Thandi", "a")
    r, _, _ = both(state(tombstones={gone: late}), state(tombstones={gone: early}))
    # the earlier deletion, naming both who deleted it
    assert r.tombstones[gone] == early._replace(deleted_by="Pieter; Thandi")
    r, _, _ = both(state(tombstones={gone: tomb("code", 3, "", "b")}), state(tombstones={gone: early}))
    assert r.tombstones[gone] == early  # same time: the rest decides ("a" < "b"); no one named adds no one


def test_rule_deleted_by_its_owner_in_any_copy():
    # Pieter deleted Thandi's coding in one copy and Thandi deleted it in another; the tombstone
    # merged from both names both, and her own deletion applies without a question.
    a = state(code={K: code("K")}, coding={C1: coding(K, THANDI)})
    b = state(code={K: code("K")}, tombstones={C1: tomb("coding", 3, "Pieter; Thandi")})
    r, ctx, _ = both(a, b, T[2])
    assert ctx.conflicts == [] and C1 not in r.coding
    b.tombstones[C1] = tomb("coding", 3, "Pieter; Sipho")
    r, ctx, _ = both(a, b, T[2])
    assert len(ctx.conflicts) == 1 and C1 in r.coding


def test_rule_tombstones_of_the_living_go():
    r, ctx, _ = both(_with_x(t=4), _deleted(), T[2])
    assert len(ctx.conflicts) == 1 and X in r.code and X not in r.tombstones
    assert C1 in r.tombstones and C1 not in r.coding  # the coding's own deletion (by its coder) applied


@pytest.mark.parametrize("changed, stays", [(1, False), (2, False), (4, True)])
def test_rule_pair_tombstones(changed, stays):
    cid, aid = G(30), G(31)
    a = state(case={cid: case("c")}, attribute={aid: attribute("r")}, values={(cid, aid): value("v", t=changed)},
              links={(cid, SRC): T[changed]})
    b = state(case={cid: case("c")}, attribute={aid: attribute("r")},
              tombstones={pair_guid("value", cid, aid): tomb("value", 3, "Thandi"),
                          pair_guid("link", cid, SRC): tomb("link", 3, "Thandi")})
    r, ctx, _ = both(a, b, T[2])
    assert ((cid, aid) in r.values, (cid, SRC) in r.links) == (stays, stays)
    assert len(ctx.conflicts) == (2 if stays else 0)
    assert all(c.label.endswith(", deleted by Thandi") for c in ctx.conflicts)
    assert (pair_guid("value", cid, aid) in r.tombstones) == (not stays)
    # A tombstone of a pair alive in its own file (re-linked by an import) is not a deletion.
    b.links[(cid, SRC)] = T[1]
    r, _, _ = both(a, b, T[2])
    assert (cid, SRC) in r.links and pair_guid("link", cid, SRC) not in r.tombstones


@pytest.mark.parametrize("changed, stays", [(1, False), (4, True)])
def test_rule_saved_query_tombstones(changed, stays):
    q = G(50)
    a = state(queries={q: query("funding talk", t=changed)})
    b = state(tombstones={q: tomb("saved_query", 3, "Thandi")})
    r, ctx, _ = both(a, b, T[2])
    assert (q in r.queries, len(ctx.conflicts), q in r.tombstones) == (stays, int(stays), not stays)


def test_rule_redirect_loop_keeps_the_smallest_guid():
    # Thandi merged Y into X while Pieter merged X into Y: both codes become one, the smaller GUID.
    a = state(code={X: code("X", t=3)}, coding={C1: coding(X)}, tombstones={Y: redirect("code", X, 3)})
    b = state(code={Y: code("Y", t=3)}, coding={C2: coding(Y, PIETER)}, tombstones={X: redirect("code", Y, 3)})
    r, ctx, _ = both(a, b, T[2])
    assert list(r.code) == [X] and {c.code for c in r.coding.values()} == {X} and sorted(r.coding) == [C1, C2]
    assert r.tombstones[Y].detail == f"merged into guid:{X}" and X not in r.tombstones


def test_rule_redirect_loop_through_a_deleted_entity_keeps_the_living_one():
    # Side a folded Y into X and then deleted X; side b folded X into Y and coded with Y since.
    # X is alive nowhere: the loop Y -> X -> Y is cut at Y, which is alive, with b's new coding.
    # (a's deletion of X is earlier than b's redirect of it: the redirect still says more.)
    y, x = G(1), G(2)  # the living one has the smaller GUID here; the next case swaps them
    for keep, gone in ((y, x), (x, y)):
        a = state(tombstones={keep: redirect("code", gone, 3), gone: tomb("code", 3, "Pieter")})
        b = state(code={keep: code("Y", t=4)}, coding={C2: coding(keep, PIETER, t=4)},
                  tombstones={gone: redirect("code", keep, 4)})
        r, _, _ = both(a, b, T[2])
        assert list(r.code) == [keep] and r.coding[C2].code == keep


def test_rule_work_on_a_folded_entity_counts_for_its_target():
    # Side a merged X into Y, then deleted Y (as Thandi, her own codings only). Side b still has X
    # and Y and coded with X since: that is work on Y, so Y's deletion is a question, kept.
    a = state(tombstones={X: redirect("code", Y, 3, "Thandi"), Y: tomb("code", 4, "Thandi")})
    b = state(code={X: code("X"), Y: code("Y")}, coding={C2: coding(X, THANDI, t=4)})
    r, ctx, _ = both(a, b, T[2])
    assert [c.guid for c in ctx.conflicts] == [Y]
    assert list(r.code) == [Y] and r.coding[C2].code == Y
    del b.coding[C2]  # without it, the deletion applies
    r, ctx, _ = both(a, b, T[2])
    assert ctx.conflicts == [] and r.code == {}
    # Pieter's coding in X, which a deleted with Y (as Thandi): another coder's work in Y.
    b.coding[C1] = coding(X, PIETER)
    a.tombstones[C1] = tomb("coding", 4, "Thandi")
    r, ctx, _ = both(a, b, T[2])
    assert [c.guid for c in ctx.conflicts] == [Y] and "coding by Pieter" in ctx.conflicts[0].label
    assert r.coding[C1].code == Y


def test_rule_work_on_a_folded_entity_counts_for_its_target_by_a_chain():
    # Side b made Z, merged X into Z and Z into Y, then deleted Y as Thandi, with Pieter's coding
    # C1 (on X in a) and the subcode K of X with Pieter's C2 in it. Side a still has X (and K) and
    # Y: X folds into Y by the chain X -> Z -> Y, so Pieter's work in X and in its subcode is
    # another coder's work in Y: one question, default keep; kept, all of it lands on Y (K under Y).
    z = G(4)
    a = state(code={X: code("X"), Y: code("Y"), K: code("K", X)},
              coding={C1: coding(X, PIETER), C2: coding(K, PIETER, start=20, end=30)})
    b = state(tombstones={X: redirect("code", z, 3, "Thandi"), z: redirect("code", Y, 3, "Thandi"),
                          Y: tomb("code", 4, "Thandi"), K: tomb("code", 4, "Thandi"),
                          C1: tomb("coding", 4, "Thandi"), C2: tomb("coding", 4, "Thandi")})
    r, ctx, _ = both(a, b, T[2])
    assert [c.guid for c in ctx.conflicts] == [Y] and "coding by Pieter" in ctx.conflicts[0].label
    assert ctx.conflicts[0].default == "keep"
    assert sorted(r.code) == [Y, K] and r.code[K].parent == Y
    assert (r.coding[C1].code, r.coding[C2].code) == (Y, K)
    # Thandi's own unchanged codings there instead: they go with Y, no question.
    a.coding[C1], a.coding[C2] = coding(X, THANDI), coding(K, THANDI, start=20, end=30)
    r, ctx, _ = both(a, b, T[2])
    assert ctx.conflicts == [] and r.code == {} and r.coding == {}


def test_rule_deleted_with_its_container_goes_when_either_container_goes():
    # Pieter deleted code X and source S2 (Thandi's coding C1 is in both); keep X, delete S2:
    # C1 goes with the source as deleted there, not as something dropped by the merge.
    from merge_build import source

    s2 = G(802)
    a = state(code={X: code("X")}, coding={C1: coding(X, source=s2), C2: coding(X, start=40, end=50)})
    a.source[s2] = source("second.txt", "sha-2")
    b = state(tombstones={X: tomb("code", 3, "Pieter"), s2: tomb("source", 3, "Pieter"),
                          C1: tomb("coding", 3, "Pieter"), C2: tomb("coding", 3, "Pieter")})
    _, ctx, _ = both(a, b, T[2])
    ids = {c.guid: c.id for c in ctx.conflicts}
    assert sorted(ids) == sorted([X, s2])
    r, ctx, _ = both(a, b, T[2], resolutions={ids[X]: "keep", ids[s2]: "delete"})
    assert X in r.code and C2 in r.coding and C1 not in r.coding and s2 not in r.source
    assert ctx.dropped == {} and r.tombstones[C1].deleted_by == "Pieter"


def test_rule_deleted_with_its_container_whatever_the_guids():
    # The subcode's GUID sorts before its parent's: the parent is still decided first.
    parent, child = G(9), G(8)
    a = state(code={parent: code("P"), child: code("C", parent)}, coding={C1: coding(child, THANDI)})
    b = state(tombstones={parent: tomb("code", 3, "Pieter"), child: tomb("code", 3, "Pieter"),
                          C1: tomb("coding", 3, "Pieter")})
    r, ctx, _ = both(a, b, T[2])
    assert [c.guid for c in ctx.conflicts] == [parent] and child in r.code and C1 in r.coding


def test_rule_weighed_before_not_asked_for_what_went_with_its_container():
    # Pieter deleted code X with Thandi's coding C1 (b). A first merge into a asks once, about X,
    # and keeps both. Then a folds X into Y (merge codes): C1 now sits on Y and X is a redirect.
    # Merging b again must not ask about C1: its deletion was weighed with X's question.
    import json

    from merge_build import merge

    # With X went its subcode K, Thandi's coding C2 in K and her memo M on C2: all decided with X.
    a = _with_x(code={Y: code("Y"), K: code("K", X)}, coding={C2: coding(K, start=20, end=30)},
                memo={M: memo("why", "coding", C2)})
    b = _deleted("Pieter", **{K: tomb("code", 3, "Pieter"), C2: tomb("coding", 3, "Pieter"),
                              M: tomb("memo", 3, "Pieter")})
    _, first = merge(a, b, T[2])
    (asked,) = first.conflicts
    assert asked.guid == X
    assert asked.along == [{"key": f"deletion:{g}:deleted", "value": "deleted by Pieter", "time": T[3]}
                           for g in (K, C1, C2, M)]
    seen = {(a_["key"], json.dumps(a_["value"]), a_["time"]) for a_ in asked.to_json()["along"]}
    seen.add((asked.key, json.dumps(asked.other["value"]), asked.other["time"]))
    folded = state(code={Y: code("Y", t=4)}, coding={C1: coding(Y), C2: coding(Y, start=20, end=30)},
                   memo={M: memo("why", "coding", C2)},
                   tombstones={X: redirect("code", Y, 4), K: redirect("code", Y, 4)})
    r, again = merge(folded, b, T[2], seen=seen)
    assert again.conflicts == [] and {r.coding[C1].code, r.coding[C2].code} == {Y} and M in r.memo
    _, unseen = merge(folded, b, T[2])  # without the first merge's record: questions (default keep)
    assert sorted(c.guid for c in unseen.conflicts) == [C1, C2]


def _kept_then(guid, by="Thandi", t=3):
    """What an earlier merge into a left of its question about the deletion of guid: answered keep."""
    import json

    version = (f"deletion:{guid}:deleted", json.dumps(f"deleted by {by}"), T[t])
    return {"seen": {version}, "answers": {version: "keep"}}


def test_rule_weighed_before_not_asked_unless_kept_and_gone_all_the_same():
    # An earlier merge into a kept Pieter's coding C1 that Thandi had deleted with her code X,
    # but C1 went all the same (X went in both files of that merge): a holds C1's tombstone, not
    # C1, and not the answer. Merged with b, which still has X and C1 as they were, C1 is weighed
    # afresh: X's deletion takes C1 (Pieter's) with it, one question (keep), and C1 stays with X,
    # as the other direction (into b, which holds no record) decides it.
    from merge_build import merge, view

    a = _deleted()
    b = state(code={X: code("X")}, coding={C1: coding(X, PIETER)})
    r, ctx = merge(a, b, T[2], **_kept_then(C1))
    assert [c.guid for c in ctx.conflicts] == [X] and r.coding[C1].code == X
    reverse, _ = merge(b, a, T[2])
    assert view(r) == view(reverse)
    # Thandi's own coding, unchanged in b (the earlier question came from work since gone): it
    # goes with no question, as the other direction has it, whatever was answered then.
    b.coding[C1] = coding(X, THANDI)
    r, ctx = merge(a, b, T[2], **_kept_then(C1))
    assert ctx.conflicts == [] and C1 not in r.coding and view(r) == view(merge(b, a, T[2])[0])


def test_rule_weighed_before_not_asked_kept_and_gone_asks_nothing_again():
    # The same file merged again into a project where an earlier merge (before kept work kept its
    # code) left C1's tombstone: C1 (Pieter's, deleted by Thandi) is a question of its own once
    # more, as X, the code it went to, is gone in both files. The answer given (keep) stands, not
    # asked again; C1 stays, and as X does not stay, on its own code K, which stays with it
    # (kept-work-keeps-its-code), as a merge with no record gives after asking.
    from merge_build import merge, view

    a = state(tombstones={K: redirect("code", X, 3), X: tomb("code", 3, "Thandi"), C1: tomb("coding", 3, "Thandi")})
    b = state(code={K: code("K")}, coding={C1: coding(K, PIETER)}, tombstones={X: tomb("code", 4, "Thandi")})
    r, ctx = merge(a, b, T[2], **_kept_then(C1))
    assert ctx.conflicts == [] and ctx.dropped == {} and r.coding[C1].code == K and list(r.code) == [K]
    first_r, first = merge(a, b, T[2])  # with no record: the question, as the first merge asked it
    assert [c.guid for c in first.conflicts] == [C1] and view(first_r) == view(r)


def _unfolded(ctx):
    return [m["guid"] for m in ctx.matches if m.get("by") == "unfolded"]


def test_rule_kept_work_keeps_its_code():
    # Side b made code X (a never knew it), merged K into X and deleted X as Thandi: her own
    # coding C1 on K went with it, and so did Pieter's coding C2. Side a still has K with C1 and
    # C2, and coded C3 (Pieter's) with K since. X stays on neither side, so nothing kept can land
    # there: C2 (another coder's work, asked about: keep) and C3 (never deleted) stay on K, and K
    # stays with them, unfolded, one line of the report. C1, Thandi's own and unchanged, goes.
    a = state(code={K: code("K")}, coding={C1: coding(K, THANDI), C2: coding(K, PIETER, start=20, end=30),
                                           C3: coding(K, PIETER, start=40, end=50, t=4)})
    b = state(tombstones={K: redirect("code", X, 3, "Thandi"), X: tomb("code", 3, "Thandi"),
                          C1: tomb("coding", 3, "Thandi"), C2: tomb("coding", 3, "Thandi")})
    r, ctx, back = both(a, b, T[2])
    assert [c.guid for c in ctx.conflicts] == [C2] and ctx.conflicts[0].default == "keep"
    assert list(r.code) == [K] and sorted(r.coding) == [C2, C3] and r.coding[C2].code == r.coding[C3].code == K
    assert K not in r.tombstones and C1 in r.tombstones and ctx.dropped == {}
    assert _unfolded(ctx) == _unfolded(back) == [K]
    # Asked again, delete: C2 goes as deleted; C3 alone still keeps K.
    r, ctx, _ = both(a, b, T[2], resolutions={ctx.conflicts[0].id: "delete"})
    assert list(r.code) == [K] and sorted(r.coding) == [C3]
    # Nothing kept (C3 gone, C2 deleted): K folds into X and goes with it, as before; nothing unfolded.
    del a.coding[C3]
    r, ctx, _ = both(a, b, T[2], resolutions={ctx.conflicts[0].id: "delete"})
    assert r.code == {} and r.coding == {} and _unfolded(ctx) == []
    assert r.tombstones[K].detail == f"merged into guid:{X}"


def test_rule_kept_work_keeps_its_code_not_against_a_delete_answer():
    # Side a has X and K; b merged K into X and deleted X as Thandi, with Pieter's coding C2 (on K
    # in a). X's deletion takes another coder's work that reached it by the fold
    # (work-on-a-folded-entity-counts-for-its-target): one question. Kept, C2 lands on X; answered
    # delete, X goes with what hangs on it, C2 too, and K is not unfolded for it.
    a = state(code={K: code("K"), X: code("X")}, coding={C2: coding(K, PIETER)})
    b = state(tombstones={K: redirect("code", X, 3, "Thandi"), X: tomb("code", 3, "Thandi"),
                          C2: tomb("coding", 3, "Thandi")})
    r, ctx, _ = both(a, b, T[2])
    assert [c.guid for c in ctx.conflicts] == [X] and list(r.code) == [X] and r.coding[C2].code == X
    r, ctx, _ = both(a, b, T[2], resolutions={ctx.conflicts[0].id: "delete"})
    assert r.code == {} and r.coding == {} and _unfolded(ctx) == []


def test_rule_kept_work_keeps_its_code_where_the_target_went_in_both():
    # Both sides deleted X (Thandi); b had merged K into X first, taking Pieter's C2 with it. a
    # still has K and C2. C2 is asked about (keep); X is in neither file, so C2 stays on K, which
    # stays, both ways, and merging b again changes nothing and asks nothing.
    from merge_build import merge, view

    a = state(code={K: code("K")}, coding={C2: coding(K, PIETER)}, tombstones={X: tomb("code", 3, "Thandi")})
    b = state(tombstones={K: redirect("code", X, 3, "Thandi"), X: tomb("code", 3, "Thandi"),
                          C2: tomb("coding", 3, "Thandi")})
    r, ctx, _ = both(a, b, T[2])
    assert [c.guid for c in ctx.conflicts] == [C2] and list(r.code) == [K] and r.coding[C2].code == K
    assert _unfolded(ctx) == [K]
    seen = {(c.key, json.dumps(v["value"]), v["time"]) for c in ctx.conflicts for v in (c.ours, c.other)}
    again, ctx2 = merge(r, b, T[2], seen=seen, answers={v: "keep" for v in seen})
    assert ctx2.conflicts == [] and view(again)["code"] == view(r)["code"] and again.coding == r.coding


def _folders(**tables):
    """Side a: folder F ("Interviews") holding the source SRC, both unchanged since T[1]."""
    from merge_build import folder, source

    st = state(folder={F: folder("Interviews")} | tables.pop("folder", {}), **tables)
    st.source[SRC] = source("interview.txt", "sha-interview", folder=F)
    return st


F, F2, S2 = G(30), G(31), G(803)


def test_rule_folder_tombstones():
    # b deleted the folder at T[3] (its source is in no folder there, unchanged); a did nothing.
    a = _folders()
    b = state(tombstones={F: tomb("folder", 3, "Pieter")})
    r, ctx, _ = both(a, b, T[2])
    assert ctx.conflicts == [] and r.folder == {} and r.source[SRC].folder is None
    assert r.tombstones[F].kind == "folder"
    # renamed on a after the deletion was made there (news to b): a question (deletion-meets-change)
    from merge_build import folder

    a.folder[F] = folder("Interviews 2019", t=4)
    _, ctx, _ = both(a, b, T[2])
    assert [(c.kind, c.guid, c.default) for c in ctx.conflicts] == [("deletion", F, "keep")]


@pytest.mark.parametrize("resolution, stays", [(None, True), ("delete", False)])
def test_rule_folder_deletion_meets_new_sources(resolution, stays):
    from merge_build import source

    # a filed a source b never knew (S2) in the folder since the base; b deleted the folder.
    a = _folders()
    a.source[S2] = source("new.txt", "sha-new", t=3, folder=F)
    b = state(tombstones={F: tomb("folder", 3, "Pieter")})
    _, ctx, _ = both(a, b, T[2])
    (c,) = ctx.conflicts
    assert (c.kind, c.guid, c.default) == ("deletion", F, "keep") and "folder Interviews" in c.label
    res = {} if resolution is None else {c.id: resolution}
    r, _, _ = both(a, b, T[2], resolutions=res)
    assert (F in r.folder) == stays
    # kept, it holds what it held on a: the new source and the old one b's deletion took out
    assert {g: x.folder for g, x in r.source.items()} == {SRC: F if stays else None, S2: F if stays else None}


def test_rule_folder_deletion_meets_new_sources_filed_or_a_subfolder():
    from merge_build import folder, source

    b = state(tombstones={F: tomb("folder", 3, "Pieter")})
    b.source[SRC] = source("interview.txt", "sha-interview")  # unfiled by the deletion, unchanged
    moved = _folders()
    moved.source[SRC] = source("interview.txt", "sha-interview", t=4, folder=F)  # (re)filed since
    sub = _folders(folder={F2: folder("2019", F, t=3)})  # a subfolder b never knew
    old = _folders()  # filed before the base: no news
    for a, asked in ((moved, True), (sub, True), (old, False)):
        _, ctx, _ = both(a, b, T[2])
        assert [c.guid for c in ctx.conflicts] == ([F] if asked else [])
