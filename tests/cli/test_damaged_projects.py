"""Issue 12, items 7 and 10: damaged, read-only and full projects answer in one line, never hang.

Damage is made with plain sqlite3 (foreign keys off, as a crashed tool or a bad copy
leaves a file); read-only and full disks are injected into each connection the program
opens (PRAGMA query_only, PRAGMA max_page_count), since tests may run as root, for whom
file permissions do not stop writes.
"""
from __future__ import annotations

import json
import signal
import sqlite3
from contextlib import contextmanager

import pytest

from workbench.cli.main import main
from workbench.store import sqlite as store_sqlite

READS = [
    ["info", "{p}", "--json"],
    ["query", "{p}", "--json"],
    ["query", "{p}", "--code", "autonomy", "--with-children", "--json"],
    ["matrix", "{p}", "--rows", "codes", "--cols", "cases", "--with-children", "--json"],
    ["cooccur", "{p}", "--json"],
    ["export", "{p}", "-o", "{out}/report.docx"],
    ["export", "{p}", "-o", "{out}/rows.csv"],
    ["search", "{p}", "agenda", "--json"],
    ["text", "{p}", "policy.txt"],
    ["codebook", "{p}", "--export", "{out}/codebook.txt"],
    ["agreement", "{p}", "--coders", "Thandi", "Pieter", "--json"],
]
WRITES = [
    ["code", "{p}", "--source", "policy.txt", "--code", "autonomy", "--start", "0", "--end", "9"],
    ["import", "{p}", "{out}/new.txt"],
    ["codebook", "{p}", "--import", "{out}/more.txt"],
]


