"""One test per rule of docs/merge.md (matching, base time, field conflicts), named after the rule.

Each builds two tiny States by hand and merges them both ways (merge_build.both checks the two
directions agree); expected values are worked out here from the rule as written, never read
back from the code. Deletion rules: test_merge_rules_deletions.py.
"""
from __future__ import annotations

import re
from pathlib import Path

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
    folder,
    memo,
    merge,
    redirect,
    source,
    state,
    tomb,
    value,
)
from workbench.core.errors import ProjectError
from workbench.services.merge_conflicts import MEMO_MARKER, estimate_base
from workbench.services.merge_state import CoderRow


def _matched(ctx, kind, by):
    return [m for m in ctx.matches if m["kind"] == kind and m["by"] == by]


# -- matching -------------------------------------------------------------------------------------

def test_rule_match_by_guid():
    a = state(code={G(1): code("autonomy")})
    b = state(code={G(1): code("self-rule", t=3)})
    r, ctx, _ = both(a, b, T[2])
    assert list(r.code) == [G(1)] and r.code[G(1)].name == "self-rule"
    assert ctx.conflicts == [] and ctx.matches == []


def test_rule_match_sources_by_text():
    a = state(with_source=False, source={G(2): source("jhb.txt", "sha-jhb")}, code={G(10): code("x")},
              coding={G(20): coding(G(10), source=G(2))})
    b = state(with_source=False, source={G(1): source("jhb copy.txt", "sha-jhb"), G(3): source("jhb.txt", "sha-2")},
              code={G(10): code("x")}, coding={G(21): coding(G(10), source=G(1), start=5, end=8)})
    r, ctx, _ = both(a, b)
    assert sorted(r.source) == [G(1), G(3)]  # the same text matched; another text is another source
    assert {c.source for c in r.coding.values()} == {G(1)} and len(r.coding) == 2
    assert [m["merged"] for m in _matched(ctx, "source", "content")] == [[G(2)]]


@pytest.mark.parametrize("recent_in, older_in, want", [
    (G(7), G(1), G(7)),  # filed on both sides: the folder of the side that changed it last
    (None, G(1), G(1)),  # filed on one side only: it stays filed, whichever side is the later
    (G(1), None, G(1)),
])
def test_rule_match_sources_by_text_keeps_a_folder(recent_in, older_in, want):
    folders = {G(1): folder("Interviews"), G(7): folder("Johannesburg")}
    a = state(with_source=False, folder=folders, source={G(2): source("jhb.txt", "sha-jhb", t=3, folder=recent_in)})
    b = state(with_source=False, folder=folders,
              source={G(5): source("jhb copy.txt", "sha-jhb", t=1, folder=older_in)})
    r, _, _ = both(a, b)
    assert list(r.source) == [G(2)]
    assert r.source[G(2)].name == "jhb.txt" and r.source[G(2)].folder == want


def test_rule_match_codes_by_path():
    a = state(code={G(11): code("Autonomy"), G(13): code("own funding", G(11)), G(15): code("funding", G(11))})
    b = state(code={G(12): code("  autonomy "), G(14): code("Own  Funding", G(12)), G(16): code("funding")})
    r, ctx, _ = both(a, b)
    # top down: autonomy matches, then own funding inside it; "funding" at another place is another code
    assert sorted(r.code) == [G(11), G(13), G(15), G(16)]
    assert r.code[G(13)].parent == G(11) and r.code[G(16)].parent is None
    assert sorted(g for m in _matched(ctx, "code", "path") for g in m["merged"]) == [G(12), G(14)]


