"""A lost connection loses nothing, and the user hears what happened (issue 14, item 6).

Against a real cluster of the test's own (tests/pg_faults.py): the server is stopped and
started again, and the workbench's sessions are ended with pg_terminate_backend at a
chosen statement or around COMMIT, during an import, a run of codings and a merge.
Afterwards each action either happened whole or not at all, checked with raw SQL, and the
message said which ("saved" / "NOT saved: try again"); the next action works again.
"""
from __future__ import annotations

import itertools
import threading
import time

import pytest

from pg_faults import FaultCluster, KillAt
from pg_server import Unavailable
from workbench.core.errors import ConnectionLost, ProjectLockedError
from workbench.services.codebook import create_code
from workbench.services.coders import ensure_coder
from workbench.services.coding import NewCoding, apply_code, apply_codes
from workbench.services.sources import import_files
from workbench.store.project import create_project, open_project

PASSWORD = "s3cret-pw"  # trust authentication ignores it; it must still never be shown
TEXT = "The clinic opened in 2019 and the bus project never left the drawing board. " * 20
_names = itertools.count(1)


@pytest.fixture(scope="module")
def cluster():
    try:
        c = FaultCluster().start()
    except Unavailable as exc:
        import os

        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL: {exc}", pytrace=False)
        pytest.skip(f"PostgreSQL: {exc}")
    c.sql("postgres", "CREATE DATABASE tpl")
    url = f"postgresql://wb:{PASSWORD}@127.0.0.1:{c.port}/tpl?project=p"
    p = create_project(url, name="Faults", coder="wb")
    try:
        with p.transaction() as s:
            ensure_coder(s, "wb")
        create_code(p, "theme")
    finally:
        p.close()
    with p_open(url) as p:
        import tempfile
        from pathlib import Path

        folder = Path(tempfile.mkdtemp())
        (folder / "one.txt").write_text(TEXT, encoding="utf-8")
        import_files(p, [folder / "one.txt"], coder="wb")
    yield c
    c.stop()


def p_open(url):
    return open_project(url)


@pytest.fixture
def db(cluster):
    name = f"f{next(_names)}"
    cluster.sql("postgres", f"CREATE DATABASE {name} TEMPLATE tpl")
    yield name
    cluster.sql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def url_of(cluster, db):
    return f"postgresql://wb:{PASSWORD}@127.0.0.1:{cluster.port}/{db}?project=p"


def ids(project):
    with project.reading() as s:
        from sqlalchemy import text

        source = s.execute(text("SELECT id FROM source ORDER BY id")).scalars().first()
        code = s.execute(text("SELECT id FROM code ORDER BY id")).scalars().first()
        coder = s.execute(text("SELECT id FROM coder WHERE name = 'wb'")).scalars().first()
    return source, code, coder


def codings(cluster, db) -> set[tuple[int, int]]:
    return set(cluster.rows(db, 'SELECT start, "end" FROM p.coding'))


def check_words(exc: BaseException) -> str:
    words = str(exc)
    assert PASSWORD not in words and "\n" not in words and "Traceback" not in words
    return words


# -- a run of codings, each its own action, the sessions ended at each point in turn -------------------
KILL_POINTS = [dict(nth=1), dict(nth=2), dict(nth=3), dict(nth=5), dict(at="before-commit"),
               dict(at="after-commit")]


@pytest.mark.parametrize("point", KILL_POINTS, ids=lambda p: str(p.get("nth", p.get("at"))))
def test_a_run_of_codings_each_whole_or_not_and_said_which(cluster, db, point):
    project = open_project(url_of(cluster, db))
    try:
        source, code, coder = ids(project)
        before = codings(cluster, db)
        told: dict[tuple[int, int], str] = {}
        kill = KillAt(cluster, db, project.engine, **point)
        try:
            for i in range(6):
                span = (10 * i, 10 * i + 7)
                try:
                    apply_code(project, source, code, coder, *span)
                    told[span] = "saved"
                except ConnectionLost as exc:
                    assert exc.saved is False and "NOT saved: try again" in check_words(exc)
                    told[span] = "not saved"
        finally:
            kill.remove()
        assert kill.fired
        now = codings(cluster, db)
        assert now == before | {span for span, word in told.items() if word == "saved"}
        if point.get("at") == "after-commit":  # the server had it although the reply was lost
            assert list(told.values()).count("not saved") == 0
            assert any("the change was saved" in n for n in project.notices)
        else:
            assert list(told.values()).count("not saved") == 1
        # The next action works: new connections, and the writer's lock taken again.
        apply_code(project, source, code, coder, 500, 510)
        assert (500, 510) in codings(cluster, db)
        with pytest.raises(ProjectLockedError):
            open_project(url_of(cluster, db))
    finally:
        project.close()


@pytest.mark.parametrize("nth", [1, 2, 3, 4, 6])
def test_many_codings_in_one_action_are_all_kept_or_none(cluster, db, nth):
    project = open_project(url_of(cluster, db))
    try:
        source, code, coder = ids(project)
        before = codings(cluster, db)
        items = [NewCoding(source, code, coder, 3 * i, 3 * i + 2) for i in range(200)]
        kill = KillAt(cluster, db, project.engine, nth=nth)
        try:
            try:
                apply_codes(project, items)
                saved = True
            except ConnectionLost as exc:
                saved = exc.saved
                assert saved is False and "NOT saved" in check_words(exc)
        finally:
            kill.remove()
        assert kill.fired
        want = before | {(i.start, i.end) for i in items} if saved else before
        assert codings(cluster, db) == want
    finally:
        project.close()


