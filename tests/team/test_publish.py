"""workbench publish FILE URL: a new team project holding every row of the file, GUIDs kept (issue 14).

Against the real test cluster. Every table is read back on both sides through the store
(tests/store_read.py's way: open_project, read-only) and compared row by row, ids and GUIDs
included; the expected counts are the hand counts of the small project (conftest) and of
the sample project (its README: 13 sources, 6 cases, 294 codings).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select, text

from store_read import count, rows
from workbench.cli.main import main
from workbench.core.errors import Cancelled, ProjectError, ProjectLockedError
from workbench.services.server_copies import publish
from workbench.store.models import Base
from workbench.store.project import open_project

SAMPLE = Path(__file__).resolve().parents[2] / "sample_projects" / "johannesburg.qwb"
ADDED_ON_SERVER = {("team", "on")}  # what publishing adds: the team mark (store.team_roles.secure)


@pytest.fixture
def server(pg_databases):
    name = pg_databases.fresh()
    yield lambda project="p": pg_databases.cluster.url(name, project)
    pg_databases.drop(name)


def every_row(location) -> dict[str, list[tuple]]:
    """Each table of the models, every column, in id order (typed by the models on both engines)."""
    out = {}
    with open_project(location, readonly=True) as p, p.reading() as s:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns)
            out[table.name] = [tuple(r) for r in s.execute(select(table).order_by(*order))]
    return out


def assert_same_rows(file, url) -> None:
    ours, theirs = every_row(file), every_row(url)
    assert ours.keys() == theirs.keys()
    meta_file, meta_server = set(ours.pop("project_meta")), set(theirs.pop("project_meta"))
    assert meta_server - meta_file == ADDED_ON_SERVER and meta_file <= meta_server
    for table in ours:
        assert ours[table] == theirs[table], table


def _with_tombstone_and_memo(path: Path) -> None:
    """A deleted coding (a tombstone) and a coding with a memo, so every kind of row travels."""
    guid = rows(path, "SELECT guid FROM coding ORDER BY id")[0][0]
    assert main(["uncode", str(path), guid, "--coder", "Thandi"]) == 0
    assert main(["code", str(path), "--source", "policy.txt", "--code", "autonomy", "--start", "0",
                 "--end", "10", "--coder", "Pieter", "--memo", "Prüfen: «Purpose» 😀"]) == 0


def test_publish_keeps_every_row_of_the_small_project(project_path, server, capsys):
    _with_tombstone_and_memo(project_path)
    capsys.readouterr()
    assert main(["publish", str(project_path), server()]) == 0
    out = capsys.readouterr().out
    assert "3 sources" in out and "8 codings" in out and "1 tombstones" in out  # 8 - 1 + 1
    assert_same_rows(project_path, server())
    assert count(server(), "tombstone") == 1 and count(server(), "memo") >= 1
    with open_project(server()) as p:
        assert p.team  # a team project, several writers at once


def test_publish_keeps_every_row_of_the_sample_project(tmp_path, server, capsys):
    copy = tmp_path / "johannesburg.qwb"
    shutil.copy(SAMPLE, copy)
    assert main(["publish", str(copy), server(), "--json"]) == 0
    import json

    counts = json.loads(capsys.readouterr().out)["counts"]
    assert (counts["source"], counts["case_"], counts["coding"]) == (13, 6, 294)
    assert_same_rows(copy, server())


def test_new_rows_on_the_server_take_ids_after_the_copied_ones(project_path, server):
    publish(project_path, server())
    top = rows(server(), "SELECT max(id) FROM coding")[0][0]
    with open_project(server()) as p, p.transaction() as s:
        s.execute(text("INSERT INTO project_meta (key, value) VALUES ('x', 'y')"))
    assert main(["code", server(), "--source", "policy.txt", "--code", "autonomy", "--start", "0",
                 "--end", "5"]) == 0
    assert rows(server(), "SELECT max(id) FROM coding")[0][0] == top + 1


def test_publish_refuses_an_existing_project_and_leaves_it(project_path, server, tmp_path, capsys):
    publish(project_path, server())
    before = every_row(server())
    other = tmp_path / "other.qwb"
    shutil.copy(SAMPLE, other)
    assert main(["publish", str(other), server()]) == 1
    err = capsys.readouterr().err
    assert "already exists" in err and "Traceback" not in err
    assert every_row(server()) == before


def _schemas(url_of_db) -> list[str]:
    from workbench.store.postgres import make_engine
    from workbench.core.location import parse_location

    engine = make_engine(parse_location(url_of_db))
    try:
        with engine.connect() as conn:
            return list(conn.execute(text("SELECT nspname FROM pg_namespace WHERE nspname = 'p'")).scalars())
    finally:
        engine.dispose()


def test_publish_refuses_a_damaged_file_and_leaves_nothing(project_path, server, capsys):
    data = bytearray(project_path.read_bytes())
    page = 4096
    data[page * 2: page * 2 + 200] = b"\x07" * 200  # a page of a table overwritten
    damaged = project_path.with_name("damaged.qwb")
    damaged.write_bytes(bytes(data))
    assert main(["publish", str(damaged), server()]) == 1
    err = capsys.readouterr().err
    assert str(damaged) in err and "Traceback" not in err
    assert _schemas(server()) == []


def test_publish_refuses_a_file_that_is_not_a_project(tmp_path, server, capsys):
    junk = tmp_path / "notes.qwb"
    junk.write_text("not a project")
    assert main(["publish", str(junk), server()]) == 1
    assert str(junk) in capsys.readouterr().err
    assert _schemas(server()) == []


def test_publish_refuses_a_file_open_for_writing_elsewhere(project_path, server):
    holder = open_project(project_path)
    try:
        with pytest.raises(ProjectLockedError, match="open for writing in another program"):
            publish(project_path, server())
    finally:
        holder.close()
    assert _schemas(server()) == []
    publish(project_path, server())  # once it is closed, it publishes


def test_a_cancelled_or_failed_publish_leaves_nothing_on_the_server(tmp_path, server):
    copy = tmp_path / "johannesburg.qwb"
    shutil.copy(SAMPLE, copy)
    seen = []
    with pytest.raises(Cancelled):
        publish(copy, server(), report=lambda done, total, label: seen.append((done, total, label)),
                should_stop=lambda: len(seen) >= 3)
    assert _schemas(server()) == []
    assert seen and all(total == seen[0][1] for _, total, _ in seen)

    def fail(done, total, label):
        if label == "coding":
            raise ProjectError("the disk is full")
    with pytest.raises(ProjectError):
        publish(copy, server(), report=fail)
    assert _schemas(server()) == []
    publish(copy, server())
    assert count(server(), "coding") == 294


def test_publish_wants_a_file_then_a_server(project_path, server, capsys):
    assert main(["publish", server(), str(project_path)]) == 1
    assert main(["publish", str(project_path), str(project_path) + ".2"]) == 1
    err = capsys.readouterr().err
    assert "postgresql://" in err and "Traceback" not in err


def test_a_password_in_the_url_is_never_printed(project_path, server, capsys):
    with_password = server().replace("wb@", "wb:s3cret-pw@")
    assert main(["publish", str(project_path), with_password]) == 0
    assert main(["publish", str(project_path), with_password]) == 1  # already there
    out = capsys.readouterr()
    assert "s3cret-pw" not in out.out + out.err and "***" in out.out + out.err