def test_rule_match_by_name():
    other_thandi = G(905)
    a = state(case={G(31): case("Johannesburg")}, attribute={G(33): attribute("Region")}, code={G(10): code("x")},
              memo={G(60): memo("about the city", "case", G(31))})
    b = state(coders=(("thandi", other_thandi),), case={G(32): case(" johannesburg")},
              attribute={G(34): attribute("region")}, code={G(10): code("x")},
              coding={G(20): coding(G(10), coder=other_thandi)}, values={(G(32), G(34)): value("Africa", by=None)},
              memo={G(61): memo("about the city", "case", G(32))})
    r, ctx, _ = both(a, b)
    assert list(r.case) == [G(31)] and list(r.attribute) == [G(33)]
    assert list(r.memo) == [G(60)] and r.memo[G(60)].target == G(31)  # one memo per target: they fold
    assert r.tombstones[G(61)].detail == f"merged into guid:{G(60)}" and r.tombstones[G(61)].kind == "memo"
    assert [m["name"] for m in _matched(ctx, "case", "name")] == ["Johannesburg"]
    assert sorted(r.coder) == sorted([THANDI, PIETER])  # thandi is Thandi (the smaller GUID)
    assert r.coding[G(20)].coder == min(THANDI, other_thandi)
    assert r.values == {(G(31), G(33)): value("Africa", by=None)}
    assert {m["kind"] for m in ctx.matches if m["by"] == "name"} == {"case", "attribute", "coder"}


@pytest.mark.parametrize("recent, older, want", [
    ("Metro of Gauteng", "City of Johannesburg", "Metro of Gauteng"),  # the later description
    ("", "City of Johannesburg", "City of Johannesburg"),  # one left empty: the other's is kept
])
def test_rule_match_by_name_keeps_a_description(recent, older, want):
    # The later case has the larger GUID, so the case that stays (the smaller) is the older one.
    a = state(case={G(31): case("Johannesburg", t=1, description=older)})
    b = state(case={G(32): case("johannesburg", t=3, description=recent)})
    r, _, _ = both(a, b)
    assert list(r.case) == [G(31)] and r.case[G(31)].description == want


def test_rule_smaller_guid_stays():
    a = state(case={G(32): case("Johannesburg")}, code={G(41): code("autonomy")})
    b = state(case={G(31): case("Johannesburg")}, code={G(42): code("autonomy")})
    r, _, _ = both(a, b)
    assert list(r.case) == [G(31)] and list(r.code) == [G(41)]
    assert r.tombstones[G(32)].detail == f"merged into guid:{G(31)}" and r.tombstones[G(32)].kind == "case"
    assert r.tombstones[G(42)].detail == f"merged into guid:{G(41)}" and r.tombstones[G(42)].kind == "code"


def test_rule_equal_siblings_fold():
    # Thandi moves budget under finance; Pieter, meanwhile, made his own "Budget" there and coded with it.
    a = state(code={G(40): code("finance"), G(41): code("budget", G(40), t=3, description="money")})
    b = state(code={G(40): code("finance"), G(41): code("budget", description="money", created=2),
                    G(42): code("Budget", G(40), t=4, created=3)},
              coding={G(50): coding(G(42), PIETER, t=3)})
    r, _, _ = both(a, b, T[2])
    assert sorted(r.code) == [G(40), G(41)] and r.code[G(41)].parent == G(40)
    # the later one's name; a description from the one that has it; the earliest creation
    assert r.code[G(41)][1:] == ("Budget", "#4e79a7", "money", 0, T[1], T[4])
    assert r.coding[G(50)].code == G(41)


def test_rule_one_coding_per_passage():
    a = state(code={G(10): code("x")}, coding={G(52): coding(G(10), t=2)})
    b = state(code={G(10): code("x")}, coding={G(51): coding(G(10), t=3), G(53): coding(G(10), PIETER, t=3)})
    r, _, _ = both(a, b)
    assert sorted(r.coding) == [G(51), G(53)]  # Thandi's two are one (smaller GUID); Pieter's stays apart
    assert r.coding[G(51)].created_at == T[2]  # the earliest of the two
    assert r.tombstones[G(52)].detail == f"merged into guid:{G(51)}"


