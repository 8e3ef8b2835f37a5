"""Issue 12, items 6 and 8: typed input that gave tracebacks gives one line and exit 1 or 2.

The command line is driven in-process (workbench.cli.main.main); an exception escaping it
fails the test, and stderr must be exactly one line, without the catch-all's "bug" wording.
"""
from __future__ import annotations

import json
import os

import pytest

from workbench.cli.main import main

NESTED = "(" * 330 + '"autonomy"' + ")" * 330
MANY_OR = " OR ".join(['"autonomy"'] * 1000)
RIGHT_NESTED = " AND (".join(['"autonomy"'] * 500) + ")" * 499
HUGE_NEAR = '"autonomy" NEAR/' + "9" * 5000 + ' "provincial constraint"'
NOT_UTF8 = os.fsdecode(b"caf\xe9")  # a terminal in Latin-1 typing 'café'


def run(capsys, argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and "bug" not in err, err
    return lines[0]


@pytest.mark.parametrize(("argv", "expected"), [
    (["query", "{p}", "--expr", NESTED, "--json"], "nested more than"),
    (["query", "{p}", "--expr", RIGHT_NESTED, "--json"], "nested more than"),
    (["query", "{p}", "--expr", RIGHT_NESTED, "--save", "deep"], "nested more than"),
    (["query", "{p}", "--expr", HUGE_NEAR, "--json"], "NEAR distance is larger"),
    (["query", "{p}", "--expr", " OR ".join(['"autonomy"'] * 1001), "--json"], "at most 1000"),
    (["code", "{p}", "--source", "policy.txt", "--code", "a//b", "--start", "0", "--end", "3", "--create"],
     "empty name between two '/'"),
    (["code", "{p}", "--source", "policy.txt", "--code", "/x", "--start", "0", "--end", "3", "--create"],
     "starts with '/'"),
    (["code", "{p}", "--source", "policy.txt", "--code", "x/", "--start", "0", "--end", "3", "--create"],
     "ends with '/'"),
    (["code", "{p}", "--source", "policy.txt", "--code", "", "--start", "0", "--end", "3", "--create"],
     "code path is empty"),
    (["query", "{p}", "--code", "autonomy//x", "--json"], "empty name"),
    (["matrix", "{p}", "--rows", "codes", "--cols", "cases", "--code", "/x", "--json"], "starts with '/'"),
    (["query", "{p}", "--code=--", "--json"], "no code named '--'"),  # argparse drops the value's '--'
    (["query", "{p}", "--code=autonomy", "--coder=--", "--json"], "no coder named '--'"),
    (["code", "{p}", "--source", "policy.txt", "--code", "autonomy", "--start", str(2**64), "--end",
      str(2**64 + 5)], "do not fit the source"),
    (["code", "{p}", "--source", "policy.txt", "--code", "autonomy", "--start", "0", "--end", str(2**70)],
     "do not fit the source"),
    (["code", "{p}", "--source", "policy.txt", "--code", "autonomy", "--start", str(-2**70), "--end", "4"],
     "do not fit the source"),
])
def test_typed_input_is_one_line_and_exit_1(capsys, project_path, argv, expected):
    code, out, err = run(capsys, [a.replace("{p}", str(project_path)) for a in argv])
    line = one_line(err)
    assert code == 1 and expected in line, line
    assert str(project_path) in line


@pytest.mark.parametrize("flag", ["--code", "--coder", "--source", "--memo"])
def test_text_arguments_that_are_not_utf8_are_refused_with_exit_2(capsys, project_path, flag):
    argv = ["code", project_path, "--source", "policy.txt", "--code", "autonomy", "--start", "0", "--end", "3"]
    if flag in argv:
        argv[argv.index(flag) + 1] = NOT_UTF8
    else:
        argv += [flag, NOT_UTF8]
    code, _, err = run(capsys, argv)
    line = one_line(err)
    assert code == 2 and flag in line and "caf\\xe9" in line and "UTF-8" in line


def test_search_words_that_are_not_utf8_are_refused_with_exit_2(capsys, project_path):
    code, _, err = run(capsys, ["search", project_path, NOT_UTF8, "--json"])
    assert code == 2 and "TEXT" in one_line(err)


def test_a_thousand_or_terms_give_the_right_result(capsys, project_path):
    code, out, err = run(capsys, ["query", project_path, "--expr", MANY_OR, "--json"])
    assert code == 0, err
    single = json.loads(run(capsys, ["query", project_path, "--expr", '"autonomy"', "--json"])[1])
    assert json.loads(out) == single and single  # x OR x OR ... is x


def test_a_thousand_or_terms_can_be_saved(capsys, project_path):
    code, out, err = run(capsys, ["query", project_path, "--expr", MANY_OR, "--save", "wide"])
    assert code == 0, err
    assert "saved as 'wide'" in out


def test_a_cases_csv_field_over_128_kib_is_one_line(capsys, project_path, tmp_path):
    csv_file = tmp_path / "cases.csv"
    csv_file.write_text("name,notes\nJohannesburg," + "x" * 140_000 + "\n", encoding="utf-8")
    code, _, err = run(capsys, ["cases", project_path, "--csv", csv_file])
    line = one_line(err)
    assert code == 1 and str(csv_file) in line and "field larger" in line
