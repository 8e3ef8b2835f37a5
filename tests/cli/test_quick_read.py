"""Issue 11: `query` by codes, sources and coders, `export` of such excerpts to CSV and the .qdc
codebook export read a local file at this program's schema with the sqlite3 module alone
(store.peek.quick_read, query.quick). They must print and write exactly what the store's way
does, on a project with what either could get wrong: nested codes in position order, cases
holding whole sources and passages (a segment's case depends on where it lies), a PDF cited
by page labels, memos on codings (two on one), emoji, combining marks and CRLF, names typed
in another case or spacing, and names that do not resolve.
"""
from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.cli.main import main
from workbench.io import qdc
from workbench.io.exporters import excerpts_csv
from workbench.query import quick

SAMPLE = Path(__file__).resolve().parents[2] / "sample_projects" / "johannesburg.qwb"
_spec = importlib.util.spec_from_file_location("io_builders", Path(__file__).parents[1] / "io" / "conftest.py")
_builders = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_builders)

EMOJI_TEXT = "Tokyo 🗼 and Cape Town 🌍 signed.\r\nThe mayor\u0301s office 👩🏽‍💼 led it.\r\n\r\nProvince said no.\r\n"
PAGES = [["Johannesburg sister city report", "Autonomy of the metro"], ["Provincial approval was slow", "Outcomes"]]


@pytest.fixture(scope="module")
def rich(tmp_path_factory) -> Path:
    """The sample project, with a PDF of labelled pages, a text with emoji, combining marks and
    CRLF, codings on both by both coders (some with memos, one with two), and cases holding
    passages that overlap."""
    root = tmp_path_factory.mktemp("quick")
    path = root / "rich.qwb"
    shutil.copy(SAMPLE, path)
    (root / "report.pdf").write_bytes(_builders.build_pdf(PAGES, "<< /Nums [0 << /S /r >> 1 << /S /D >>] >>"))
    (root / "emoji.txt").write_bytes(EMOJI_TEXT.encode("utf-8"))
    assert main(["import", str(path), str(root / "report.pdf"), str(root / "emoji.txt")]) == 0
    text_of = {}
    for name in ("report.pdf", "emoji.txt"):
        out = subprocess.run([sys.executable, "-m", "workbench.cli.main", "text", str(path), name],
                             capture_output=True, check=True).stdout.decode("utf-8")
        text_of[name] = out
    pdf, emo = text_of["report.pdf"], text_of["emoji.txt"]
    start = pdf.index("Autonomy")
    end = pdf.index("slow") + 4  # across the page break: cited "i-1"
    spans = [("report.pdf", "autonomy/own funding", start, end, "Thandi", "crosses the page"),
             ("report.pdf", "provincial constraint", pdf.index("Provincial"), end, "Pieter", None),
             ("emoji.txt", "autonomy", emo.index("🗼"), emo.index("signed"), "Thandi", "emoji 🗼"),
             ("emoji.txt", "autonomy/agenda setting", emo.index("mayor"), emo.index(" led"), "Pieter", None),
             ("emoji.txt", "provincial constraint", emo.index("Province"), emo.index(" no."), "Thandi", None)]
    for source, code, s, e, coder, memo in spans:
        argv = ["code", str(path), "--source", source, "--code", code, "--start", str(s), "--end", str(e),
                "--coder", coder] + (["--memo", memo] if memo else [])
        assert main(argv) == 0
    # Cases: São Paulo holds the emoji text's first line, Lyon a passage overlapping its end.
    for case, s, e in (("São Paulo", 0, emo.index("\n")), ("Lyon", emo.index("Cape"), emo.index("office"))):
        assert main(["cases", str(path), "--link", case, "--source", "emoji.txt",
                     "--start", str(s), "--end", str(e)]) == 0
    # Two cases at one position, as deleting a case and making one leaves them (a new case takes
    # the count of cases as its position): case order is position, then name, not id.
    _delete_case(path, "Addis Ababa")
    province = (emo.index("Province"), emo.index(" no.") + 4)
    for case in ("UCLG", "Accra"):
        assert main(["cases", str(path), "--link", case, "--source", "emoji.txt",
                     "--start", str(province[0]), "--end", str(province[1])]) == 0
    _second_memo(path)
    return path


def _delete_case(path: Path, name: str) -> None:
    from workbench.services.cases import delete_case
    from workbench.services.lookup import case_by_name
    from workbench.store.project import open_project

    with open_project(path) as p:
        with p.reading() as s:
            cid = case_by_name(s, name)
        delete_case(p, cid)


def _second_memo(path: Path) -> None:
    """A second memo on a memo'd coding, as merging two copies that each wrote one leaves it."""
    from sqlalchemy import select

    from workbench.store.models import Memo
    from workbench.store.project import open_project

    with open_project(path) as p, p.transaction() as s:
        first = s.scalars(select(Memo).where(Memo.coding_id.is_not(None)).order_by(Memo.id)).first()
        s.add(Memo(coding_id=first.coding_id, text="the other copy's memo"))