def test_rule_same_name_sources_renamed():
    a = state(with_source=False, source={G(61): source("policy.txt", "sha-1")})
    b = state(with_source=False, source={G(62): source("policy.txt", "sha-2")})
    r, ctx, _ = both(a, b)
    assert (r.source[G(61)].name, r.source[G(62)].name) == ("policy.txt", "policy (2).txt")
    assert ctx.matches == [{"kind": "source", "by": "renamed", "guid": G(62), "name": "policy (2).txt",
                            "was": "policy.txt"}]


def test_rule_same_name_sources_renamed_counting_past_names_taken():
    # Three texts called policy.txt, and a "policy (2).txt" already there: the numbers go on from
    # the first free one, one by one.
    a = state(with_source=False, source={G(61): source("policy.txt", "sha-1"), G(63): source("policy.txt", "sha-3"),
                                         G(65): source("policy (2).txt", "sha-5")})
    b = state(with_source=False, source={G(62): source("policy.txt", "sha-2")})
    r, _, _ = both(a, b)
    assert {g: x.name for g, x in r.source.items()} == {
        G(61): "policy.txt", G(62): "policy (3).txt", G(63): "policy (4).txt", G(65): "policy (2).txt"}


def test_rule_sources_never_change():
    a = state(with_source=False, source={G(61): source("policy.txt", "sha-1")})
    b = state(with_source=False, source={G(61): source("policy.txt", "sha-2")})
    for x, y in ((a, b), (b, a)):
        with pytest.raises(ProjectError, match="different text"):
            merge(x, y)


# -- the base time --------------------------------------------------------------------------------

def _handout(key, time, role):
    return {"key": f"handout:{key}", "time": time, "role": role}


def test_rule_base_from_shared_handout():
    a, b = state(), state()
    a.handouts = [_handout(1, T[3], "original"), _handout(2, T[5], "original"), _handout(9, T[9], "copy")]
    b.handouts = [_handout(1, T[3], "copy"), _handout(2, T[5], "copy")]
    assert estimate_base(a, b) == estimate_base(b, a) == T[5]


def test_rule_base_of_sibling_copies():
    a, b = state(with_source=False), state(with_source=False)
    a.handouts = [_handout(1, T[3], "copy"), _handout(3, T[4], "copy")]
    b.handouts = [_handout(2, T[6], "copy")]
    assert estimate_base(a, b) == estimate_base(b, a) == T[4]
    b.project_guid = G(998)  # copies of different projects share nothing by their notes
    assert estimate_base(a, b) == ""


def test_rule_base_from_shared_content():
    a = state(code={G(1): code("x", t=5), G(2): code("y", t=7)}, coding={G(3): coding(G(1), t=3)}, with_source=False)
    b = state(code={G(1): code("x", t=5), G(2): code("y", t=8)}, coding={G(3): coding(G(1), t=3)}, with_source=False)
    assert estimate_base(a, b) == estimate_base(b, a) == T[5]  # y differs: it was changed after parting
    b.code[G(1)] = code("x", t=6)
    assert estimate_base(a, b) == T[3]  # then the shared coding is the newest shared thing
    assert estimate_base(state(code={G(1): code("x")}, with_source=False),
                         state(code={G(2): code("x")}, with_source=False)) == ""


# -- field conflicts ------------------------------------------------------------------------------

@pytest.mark.parametrize("changed", ["a", "b"])
def test_rule_one_side_changed_wins(changed):
    old, new = code("autonomy", t=1), code("self-rule", t=3)
    a = state(code={G(1): new if changed == "a" else old}, case={G(2): case("Jhb", t=3 if changed == "a" else 1)})
    b = state(code={G(1): old if changed == "a" else new}, case={G(2): case("Johannesburg", t=1 if changed == "a" else 3)})
    r, ctx, _ = both(a, b, T[2])
    assert ctx.conflicts == [] and r.code[G(1)].name == "self-rule"
    assert r.case[G(2)].name == ("Jhb" if changed == "a" else "Johannesburg")


