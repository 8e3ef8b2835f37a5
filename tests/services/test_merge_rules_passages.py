"""One test per rule of docs/merge.md on passage links (a passage of a source linked to a case),
named after the rule, on hand-built States merged both ways (merge_build.both checks the two
directions agree). Expected results are worked out here from the rule as written.
"""
from __future__ import annotations

import pytest

from merge_build import PIETER, SRC, THANDI, G, T, both, case, merge, passage, source, state, tomb, view
from workbench.services.merge_deletions import REDIRECT

TOKYO, CAPE = G(31), G(32)
P1, P2, P3, P4 = G(41), G(42), G(43), G(44)


def _redirect_target(st, guid):
    m = REDIRECT.search(st.tombstones[guid].detail)
    return m.group(1) if m else None


def test_rule_one_link_per_passage():
    # The same span of the same source linked to Tokyo in both copies, each with its own GUID:
    # one link, the smaller GUID, created when the first of them was; the other GUID redirects.
    a = state(case={TOKYO: case("Tokyo"), CAPE: case("Cape Town")},
              case_passage={P2: passage(TOKYO, 0, 10, t=3, by=THANDI), P3: passage(CAPE, 0, 10, t=3)})
    b = state(case={TOKYO: case("Tokyo"), CAPE: case("Cape Town")},
              case_passage={P1: passage(TOKYO, 0, 10, t=5, by=PIETER), P4: passage(TOKYO, 20, 30, t=4)})
    r, ctx, _ = both(a, b)
    assert sorted(r.case_passage) == [P1, P3, P4]  # Cape Town's link of the same span is its own
    assert r.case_passage[P1] == passage(TOKYO, 0, 10, t=3, by=THANDI)
    assert _redirect_target(r, P2) == P1 and r.tombstones[P2].kind == "case_passage"
    assert ctx.conflicts == []


def test_rule_one_link_per_passage_three_copies_idempotent():
    a = state(case={TOKYO: case("Tokyo")}, case_passage={P2: passage(TOKYO, 0, 10, t=3)})
    b = state(case={TOKYO: case("Tokyo")}, case_passage={P3: passage(TOKYO, 0, 10, t=4)})
    c = state(case={TOKYO: case("Tokyo")}, case_passage={P1: passage(TOKYO, 0, 10, t=5)})
    ab, _ = merge(a, b)
    abc, _ = merge(ab, c)
    ca, _ = merge(c, a)
    cab, _ = merge(ca, b)
    # The orders differ only in which GUID a redirect names on the way; every one leads to P1.
    assert {k: v for k, v in view(abc).items() if k != "tombstones"} == \
        {k: v for k, v in view(cab).items() if k != "tombstones"}
    assert list(abc.case_passage) == [P1] and abc.case_passage[P1].created_at == T[3]
    for st in (abc, cab):
        for g in (P2, P3):
            cur = g
            while cur != P1:
                cur = _redirect_target(st, cur)
    again, ctx = merge(abc, b)
    assert view(again) == view(abc) and ctx.conflicts == []


def test_rule_passage_links_follow_their_case():
    # Tokyo and the article never shared GUIDs: the case matches by name, the source by its text;
    # each side's passage link lands on the one case and source that stay (the smaller GUIDs).
    a = state(with_source=False, source={G(2): source("article.txt", "sha-article")},
              case={G(34): case("Tokyo")}, case_passage={P1: passage(G(34), 0, 10, source=G(2))})
    b = state(with_source=False, source={G(1): source("article (Pieter).txt", "sha-article")},
              case={G(33): case(" tokyo")},
              case_passage={P2: passage(G(33), 0, 10, source=G(1)), P3: passage(G(33), 50, 60, source=G(1))})
    r, _, _ = both(a, b)
    assert list(r.case) == [G(33)] and list(r.source) == [G(1)]
    assert {g: (p.case, p.source, p.start, p.end) for g, p in r.case_passage.items()} == {
        P1: (G(33), G(1), 0, 10), P3: (G(33), G(1), 50, 60)}
    assert _redirect_target(r, P2) == P1


def test_rule_passage_links_follow_their_case_into_its_redirect():
    # Side b folded Cape Town into Tokyo (a redirect); side a's link on Cape Town goes with it.
    a = state(case={TOKYO: case("Tokyo"), CAPE: case("Cape Town")}, case_passage={P1: passage(CAPE, 5, 9)})
    b = state(case={TOKYO: case("Tokyo")},
              tombstones={CAPE: tomb("case", 3, detail=f"merged into guid:{TOKYO}")})
    r, _, _ = both(a, b, T[2])
    assert list(r.case) == [TOKYO] and r.case_passage[P1][:4] == (TOKYO, SRC, 5, 9)


def test_rule_passage_links_follow_their_case_and_go_with_it():
    # b deleted Cape Town (its passage link with it) and a did nothing to it since the base: both go.
    a = state(case={CAPE: case("Cape Town")}, case_passage={P1: passage(CAPE, 5, 9)})
    b = state(tombstones={CAPE: tomb("case", 3), P1: tomb("case_passage", 3)})
    r, ctx, _ = both(a, b, T[2])
    assert r.case == {} and r.case_passage == {} and ctx.conflicts == []
    assert sorted(r.tombstones) == [CAPE, P1]


@pytest.mark.parametrize("linked, stays", [(1, False), (4, True)])
def test_rule_passage_link_tombstones(linked, stays):
    # b unlinked the passage at T[3]; a has it as it was at the base (gone), or linked it anew
    # after the base (a different GUID: the unlink never saw it, so it stays).
    guid = P1 if linked == 1 else P2
    a = state(case={TOKYO: case("Tokyo")}, case_passage={guid: passage(TOKYO, 0, 10, t=linked)})
    b = state(case={TOKYO: case("Tokyo")}, tombstones={P1: tomb("case_passage", 3, "Pieter")})
    r, ctx, _ = both(a, b, T[2])
    assert (guid in r.case_passage) is stays and ctx.conflicts == []
    assert P1 in r.tombstones


def test_rule_passage_link_tombstones_count_as_work_on_the_case():
    # b deleted Tokyo with the passages it knew; a linked another passage to it since: a question,
    # whose default keeps the case with both links (the one b knew stays with its container).
    a = state(case={TOKYO: case("Tokyo")},
              case_passage={P1: passage(TOKYO, 0, 10, t=1), P2: passage(TOKYO, 40, 50, t=4)})
    b = state(tombstones={TOKYO: tomb("case", 3, "Pieter"), P1: tomb("case_passage", 3, "Pieter")})
    r, ctx, _ = both(a, b, T[2])
    assert [c.guid for c in ctx.conflicts] == [TOKYO]
    assert TOKYO in r.case and sorted(r.case_passage) == [P1, P2]
    r2, _ = merge(a, b, T[2], resolutions={ctx.conflicts[0].id: "delete"})
    assert r2.case == {} and r2.case_passage == {}
