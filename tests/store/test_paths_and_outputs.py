"""A path is a path, and an output is whole or absent (issue 12: items 1, 2, 3, 9, 11).

- names with `%XX`, `?`, `#`, spaces and non-ASCII characters open that file and no other,
  under that file's lock;
- every output built through a temporary file has a unique temporary name, clears stale
  sidecars at its destination, never replaces a file that appeared there, and never
  reports success for a file it did not finish;
- backups are complete before they have their name; refusals leave nothing beside a file.
"""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from workbench.cli.main import main
from workbench.core.errors import ProjectError, ProjectLockedError
from workbench.store import sqlite as wsqlite
from workbench.store.project import create_project, open_project

ODD_NAMES = ["team%20copy.qwb", "c?d.qwb", "a#b.qwb", "two  spaces.qwb", "Zürich – São Paulo.qwb",
             "%3F%23.qwb", "x&mode=ro.qwb"]


def _scalar(path: Path, sql: str):
    con = sqlite3.connect(wsqlite.file_uri(path, mode="ro"), uri=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


@pytest.mark.parametrize("name", ODD_NAMES)
def test_every_command_reads_and_writes_the_file_it_is_given(tmp_path, capsys, name):
    path = tmp_path / name
    note = tmp_path / "note.txt"
    note.write_text("The province signs every agreement.\n", encoding="utf-8")
    assert main(["new", str(path), "--coder", "Thandi"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, "note.txt"])
    assert main(["import", str(path), str(note)]) == 0
    assert main(["code", str(path), "--source", "note.txt", "--code", "provincial constraint", "--create",
                 "--start", "4", "--end", "12"]) == 0
    capsys.readouterr()
    assert main(["info", str(path), "--json"]) == 0
    assert '"codings": 1' in capsys.readouterr().out
    assert main(["query", str(path), "--json"]) == 0
    assert "province" in capsys.readouterr().out
    assert main(["search", str(path), "signs", "--json"]) == 0
    assert '"start": 13' in capsys.readouterr().out
    assert main(["export", str(path), "-o", str(tmp_path / "x.docx")]) == 0
    assert main(["merge", str(path), str(tmp_path / "nothing.qwb")]) == 1  # a missing file, named
    assert "nothing.qwb" in capsys.readouterr().err
    out = tmp_path / ("out " + name)
    other = tmp_path / "other.qwb"
    shutil.copyfile(path, other)
    assert main(["merge", str(path), str(other), "-o", str(out)]) == 0
    assert _scalar(out, "SELECT count(*) FROM coding") == 1
    assert _scalar(path, "SELECT count(*) FROM source") == 1


def test_a_percent_escape_in_a_name_is_not_the_file_it_spells(tmp_path, capsys):
    """`team%20copy.qwb` beside `team copy.qwb`: the note lands where it was sent, past no lock."""
    plain, escaped = tmp_path / "team copy.qwb", tmp_path / "team%20copy.qwb"
    assert main(["new", str(plain)]) == 0
    assert main(["new", str(escaped)]) == 0
    note = tmp_path / "note.txt"
    note.write_text("A line of text.\n", encoding="utf-8")
    holder = open_project(plain)  # another program has `team copy.qwb` open for writing
    try:
        assert main(["import", str(escaped), str(note)]) == 0
        with pytest.raises(ProjectLockedError):
            open_project(plain)
    finally:
        holder.close()
    capsys.readouterr()
    assert _scalar(escaped, "SELECT count(*) FROM source") == 1
    assert _scalar(plain, "SELECT count(*) FROM source") == 0


def test_temporary_files_beside_a_destination_never_share_a_name(tmp_path):
    dest = tmp_path / "out.qwb"
    names = {wsqlite.temp_beside(dest).name for _ in range(50)}
    assert len(names) == 50
    assert all(n.startswith(".out.qwb.") and n.endswith(".part") for n in names)


def test_a_finished_file_never_replaces_one_that_appeared_at_its_destination(tmp_path):
    dest = tmp_path / "out.qwb"
    first, second = wsqlite.temp_beside(dest), wsqlite.temp_beside(dest)
    first.write_bytes(b"first")
    second.write_bytes(b"second")
    wsqlite.place_new_file(first, dest)
    with pytest.raises(ProjectError, match="already exists"):
        wsqlite.place_new_file(second, dest)
    assert dest.read_bytes() == b"first"
    assert not first.exists() and second.exists()


MERGER = textwrap.dedent(
    """
    import sys
    from workbench.cli.main import main
    sys.exit(main(["merge", sys.argv[1], sys.argv[2], "-o", sys.argv[3]]))
    """
)


@pytest.mark.slow
def test_two_merges_into_one_output_at_once_give_one_whole_file_and_one_refusal(project_path, tmp_path):
    other = tmp_path / "other.qwb"
    shutil.copyfile(project_path, other)
    for attempt in range(3):
        out = tmp_path / f"out{attempt}.qwb"
        procs = [subprocess.Popen([sys.executable, "-c", MERGER, str(project_path), str(other), str(out)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
        codes = sorted(r[0] for r in results)
        assert codes == [0, 1], results
        assert "already exists" in next(r[2] for r in results if r[0] == 1)
        assert wsqlite.integrity_problems(out) == []
        assert _scalar(out, "SELECT count(*) FROM coding") == 8
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


CREATOR = textwrap.dedent(
    """
    import sys
    from workbench.cli.main import main
    sys.exit(main(["new", sys.argv[1], "--name", sys.argv[2]]))
    """
)


@pytest.mark.slow
def test_two_programs_making_one_project_get_one_project_and_one_refusal(tmp_path):
    for attempt in range(3):
        path = tmp_path / f"p{attempt}.qwb"
        procs = [subprocess.Popen([sys.executable, "-c", CREATOR, str(path), f"maker {n}"], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for n in range(2)]
        results = [(p.wait(timeout=60), *p.communicate()) for p in procs]
        assert sorted(r[0] for r in results) == [0, 1], results
        winner = next(n for n, r in enumerate(results) if r[0] == 0)
        assert _scalar(path, "SELECT name FROM project") == f"maker {winner}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p0.qwb", "p1.qwb", "p2.qwb"]


@pytest.mark.parametrize("sidecar", ["-journal", "-wal", "-shm"])
def test_a_stale_sidecar_at_an_output_path_is_never_replayed_onto_the_new_file(project_path, tmp_path, capsys,
                                                                                sidecar):
    # A journal or WAL of some other database, left where the output goes.
    donor = tmp_path / "donor.qwb"
    con = sqlite3.connect(donor)
    con.execute("PRAGMA journal_mode=WAL" if sidecar != "-journal" else "PRAGMA journal_mode=PERSIST")
    con.execute("CREATE TABLE t(x)")
    con.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(500)])
    con.commit()
    stale = b"".join(p.read_bytes() for p in tmp_path.glob("donor.qwb-*")) or os.urandom(4096)
    con.close()
    other = tmp_path / "other.qwb"
    shutil.copyfile(project_path, other)
    for out, argv in ((tmp_path / "merged.qwb", ["merge", str(project_path), str(other), "-o"]),
                      (tmp_path / "new.qwb", ["new"])):
        Path(f"{out}{sidecar}").write_bytes(stale)
        assert main([*argv, str(out)]) == 0
        capsys.readouterr()
        assert wsqlite.integrity_problems(out) == []
        assert not Path(f"{out}{sidecar}").exists()
        open_project(out).close()


BACKER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from workbench.store import sqlite
    print("go", flush=True)
    while True:
        n = 0
        dest = Path(sys.argv[2] + f".backup-{n}.qwb")
        while dest.exists():
            n += 1
            dest = Path(sys.argv[2] + f".backup-{n}.qwb")
        sqlite.backup_copy(Path(sys.argv[1]), dest)
    """
)


@pytest.mark.slow
def test_a_backup_killed_midway_never_has_a_good_backup_s_name(project_path, tmp_path):
    # A bigger file, so a kill lands inside a copy.
    with open_project(project_path) as p, p.transaction() as s:
        from sqlalchemy import text

        s.execute(text("UPDATE project SET description = :d"), {"d": "x" * 4_000_000})
    for delay in (0.05, 0.1, 0.15, 0.2, 0.3):
        proc = subprocess.Popen([sys.executable, "-c", BACKER, str(project_path), str(tmp_path / "b")],
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().startswith("go")
        import time

        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()
    backups = sorted(tmp_path.glob("b.backup-*.qwb"))
    assert backups, "no backup finished in the time given"
    for b in backups:
        assert wsqlite.integrity_problems(b) == [], b
        assert _scalar(b, "SELECT length(description) FROM project") == 4_000_000
    # The leftovers of killed copies are hidden, and the next copy beside them sweeps them away.
    wsqlite.backup_copy(project_path, tmp_path / "b.final.qwb")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part") and "b.final" in p.name] == []


def test_a_newer_project_is_refused_with_nothing_left_beside_it(tmp_path):
    path = tmp_path / "newer.qwb"
    create_project(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.execute("PRAGMA journal_mode=WAL")  # as a newer program might leave it
    con.close()
    before = path.read_bytes()
    with pytest.raises(ProjectError, match="newer version"):
        open_project(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["newer.qwb"]
    assert path.read_bytes() == before


def test_two_schema_versions_are_damage_in_one_line(project_path, capsys):
    con = sqlite3.connect(project_path)
    con.execute("DROP TABLE alembic_version")
    con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    from workbench.store.schema_version import HEAD, REVISIONS

    con.execute("INSERT INTO alembic_version VALUES (?), (?)", (REVISIONS[-2], HEAD))
    con.commit()
    con.close()
    assert main(["info", str(project_path), "--json"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "damaged" in err and str(project_path) in err
    con = sqlite3.connect(project_path)  # put it right for the fixture's integrity check
    con.execute("DELETE FROM alembic_version WHERE version_num = ?", (REVISIONS[-2],))
    con.commit()
    con.close()


def test_a_trigger_planted_in_a_project_never_fires(project_path, capsys):
    con = sqlite3.connect(project_path)
    con.execute("CREATE TRIGGER wipe AFTER INSERT ON coding BEGIN DELETE FROM coding; END")
    con.execute("CREATE VIEW peek AS SELECT * FROM coder")
    con.commit()
    con.close()
    assert main(["code", str(project_path), "--source", "policy.txt", "--code", "autonomy",
                 "--start", "0", "--end", "5"]) == 0
    captured = capsys.readouterr()
    assert "trigger wipe" in captured.err and "view peek" in captured.err
    assert _scalar(project_path, "SELECT count(*) FROM coding") == 9
    assert _scalar(project_path, "SELECT count(*) FROM sqlite_master WHERE type IN ('trigger', 'view')") == 0


def _run_cli(argv: list[str]) -> subprocess.CompletedProcess:
    code = "import sys; from workbench.cli.main import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=60)


def _lock_down(path: Path, on: bool) -> None:
    """Make a file or folder unwritable: by its mode, or, for root (who writes anything), by the
    immutable attribute."""
    if os.geteuid() != 0:
        path.chmod((0o555 if path.is_dir() else 0o444) if on else 0o755)
        return
    res = subprocess.run(["chattr", "+i" if on else "-i", str(path)], capture_output=True, text=True)
    if res.returncode != 0:
        if on and os.environ.get("CI") == "true":
            pytest.fail(f"cannot make {path} unwritable as root: {res.stderr.strip()}")
        pytest.skip(f"cannot make {path} unwritable as root: {res.stderr.strip()}")


@pytest.mark.slow
@pytest.mark.parametrize("folder_too", [False, True], ids=["read-only file", "read-only folder"])
def test_an_unwritable_project_reads_and_refuses_writes_in_one_line(tmp_path, project_path, folder_too):
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "ro.qwb"
    shutil.copyfile(project_path, path)
    locked = [path, folder] if folder_too else [path]
    for p in locked:
        _lock_down(p, True)
    try:
        info = _run_cli(["info", str(path), "--json"])
        assert info.returncode == 0, info.stderr
        assert '"codings": 8' in info.stdout
        query = _run_cli(["search", str(path), "province", "--json"])
        assert query.returncode == 0, query.stderr
        for argv in (["code", str(path), "--source", "policy.txt", "--code", "autonomy", "--start", "0",
                      "--end", "4"], ["uncode", str(path), "00000000-0000-0000-0000-000000000000"]):
            res = _run_cli(argv)
            assert res.returncode == 1
            assert res.stderr.count("\n") == 1 and "read-only" in res.stderr and str(path) in res.stderr
            assert "Traceback" not in res.stderr
    finally:
        for p in locked:
            _lock_down(p, False)
