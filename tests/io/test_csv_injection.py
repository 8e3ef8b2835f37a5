"""Issue 12, item 4: no CSV the program writes holds a cell a spreadsheet would run as a formula.

Each test writes the file through the command line, opens it with Python's csv reader (not
the program's), and checks every cell by OWASP's rule: a text cell starting with '=', '+',
'-', '@', tab or carriage return must start with a single quote instead. The codebook CSV
must also give back every name exactly when imported.
"""
from __future__ import annotations

import csv
import re

import pytest

from workbench.cli.main import main

FORMULA_START = tuple("=+-@\t\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
HOSTILE_CODES = ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "=HYPERLINK(\"x\",\"go\")"]
TEXT = ("=HYPERLINK(\"http://evil.invalid\",\"click\") said the mayor.\n"
        "+27 11 555 0100 is the number.\n"
        "-flag and more words here.\n"
        "@handle wrote to the city.\n"
        "\tAn indented answer.\n")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def cells(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def formula_cells(rows) -> list[str]:
    """Cells a spreadsheet would evaluate: a formula start that is not a plain number."""
    return [c for row in rows for c in row if c.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(c)]


@pytest.fixture
def hostile(project_path, tmp_path, capsys):
    """The small project plus a source whose lines start like formulas, coded with formula-named codes."""
    src = tmp_path / "=evil.txt"
    src.write_text(TEXT, encoding="utf-8")
    run(capsys, "import", project_path, src)
    lines = TEXT.split("\n")
    start = 0
    for line, code in zip(lines, HOSTILE_CODES):
        run(capsys, "code", project_path, "--source", "=evil.txt", f"--code={code}", "--start", start,
            "--end", start + len(line), "--create", "--coder", "@Thandi")
        start += len(line) + 1
    tab_at = TEXT.index("\t")
    run(capsys, "code", project_path, "--source", "=evil.txt", "--code", "+cmd", "--start", tab_at,
        "--end", tab_at + 10, "--coder", "+Pieter")
    return project_path


def test_excerpt_csv_neutralises_formula_cells(hostile, tmp_path, capsys):
    out = tmp_path / "excerpts.csv"
    run(capsys, "export", hostile, "-o", out)
    rows = cells(out)
    assert formula_cells(rows) == []
    texts = {r[8] for r in rows[1:]}
    # The cells hold the text itself after the quote, nothing else changed.
    assert "'=HYPERLINK(\"http://evil.invalid\",\"click\") said the mayor." in texts
    assert "'+27 11 555 0100 is the number." in texts
    assert "'\tAn indent" in texts
    assert {r[3] for r in rows[1:]} >= {"'=1+1", "'+cmd", "'-2+3", "'@SUM(A1)"}
    assert {r[4] for r in rows[1:]} >= {"'@Thandi", "'+Pieter"}
    assert {r[1] for r in rows[1:]} >= {"'=evil.txt"}
    # Offsets stay numbers.
    assert all(r[5].isdigit() and r[6].isdigit() for r in rows[1:])


def test_matrix_and_cooccurrence_csv_neutralise_names(hostile, tmp_path, capsys):
    for command, extra in (("matrix", ["--rows", "codes", "--cols", "coders"]), ("cooccur", [])):
        out = tmp_path / f"{command}.csv"
        run(capsys, command, hostile, *extra, "--csv", out)
        rows = cells(out)
        assert formula_cells(rows) == [], command
        names = {r[0] for r in rows[1:]} | set(rows[0])
        assert "'=1+1" in names and "'@SUM(A1)" in names, command
    assert "'@Thandi" in cells(tmp_path / "matrix.csv")[0]


def test_agreement_csv_neutralises_code_names(hostile, tmp_path, capsys):
    out = tmp_path / "agreement.csv"
    run(capsys, "agreement", hostile, "--coders", "@Thandi", "+Pieter", "--csv", out)
    rows = cells(out)
    assert formula_cells(rows) == []
    assert "'+cmd" in {r[0] for r in rows}


def test_codebook_csv_neutralises_and_round_trips_names_exactly(hostile, tmp_path, capsys):
    out = tmp_path / "codebook.csv"
    run(capsys, "codebook", hostile, "--export", out)
    rows = cells(out)
    assert formula_cells(rows) == []
    assert "'=1+1" in {r[0] for r in rows}
    fresh = tmp_path / "fresh.qwb"
    run(capsys, "new", fresh)
    run(capsys, "codebook", fresh, "--import", out)
    def tree(p):
        from workbench.services.codebook_io import codebook_entries
        from workbench.store.project import open_project

        with open_project(p, readonly=True) as project:
            return [(parts, desc) for parts, desc, _ in codebook_entries(project)]

    assert tree(fresh) == tree(hostile)
    assert {parts[0] for parts, _ in tree(fresh)} >= set(HOSTILE_CODES)


@pytest.mark.parametrize("text", ["=1+1", "'=1+1", "''@x", "'quoted'", "-5", "-", "'", "", "plain", "+-",
                                  "\t", "'\r", "=", "\uff1dSUM(1)", "-0.25"])
def test_guard_is_reversible_and_leaves_only_safe_cells(text):
    from workbench.core.csv_cells import guard, needs_guard, unguard

    cell = guard(text)
    assert unguard(cell) == text
    assert not cell.startswith(FORMULA_START) or PLAIN_NUMBER.fullmatch(cell)
    assert needs_guard(text) == (cell != text)


def test_the_cases_table_csv_guards_formulas_and_reads_back_as_it_was(project, tmp_path):
    """The cases × attributes export is a CSV a colleague opens in a spreadsheet too."""
    import csv

    from workbench.io.cases_csv import export_cases_csv
    from workbench.services.cases import create_case, import_cases_csv

    create_case(project, "=HYPERLINK(\"http://x\")")
    out = tmp_path / "cases.csv"
    export_cases_csv(project, out)
    with open(out, encoding="utf-8-sig", newline="") as fh:
        first = [row[0] for row in csv.reader(fh)]
    assert "'=HYPERLINK(\"http://x\")" in first
    result = import_cases_csv(project, out).result
    assert result.created == 0 and result.folded == []  # every case is found again under its own name


def test_guard_row_guards_each_cell_as_guard_does():
    """guard_row's quick pass of plain cells (one set lookup) gives what guard() of each cell gives."""
    from workbench.core.csv_cells import guard, guard_row

    row = ["=1+1", "'=1+1", "''@x", "'quoted'", "-5", "-", "'", "", "plain", "+-", "\t", "'\r", "=",
           "\uff1dSUM(1)", "-0.25", "a=b", " =1", 7, None, 2.5, "@home", "'''-x"]
    assert guard_row(row) == [guard(v) for v in row]
    assert guard_row(row)[:4] == ["'=1+1", "''=1+1", "'''@x", "'quoted'"]
