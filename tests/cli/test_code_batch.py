"""Issue 11: `workbench code --batch FILE` codes many passages in one transaction, all or none,
with the checks of one `workbench code`, the first bad row named by its line (CSV, JSON lines)."""
from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest

from tests.conftest import SOURCES
from workbench.cli.main import main

JHB, POLICY = "interview_jhb.txt", "policy.txt"


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def _span(source: str, phrase: str) -> tuple[int, int]:
    start = SOURCES[source].index(phrase)
    return start, start + len(phrase)


def _state(path):
    con = sqlite3.connect(path)
    try:
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall()) for t in ("coding", "code", "coder", "memo")}
    finally:
        con.close()


def _codings(path):
    """(source, code name, coder, start, end, memo) of every coding, read with sqlite3."""
    con = sqlite3.connect(path)
    try:
        return sorted(con.execute(
            "SELECT s.name, k.name, r.name, c.start, c.\"end\", m.text FROM coding c JOIN source s ON s.id = c.source_id "
            "JOIN code k ON k.id = c.code_id JOIN coder r ON r.id = c.coder_id "
            "LEFT JOIN memo m ON m.coding_id = c.id"))
    finally:
        con.close()


def _write(tmp_path, kind: str, rows: list[dict], name: str = "batch") -> str:
    """A batch file of these rows: CSV with every column, or JSON lines with the keys given."""
    if kind == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, ["source", "code", "start", "end", "coder", "memo"], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        path = tmp_path / f"{name}.csv"
        path.write_text(buf.getvalue(), encoding="utf-8")
    else:
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _good_rows():
    a, b = _span(JHB, "set our own agenda")
    c, d = _span(POLICY, "Agreements are submitted")
    return [
        {"source": JHB, "code": "autonomy", "start": a, "end": b, "coder": "Lerato", "memo": "agenda 😀"},
        {"source": "Policy.TXT", "code": "provincial constraint", "start": c, "end": d, "coder": "", "memo": ""},
        {"source": POLICY, "code": "autonomy/new/deeper", "start": c, "end": d, "coder": "thandi", "memo": ""},
    ]


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_a_batch_codes_every_row_in_one_go(capsys, project_path, tmp_path, kind):
    rows = _good_rows()
    before = _codings(project_path)
    code, out, err = run(capsys, "code", project_path, "--batch", _write(tmp_path, kind, rows), "--create")
    assert code == 0, err
    assert out == f"coded 3 passages from {tmp_path / ('batch.' + kind)}\n"
    added = sorted(set(_codings(project_path)) - set(before))
    (a, b), (c, d) = _span(JHB, "set our own agenda"), _span(POLICY, "Agreements are submitted")
    assert added == sorted([
        (JHB, "autonomy", "Lerato", a, b, "agenda 😀"),
        (POLICY, "provincial constraint", "Thandi", c, d, None),  # no coder: the project's first
        (POLICY, "deeper", "Thandi", c, d, None),
    ])
    assert SOURCES[JHB][a:b] == "set our own agenda"
    con = sqlite3.connect(project_path)
    made = con.execute("SELECT p.name FROM code c JOIN code p ON p.id = c.parent_id WHERE c.name = 'deeper'").fetchall()
    con.close()
    assert made == [("new",)]


def _bad_rows():
    """(what, the row, words the error line must hold): each a check one `workbench code` makes."""
    a, b = _span(POLICY, "Agreements are submitted")
    taken = _span(POLICY, "Agreements are submitted to the Province before signature.")
    return [
        ("unknown source", {"source": "polcy.txt", "code": "autonomy", "start": a, "end": b}, "'policy.txt'"),
        ("unknown code", {"source": POLICY, "code": "autonomy/own fundng", "start": a, "end": b},
         "'autonomy/own funding'"),
        ("past the end", {"source": POLICY, "code": "autonomy", "start": a, "end": 10_000}, "do not fit"),
        ("empty span", {"source": POLICY, "code": "autonomy", "start": b, "end": b}, "start must be below end"),
        ("negative", {"source": POLICY, "code": "autonomy", "start": -1, "end": b}, "do not fit"),
        ("coded already", {"source": POLICY, "code": "Provincial Constraint", "start": taken[0], "end": taken[1],
                           "coder": "Thandi"}, "already has code"),
        ("not a number", {"source": POLICY, "code": "autonomy", "start": "twelve", "end": b}, "not a whole number"),
        ("empty part", {"source": POLICY, "code": "autonomy//x", "start": a, "end": b}, "empty name"),
    ]


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
@pytest.mark.parametrize("what, bad, words", _bad_rows(), ids=[r[0] for r in _bad_rows()])
def test_one_bad_row_codes_nothing_and_is_named_by_its_line(capsys, project_path, tmp_path, kind, what, bad, words):
    rows = _good_rows()
    rows.insert(2, {"coder": "", "memo": "", **bad})  # the file's line 4 (CSV: after the header; JSONL: third row)
    path = _write(tmp_path, kind, rows)
    before = _state(project_path)
    create = [] if what == "unknown code" else ["--create"]
    code, out, err = run(capsys, "code", project_path, "--batch", path, *create)
    assert code == 1 and out == "" and err.count("\n") == 1
    line = 4 if kind == "csv" else 3
    assert f"{path}: line {line}: " in err and words in err
    assert str(project_path) not in err  # the line names the batch file, not the project
    assert _state(project_path) == before  # not the good rows, nor the codes or coder they would make