def test_rule_both_changed_latest_wins():
    a = state(code={G(1): code("self-rule", t=3, color="#111111")}, case={G(2): case("Jhb", t=4, description="x")},
              attribute={G(3): attribute("r")}, values={(G(2), G(3)): value("Asia", t=3)})
    b = state(code={G(1): code("city autonomy", t=4, color="#222222")}, case={G(2): case("Joburg", t=3, description="y")},
              attribute={G(3): attribute("r")}, values={(G(2), G(3)): value("Africa", t=4)})
    r, ctx, _ = both(a, b, T[2])
    assert (r.code[G(1)].name, r.case[G(2)].name, r.values[(G(2), G(3))].value) == ("city autonomy", "Jhb", "Africa")
    assert (r.code[G(1)].color, r.case[G(2)].description) == ("#222222", "x")
    assert sorted((c.kind, c.field) for c in ctx.conflicts) == [
        ("case", "description"), ("case", "name"), ("code", "color"), ("code", "name"), ("value", "value")]
    assert all(c.options == ["ours", "other"] for c in ctx.conflicts)
    # a tie in time goes to the larger value, whichever side it is on
    tie_a, tie_b = state(code={G(1): code("city", t=3)}), state(code={G(1): code("self-rule", t=3)})
    r, ctx, _ = both(tie_a, tie_b, T[2])
    assert r.code[G(1)].name == "self-rule" and len(ctx.conflicts) == 1
    # the user's choice is taken: "ours" in a merge into a
    r, _ = merge(tie_a, tie_b, T[2], resolutions={ctx.conflicts[0].id: "ours"})
    assert r.code[G(1)].name == "city"


def test_rule_one_side_changed_at_the_base_is_unchanged():
    # A version stamped with the base time itself is the shared one: the other side's change wins.
    a, b = state(code={G(1): code("autonomy", t=2)}), state(code={G(1): code("self-rule", t=3)})
    r, ctx, _ = both(a, b, T[2])
    assert r.code[G(1)].name == "self-rule" and ctx.conflicts == []
    # A coding whose code each side folded elsewhere: the code stamped at the base is unchanged,
    # so the other side's fold wins without a question.
    a = state(code={G(2): code("Y", t=2)}, coding={G(50): coding(G(2))}, tombstones={G(1): redirect("code", G(2))})
    b = state(code={G(3): code("Z", t=5)}, coding={G(50): coding(G(3))}, tombstones={G(1): redirect("code", G(3))})
    r, ctx, _ = both(a, b, T[2])
    assert r.coding[G(50)].code == G(3) and ctx.conflicts == []
    # A source stamped at the base on one side and earlier on the other: neither changed it, so
    # it stays in the folder it is in on either side.
    folders = {G(1): folder("Interviews")}
    a = state(with_source=False, folder=folders, source={G(20): source("jhb.txt", "sha-jhb", t=2)})
    b = state(with_source=False, folder=folders, source={G(20): source("jhb.txt", "sha-jhb", t=1, folder=G(1))})
    r, ctx, _ = both(a, b, T[2])
    assert r.source[G(20)].folder == G(1) and ctx.conflicts == []


def test_rule_same_value_on_both_sides_keeps_the_later_setter():
    a = state(case={G(2): case("c")}, attribute={G(3): attribute("r")}, values={(G(2), G(3)): value("Asia", 3)})
    b = state(case={G(2): case("c")}, attribute={G(3): attribute("r")},
              values={(G(2), G(3)): value("Asia", 4, by=PIETER)})
    r, ctx, _ = both(a, b, T[2])
    assert r.values[(G(2), G(3))] == value("Asia", 4, by=PIETER) and ctx.conflicts == []


