"""Issue 11: a command-line call loads only the subcommand it runs; `--help` and `info` load no
SQLAlchemy and no store, and every subcommand still answers --help with an example."""
from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

from workbench.cli.main import COMMANDS, main
from workbench.store.schema_version import HEAD

_PROBE = (
    "import sys\n"
    "from workbench.cli.main import main\n"
    "try:\n"
    "    rc = main(sys.argv[1:])\n"
    "except SystemExit as exc:\n"
    "    rc = exc.code\n"
    "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy' or m.startswith('workbench.'))\n"
    "print('\\n' + '\\x00'.join([str(rc), *loaded]), file=sys.stderr)\n"
)


def _loaded(*argv: str) -> tuple[int, list[str], str]:
    """Run the command line in a fresh interpreter; its exit code, the modules of interest it
    imported, and its stdout."""
    done = subprocess.run([sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, timeout=120)
    rc, *modules = done.stderr.rstrip("\n").rsplit("\n", 1)[-1].split("\x00")
    return int(rc), modules, done.stdout


def test_help_imports_neither_sqlalchemy_nor_the_store():
    rc, modules, out = _loaded("--help")
    assert rc == 0
    assert [name for name, _, _ in COMMANDS] == [n for n in _listed(out)]
    assert not [m for m in modules if m.startswith("sqlalchemy")], modules
    assert not [m for m in modules if m.startswith("workbench.store")], modules
    assert not [m for m in modules if m.startswith("workbench.cli.") and m != "workbench.cli.main"], modules


def _listed(help_text: str) -> list[str]:
    """The subcommand names in the top-level help's list of commands."""
    lines = help_text.split("COMMAND ...", 1)[1].splitlines()
    return [ln.split()[0] for ln in lines if ln.startswith("    ") and not ln.startswith("     ")]


def test_info_reads_the_project_without_sqlalchemy(project_path):
    rc, modules, out = _loaded("info", str(project_path), "--json")
    assert rc == 0
    assert json.loads(out)["codings"] == 8
    assert not [m for m in modules if m.startswith("sqlalchemy")], modules
    assert "workbench.store.models" not in modules and "workbench.store.project" not in modules


def test_a_subcommand_loads_only_its_own_module(project_path):
    rc, modules, _ = _loaded("coders", str(project_path), "list", "--json")
    assert rc == 0
    commands = {f"workbench.cli.{module}" for _, module, _ in COMMANDS}
    assert sorted(commands & set(modules)) == ["workbench.cli.coders"]


@pytest.mark.parametrize("name, module, help_", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_every_subcommand_has_its_module_help_and_an_example(capsys, name, module, help_):
    mod = importlib.import_module(f"workbench.cli.{module}")
    assert (mod.NAME, mod.HELP) == (name, help_)  # the table the top-level help is built from is the modules'
    with pytest.raises(SystemExit) as exc:
        main([name, "--help"])
    out = capsys.readouterr().out
    assert exc.value.code == 0
    assert out.startswith(f"usage: workbench {name} ")
    assert f"workbench {name} " in out.split("usage:", 1)[1].split("\n", 1)[1], "no example in its --help"


def test_info_json_matches_the_orm_counts(capsys, project_path):
    """The sqlite3 fast path and the ORM see the same project."""
    from sqlalchemy import func, select

    from workbench.store.models import Case, Code, Coder, Coding, ProjectInfo, Source
    from workbench.store.project import open_project

    assert main(["info", str(project_path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    with open_project(project_path, readonly=True) as p, p.reading() as s:
        info = s.scalars(select(ProjectInfo)).one()
        count = {k: s.scalar(select(func.count()).select_from(m))
                 for k, m in (("sources", Source), ("codes", Code), ("codings", Coding), ("cases", Case))}
        coders = sorted(s.scalars(select(Coder.name)))
    assert data == {"schema": HEAD, "project": {"guid": info.guid, "name": info.name}, **count, "coders": coders}


def test_info_on_an_old_schema_refuses_as_a_read_only_open_does(capsys, project_path):
    from workbench.store.migrate import downgrade
    from workbench.store.project import open_project
    from workbench.store.schema_version import REVISIONS

    downgrade(project_path, REVISIONS[0])
    before = project_path.read_bytes()
    assert main(["info", str(project_path), "--json"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and str(project_path) in err and "needs an upgrade" in err
    assert project_path.read_bytes() == before
    open_project(project_path).close()  # upgraded, for the fixture's checks


@pytest.mark.parametrize("content, words", [(b"just notes", "not a workbench project"),
                                            (b"SQLite format 3\x00" + b"\x00" * 200, "")])
def test_info_on_a_file_that_is_no_project_is_one_line(capsys, tmp_path, content, words):
    bogus = tmp_path / "bogus.qwb"
    bogus.write_bytes(content)
    assert main(["info", str(bogus), "--json"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and str(bogus) in err and words in err
    assert bogus.read_bytes() == content and sorted(p.name for p in tmp_path.iterdir()) == ["bogus.qwb"]


def test_a_code_query_loads_neither_the_case_service_nor_difflib(project_path):
    """`query --code` without --attr never reads attribute values, and a name typed right needs
    no suggestions: the case service (with its tombstones and CSV reader) and difflib stay unloaded."""
    probe = _PROBE.replace("m.split('.')[0] == 'sqlalchemy' or", "m == 'difflib' or")
    done = subprocess.run([sys.executable, "-c", probe, "query", str(project_path), "--code", "autonomy", "--json"],
                          capture_output=True, text=True, timeout=120)
    rc, *modules = done.stderr.rstrip("\n").rsplit("\n", 1)[-1].split("\x00")
    assert int(rc) == 0 and json.loads(done.stdout)
    assert "workbench.query.quick" in modules  # it ran the query (read by sqlite3 alone: test_quick_read)
    assert "workbench.services.cases" not in modules and "difflib" not in modules, modules
