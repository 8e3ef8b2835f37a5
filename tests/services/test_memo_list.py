"""The memo list's rows (services.memos.list_memos / memo_tuples): what each memo is on, in words,
in the list's order; and rows the garbage collector does not track (issue 10, speed)."""
from __future__ import annotations

import gc

import store_read

from workbench.services.memos import MemoRow, list_memos, memo_tuples, set_memo


def one(location, sql: str, **params):
    return store_read.rows(location, sql, **params)[0][0]


def test_every_memo_listed_with_its_target_in_words_in_the_lists_order(project):
    loc = project.path
    thandi = one(loc, "SELECT id FROM coder WHERE name = 'Thandi'")
    policy = one(loc, "SELECT id FROM source WHERE name = 'policy.txt'")
    addis = one(loc, "SELECT id FROM source WHERE name = 'interview_addis.txt'")
    jhb_case = one(loc, "SELECT id FROM case_ WHERE name = 'Johannesburg'")
    funding = one(loc, "SELECT id FROM code WHERE name = 'own funding'")
    province = one(loc, "SELECT id FROM code WHERE name = 'provincial constraint'")
    coding = one(loc, "SELECT id FROM coding WHERE code_id = :c", c=funding)  # Thandi's one coding of it
    jhb = one(loc, "SELECT id FROM source WHERE name = 'interview_jhb.txt'")
    phrase = "fund the exchanges ourselves"  # tests/conftest.py CODINGS: Thandi's "own funding"
    a = one(loc, "SELECT text FROM source WHERE id = :s", s=jhb).index(phrase)
    for kind, target, text in [("coding", coding, "Strong claim"), ("code", province, "Vertical"),
                               ("source", policy, "Framework"), ("project", None, "The study"),
                               ("case", jhb_case, "Metro"), ("code", funding, "Own account"),
                               ("source", addis, "Second city")]:
        set_memo(project, kind, target, text, author_id=thandi)
    got = [(m.kind, m.target_id, m.target, m.source_id, m.author, m.text) for m in list_memos(project)]
    assert got == [
        ("project", None, "the project", None, "Thandi", "The study"),
        ("source", addis, "interview_addis.txt", addis, "Thandi", "Second city"),
        ("source", policy, "policy.txt", policy, "Thandi", "Framework"),
        ("case", jhb_case, "Johannesburg", None, "Thandi", "Metro"),
        ("code", funding, "autonomy/own funding", None, "Thandi", "Own account"),
        ("code", province, "provincial constraint", None, "Thandi", "Vertical"),
        ("coding", coding, f"autonomy/own funding — interview_jhb.txt, characters {a}–{a + len(phrase)} (Thandi)",
         jhb, "Thandi", "Strong claim"),
    ]
    ids = dict(store_read.rows(loc, "SELECT text, id FROM memo"))
    assert [m.id for m in list_memos(project)] == [ids[t] for *_, t in got]
    assert [MemoRow(*t) for t in memo_tuples(project)] == list_memos(project)


def test_the_lists_rows_are_tuples_the_collector_stops_tracking(project):
    for sid, in store_read.rows(project.path, "SELECT id FROM source"):
        set_memo(project, "source", sid, "A memo")
    rows = memo_tuples(project)
    gc.collect()
    assert len(rows) == 3 and not any(gc.is_tracked(r) for r in rows)