def test_rule_saved_query_latest_version():
    from merge_build import query

    a = state(queries={G(5): query("funding", '{"b": 1}', t=3), G(6): query("talk", '{"x": 1}', t=3)})
    b = state(queries={G(5): query("funding", '{"a": 1}', t=4), G(6): query("talk", '{"y": 1}', t=3)})
    r, _, _ = both(a, b, T[2])
    assert r.queries[G(5)].definition == '{"a": 1}'  # the later version
    assert r.queries[G(6)].definition == '{"y": 1}'  # same time: the larger definition, either way
    # two queries whose names compare equal become one
    r, _, _ = both(state(queries={G(7): query("Funding", t=3)}), state(queries={G(8): query("funding ", t=4)}))
    assert list(r.queries) == [G(7)] and r.queries[G(7)].name == "funding "


def test_rule_lost_name_is_an_alias():
    a, b = state(code={G(1): code("self-rule", t=3)}), state(code={G(1): code("city autonomy", t=4)})
    a.case[G(2)], b.case[G(2)] = case("Jhb", t=3), case("Joburg", t=4)  # other names leave no alias
    _, c1, c2 = both(a, b, T[2])
    for ctx in (c1, c2):
        assert ctx.aliases == [{"kind": "code", "guid": G(1), "name": "city autonomy", "alias": "self-rule"}]


def test_rule_memo_keeps_both_texts():
    a = state(memo={G(70): memo("Thandi's view", t=3)})
    b = state(memo={G(70): memo("Pieter's view", author=PIETER, t=4)})
    r, ctx, _ = both(a, b, T[2])
    assert r.memo[G(70)].text == f"Pieter's view\n\n{MEMO_MARKER.format(time=T[3])}\nThandi's view"
    assert [c.kind for c in ctx.conflicts] == ["memo"]


def test_rule_memo_keeps_both_texts_and_an_author():
    # The memo's author stays a coder of the project: the same on both sides, that one; different
    # (each side's record of who wrote it), one of the two, the same whichever way the merge runs;
    # one that is no coder of either side (a foreign file's), none.
    for ours, theirs, want in ((THANDI, THANDI, {THANDI}), (THANDI, PIETER, {THANDI, PIETER}),
                               (G(77), G(77), {None})):
        a = state(memo={G(70): memo("Thandi's view", author=ours, t=3)})
        b = state(memo={G(70): memo("Thandi's view, edited", author=theirs, t=4)})
        r, _, _ = both(a, b, T[2])
        assert r.memo[G(70)].author in want, (ours, theirs)


def test_rule_memo_containing_the_other_wins():
    kept = f"Pieter's view\n\n{MEMO_MARKER.format(time=T[3])}\nThandi's view"
    a = state(memo={G(70): memo(kept, t=5)})
    b = state(memo={G(70): memo("Thandi's view", t=6)})
    r, ctx, _ = both(a, b, T[2])
    assert r.memo[G(70)].text == kept and ctx.conflicts == []


def test_rule_position_from_the_recent_side():
    a = state(code={G(1): code("x", position=2, t=3)}, case={G(2): case("c", position=1, t=5)},
              attribute={G(3): attribute("r", position=4, t=3)})
    b = state(code={G(1): code("x", position=5, t=4)}, case={G(2): case("c", position=3, t=4)},
              attribute={G(3): attribute("r", position=6, t=4)})
    a.source[SRC] = a.source[SRC]._replace(position=7, updated_at=T[5])
    b.source[SRC] = b.source[SRC]._replace(position=8, updated_at=T[4])
    r, _, _ = both(a, b, T[2])
    assert (r.code[G(1)].position, r.case[G(2)].position, r.attribute[G(3)].position) == (5, 1, 6)
    assert r.source[SRC].position == 7
    # the entity's change time is the later one, its creation the earlier
    assert (r.attribute[G(3)].updated_at, r.case[G(2)].updated_at, r.case[G(2)].created_at) == (T[4], T[5], T[1])


