"""The query, search, matrix, cooccur and export subcommands as CLI.md fixes them."""
from __future__ import annotations

import csv
import json

import docx
import pytest
from query_expect import SOURCES, codings_where, span

from workbench.cli.main import main

KEYS = {"coding", "source", "case", "code", "coder", "start", "end", "text"}


def run_json(capsys, *argv):
    assert main(list(argv)) == 0
    out = capsys.readouterr().out
    return json.loads(out)


def fails(capsys, *argv) -> str:
    assert main(list(argv)) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.strip()
    assert "\n" not in err and "Traceback" not in err
    return err


def test_query_json(project_location, capsys):
    rows = run_json(capsys, "query", str(project_location), "--json")
    assert len(rows) == 8 and all(set(r) == KEYS for r in rows)
    for r in rows:
        assert SOURCES[r["source"]][r["start"]:r["end"]] == r["text"]
        assert r["case"] == ("Addis Ababa" if r["source"] == "interview_addis.txt" else "Johannesburg")
        assert len(r["coding"]) == 36
    rows = run_json(capsys, "query", str(project_location), "--code", "autonomy", "--with-children",
                    "--coder", "Thandi", "--json")
    assert sorted(r["text"] for r in rows) == sorted(p for *_, p in codings_where(
        code={"autonomy", "autonomy/own funding"}, coder="Thandi"))
    rows = run_json(capsys, "query", str(project_location), "--attr", "year_signed>=2006", "--json")
    assert {r["source"] for r in rows} == {"interview_addis.txt"}


def test_query_expr_json(project_location, capsys):
    rows = run_json(capsys, "query", str(project_location), "--expr", '"autonomy" AND NOT "autonomy/own funding"', "--json")
    start = span("interview_jhb.txt", "We set our own agenda")[0]
    assert [(r["start"], r["end"], r["text"]) for r in rows] == [(start, start + 26, "We set our own agenda and ")]
    assert set(rows[0]) == KEYS
    why = run_json(capsys, "query", str(project_location), "--expr", '"autonomy" AND "autonomy/own funding"',
                   "--json", "--why")
    assert len(why[0]["codings"]) == 2


def test_query_errors_are_one_line(project_location, capsys):
    err = fails(capsys, "query", str(project_location), "--code", "autonomie", "--json")
    assert "autonomy" in err
    err = fails(capsys, "query", str(project_location), "--expr", '"autonomy" AND', "--json")
    assert "at the end" in err
    err = fails(capsys, "query", str(project_location), "--expr", '"autonomy" XOR "b"', "--json")
    assert "character 12" in err
    assert "countr" in fails(capsys, "query", str(project_location), "--attr", "county=Ethiopia")


def test_saved_query_round_trip(project_location, capsys):
    assert main(["query", str(project_location), "--code", "provincial constraint", "--coder", "Pieter",
                 "--save", "Pieter on constraint"]) == 0
    capsys.readouterr()
    rows = run_json(capsys, "query", str(project_location), "--saved", "pieter on constraint", "--json")
    assert [r["text"] for r in rows] == ["Every agreement waits for provincial sign-off"]


def test_search_json(project_location, capsys):
    rows = run_json(capsys, "search", str(project_location), "agree*", "--json")
    assert [set(r) for r in rows] == [{"source", "start", "end", "context"}] * 2
    for r in rows:
        assert SOURCES[r["source"]][r["start"]:r["end"]].lower().startswith("agree")
        assert SOURCES[r["source"]][r["start"]:r["end"]] in r["context"]
    rows = run_json(capsys, "search", str(project_location), '"drawing board"', "--source", "interview_addis.txt",
                    "--json")
    assert [(r["source"], r["start"], r["end"]) for r in rows] == [
        ("interview_addis.txt", *span("interview_addis.txt", "drawing board"))]
    assert "never closed" in fails(capsys, "search", str(project_location), '"open', "--json")


def test_search_works_while_the_window_holds_the_project(project, project_location, capsys):
    rows = run_json(capsys, "search", str(project_location), "clinic", "--json")
    assert [r["source"] for r in rows] == ["interview_addis.txt"]