_SINGLE = [r for r in _bad_rows() if r[0] != "not a number"]  # that one argparse refuses for `code` (exit 2)


@pytest.mark.parametrize("what, bad, words", _SINGLE, ids=[r[0] for r in _SINGLE])
def test_the_batch_makes_the_checks_of_one_coding(capsys, project_path, tmp_path, what, bad, words):
    """The same row through `code` alone and through --batch fails with the same words."""
    one = run(capsys, "code", project_path, "--source", bad["source"], "--code", bad["code"],
              "--start", bad["start"], "--end", bad["end"], *(["--coder", bad["coder"]] if "coder" in bad else []))
    many = run(capsys, "code", project_path, "--batch", _write(tmp_path, "jsonl", [bad]))
    assert one[0] == many[0] == 1
    assert one[2].split(": ", 2)[2] == many[2].split(": line 1: ", 1)[1]


def test_the_first_bad_row_is_named_whatever_its_kind(capsys, project_path, tmp_path):
    a, b = _span(POLICY, "Agreements are submitted")
    repeat = {"source": POLICY, "code": "autonomy", "start": a, "end": b, "coder": "Thandi", "memo": ""}
    bad_offsets = {**repeat, "end": 10_000}
    # A repeat of an earlier row (line 3) comes before a row with bad offsets (line 4) ...
    path = _write(tmp_path, "csv", [repeat, repeat, bad_offsets], "first")
    err = run(capsys, "code", project_path, "--batch", path)[2]
    assert f"{path}: line 3: repeats {path}: line 2" in err
    # ... and after one (line 2).
    path = _write(tmp_path, "csv", [bad_offsets, repeat, repeat], "second")
    err = run(capsys, "code", project_path, "--batch", path)[2]
    assert f"{path}: line 2: " in err and "do not fit" in err


def test_csv_lines_count_from_the_file_not_the_records(capsys, project_path, tmp_path):
    a, b = _span(POLICY, "Agreements are submitted")
    path = tmp_path / "multi.csv"
    path.write_text("source,code,start,end,memo\n\n"
                    f'{POLICY},autonomy,{a},{b},"a memo\nover two lines"\n'
                    f"{POLICY},autonomy,{a},99999,\n", encoding="utf-8")
    code, _, err = run(capsys, "code", project_path, "--batch", path)
    assert code == 1 and f"{path}: line 5: " in err


@pytest.mark.parametrize("content, words", [
    ("", "empty"),
    ("source,code,start,end\n", "no passages"),
    ("source,code,begin,end\npolicy.txt,autonomy,0,5\n", "header"),
    ('{"source": "policy.txt", "code": "autonomy", "start": 0}\n', "line 1: no end"),
    ('{"source": "policy.txt", "code": "autonomy", "start": 0, "end": 5, "colour": "red"}\n', "unknown key 'colour'"),
    ('{"source": "policy.txt", "code": "autonomy", "start": 0, "end": 5}\n[1, 2]\n', "line 2: not a JSON object"),
    ('{"source": "policy.txt", "code": "autonomy", "start": 0, "end": 5.5}\n', "not a whole number"),
    ('{"source": "policy.txt"\n', "line 1: not JSON"),
])
def test_a_malformed_file_is_one_line_naming_it(capsys, project_path, tmp_path, content, words):
    path = tmp_path / ("f.jsonl" if content.startswith("{") else "f.csv")
    path.write_text(content, encoding="utf-8")
    before = _state(project_path)
    code, out, err = run(capsys, "code", project_path, "--batch", path)
    assert code == 1 and out == "" and err.count("\n") == 1 and str(path) in err and words in err
    assert _state(project_path) == before


def test_batch_and_single_flags_do_not_mix(project_path, tmp_path):
    path = _write(tmp_path, "csv", _good_rows())
    for argv in (["--batch", path, "--start", "3"], ["--batch", path, "--source", POLICY], ["--source", POLICY]):
        with pytest.raises(SystemExit) as exc:
            main(["code", str(project_path), *map(str, argv)])
        assert exc.value.code == 2
