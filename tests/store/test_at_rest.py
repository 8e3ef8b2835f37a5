"""The `.qwb` alone holds every committed change: users copy, e-mail and sync that one file (issue 9.1).

A plain `shutil.copyfile` of the project taken while a program holds it open and writes
must open with everything committed before the copy began; nothing (`-wal`, `-shm`,
`-journal`) is left beside a project once it is closed, or beside merge inputs.
"""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import textwrap

from workbench.store import sqlite as wsqlite
from workbench.store.project import open_project

WRITER = textwrap.dedent(
    """
    import sys
    from sqlalchemy import select
    from workbench.store.project import open_project
    from workbench.services.coding import apply_code
    from workbench.store.models import Source, Code, Coder

    project = open_project(sys.argv[1])  # held open the whole time, as the window holds it
    with project.reading() as s:
        sid, length = s.execute(select(Source.id, Source.length)).first()
        code = s.scalar(select(Code.id))
        coder = s.scalar(select(Coder.id))
    for n in range(int(sys.argv[2])):
        start = n % (length - 5)
        apply_code(project, sid, code, coder, start, start + 1 + n % 4)
        print("committed", n, flush=True)
        sys.stdin.readline()  # the test copies the file, then lets the next coding go
    project.close()
    """
)


def _codings(path) -> int:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("SELECT count(*) FROM coding").fetchone()[0]
    finally:
        con.close()


def _sidecars(path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name + "-"))


def test_a_copy_taken_while_another_program_writes_holds_every_committed_coding(project_path, tmp_path):
    base = _codings(project_path)
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(project_path), "12"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        for n in range(12):
            line = proc.stdout.readline()
            assert line.startswith("committed"), line
            copy = tmp_path / f"copy{n}.qwb"
            shutil.copyfile(project_path, copy)  # the .qwb alone, as a user copies it
            assert _codings(copy) == base + n + 1
            assert wsqlite.integrity_problems(copy) == []
            proc.stdin.write("\n")
            proc.stdin.flush()
    finally:
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0
        proc.stdout.close()
    assert _sidecars(project_path) == []


def test_a_copy_taken_between_cli_commands_holds_every_one(project_path, tmp_path):
    from workbench.cli.main import main

    base = _codings(project_path)
    for n in range(5):
        assert main(["code", str(project_path), "--source", "policy.txt", "--code", "autonomy",
                     "--start", str(n), "--end", str(n + 3)]) == 0
        copy = tmp_path / f"c{n}.qwb"
        shutil.copyfile(project_path, copy)
        assert _codings(copy) == base + n + 1
    assert _sidecars(project_path) == []


def test_nothing_is_left_beside_a_closed_project_or_the_inputs_of_a_merge(project_path, tmp_path, capsys):
    from workbench.cli.main import main

    other = tmp_path / "other.qwb"
    shutil.copyfile(project_path, other)
    # An input an older version left in WAL mode: reading it must not leave -wal/-shm beside it.
    old = tmp_path / "old.qwb"
    shutil.copyfile(project_path, old)
    con = sqlite3.connect(old)
    assert con.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
    con.close()
    assert _sidecars(old) == []
    p = open_project(project_path)
    p.close()
    assert main(["merge", str(project_path), str(other), str(old)]) == 0
    assert main(["merge", str(project_path), str(other), "-o", str(tmp_path / "out.qwb")]) == 0
    capsys.readouterr()
    for path in (project_path, other, old, tmp_path / "out.qwb"):
        assert _sidecars(path) == [], path
    # And the file is in rollback-journal mode, so no other program leaves them either.
    con = sqlite3.connect(project_path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    con.close()


OLD_WRITER = textwrap.dedent(
    """
    import sqlite3, sys, time
    con = sqlite3.connect(sys.argv[1])
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA wal_autocheckpoint=0")
    con.execute("UPDATE project SET description = 'written into the wal'")
    con.commit()
    print("committed", flush=True)
    time.sleep(60)
    """
)


def test_a_project_an_older_version_left_in_wal_mode_is_whole_after_one_opening(project_path, tmp_path):
    """An older version killed with its change still in the WAL: one opening folds it into the file."""
    import os
    import signal

    proc = subprocess.Popen([sys.executable, "-c", OLD_WRITER, str(project_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().startswith("committed")
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()
    wal = tmp_path / (project_path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0
    open_project(project_path).close()
    assert _sidecars(project_path) == []
    copy = tmp_path / "copy.qwb"
    shutil.copyfile(project_path, copy)
    check = sqlite3.connect(copy)
    try:
        assert check.execute("SELECT description FROM project").fetchone()[0] == "written into the wal"
    finally:
        check.close()
