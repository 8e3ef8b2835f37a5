"""`workbench cases --link` (CLI.md): a whole source or a passage of it; refusals in one line."""
from __future__ import annotations

import json
import sqlite3

import pytest

from workbench.cli.main import main

POLICY = 153  # code points of policy.txt in tests/conftest.py


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def links(path) -> tuple[list, list]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        whole = con.execute("SELECT c.name, s.name FROM case_source l JOIN case_ c ON c.id = l.case_id "
                            "JOIN source s ON s.id = l.source_id ORDER BY 1, 2").fetchall()
        parts = con.execute("SELECT c.name, s.name, p.start, p.\"end\" FROM case_passage p JOIN case_ c ON "
                            "c.id = p.case_id JOIN source s ON s.id = p.source_id ORDER BY 1, 2, 3").fetchall()
        return whole, parts
    finally:
        con.close()


def test_link_a_passage_and_a_whole_source(capsys, project_path):
    code, out, err = run(capsys, "cases", project_path, "--link", "Pretoria", "--source", "policy.txt",
                         "--start", 0, "--end", 11)
    assert (code, err) == (0, "") and out == "linked policy.txt 0-11 to case 'Pretoria' (case created)\n"
    code, out, _ = run(capsys, "cases", project_path, "--link", "Pretoria", "--source", "interview_addis.txt")
    assert code == 0 and out == "linked interview_addis.txt (whole) to case 'Pretoria'\n"
    whole, parts = links(project_path)
    assert ("Pretoria", "interview_addis.txt") in whole and parts == [("Pretoria", "policy.txt", 0, 11)]
    rows = json.loads(run(capsys, "query", project_path, "--case", "Pretoria", "--json")[1])
    # policy.txt 0-11 is "1. Purpose\n": Thandi's coding there starts on line 4, so it drops out.
    assert {r["source"] for r in rows} == {"interview_addis.txt"}
    code, out, _ = run(capsys, "cases", project_path, "--list", "--json")
    pretoria = next(c for c in json.loads(out) if c["case"] == "Pretoria")
    assert pretoria["sources"] == ["interview_addis.txt"]
    assert [(p["source"], p["start"], p["end"]) for p in pretoria["passages"]] == [("policy.txt", 0, 11)]
    code, out, _ = run(capsys, "cases", project_path, "--unlink", "Pretoria", "--source", "policy.txt",
                       "--start", 0, "--end", 11)
    assert code == 0 and out == "unlinked policy.txt 0-11 from case 'Pretoria'\n"
    assert links(project_path)[1] == []


@pytest.mark.parametrize("args, words", [
    (["--source", "polcy.txt", "--start", "0", "--end", "5"], ["no source named 'polcy.txt'", "'policy.txt'"]),
    (["--source", "policy.txt", "--start", "0", "--end", str(POLICY + 1)], ["outside the text", "153 characters"]),
    (["--source", "policy.txt", "--start", "-1", "--end", "5"], ["outside the text"]),
    (["--source", "policy.txt", "--start", "9", "--end", "9"], ["start must be below the end"]),
    (["--source", "policy.txt", "--start", "9", "--end", "3"], ["start must be below the end"]),
])
def test_refusals_are_one_line_exit_1_and_change_nothing(capsys, project_path, args, words):
    before = links(project_path)
    code, out, err = run(capsys, "cases", project_path, "--link", "Durban", *args)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err and str(project_path) in err
    assert all(w in err for w in words), err
    assert links(project_path) == before  # not even the case "Durban" was made


@pytest.mark.parametrize("args", [
    ["--link", "Durban"],  # no --source
    ["--link", "Durban", "--source", "policy.txt", "--start", "3"],  # no --end
    ["--csv", "x.csv", "--source", "policy.txt"],
    ["--link", "Durban", "--source", "policy.txt", "--start", "three", "--end", "5"],
    [],
])
def test_malformed_cases_commands_exit_2(capsys, project_path, args):
    with pytest.raises(SystemExit) as exc:
        main(["cases", str(project_path), *args])
    assert exc.value.code == 2


def test_help_shows_a_passage_example(capsys):
    with pytest.raises(SystemExit):
        main(["cases", "--help"])
    out = capsys.readouterr().out
    assert "--link" in out and "--start 0 --end 1200" in out