@pytest.mark.parametrize("point", [dict(nth=1), dict(nth=3), dict(nth=6), dict(nth=12), dict(at="before-commit"),
                                   dict(at="after-commit")], ids=lambda p: str(p.get("nth", p.get("at"))))
def test_an_import_keeps_each_file_whole_or_not_at_all(cluster, db, point, tmp_path):
    files = []
    for i in range(4):
        f = tmp_path / f"file{i}.txt"
        f.write_text(f"File {i}. " + TEXT[: 200 + 50 * i], encoding="utf-8")
        files.append(f)
    project = open_project(url_of(cluster, db))
    try:
        kill = KillAt(cluster, db, project.engine, **point)
        try:
            outcomes = import_files(project, files, coder="wb")
        finally:
            kill.remove()
        assert kill.fired
        stored = {name: length for name, length in cluster.rows(db, "SELECT name, length(text) FROM p.source")}
        for f, out in zip(files, outcomes):
            if out.status == "imported":
                assert stored[f.name] == len(f.read_text(encoding="utf-8"))
            else:
                assert out.status == "failed" and f.name not in stored
                assert "NOT saved: try again" in out.message and PASSWORD not in out.message
        failed = [o for o in outcomes if o.status == "failed"]
        assert len(failed) == (0 if point.get("at") == "after-commit" else 1)
        # Every source row has its text and every other row of the import belongs to a source.
        assert cluster.rows(db, "SELECT count(*) FROM p.source WHERE text IS NULL") == [(0,)]
    finally:
        project.close()


@pytest.mark.parametrize("point", [dict(nth=2), dict(nth=10), dict(nth=21), dict(at="before-commit"),
                                   dict(at="after-commit")], ids=lambda p: str(p.get("nth", p.get("at"))))
def test_a_merge_happens_whole_or_not_at_all(cluster, db, point, tmp_path):
    from workbench.services.merge import apply_merge, plan_merge

    url = url_of(cluster, db)
    copy = tmp_path / "copy.qwb"
    with open_project(url) as project:
        project.backend.copy_to_file(copy)
    with open_project(copy) as other:
        source, code, coder = ids(other)
        apply_codes(other, [NewCoding(source, code, coder, 5 * i, 5 * i + 3) for i in range(30)])
    before = codings(cluster, db)
    project = open_project(url)
    try:
        plan = plan_merge(project, [copy])
        kill = KillAt(cluster, db, project.engine, **point)
        try:
            try:
                apply_merge(project, plan, backup=False)
                saved = True
            except ConnectionLost as exc:
                saved = exc.saved
                assert saved is False and "NOT saved" in check_words(exc)
            finally:
                plan.close()
        finally:
            kill.remove()
        assert kill.fired, kill.count
        merged = before | {(5 * i, 5 * i + 3) for i in range(30)}
        reports = cluster.rows(db, "SELECT count(*) FROM p.report WHERE kind = 'merge'")[0][0]
        assert (codings(cluster, db), reports) == ((merged, 1) if saved else (before, 0))
        assert saved is (point.get("at") == "after-commit")
        bodies = cluster.rows(db, "SELECT body FROM p.report")
        assert bodies if saved else True
        assert all(PASSWORD not in body for body, in bodies)  # the report names the project with ***
    finally:
        project.close()


# -- the server stopping and starting again ------------------------------------------------------------
def test_a_restart_between_actions_passes_unnoticed(cluster, db):
    project = open_project(url_of(cluster, db))
    try:
        source, code, coder = ids(project)
        apply_code(project, source, code, coder, 0, 5)
        cluster.halt("fast")
        cluster.resume()
        apply_code(project, source, code, coder, 6, 9)  # pooled connections are dead: new ones are made
        assert {(0, 5), (6, 9)} <= codings(cluster, db)
        with pytest.raises(ProjectLockedError):  # the writer's lock was taken again
            open_project(url_of(cluster, db))
    finally:
        project.close()


def test_while_the_server_is_down_an_action_is_refused_and_not_kept(cluster, db):
    project = open_project(url_of(cluster, db))
    try:
        source, code, coder = ids(project)
        before = codings(cluster, db)
        cluster.halt("fast")
        try:
            with pytest.raises(ConnectionLost) as exc:
                apply_code(project, source, code, coder, 20, 25)
            assert exc.value.saved is False and "NOT saved: try again" in check_words(exc.value)
            assert str(project.path).count("***") == 1
        finally:
            cluster.resume()
        assert codings(cluster, db) == before
        apply_code(project, source, code, coder, 20, 25)  # tried again once the server is back
        assert codings(cluster, db) == before | {(20, 25)}
    finally:
        project.close()


def test_a_short_outage_is_ridden_out_by_the_retries(cluster, db):
    project = open_project(url_of(cluster, db))
    try:
        source, code, coder = ids(project)
        cluster.halt("fast")
        back = threading.Thread(target=lambda: (time.sleep(1.0), cluster.resume()))
        back.start()
        try:
            apply_code(project, source, code, coder, 30, 35)  # retried with backoff until the server answers
        finally:
            back.join()
        assert (30, 35) in codings(cluster, db)
    finally:
        project.close()
