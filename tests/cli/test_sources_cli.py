"""Issue 9 and 11: `workbench sources` and `workbench frequencies`, checked against the database
read with the sqlite3 module and counts made here by brute force."""
from __future__ import annotations

import json
import sqlite3
from collections import Counter

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


def test_sources_list_json(capsys, project_path):
    code, out, err = run(capsys, "sources", project_path, "list", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert all(set(r) == {"name", "kind", "length", "codings", "cases"} for r in rows)
    texts = dict(_db(project_path, "SELECT name, text FROM source"))
    coded = Counter(n for (n,) in _db(project_path, "SELECT s.name FROM coding c JOIN source s ON s.id = c.source_id"))
    assert {r["name"]: (r["kind"], r["length"], r["codings"]) for r in rows} == {
        name: ("txt", len(text), coded[name]) for name, text in texts.items()}
    # conftest's cases.csv: Johannesburg has the JHB interview and the policy, Addis Ababa its interview.
    assert {r["name"]: r["cases"] for r in rows} == {
        "interview_jhb.txt": ["Johannesburg"], "policy.txt": ["Johannesburg"], "interview_addis.txt": ["Addis Ababa"]}


def test_sources_list_names_a_case_that_holds_only_a_passage(capsys, project_path):
    con = sqlite3.connect(project_path)
    con.execute("INSERT INTO case_ (guid, name, name_key, description, position, created_at, updated_at) "
                "VALUES ('c0ffee00-0000-4000-8000-000000000001', 'Tokyo', 'tokyo', '', 2, '', '')")
    con.execute("INSERT INTO case_passage (guid, case_id, source_id, start, \"end\", created_at) "
                "SELECT 'c0ffee00-0000-4000-8000-000000000002', c.id, s.id, 0, 5, '' FROM case_ c, source s "
                "WHERE c.name = 'Tokyo' AND s.name = 'policy.txt'")
    con.commit()
    con.close()
    rows = json.loads(run(capsys, "sources", project_path, "list", "--json")[1])
    assert {r["name"]: r["cases"] for r in rows}["policy.txt"] == ["Johannesburg", "Tokyo"]


def test_sources_rename_round_trip_and_the_one_name_rule(capsys, project_path):
    sid = _db(project_path, "SELECT id FROM source WHERE name='policy.txt'")[0][0]
    assert run(capsys, "sources", project_path, "rename", "POLICY.TXT", "City  policy 2019")[0] == 0
    assert _db(project_path, "SELECT name, name_key FROM source WHERE id=?", sid) == [
        ("City policy 2019", "city policy 2019")]
    before = _db(project_path, "SELECT id, name FROM source ORDER BY id")
    code, out, err = run(capsys, "sources", project_path, "rename", "City policy 2019", "Interview_JHB.txt")
    assert code == 1 and out == "" and "a source named 'interview_jhb.txt' already exists" in err
    assert _db(project_path, "SELECT id, name FROM source ORDER BY id") == before


def test_sources_delete_refuses_a_coded_source_unless_forced(capsys, project_path, tmp_path):
    before = _db(project_path, "SELECT count(*) FROM source"), _db(project_path, "SELECT count(*) FROM coding")
    code, _, err = run(capsys, "sources", project_path, "delete", "policy.txt")
    assert code == 1 and "1 coding" in err and "--force" in err and err.count("\n") == 1
    assert (_db(project_path, "SELECT count(*) FROM source"), _db(project_path, "SELECT count(*) FROM coding")) == before
    assert run(capsys, "sources", project_path, "delete", "policy.txt", "--force", "--coder", "Pieter")[0] == 0
    assert _db(project_path, "SELECT name FROM source WHERE name='policy.txt'") == []
    assert _db(project_path, "SELECT count(*) FROM coding") == [(7,)]
    assert sorted(_db(project_path, "SELECT kind, deleted_by FROM tombstone")) == [
        ("coding", "Pieter"), ("source", "Pieter")]
    # An uncoded source goes without --force.
    extra = tmp_path / "extra.txt"
    extra.write_text("Nothing coded here.", encoding="utf-8")
    assert run(capsys, "import", project_path, extra)[0] == 0
    assert run(capsys, "sources", project_path, "delete", "extra.txt")[0] == 0
    assert _db(project_path, "SELECT count(*) FROM source") == [(2,)]


def _brute_frequencies(path, with_children: bool, coders: set[str] | None = None):
    """Per code path: (codings, sources, {coder: codings}) counted row by row from the coding table."""
    codes = {i: (p, n) for i, p, n in _db(path, "SELECT id, parent_id, name FROM code")}

    def chain(i):  # the code and its ancestors
        while i is not None:
            yield i
            i = codes[i][0]

    def path_of(i):
        return "/".join(codes[j][1] for j in reversed(list(chain(i))))

    names = [n for (n,) in _db(path, "SELECT name FROM coder ORDER BY name") if coders is None or n in coders]
    out = {path_of(i): [0, set(), dict.fromkeys(names, 0)] for i in codes}
    for code_id, source_id, coder in _db(path, "SELECT c.code_id, c.source_id, k.name FROM coding c "
                                               "JOIN coder k ON k.id = c.coder_id"):
        if coder not in names:
            continue
        for j in (chain(code_id) if with_children else [code_id]):
            row = out[path_of(j)]
            row[0] += 1
            row[1].add(source_id)
            row[2][coder] += 1
    return {p: (n, len(s), by) for p, (n, s, by) in out.items()}


@pytest.mark.parametrize("flags, coders", [([], None), (["--with-children"], None),
                                           (["--coder", "Pieter"], {"Pieter"}),
                                           (["--with-children", "--coder", "thandi"], {"Thandi"})])
def test_frequencies_json_against_a_count_made_here(capsys, project_path, flags, coders):
    code, out, err = run(capsys, "frequencies", project_path, *flags, "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert all(set(r) == {"code", "codings", "sources", "coders"} for r in rows)
    expected = _brute_frequencies(project_path, "--with-children" in flags, coders)
    assert {r["code"]: (r["codings"], r["sources"], r["coders"]) for r in rows} == expected


def test_frequencies_by_hand(capsys, project_path):
    rows = {r["code"]: r for r in json.loads(run(capsys, "frequencies", project_path, "--with-children",
                                                 "--json")[1])}
    # conftest.CODINGS: autonomy twice and its subcode once, all in the JHB interview.
    assert rows["autonomy"] == {"code": "autonomy", "codings": 3, "sources": 1, "coders": {"Pieter": 1, "Thandi": 2}}
    assert rows["provincial constraint"]["sources"] == 2
