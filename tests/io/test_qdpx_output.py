"""Where a QDPX import writes: a uniquely named hidden temporary, swept after a kill; a stale journal at
the output never replayed onto the new project; no success for a project that was not finished."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from refi_helpers import report_body, snapshot

from workbench.core.errors import ImportRefused, ProjectError
from workbench.io.refi import qdpx_build
from workbench.io.refi.qdpx_export import export_qdpx
from workbench.io.refi.qdpx_import import import_qdpx
from workbench.store import files
from workbench.store import sqlite as wsqlite
from workbench.store.project import open_project

# Run in a child: the import, held at one point (the test injects the pause) until the test kills it.
CHILD = textwrap.dedent(
    """
    import sys, time
    from workbench.io.refi import qdpx_build, qdpx_output
    from workbench.io.refi.qdpx_import import import_qdpx

    where = sys.argv[3]

    def hold(fn):
        def held(*args, **kwargs):
            result = fn(*args, **kwargs) if where == "building" else None
            print("holding", flush=True)
            time.sleep(120)
            return result
        return held

    if where == "building":  # every row written, the transaction not yet committed
        qdpx_build.Builder.run = hold(qdpx_build.Builder.run)
    else:  # the project finished under its temporary name, not yet given the output's
        qdpx_output.place = hold(qdpx_output.place)
    import_qdpx(sys.argv[1], sys.argv[2])
    """
)


@pytest.fixture
def qdpx(project_path, tmp_path) -> Path:
    path = tmp_path / "in.qdpx"
    export_qdpx(project_path, path)
    return path


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
@pytest.mark.parametrize("where", ["building", "placing"])
def test_a_killed_import_leaves_no_project_and_the_next_import_sweeps_what_it_left(qdpx, tmp_path, where):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "new.qwb"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(qdpx), str(out), where], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()
        assert line.startswith("holding"), child.stderr.read()
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    left = sorted(p.name for p in folder.iterdir())
    # Nothing has the project's name or looks like one: only the killed import's hidden temporary.
    assert not out.exists() and left, left
    assert all(n.startswith(f".new.qwb.{child.pid}-") and ".part" in n for n in left), left
    rep = import_qdpx(qdpx, out)
    assert sorted(p.name for p in folder.iterdir()) == ["new.qwb"]
    assert wsqlite.integrity_problems(out) == [] and rep.imported["codings"] == 8


def test_the_sweep_takes_only_dead_imports_of_the_same_output(qdpx, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    dead = _dead_pid()
    mine = [f".new.qwb.{dead}-abc123.part", f".new.qwb.{dead}-abc123.part-journal", f".new.qwb.{dead}-x9.part-wal"]
    kept = [f".new.qwb.{os.getpid()}-live.part",  # a live process (this one) may be building it
            f".other.qwb.{dead}-abc123.part",  # another output's
            ".new.qwb.notapid.part", "new.qwb.backup"]  # not our pattern
    for name in mine + kept:
        (folder / name).write_bytes(b"x")
    import_qdpx(qdpx, folder / "new.qwb")
    assert sorted(p.name for p in folder.iterdir()) == sorted(kept + ["new.qwb"])


@pytest.mark.parametrize("sidecar", ["-wal", "-shm", "-journal"])
def test_a_stale_journal_at_the_output_is_removed_and_reported_never_replayed(qdpx, tmp_path, sidecar):
    # A WAL (or journal) of some other database, left where the output goes.
    donor = tmp_path / "donor.db"
    con = sqlite3.connect(donor)
    con.execute("PRAGMA journal_mode=WAL" if sidecar != "-journal" else "PRAGMA journal_mode=PERSIST")
    con.execute("PRAGMA wal_autocheckpoint=0")
    con.execute("CREATE TABLE project(x)")
    con.executemany("INSERT INTO project VALUES (?)", [(i,) for i in range(500)])
    con.commit()
    stale = Path(f"{donor}{sidecar}").read_bytes() if Path(f"{donor}{sidecar}").exists() else b""
    con.close()
    stale = stale or os.urandom(8192)
    out = tmp_path / "new.qwb"
    Path(f"{out}{sidecar}").write_bytes(stale)
    rep = import_qdpx(qdpx, out)
    assert not Path(f"{out}{sidecar}").exists()
    assert wsqlite.integrity_problems(out) == []
    clean = tmp_path / "clean.qwb"
    import_qdpx(qdpx, clean)
    assert snapshot(out) == snapshot(clean)
    open_project(out).close()
    assert any(f"new.qwb{sidecar}" in w and "replayed" in w for w in report_body(out)["warnings"])
    assert any(f"new.qwb{sidecar}" in w for w in rep.warnings)


def test_a_journal_appearing_during_the_build_refuses_the_import(qdpx, tmp_path, monkeypatch):
    out = tmp_path / "new.qwb"
    run = qdpx_build.Builder.run

    def and_a_wal_appears(self):
        Path(f"{out}-wal").write_bytes(b"someone else's")
        return run(self)

    monkeypatch.setattr(qdpx_build.Builder, "run", and_a_wal_appears)
    with pytest.raises(ProjectError, match="new.qwb-wal appeared"):
        import_qdpx(qdpx, out)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith((".new.qwb", "new.qwb"))) == ["new.qwb-wal"]


def test_a_project_that_could_not_be_finished_is_never_reported_done(qdpx, tmp_path, monkeypatch):
    """A checkpoint that leaves changes in the WAL (another reader, a full disk) must not end in success."""
    def checkpoint_that_cannot(path):
        Path(f"{path}-wal").write_bytes(b"\x37\x7f\x06\x82" + b"\x00" * 60)  # a WAL with pages still in it

    monkeypatch.setattr(files, "make_whole", checkpoint_that_cannot)
    out = tmp_path / "new.qwb"
    with pytest.raises(ImportRefused, match="could not be finished"):
        import_qdpx(qdpx, out)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".new.qwb")] == []