def test_rule_move_loop_cut_at_largest_guid():
    # Thandi moves X under Y; Pieter moves Y under X.
    a = state(code={G(1): code("X", G(2), t=3), G(2): code("Y")})
    b = state(code={G(1): code("X"), G(2): code("Y", G(1), t=3)})
    r, _, _ = both(a, b, T[2])
    assert (r.code[G(1)].parent, r.code[G(2)].parent) == (G(2), None)
    # Merging again, a holds the cut tree (F at the top level, A under it) and b the moves that
    # made the loop (F under A, A under P, which a folded into F): F's parent differs, but under A
    # it closes the loop that is cut at F again, so the question is moot and not asked.
    a = state(code={G(1): code("A", G(2), t=3), G(2): code("F", None, t=3)},
              tombstones={G(5): redirect("code", G(2), t=3, by="Thandi")})
    b = state(code={G(1): code("A", G(5), t=3), G(2): code("F", G(1), t=3), G(5): code("P")})
    r, ctx, _ = both(a, b, T[2])
    assert (r.code[G(1)].parent, r.code[G(2)].parent) == (G(2), None) and ctx.conflicts == []
    # Not moot (F under another code Q): asked.
    b = state(code={G(1): code("A", G(5), t=3), G(2): code("F", G(6), t=3), G(5): code("P"), G(6): code("Q")})
    r, ctx, _ = both(a, b, T[2])
    assert [(c.guid, c.field) for c in ctx.conflicts] == [(G(2), "parent")]


def test_rule_parent_folded_into_the_code_is_none():
    # Pieter moved X under Y; Thandi merged Y into X, so X's parent in b folds into X itself: X is
    # at the top level, as a's first merge of b left it (both versions stamped with Pieter's
    # move), and nothing is asked.
    a = state(code={G(1): code("X", None, t=3)}, tombstones={G(2): redirect("code", G(1), t=4, by="Thandi")})
    b = state(code={G(1): code("X", G(2), t=3), G(2): code("Y")})
    r, ctx, _ = both(a, b, T[2])
    assert r.code[G(1)].parent is None and G(2) not in r.code and ctx.conflicts == []
    # The same when X did not stay at the top level in a: b's parent is still none, so a's wins.
    a = state(code={G(1): code("X", G(3), t=3), G(3): code("Z")}, tombstones={G(2): redirect("code", G(1), t=4)})
    r, ctx, _ = both(a, b, T[2])
    assert r.code[G(1)].parent == G(3) and ctx.conflicts[0].other["value"] is None


def test_rule_attribute_types_differ_text():
    a = state(attribute={G(3): attribute("year", "number"), G(5): attribute("when", "date")})
    b = state(attribute={G(3): attribute("year", "date"), G(6): attribute("When", "bool")})
    r, _, _ = both(a, b)
    assert (r.attribute[G(3)].type, r.attribute[G(5)].type) == ("text", "text")
    same = state(attribute={G(3): attribute("year", "number")})
    r, _, _ = both(same, state(attribute={G(3): attribute("year", "number", t=3)}))
    assert r.attribute[G(3)].type == "number"


