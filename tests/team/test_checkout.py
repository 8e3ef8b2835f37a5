"""workbench checkout URL FILE and `workbench merge URL FILE` (issue 14): a copy to work offline, back.

Against the real test cluster. The small project (3 sources, 8 codings: conftest) is published,
checked out, coded on both sides, and merged back; expected values are hand counts and the rows
read back through the store.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from store_read import count, rows
from test_publish import every_row
from workbench.cli.main import main
from workbench.core.errors import Cancelled
from workbench.services.server_copies import CHECKED_OUT_AT, CHECKOUT_OF, checkout, publish
from workbench.store.models import Base
from workbench.store.project import open_project


@pytest.fixture
def server(pg_databases, project_path):
    name = pg_databases.fresh()
    url = lambda project="p", **kw: pg_databases.cluster.url(name, project, **kw)  # noqa: E731
    publish(project_path, url())
    yield url
    pg_databases.drop(name)


def _code(location, source: str, start: int, end: int, code: str = "autonomy") -> str:
    out = []
    assert main(["code", str(location), "--source", source, "--code", code, "--start", str(start),
                 "--end", str(end)]) == 0
    return out


def _merge(url, copy: Path, capsys, *extra) -> dict:
    capsys.readouterr()
    assert main(["merge", url, str(copy), "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def _guids(location, table: str) -> set[str]:
    return {r[0] for r in rows(location, f"SELECT guid FROM {table}")}


def test_checkout_copies_every_row_and_says_where_from(server, tmp_path, capsys):
    copy = tmp_path / "train.qwb"
    assert main(["checkout", server(), str(copy), "--json"]) == 0
    done = json.loads(capsys.readouterr().out)
    assert done["coder"] == "wb" and done["file"] == str(copy)
    on_server, in_copy = every_row(server()), every_row(copy)
    for table in (t.name for t in Base.metadata.sorted_tables):
        if table in ("project_meta", "project", "coder"):
            continue
        assert in_copy[table] == on_server[table], table
    # the copy adds the one who checked it out as a coder (the small project has Thandi and Pieter)
    assert in_copy["coder"][:len(on_server["coder"])] == on_server["coder"]
    assert [r[2] for r in in_copy["coder"][len(on_server["coder"]):]] == ["wb"]
    assert [r[1:] for r in in_copy["project"]] != [] and in_copy["project"][0][1] == on_server["project"][0][1]
    with open_project(copy, readonly=True) as p:
        assert p.meta(CHECKOUT_OF) == server() and p.meta(CHECKED_OUT_AT) == done["checked_out_at"]
        assert p.meta("team") is None  # a file is nobody's team project
        assert p.info().name == "Small study (wb)"
    assert not list(tmp_path.glob(".*part*"))


def test_checkout_records_no_password_and_refuses_an_existing_file(server, tmp_path, capsys):
    copy = tmp_path / "train.qwb"
    with_password = server().replace("wb@", "wb:s3cret-pw@")
    assert main(["checkout", with_password, str(copy)]) == 0
    out = capsys.readouterr().out
    assert "s3cret-pw" not in out
    assert not [r for r in rows(copy, "SELECT key, value FROM project_meta") if "s3cret-pw" in r[1]]
    assert rows(copy, "SELECT value FROM project_meta WHERE key = 'checkout_of'") == [(server(),)]  # no *** either
    assert not [r for r in rows(server(), "SELECT key, value FROM project_meta") if "s3cret-pw" in r[1]]
    before = copy.read_bytes()
    assert main(["checkout", server(), str(copy)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert copy.read_bytes() == before


def test_a_cancelled_checkout_leaves_no_file_and_no_note(server, tmp_path):
    notes = count(server(), "project_meta")
    with pytest.raises(Cancelled):
        checkout(server(), tmp_path / "train.qwb", should_stop=lambda: True)
    assert list(tmp_path.iterdir()) == [] or not (tmp_path / "train.qwb").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert count(server(), "project_meta") == notes


def test_merging_a_checkout_back_brings_offline_work_and_keeps_the_servers(server, tmp_path, capsys):
    copy = tmp_path / "train.qwb"
    checkout(server(), copy)
    base = _guids(server(), "coding")
    assert len(base) == 8
    _code(server(), "interview_jhb.txt", 0, 10)  # someone codes on the server meanwhile
    on_server = _guids(server(), "coding") - base
    _code(copy, "interview_addis.txt", 0, 10)  # and we code on the train
    offline = _guids(copy, "coding") - base
    theirs = sorted(base)[0]  # Thandi's or Pieter's: deleting it offline is a question (keep, by default)
    assert main(["uncode", str(copy), theirs, "--coder", "wb"]) == 0
    assert len(on_server) == len(offline) == 1

    preview = _merge(server(), copy, capsys, "--preview")
    assert preview["counts"]["coding"]["new"] == 1
    assert _guids(server(), "coding") == base | on_server  # a preview changes nothing

    report = _merge(server(), copy, capsys)
    after = _guids(server(), "coding")
    assert offline <= after and on_server <= after  # ours arrived, theirs stayed
    assert report["counts"]["coding"]["new"] == 1
    assert after == base | on_server | offline
    # deleting another coder's coding offline is a question whose default keeps it (docs/merge.md)
    assert [(c["kind"], c["guid"], c["resolution"]) for c in report["conflicts"]] == [("deletion", theirs, "keep")]
    assert "deleted by wb" in report["conflicts"][0]["label"]
    assert count(server(), "report") == 1  # the merge report is kept on the server
    kind = rows(server(), "SELECT kind FROM report")[0][0]
    assert kind == "merge"

    # The same copy again: nothing changes (no new codings, no deletions), one more report.
    snapshot = {t: v for t, v in every_row(server()).items() if t not in ("report", "project_meta")}
    again = _merge(server(), copy, capsys)
    assert all(c["new"] == 0 and c["deleted"] == 0 for c in again["counts"].values()), again["counts"]
    assert {t: v for t, v in every_row(server()).items() if t not in ("report", "project_meta")} == snapshot


def test_the_merge_base_is_the_checkout_note(server, tmp_path, capsys):
    """A coding deleted on the server after the checkout does not come back from the copy."""
    copy = tmp_path / "train.qwb"
    checkout(server(), copy)
    with open_project(server(), readonly=True) as p, p.reading() as s:
        from workbench.store.models import ProjectMeta

        keys = list(s.scalars(select(ProjectMeta.key).where(ProjectMeta.key.like("handout:%"))))
    assert len(keys) == 1
    assert rows(copy, "SELECT key FROM project_meta WHERE key LIKE 'handout:%'") == [(keys[0],)]
    gone = sorted(_guids(server(), "coding"))[0]
    coder = rows(server(), "SELECT c.name FROM coding g JOIN coder c ON c.id = g.coder_id WHERE g.guid = :g",
                 g=gone)[0][0]
    # Its own coder removes it (the CLI of a team project writes only as the role signed in, here wb).
    from workbench.services.coding import coding_id_by_guid, remove_codings_in

    with open_project(server()) as p, p.transaction() as s:
        remove_codings_in(s, [coding_id_by_guid(s, gone)], deleted_by=coder)
    _merge(server(), copy, capsys)
    assert gone not in _guids(server(), "coding")


def test_a_checkout_published_elsewhere_does_not_say_it_is_a_checkout(server, tmp_path):
    copy = tmp_path / "train.qwb"
    checkout(server(), copy)
    publish(copy, server("again"))
    keys = {r[0] for r in rows(server("again"), "SELECT key FROM project_meta")}
    assert CHECKOUT_OF not in keys and CHECKED_OUT_AT not in keys and "copy_for" not in keys
    assert "team" in keys
    assert _guids(server("again"), "coding") == _guids(copy, "coding")


def test_a_single_user_project_someone_is_writing_is_still_checked_out(pg_databases, tmp_path):
    """Without the write lock there is no hand-out note on the server; the copy merges back all the same."""
    from workbench.store.project import create_project
    from workbench.services.merge import merge_files

    name = pg_databases.fresh()
    try:
        url = pg_databases.cluster.url(name, "solo")
        create_project(url, name="Solo", coder="wb").close()
        holder = open_project(url)  # not a team project: this one holds it for writing
        try:
            done = checkout(url, tmp_path / "copy.qwb")
        finally:
            holder.close()
        assert done.note is False
        assert rows(url, "SELECT key FROM project_meta WHERE key LIKE 'handout:%'") == []
        assert rows(tmp_path / "copy.qwb", "SELECT value FROM project_meta WHERE key = 'checkout_of'") == [(url,)]
        merge_files(url, [tmp_path / "copy.qwb"])  # back again: nothing lost, nothing doubled
        assert count(url, "coder") == 1
    finally:
        pg_databases.drop(name)