def test_matrix_json_and_files(project_location, tmp_path, capsys):
    m = run_json(capsys, "matrix", str(project_location), "--rows", "codes", "--cols", "cases", "--json")
    assert m == {"rows": ["autonomy", "autonomy/own funding", "provincial constraint", "development outcome",
                          "development outcome/unrealised objective"],
                 "cols": ["Johannesburg", "Addis Ababa"], "cells": [[2, 0], [1, 0], [3, 0], [0, 1], [0, 1]]}
    kids = run_json(capsys, "matrix", str(project_location), "--cols", "attr:country", "--with-children",
                    "--count", "sources", "--json")
    assert kids["cols"] == ["Ethiopia", "South Africa"] and kids["cells"][0] == [0, 1] and kids["cells"][3] == [1, 0]
    for flag, name in (("--csv", "m.csv"), ("--docx", "m.docx"), ("--xlsx", "m.xlsx")):
        assert main(["matrix", str(project_location), "--cols", "coders", flag, str(tmp_path / name)]) == 0
    capsys.readouterr()
    with open(tmp_path / "m.csv", encoding="utf-8-sig") as fh:
        assert list(csv.reader(fh))[0] == ["code", "Pieter", "Thandi"]
    assert docx.Document(str(tmp_path / "m.docx")).tables[0].rows[0].cells[1].text == "Pieter"
    assert "country" in fails(capsys, "matrix", str(project_location), "--cols", "attr:contry", "--json")
    with pytest.raises(SystemExit) as e:
        main(["matrix", str(project_location), "--cols", "cases"])  # no output chosen: malformed command line
    assert e.value.code == 2
    capsys.readouterr()


def test_cooccur_json(project_location, capsys):
    m = run_json(capsys, "cooccur", str(project_location), "--json")
    assert m["rows"] == m["cols"] and m["cells"][0][:2] == [1, 1] and m["cells"][2][2] == 2
    s = run_json(capsys, "cooccur", str(project_location), "--count", "sources", "--code", "autonomy",
                 "--code", "autonomy/own funding", "--json")
    assert s == {"rows": ["autonomy", "autonomy/own funding"], "cols": ["autonomy", "autonomy/own funding"],
                 "cells": [[1, 1], [1, 1]]}


def test_export_docx_csv_xlsx(project_location, tmp_path, capsys):
    out = tmp_path / "report.docx"
    assert main(["export", str(project_location), "-o", str(out), "--code", "autonomy", "--with-children"]) == 0
    assert "wrote 3 excerpts" in capsys.readouterr().out
    paras = [(p.style.name, p.text) for p in docx.Document(str(out)).paragraphs]
    assert [t for s, t in paras if s.startswith("Heading")] == ["autonomy", "own funding"]
    assert sum(1 for s, _ in paras if s == "Quote") == 3
    assert main(["export", str(project_location), "-o", str(tmp_path / "cases.docx"), "--group-by", "case"]) == 0
    assert main(["export", str(project_location), "-o", str(tmp_path / "all.csv")]) == 0
    assert main(["export", str(project_location), "-o", str(tmp_path / "all.xlsx"), "--expr",
                 '"autonomy" OR "provincial constraint"']) == 0
    capsys.readouterr()
    with open(tmp_path / "all.csv", encoding="utf-8-sig") as fh:
        assert len(list(csv.reader(fh))) == 9
    assert "cannot export excerpts as .pdf" in fails(capsys, "export", str(project_location), "-o", str(tmp_path / "x.pdf"))


def test_export_to_an_unwritable_place_leaves_nothing(project_location, tmp_path, capsys):
    target = tmp_path / "missing" / "report.docx"
    err = fails(capsys, "export", str(project_location), "-o", str(target))
    assert "cannot write there" in err and str(target) in err
    assert not (tmp_path / "missing").exists()
    blocker = tmp_path / "file"
    blocker.write_text("")
    fails(capsys, "export", str(project_location), "-o", str(blocker / "r.xlsx"))
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("small.qwb")) == ["file"]


def test_codebook_docx_export_via_cli(project_location, tmp_path, capsys):
    out = tmp_path / "codebook.docx"
    assert main(["codebook", str(project_location), "--export", str(out)]) == 0
    assert "5 codes" in capsys.readouterr().out
    headings = [p.text for p in docx.Document(str(out)).paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["autonomy", "own funding", "provincial constraint", "development outcome",
                        "unrealised objective"]
