"""Issue 9: `workbench codes` and `workbench coders` as CLI.md lists them, checked against the
database read with the sqlite3 module, not through the program's own queries."""
from __future__ import annotations

import json
import sqlite3

import pytest

from workbench.cli.main import main


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def _db(path, sql, *params):
    con = sqlite3.connect(path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def _paths(path) -> dict[str, int]:
    """code path -> id, built from the parent links (names joined by '/', none here holds one)."""
    rows = {i: (p, n) for i, p, n in _db(path, "SELECT id, parent_id, name FROM code")}

    def path_of(i):
        parent, name = rows[i]
        return name if parent is None else f"{path_of(parent)}/{name}"

    return {path_of(i): i for i in rows}


def _snapshot(path):
    return {t: sorted(_db(path, f"SELECT * FROM {t}")) for t in ("code", "coding", "memo", "tombstone")}


def test_codes_list_json(capsys, project_path):
    code, out, err = run(capsys, "codes", project_path, "list", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert all(set(r) == {"path", "description", "color", "codings"} for r in rows)
    ids = _paths(project_path)
    own = dict(_db(project_path, "SELECT code_id, count(*) FROM coding GROUP BY code_id"))
    colors = dict(_db(project_path, "SELECT id, color FROM code"))
    assert sorted(r["path"] for r in rows) == sorted(ids)
    assert {r["path"]: r["codings"] for r in rows} == {p: own.get(i, 0) for p, i in ids.items()}
    assert {r["path"]: r["color"] for r in rows} == {p: colors[i] for p, i in ids.items()}
    # By hand from conftest.CODINGS: autonomy 2 of its own (its subcode's one not counted).
    assert {r["path"]: r["codings"] for r in rows}["autonomy"] == 2
    order = [r["path"] for r in rows]
    assert order.index("autonomy") < order.index("autonomy/own funding") < order.index("provincial constraint")


def test_codes_rename_and_move_round_trip(capsys, project_path):
    own = _paths(project_path)["autonomy/own funding"]
    assert run(capsys, "codes", project_path, "rename", "autonomy/own funding", "  own   budget ")[0] == 0
    assert _db(project_path, "SELECT name, name_key FROM code WHERE id=?", own) == [("own budget", "own budget")]
    assert _paths(project_path)["autonomy/own budget"] == own
    assert run(capsys, "codes", project_path, "move", "autonomy/own budget",
               "--under", "provincial constraint")[0] == 0
    assert _paths(project_path)["provincial constraint/own budget"] == own
    assert run(capsys, "codes", project_path, "move", "provincial constraint/own budget", "--top")[0] == 0
    assert _db(project_path, "SELECT parent_id FROM code WHERE id=?", own) == [(None,)]
    assert len(_db(project_path, "SELECT * FROM coding WHERE code_id=?", own)) == 1  # its coding came along


@pytest.mark.parametrize("argv, named", [
    (["rename", "autonomy/own funding", "  Own FUNDING "], None),  # its own name respelled: allowed
    (["rename", "provincial constraint", "AUTONOMY"], "'autonomy'"),
    (["move", "development outcome/unrealised objective", "--top"], None),
])
def test_codes_a_name_equal_to_a_siblings_is_refused_naming_it(capsys, project_path, argv, named):
    if named is None and argv[0] == "move":  # make a top-level code the moved one would clash with
        assert run(capsys, "codes", project_path, "rename", "autonomy", "Unrealised  objective")[0] == 0
        named = "'Unrealised objective'"
    before = _snapshot(project_path)
    code, out, err = run(capsys, "codes", project_path, *argv)
    if named is None:
        assert code == 0, err
        return
    assert code == 1 and out == "" and err.count("\n") == 1
    assert f"a code named {named} already exists" in err
    assert _snapshot(project_path) == before


def test_codes_merge_folds_codings_and_subcodes(capsys, project_path):
    ids = _paths(project_path)
    mine = sorted(_db(project_path, "SELECT source_id, coder_id, start, \"end\" FROM coding WHERE code_id IN (?, ?)",
                      ids["development outcome"], ids["provincial constraint"]))
    code, out, err = run(capsys, "codes", project_path, "merge", "development outcome", "--into",
                         "provincial constraint", "--coder", "Thandi")
    assert code == 0, err
    after = _paths(project_path)
    assert "development outcome" not in after
    assert after["provincial constraint/unrealised objective"] == ids["development outcome/unrealised objective"]
    assert sorted(_db(project_path, "SELECT source_id, coder_id, start, \"end\" FROM coding WHERE code_id=?",
                      ids["provincial constraint"])) == mine
    assert _db(project_path, "SELECT kind, deleted_by FROM tombstone") == [("code", "Thandi")]


def test_codes_delete_refuses_codings_and_subcodes_unless_forced(capsys, project_path):
    before = _snapshot(project_path)
    code, _, err = run(capsys, "codes", project_path, "delete", "provincial constraint")
    assert code == 1 and "3 codings" in err and "--force" in err
    assert _snapshot(project_path) == before
    # A code with a subcode and no codings of its own or below: refused too.
    run(capsys, "code", project_path, "--source", "policy.txt", "--code", "empty/child", "--start", 0,
        "--end", 5, "--create")
    guid = _db(project_path, "SELECT guid FROM coding ORDER BY id DESC LIMIT 1")[0][0]
    assert run(capsys, "uncode", project_path, guid)[0] == 0
    before = _snapshot(project_path)
    code, _, err = run(capsys, "codes", project_path, "delete", "empty")
    assert code == 1 and "1 subcode" in err and "coding" not in err
    assert _snapshot(project_path) == before
    assert run(capsys, "codes", project_path, "delete", "empty/child")[0] == 0  # a leaf without codings
    assert run(capsys, "codes", project_path, "delete", "empty")[0] == 0
    assert run(capsys, "codes", project_path, "delete", "provincial constraint", "--force")[0] == 0
    assert "provincial constraint" not in _paths(project_path)
    assert _db(project_path, "SELECT count(*) FROM coding") == [(5,)]


def test_codes_unknown_path_and_malformed_lines(capsys, project_path):
    code, _, err = run(capsys, "codes", project_path, "rename", "autonomy/own fundng", "x")
    assert code == 1 and "'autonomy/own funding'" in err and str(project_path) in err
    for argv in (["merge", "autonomy"], ["move", "autonomy"], ["move", "autonomy", "--top", "--under", "x"],
                 ["frobnicate"], []):
        with pytest.raises(SystemExit) as exc:
            main(["codes", str(project_path), *argv])
        assert exc.value.code == 2


def test_coders_list_json(capsys, project_path):
    run(capsys, "code", project_path, "--source", "policy.txt", "--code", "autonomy", "--start", 0, "--end", 3,
        "--coder", "Lerato")
    code, out, err = run(capsys, "coders", project_path, "list", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert all(set(r) == {"name", "codings"} for r in rows)
    expected = _db(project_path, "SELECT k.name, count(c.id) FROM coder k LEFT JOIN coding c ON c.coder_id = k.id "
                                 "GROUP BY k.id ORDER BY k.name")
    assert [(r["name"], r["codings"]) for r in rows] == expected
    assert expected == [("Lerato", 1), ("Pieter", 3), ("Thandi", 5)]  # by hand from conftest.CODINGS
