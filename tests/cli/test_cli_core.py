"""The command line of CLI.md: new, import, text, code, uncode, info, cases, codebook."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from store_read import count, rows

from workbench.cli.main import main


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def tricky(tmp_path):
    """Sources whose code points and UTF-16 units or bytes differ: emoji, combining accent, CRLF, BOM."""
    files = {
        "emoji.txt": "Mayor 😀 said: we 🙏 set our own agenda.\n".encode("utf-8"),
        "accent.txt": "Rene\u0301 from Lyon: the province decides.\n".encode("utf-8"),
        "crlf.txt": b"[00:00:01] Interviewer: First line.\r\n[00:00:04] Ms Dlamini: Second line.\r\n",
        "bom.txt": "\ufeffPolicy text with a BOM.\n".encode("utf-8"),
        "utf16.txt": "Zürich ❤ partners\r\n".encode("utf-16"),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


def test_new_refuses_to_overwrite(capsys, tmp_path):
    p = tmp_path / "a.qwb"
    assert run(capsys, "new", p, "--name", "Study")[0] == 0
    code, _, err = run(capsys, "new", p)
    assert code == 1 and str(p) in err and "already exists" in err


def test_text_prints_stored_text_with_bom_dropped_and_newlines_made_lf(capsys, tmp_path, tricky):
    p = tmp_path / "p.qwb"
    run(capsys, "new", p, "--coder", "Thandi")
    code, out, err = run(capsys, "import", p, *sorted(tricky.glob("*.txt")))
    assert code == 0, err
    assert out.count("imported") == 5
    expected = {
        "crlf.txt": "[00:00:01] Interviewer: First line.\n[00:00:04] Ms Dlamini: Second line.\n",
        "bom.txt": "Policy text with a BOM.\n",
        "utf16.txt": "Zürich ❤ partners\n",
        "accent.txt": "Rene\u0301 from Lyon: the province decides.\n",
    }
    for name, text in expected.items():
        assert run(capsys, "text", p, name)[1] == text


@pytest.mark.parametrize(
    "source, phrase",
    [("emoji.txt", "we 🙏 set our own agenda"), ("accent.txt", "the province decides"),
     ("crlf.txt", "Second line."), ("bom.txt", "Policy"), ("accent.txt", "Rene\u0301")],
)
def test_code_offsets_count_code_points(capsys, tmp_path, tricky, source, phrase):
    p = tmp_path / "p.qwb"
    run(capsys, "new", p, "--coder", "Thandi")
    run(capsys, "import", p, tricky / source)
    text = run(capsys, "text", p, source)[1]
    start = text.index(phrase)
    end = start + len(phrase)
    code, out, err = run(capsys, "code", p, "--source", source, "--code", "autonomy/agenda setting",
                         "--start", start, "--end", end, "--create")
    assert code == 0, err
    guid = out.strip()
    rows = json.loads(run(capsys, "query", p, "--json")[1])
    assert [(r["coding"], r["text"], r["start"], r["end"]) for r in rows] == [(guid, phrase, start, end)]
    from workbench.store.project import open_project
    from workbench.store.models import Coding

    with open_project(p, readonly=True) as proj, proj.reading() as s:
        c = s.query(Coding).one()
        assert (c.start, c.end) == (start, end)
        assert text[c.start:c.end] == phrase


def test_info_json_keys(capsys, project_location):
    code, out, _ = run(capsys, "info", project_location, "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"schema", "project", "sources", "codes", "codings", "cases", "coders"}
    assert set(data["project"]) == {"guid", "name"}
    assert (data["sources"], data["codes"], data["codings"], data["cases"]) == (3, 5, 8, 2)
    assert data["coders"] == ["Pieter", "Thandi"]


@pytest.mark.parametrize(
    "start, end, message",
    [(-1, 4, "do not fit"), (10, 10, "start must be below end"), (20, 5, "start must be below end"),
     (0, 10_000, "do not fit")],
)
def test_bad_offsets_exit_1_and_change_nothing(capsys, project_location, start, end, message):
    code, out, err = run(capsys, "code", project_location, "--source", "policy.txt", "--code", "autonomy",
                         "--start", start, "--end", end, "--coder", "Thandi")
    assert code == 1 and out == ""
    assert message in err and err.count("\n") == 1
    assert _codings(project_location) == 8


def _codings(path) -> int:
    return count(path, "coding")


def test_unknown_code_suggests_nearest_names(capsys, project_location):
    code, _, err = run(capsys, "code", project_location, "--source", "policy.txt", "--code", "autonomy/own fundng",
                       "--start", 0, "--end", 5)
    assert code == 1
    assert "no code named 'autonomy/own fundng'" in err and "'autonomy/own funding'" in err
    assert _codings(project_location) == 8


def test_unknown_source_names_it(capsys, project_location):
    code, _, err = run(capsys, "code", project_location, "--source", "polcy.txt", "--code", "autonomy",
                       "--start", 0, "--end", 5)
    assert code == 1 and "polcy.txt" in err and "'policy.txt'" in err


def test_code_then_uncode_leaves_a_tombstone(capsys, project_location):
    code, out, _ = run(capsys, "code", project_location, "--source", "policy.txt", "--code", "autonomy",
                       "--start", 0, "--end", 10, "--coder", "Pieter", "--memo", "purpose clause")
    assert code == 0
    guid = out.strip()
    assert _codings(project_location) == 9
    assert run(capsys, "uncode", project_location, guid)[0] == 0
    assert _codings(project_location) == 8
    assert rows(project_location, "SELECT kind FROM tombstone WHERE guid = :g", g=guid) == [("coding",)]
    assert count(project_location, "memo") == 0  # the coding's memo went with it
    code, _, err = run(capsys, "uncode", project_location, guid)
    assert code == 1 and guid in err


def test_project_that_is_not_a_project(capsys, tmp_path):
    bogus = tmp_path / "notes.qwb"
    bogus.write_text("just some notes")
    code, _, err = run(capsys, "info", bogus, "--json")
    assert code == 1 and str(bogus) in err and "not a workbench project" in err
    assert bogus.read_text() == "just some notes"


def test_malformed_command_line_exits_2(capsys, project_location):
    with pytest.raises(SystemExit) as exc:
        main(["code", str(project_location), "--source", "x"])
    assert exc.value.code == 2


def test_cases_csv_infers_types_and_links_sources(capsys, project_location, tmp_path):
    csv = tmp_path / "more.csv"
    csv.write_text("name,population,founded,active,sources\nTokyo,14000000,1943-07-01,yes,policy.txt\n",
                   encoding="utf-8")
    code, out, err = run(capsys, "cases", project_location, "--csv", csv)
    assert code == 0, err
    assert "population (number)" in out and "founded (date)" in out and "active (bool)" in out
    values = dict(rows(project_location,
        "SELECT a.name, v.value FROM attribute_value v JOIN attribute a ON a.id=v.attribute_id "
        "JOIN case_ c ON c.id=v.case_id WHERE c.name='Tokyo'"))
    assert values == {"population": "14000000", "founded": "1943-07-01", "active": "yes"}


def test_cases_csv_with_unknown_source_changes_nothing(capsys, project_location, tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text("name,country,sources\nLyon,France,policy.txt\nTokyo,Japan,no-such.txt\n", encoding="utf-8")
    code, _, err = run(capsys, "cases", project_location, "--csv", csv)
    assert code == 1 and str(csv) in err and "line 3" in err and "no-such.txt" in err
    assert count(project_location, "case_") == 2


def test_codebook_outline_and_csv_round_trip(capsys, empty_project, tmp_path):
    path = empty_project.path
    empty_project.close()
    outline = tmp_path / "codebook.txt"
    outline.write_text(
        "autonomy | the city acting on its own account\n"
        "  own funding | programmes paid from the city's budget\n"
        "  network membership\n"
        "provincial constraint\n"
        "  approval requirements | sign-offs before agreements\n",
        encoding="utf-8",
    )
    assert run(capsys, "codebook", path, "--import", outline)[0] == 0
    out_csv = tmp_path / "out.csv"
    assert run(capsys, "codebook", path, "--export", out_csv)[0] == 0
    lines = out_csv.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "path,description,color"
    assert [l.split(",")[0] for l in lines[1:]] == [
        "autonomy", "autonomy/own funding", "autonomy/network membership",
        "provincial constraint", "provincial constraint/approval requirements"]
    out_txt = tmp_path / "out.txt"
    assert run(capsys, "codebook", path, "--export", out_txt)[0] == 0
    assert out_txt.read_text(encoding="utf-8") == outline.read_text(encoding="utf-8")
    # Importing the export into a new project gives the same codebook.
    other = tmp_path / "other.qwb"
    run(capsys, "new", other)
    assert run(capsys, "codebook", other, "--import", out_csv)[0] == 0
    again = tmp_path / "again.csv"
    run(capsys, "codebook", other, "--export", again)
    assert again.read_text(encoding="utf-8") == out_csv.read_text(encoding="utf-8")


def test_codebook_outline_with_bad_indent_changes_nothing(capsys, project_location, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("autonomy\n   odd indent\n", encoding="utf-8")
    code, _, err = run(capsys, "codebook", project_location, "--import", bad)
    assert code == 1 and str(bad) in err and "line 2" in err


def test_subcommands_without_a_window_never_import_qt(project_location):
    script = (
        "import sys; from workbench.cli.main import main; "
        f"rc = main(['info', {str(project_location)!r}, '--json']); "
        "assert rc == 0; "
        "qt = [m for m in sys.modules if m.startswith('PySide6')]; "
        "assert not qt, qt"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("argv", [
    ["code", "{p}", "--source", "nosuch.txt", "--code", "autonomy", "--start", "0", "--end", "3"],
    ["code", "{p}", "--source", "policy.txt", "--code", "no/such", "--start", "0", "--end", "3"],
    ["uncode", "{p}", "00000000-0000-0000-0000-000000000000"],
    ["text", "{p}", "nosuch.txt"],
    ["query", "{p}", "--coder", "Nobody", "--json"],
    ["agreement", "{p}", "--coders", "Thandi", "Nobody", "--json"],
])
def test_an_error_about_something_in_the_project_names_the_project_file(capsys, project_location, argv):
    code, out, err = run(capsys, *[a.format(p=project_location) for a in argv])
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and f": {project_location}: no " in err


def test_an_error_naming_another_file_is_not_prefixed_with_the_project(capsys, project_location, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("autonomy\n   odd indent\n", encoding="utf-8")
    err = run(capsys, "codebook", project_location, "--import", bad)[2]
    assert str(bad) in err and str(project_location) not in err


def test_codebook_csv_child_listed_without_its_parent_gets_the_parent(capsys, empty_project, tmp_path):
    path = empty_project.path
    empty_project.close()
    csv = tmp_path / "cb.csv"
    csv.write_text("path,description,color\nautonomy/own funding,paid by the city,\n", encoding="utf-8")
    code, out, err = run(capsys, "codebook", path, "--import", csv)
    assert code == 0, err
    assert "2 codes created" in out
    run(capsys, "codebook", path, "--export", tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()[1:] == [
        "autonomy,,#4e79a7", "autonomy/own funding,paid by the city,#4e79a7"]


def test_codebook_csv_bad_colour_names_the_file_and_line_and_changes_nothing(capsys, project_location, tmp_path):
    csv = tmp_path / "cb.csv"
    csv.write_text("path,description,color\nnew code,,#00ff00\nother,,notacolor\n", encoding="utf-8")
    code, out, err = run(capsys, "codebook", project_location, "--import", csv)
    assert code == 1 and out == ""
    assert str(csv) in err and "line 3" in err and "notacolor" in err
    assert count(project_location, "code") == 5


def test_json_is_utf8_even_when_the_locale_names_another_encoding(capsys, project_location):
    import os

    text = run(capsys, "text", project_location, "interview_addis.txt")[1]
    phrase = "deliver? \U0001F600"  # the emoji has no Latin-1 byte
    start = text.index(phrase)
    assert run(capsys, "code", project_location, "--source", "interview_addis.txt", "--code", "development outcome",
               "--start", start, "--end", start + len(phrase), "--coder", "Thandi")[0] == 0
    env = {**os.environ, "PYTHONIOENCODING": "latin-1"}
    done = subprocess.run([sys.executable, "-m", "workbench.cli.main", "query", str(project_location), "--json",
                           "--source", "interview_addis.txt", "--coder", "Thandi"], capture_output=True, env=env)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout.decode("utf-8"))
    assert sorted(r["text"] for r in rows) == sorted([phrase, "Training for engineers, and a clinic"])