def _run(capsys, argv) -> tuple[int, str, str]:
    try:
        rc = main(argv)
    except SystemExit as exc:
        rc = exc.code
    out, err = capsys.readouterr()
    return rc, out, err


def _both(monkeypatch, capsys, module, name, argv, output: Path | None = None):
    """(rc, stdout, stderr, file bytes) of argv read quickly and through the store, and whether
    the quick read answered: the store's way is had by making the quick function give way."""
    real = getattr(module, name)
    answered = []

    def spy(*args, **kwargs):
        found = real(*args, **kwargs)
        answered.append(found is not None)
        return found

    results = []
    for fn in (spy, lambda *a, **k: None):
        monkeypatch.setattr(module, name, fn)
        if output is not None and output.exists():
            output.unlink()
        rc, out, err = _run(capsys, argv)
        results.append((rc, out, err, output.read_bytes() if output is not None and output.exists() else None))
    monkeypatch.setattr(module, name, real)
    return results[0], results[1], answered == [True]


def _code_paths(path: Path) -> list[str]:
    from workbench.core.codetree import CodeTree
    from workbench.store.peek import quick_read

    with quick_read(path) as r:
        tree = CodeTree(r.code_tree_rows())
    return [tree.path(c) for c in tree.in_order()]


def _filter_sets(path: Path) -> list[list[str]]:
    sets: list[list[str]] = [[]]
    for code in _code_paths(path):
        sets += [["--code", code], ["--code", code, "--with-children"]]
    sets += [
        ["--code", "AUTONOMY", "--code", "  provincial   constraint "],  # case and spacing as typed
        ["--code", "autonomy", "--with-children", "--coder", "thandi"],
        ["--source", "emoji.txt"], ["--source", "REPORT.PDF", "--coder", "Pieter"],
        ["--source", "emoji.txt", "--source", "report.pdf", "--code", "autonomy", "--with-children"],
        ["--coder", "Pieter", "--coder", "Thandi"],
    ]
    return sets


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "text"])
def test_a_quick_listing_prints_what_the_store_prints(monkeypatch, capsys, rich, as_json):
    found = 0
    for filters in _filter_sets(rich):
        argv = ["query", str(rich), *filters] + (["--json", "--why"] if as_json else [])
        (rc, out, err, _), (rc2, out2, err2, _), took = _both(monkeypatch, capsys, quick, "quick_listing", argv)
        assert took, filters
        assert (rc, out, err) == (rc2, out2, err2), filters
        assert rc == 0
        found += bool(json.loads(out) if as_json else not out.startswith("0 segments"))
    assert found > 30  # most filter sets find segments


def test_the_listing_holds_pages_cases_and_emoji(capsys, rich):
    """What the comparison compares is there to compare: segments cited by page labels, cut by
    overlapping case passages, with emoji in their text."""
    assert main(["query", str(rich), "--source", "report.pdf", "--json"]) == 0
    pdf = json.loads(capsys.readouterr().out)
    assert sorted(s["page"] for s in pdf) == ["1", "i-1"]  # labels i, then 1 (a decimal range starts at 1)
    assert main(["query", str(rich), "--source", "emoji.txt", "--json"]) == 0
    emo = {s["code"]: s for s in json.loads(capsys.readouterr().out)}
    assert emo["autonomy"]["text"].startswith("🗼")
    assert set(emo["autonomy"]["case"].split("; ")) == {"São Paulo", "Lyon"}  # in both passages
    assert emo["autonomy/agenda setting"]["case"] == "Lyon"
    assert emo["provincial constraint"]["case"] == "Accra; UCLG"  # both at position 5: by name


@pytest.mark.parametrize("filters", [["--code", "autonomy/no such code"], ["--source", "no such source"],
                                     ["--coder", "Nobody"], ["--code", "autonomy//own funding"]],
                         ids=["code", "source", "coder", "empty part"])
def test_a_name_that_does_not_resolve_gets_the_stores_message(monkeypatch, capsys, rich, filters):
    argv = ["query", str(rich), *filters, "--json"]
    (rc, out, err, _), store, _took = _both(monkeypatch, capsys, quick, "quick_listing", argv)
    assert (rc, out, err) == store[:3]
    assert rc == 1 and out == "" and err.count("\n") == 1


def test_cases_attributes_and_expressions_go_through_the_store(monkeypatch, capsys, rich):
    for filters in (["--case", "Tokyo"], ["--attr", "region=Africa"], ["--expr", '"autonomy" OR "economic"']):
        argv = ["query", str(rich), *filters, "--json"]
        quick_side, store_side, took = _both(monkeypatch, capsys, quick, "quick_listing", argv)
        assert not took and quick_side == store_side