def test_rule_coding_on_both_sides():
    # Thandi folded code X into Y (the coding moved to Y); the other side still has X.
    a = state(code={G(2): code("Y", t=4)}, coding={G(50): coding(G(2), t=3)},
              tombstones={G(1): redirect("code", G(2), t=4, by="Thandi")})
    b = state(code={G(1): code("X"), G(2): code("Y")}, coding={G(50): coding(G(1), t=2)})
    r, ctx, _ = both(a, b, T[2])
    assert r.coding[G(50)] == coding(G(2), t=2) and ctx.conflicts == []
    # Each side folded X elsewhere: the later change of the code wins, asked as a conflict.
    a = state(code={G(2): code("Y", t=4)}, coding={G(50): coding(G(2))}, tombstones={G(1): redirect("code", G(2))})
    b = state(code={G(3): code("Z", t=5)}, coding={G(50): coding(G(3))}, tombstones={G(1): redirect("code", G(3))})
    r, ctx, _ = both(a, b, T[2])
    assert r.coding[G(50)].code == G(3)
    assert [(c.kind, c.field, c.ours["value"], c.other["value"]) for c in ctx.conflicts] == [
        ("coding", "code", "Y", "Z")]
    assert ctx.conflicts[0].options == ["ours", "other"]
    r, _ = merge(a, b, T[2], resolutions={ctx.conflicts[0].id: "ours"})
    assert r.coding[G(50)].code == G(2)
    # only one side's code changed since the base: that side, no question
    b.code[G(3)] = code("Z", t=1)
    r, ctx, _ = both(a, b, T[2])
    assert r.coding[G(50)].code == G(2) and ctx.conflicts == []
    # Each side folded X elsewhere and one side has since deleted the other's target: the coding
    # stays, on the code that is still there.
    a = state(code={G(2): code("Y", t=4)}, coding={G(50): coding(G(2))},
              tombstones={G(1): redirect("code", G(2)), G(3): tomb("code", 4)})
    b = state(code={G(3): code("Z")}, coding={G(50): coding(G(3))}, tombstones={G(1): redirect("code", G(3))})
    r, ctx, _ = both(a, b, T[2])
    assert G(3) not in r.code and r.coding[G(50)].code == G(2)


def test_rule_coding_on_both_sides_and_its_memo():
    # The coding's memo moved with it on each side (each folded the code elsewhere): it follows
    # the later move, in both directions.
    a = state(code={G(2): code("Y", t=4)}, memo={G(70): memo("why", "code", G(2), t=4)},
              tombstones={G(1): redirect("code", G(2))})
    b = state(code={G(3): code("Z", t=5)}, memo={G(70): memo("why", "code", G(3), t=5)},
              tombstones={G(1): redirect("code", G(3))})
    r, _, _ = both(a, b, T[2])
    assert r.memo[G(70)].target == G(3)


def test_rule_weighed_before_not_asked():
    import json

    a, b = state(code={G(1): code("self-rule", t=3)}), state(code={G(1): code("city autonomy", t=4)})
    seen = {(f"code:{G(1)}:name", json.dumps("city autonomy"), T[4])}
    r, ctx = merge(a, b, T[2], seen=seen)
    assert ctx.conflicts == [] and r.code[G(1)].name == "self-rule"
    r, ctx = merge(a, b, T[2], seen={(f"code:{G(1)}:name", json.dumps("city"), T[4])})  # another version: asked
    assert len(ctx.conflicts) == 1


def test_rule_weighed_before_not_asked_deletion_stays_as_answered():
    import json

    from merge_build import tomb

    # An earlier merge into a asked about b's deletion of X (X then held new work) and kept it;
    # the work has moved away since, so X alone would now go without a question. The answer stands.
    a, b = state(code={G(1): code("X")}), state(tombstones={G(1): tomb("code", 3, "Thandi")})
    seen = {(f"deletion:{G(1)}:deleted", json.dumps("deleted by Thandi"), T[3])}
    r, ctx = merge(a, b, T[2], seen=seen)
    assert G(1) in r.code and ctx.conflicts == []
    r, _ = merge(a, b, T[2])  # never asked: the deletion applies
    assert G(1) not in r.code


def test_rule_folders_match_by_path():
    # "Interviews" made in each copy is one folder (the smaller GUID), its subfolders matched
    # inside it; a folder renamed on one side since keeps the later name (ties: the larger name).
    a = state(with_source=False, folder={G(2): folder("Interviews"), G(4): folder("2019", G(2)),
                                         G(6): folder("Policy", t=4)},
              source={G(20): source("jhb.txt", "sha-jhb", folder=G(4))})
    b = state(with_source=False, folder={G(1): folder(" interviews"), G(3): folder("2019", G(1)),
                                         G(6): folder("Policy texts", t=3)},
              source={G(21): source("addis.txt", "sha-addis", folder=G(3))})
    r, ctx, _ = both(a, b)
    assert r.folder == {G(1): folder("Interviews"), G(3): folder("2019", G(1)), G(6): folder("Policy", t=4)}
    assert {g: x.folder for g, x in r.source.items()} == {G(20): G(3), G(21): G(3)}
    assert sorted(g for m in _matched(ctx, "folder", "path") for g in m["merged"]) == [G(2), G(4)]