@contextmanager
def no_hang(seconds: int = 60):
    def stop(*_):
        raise AssertionError(f"the command was still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def run(capsys, argv, project, out_dir):
    argv = [a.replace("{p}", str(project)).replace("{out}", str(out_dir)) for a in argv]
    with no_hang():
        code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and "internal error" not in err, err
    return lines[0]


@pytest.fixture
def out_dir(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "new.txt").write_text("Interviewer: a new transcript\n", encoding="utf-8")
    (folder / "more.txt").write_text("fresh code\n", encoding="utf-8")
    return folder


def damage(path, *statements):
    con = sqlite3.connect(path)
    try:
        for sql in statements:
            con.execute(sql)
        con.commit()
    finally:
        con.close()


@pytest.fixture
def damaged(project_path, tmp_path):
    """A copy of the small project to damage (the project_path fixture checks its own file is sound)."""
    import shutil

    copy = tmp_path / "damaged.qwb"
    shutil.copy(project_path, copy)
    return copy


# --- item 7: a parent cycle ----------------------------------------------------------------------
def _ids(path):
    con = sqlite3.connect(path)
    try:
        return dict(con.execute("SELECT name, id FROM code").fetchall())
    finally:
        con.close()


@pytest.mark.parametrize("argv", READS[:7] + READS[9:], ids=lambda a: " ".join(a[:1] + a[2:3]))
def test_a_code_parent_cycle_never_hangs_and_gives_the_undamaged_answer(capsys, project_path, damaged, out_dir,
                                                                        argv):
    ids = _ids(damaged)
    # autonomy -> own funding -> autonomy: a loop no walk up or down the tree ever leaves.
    damage(damaged, f"UPDATE code SET parent_id = {ids['own funding']} WHERE id = {ids['autonomy']}")
    code, out, err = run(capsys, argv, damaged, out_dir)
    assert code == 0, err
    if "--json" in argv:
        _, expected, _ = run(capsys, argv, project_path, out_dir)
        # The loop is cut at its smallest id (autonomy), which is the tree the file had before.
        assert json.loads(out) == json.loads(expected)


def test_the_code_tree_cuts_cycles_and_dangling_parents(damaged):
    from workbench.services.lookup import CodeTree
    from workbench.store.project import open_project

    ids = _ids(damaged)
    damage(damaged,
           f"UPDATE code SET parent_id = {ids['unrealised objective']} WHERE id = {ids['development outcome']}",
           f"UPDATE code SET parent_id = 4242 WHERE id = {ids['provincial constraint']}")
    with open_project(damaged, readonly=True) as project, project.reading() as s:
        tree = CodeTree(s)
    assert sorted(tree.in_order()) == sorted(ids.values())  # every code once, none lost in the loop
    assert tree.cut == sorted([ids["development outcome"], ids["provincial constraint"]])
    assert tree.path(ids["unrealised objective"]) == "development outcome/unrealised objective"
    assert tree.path(ids["provincial constraint"]) == "provincial constraint"


# --- item 10: damaged files ----------------------------------------------------------------------
def _corrupt_table(path, table: str) -> None:
    con = sqlite3.connect(path)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    con.close()
    with open(path, "r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(b"\xa5" * page_size)


DAMAGES = {
    "corrupt coding pages": lambda p: _corrupt_table(p, "coding"),
    "missing coding table": lambda p: damage(p, "DROP TABLE coding"),
    "dangling coding rows": lambda p: damage(
        p, "INSERT INTO coding (guid, source_id, code_id, coder_id, start, \"end\", created_at) "
           "SELECT 'dangling-1', id, 4242, 1, 0, 5, '2024-01-01' FROM source LIMIT 1"),
}


@pytest.mark.parametrize("kind", list(DAMAGES))
@pytest.mark.parametrize("argv", READS + WRITES, ids=lambda a: " ".join(a[:1] + a[2:3]))
def test_every_command_on_a_damaged_project_answers_in_one_line(capsys, damaged, out_dir, kind, argv):
    DAMAGES[kind](damaged)
    code, out, err = run(capsys, argv, damaged, out_dir)
    if code != 0:
        line = one_line(err)
        assert code == 1 and str(damaged) in line and "damaged" in line, line


@pytest.mark.parametrize("kind", list(DAMAGES))
def test_reading_the_codings_of_a_damaged_project_says_damaged(capsys, damaged, out_dir, kind):
    DAMAGES[kind](damaged)
    code, _, err = run(capsys, ["query", "{p}", "--json"], damaged, out_dir)
    line = one_line(err)
    assert code == 1 and "damaged" in line and str(damaged) in line, line


# --- item 10: read-only and full ------------------------------------------------------------------
@pytest.fixture
def inject_pragma(monkeypatch):
    """Run one more PRAGMA on every connection the program opens to a project."""
    from sqlalchemy import event

    def install(statement: str):
        real = store_sqlite.install_pragmas

        def with_extra(engine, **kwargs):
            real(engine, **kwargs)

            @event.listens_for(engine, "connect")
            def _extra(dbapi_conn, _record):
                dbapi_conn.execute(statement)

        monkeypatch.setattr(store_sqlite, "install_pragmas", with_extra)

    return install


@pytest.mark.parametrize("argv", WRITES, ids=lambda a: a[0])
def test_writing_to_a_read_only_project_is_one_line(capsys, damaged, out_dir, inject_pragma, argv):
    before = damaged.read_bytes()
    inject_pragma("PRAGMA query_only = ON")
    code, _, err = run(capsys, argv, damaged, out_dir)
    line = one_line(err)
    assert code == 1 and "read-only" in line and str(damaged) in line, line
    assert damaged.read_bytes() == before


def test_search_in_a_read_only_project_is_one_line(capsys, damaged, out_dir, inject_pragma):
    # Search builds its index on first use, a write: refused in words, not a traceback.
    inject_pragma("PRAGMA query_only = ON")
    code, out, err = run(capsys, ["search", "{p}", "agenda", "--json"], damaged, out_dir)
    line = one_line(err)
    assert code == 1 and "read-only" in line and str(damaged) in line, line


@pytest.mark.parametrize("argv", WRITES[1:], ids=lambda a: a[0])
def test_a_full_disk_is_one_line_and_changes_nothing(capsys, damaged, out_dir, inject_pragma, argv):
    con = sqlite3.connect(damaged)
    pages = con.execute("PRAGMA page_count").fetchone()[0]
    con.close()
    inject_pragma(f"PRAGMA max_page_count = {pages}")  # the file may not grow by a single page
    (out_dir / "new.txt").write_text("Interviewer: " + "a long answer " * 20000 + "\n", encoding="utf-8")
    (out_dir / "more.txt").write_text("".join(f"code {i}\n" for i in range(5000)), encoding="utf-8")
    before = damaged.read_bytes()
    code, _, err = run(capsys, argv, damaged, out_dir)
    line = one_line(err)
    assert code == 1 and "disk is full" in line and str(damaged) in line, line
    assert damaged.read_bytes() == before