def test_a_quick_csv_export_writes_the_stores_file(monkeypatch, capsys, rich, tmp_path):
    out_file = tmp_path / "x.csv"
    for filters in _filter_sets(rich):
        argv = ["export", str(rich), "-o", str(out_file), *filters]
        quick_side, store_side, took = _both(monkeypatch, capsys, excerpts_csv, "quick_export_csv", argv, out_file)
        assert took, filters
        assert quick_side == store_side, filters
        assert quick_side[0] == 0 and quick_side[3]
    assert main(["export", str(rich), "-o", str(out_file)]) == 0
    text = out_file.read_text(encoding="utf-8-sig")
    assert "crosses the page" in text and "the other copy's memo" not in text  # the first memo a coding has


def test_a_quick_qdc_export_writes_the_stores_file(monkeypatch, capsys, rich, tmp_path):
    out_file = tmp_path / "c.qdc"
    argv = ["codebook", str(rich), "--export", str(out_file)]
    quick_side, store_side, took = _both(monkeypatch, capsys, qdc, "quick_export_codebook", argv, out_file)
    assert took and quick_side == store_side and quick_side[0] == 0 and b"<CodeBook" in quick_side[3]


def test_an_empty_codebook_is_refused_the_same_way(monkeypatch, capsys, tmp_path):
    path = tmp_path / "empty.qwb"
    assert main(["new", str(path), "--name", "empty"]) == 0
    capsys.readouterr()
    out_file = tmp_path / "c.qdc"
    argv = ["codebook", str(path), "--export", str(out_file)]
    quick_side, store_side, took = _both(monkeypatch, capsys, qdc, "quick_export_codebook", argv, out_file)
    assert quick_side == store_side and quick_side[0] == 1 and "codebook is empty" in quick_side[2]
    assert not out_file.exists()


_PROBE = (
    "import sys\n"
    "from workbench.cli.main import main\n"
    "rc = main(sys.argv[1:])\n"
    "print('\\n' + '\\x00'.join([str(rc), *sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy')]),"
    " file=sys.stderr)\n"
)


def _sqlalchemy_loaded(*argv: str) -> tuple[int, bool]:
    done = subprocess.run([sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, timeout=120)
    rc, *modules = done.stderr.rstrip("\n").rsplit("\n", 1)[-1].split("\x00")
    return int(rc), bool(modules)


def test_the_quick_commands_load_no_sqlalchemy_and_leave_nothing_beside_the_file(tmp_path):
    path = tmp_path / "p.qwb"
    shutil.copy(SAMPLE, path)
    before = sorted(p.name for p in tmp_path.iterdir())
    for argv in (["query", str(path), "--code", "autonomy", "--with-children", "--json"],
                 ["query", str(path), "--source", "interview01_jhb_ir_unit.docx", "--coder", "Thandi"],
                 ["export", str(path), "-o", str(tmp_path / "out" / "a.csv"), "--code", "autonomy"],
                 ["codebook", str(path), "--export", str(tmp_path / "out" / "c.qdc")]):
        (tmp_path / "out").mkdir(exist_ok=True)
        assert _sqlalchemy_loaded(*argv) == (0, False), argv
        shutil.rmtree(tmp_path / "out")
        assert sorted(p.name for p in tmp_path.iterdir()) == before, argv
    # and the store's way still loads it: the probe can tell
    assert _sqlalchemy_loaded("query", str(path), "--case", "Johannesburg", "--json") == (0, True)


def test_an_older_schema_goes_through_the_store_and_is_refused_read_only(capsys, tmp_path):
    from workbench.store.migrate import downgrade
    from workbench.store.schema_version import REVISIONS

    path = tmp_path / "old.qwb"
    shutil.copy(SAMPLE, path)
    downgrade(path, REVISIONS[0])
    before = path.read_bytes()
    for argv in (["query", str(path), "--code", "autonomy", "--json"],
                 ["export", str(path), "-o", str(tmp_path / "a.csv"), "--code", "autonomy"]):
        rc, out, err = _run(capsys, argv)
        assert rc == 1 and out == "" and "needs an upgrade" in err and str(path) in err
    assert path.read_bytes() == before and not (tmp_path / "a.csv").exists()


def test_a_file_that_is_no_project_is_refused_in_one_line(capsys, tmp_path):
    bogus = tmp_path / "bogus.qwb"
    bogus.write_bytes(b"just notes")
    for argv in (["query", str(bogus), "--code", "a"], ["codebook", str(bogus), "--export", str(tmp_path / "c.qdc")]):
        rc, out, err = _run(capsys, argv)
        assert rc == 1 and out == "" and err.count("\n") == 1 and "not a workbench project" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bogus.qwb"]


def test_a_server_url_goes_through_the_store_without_a_connection():
    """quick_read answers None for what may be a server (the store tells which), before reading anything."""
    from workbench.store.peek import quick_read

    for location in ("postgresql://nobody@127.0.0.1:1/none?project=x", "POSTGRESQL://h/db"):
        with quick_read(location) as r:
            assert r is None