@pytest.mark.parametrize("fa, ta, fb, tb, want", [
    (G(1), 1, None, 3, None),  # taken out of its folder on b since the base (a unchanged): out
    (G(1), 3, None, 1, G(1)),  # filed on a since the base: in it
    (G(1), 4, None, 3, G(1)),  # both changed it: the more recent change
    (G(1), 3, None, 4, None),
    (G(1), 3, G(2), 4, G(2)),  # in another on each: the more recently changed source's
    (G(2), 4, G(1), 3, G(2)),
    (G(1), 3, G(2), 3, G(2)),  # changed at the same time: ties by the folder's GUID (the larger)
    (G(1), 3, None, 3, G(1)),  # a folder before none
    (G(1), 1, None, 1, G(1)),  # neither changed (its folder's deletion on b overruled): in it
])
def test_rule_source_folder_from_the_changed_side(fa, ta, fb, tb, want):
    folders = {G(1): folder("Interviews"), G(2): folder("Policy texts")}
    a = state(with_source=False, folder=folders, source={G(20): source("jhb.txt", "sha-jhb", t=ta, folder=fa)})
    b = state(with_source=False, folder=folders, source={G(20): source("jhb.txt", "sha-jhb", t=tb, folder=fb)})
    r, ctx, _ = both(a, b, T[2])
    assert r.source[G(20)].folder == want and ctx.conflicts == []


def test_rule_pages_travel_with_the_source():
    pdf = ((1, "", 0, 40), (2, "", 42, 90))
    # a has the PDF (pages and all); b the same text imported under another GUID, and before
    # pages were kept: the one source that stays (the smaller GUID) has the pages.
    a = state(with_source=False, source={G(22): source("policy.pdf", "sha-policy")}, pages={G(22): pdf})
    b = state(with_source=False, source={G(21): source("policy (copy).pdf", "sha-policy")})
    r, _, _ = both(a, b)
    assert list(r.source) == [G(21)] and r.pages == {G(21): pdf}


def test_coders_on_both_sides_keep_the_earliest_record():
    a, b = state(coders=(("Thandi", THANDI),)), state(coders=(("Thandi", THANDI),))
    b.coder[THANDI] = CoderRow("Thandi", T[5])
    a.coder[THANDI] = CoderRow("Thandi", T[3])
    r, _, _ = both(a, b)
    assert r.coder[THANDI] == CoderRow("Thandi", T[3])
    assert SRC in r.source


def test_every_rule_in_docs_merge_md_has_a_test_named_after_it():
    here = Path(__file__).resolve().parent
    doc = (here.parents[1] / "docs" / "merge.md").read_text(encoding="utf-8")
    rules = re.findall(r"\*\*([a-z][a-z0-9-]+)\*\*", doc[doc.index("## The rules"):doc.index("## Guarantees")])
    tests = {name for f in ("test_merge_rules.py", "test_merge_rules_deletions.py",
                                           "test_merge_rules_passages.py")
             for name in re.findall(r"^def (test_rule_\w+)\(", (here / f).read_text(encoding="utf-8"), re.M)}
    names = {"test_rule_" + r.replace("-", "_") for r in rules}
    assert len(rules) >= 40 and not [n for n in names if not any(t.startswith(n) for t in tests)]
    assert not [t for t in tests if not any(t.startswith(n) for n in names)], "a rule test names no rule"
