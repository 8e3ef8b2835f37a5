"""Shared fixtures: a small project built once per session and copied for each test, on each engine.

`project`, `empty_project` and `project_location` (for CLI tests) run a test twice: on a
project file and on a PostgreSQL project (a throwaway cluster, tests/pg_server.py). Each
PostgreSQL test gets its own database, a copy of a template database holding the project
built once per session (CREATE DATABASE ... TEMPLATE takes a tenth of a second; making a
project's schema with the Alembic revisions takes over one), dropped after the test.
`project_path` is a file by nature and runs on SQLite only, as does every test marked
`file_only` (copying files, flock, SQLite pragmas). Where no server can be started the
PostgreSQL runs skip with one line saying why; under CI=true that is a failure.
"""
from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from workbench.store.project import create_project, open_project

ENGINES = ("sqlite", "postgresql")
_PG_STATE: dict = {}


def pytest_configure(config):
    config.addinivalue_line("markers", "file_only: runs on a project file only (files, locks, SQLite pragmas)")
    config.addinivalue_line("markers", "server_only: runs on a PostgreSQL project only")


def pytest_generate_tests(metafunc):
    if "engine" not in metafunc.fixturenames:
        return
    file_only = metafunc.definition.get_closest_marker("file_only") or "project_path" in metafunc.fixturenames
    server_only = metafunc.definition.get_closest_marker("server_only")
    engines = ["sqlite"] if file_only else ["postgresql"] if server_only else list(ENGINES)
    metafunc.parametrize("engine", engines, indirect=True)


def pytest_terminal_summary(terminalreporter):
    if _PG_STATE.get("unavailable"):
        terminalreporter.write_line(f"POSTGRESQL TESTS SKIPPED: {_PG_STATE['unavailable']}", red=True, bold=True)


@pytest.fixture(scope="session")
def pg_cluster():
    """The test cluster, started on first use; skips (fails under CI=true) where none can start."""
    from pg_server import Cluster, Unavailable

    if "unavailable" in _PG_STATE:
        pytest.skip(f"PostgreSQL: {_PG_STATE['unavailable']}")
    try:
        cluster = Cluster().start()
    except Unavailable as exc:
        _PG_STATE["unavailable"] = str(exc)
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL: {exc} (CI=true: the server tests must run)", pytrace=False)
        pytest.skip(f"PostgreSQL: {exc}")
    yield cluster
    cluster.stop()


class PgDatabases:
    """Template databases built once, and a fresh copy of one for each test."""

    def __init__(self, cluster):
        self.cluster = cluster
        self.counter = itertools.count(1)

    def template(self, name: str, build) -> str:
        """A database named name, built once by build(location) (the project is `p`)."""
        key = f"template:{name}"
        if key not in _PG_STATE:
            self.cluster.sql("postgres", f"CREATE DATABASE {name}")
            build(self.cluster.url(name, "p"))
            _PG_STATE[key] = name
        return name

    def fresh(self, template: str | None = None) -> str:
        name = f"t{next(self.counter)}"
        self.cluster.sql("postgres", f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return name

    def drop(self, name: str) -> None:
        self.cluster.sql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def pg_databases(pg_cluster):
    return PgDatabases(pg_cluster)


@pytest.fixture
def engine(request):
    """The engine a test runs on: "sqlite" or "postgresql" (parametrised in pytest_generate_tests)."""
    return request.param


@pytest.fixture
def pg_database(request, engine):
    """A fresh, empty database for one test on PostgreSQL (None on SQLite); dropped after."""
    if engine != "postgresql":
        yield None
        return
    dbs = request.getfixturevalue("pg_databases")
    name = dbs.fresh()
    yield dbs.cluster.url(name)
    dbs.drop(name)

SOURCES = {
    "interview_jhb.txt": (
        "[00:00:05] Interviewer: How does the city choose its partners?\n"
        "[00:00:12] Ms Dlamini: We set our own agenda and fund the exchanges ourselves.\n"
        "[00:01:02] Interviewer: And the province?\n"
        "[00:01:09] Ms Dlamini: Every agreement waits for provincial sign-off, sometimes a year.\n"
    ),
    "interview_addis.txt": (
        "[00:00:03] Interviewer: What did the twinning deliver? 😀\n"
        "[00:00:10] Mr Bekele: Training for engineers, and a clinic that opened in 2019.\n"
        "[00:00:40] Interviewer: Anything left undone?\n"
        "[00:00:48] Mr Bekele: The bus project never left the drawing board.\n"
    ),
    "policy.txt": (
        "1. Purpose\n"
        "The City pursues international relations that serve local development.\n"
        "2. Approval\n"
        "Agreements are submitted to the Province before signature.\n"
    ),
}

CODES = [
    ("autonomy", None),
    ("autonomy/own funding", None),
    ("provincial constraint", None),
    ("development outcome", None),
    ("development outcome/unrealised objective", None),
]


def _phrase(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


# (source, code, coder, phrase)
CODINGS = [
    ("interview_jhb.txt", "autonomy", "Thandi", "We set our own agenda"),
    ("interview_jhb.txt", "autonomy/own funding", "Thandi", "fund the exchanges ourselves"),
    ("interview_jhb.txt", "autonomy", "Pieter", "We set our own agenda and fund"),
    ("interview_jhb.txt", "provincial constraint", "Thandi", "Every agreement waits for provincial sign-off"),
    ("interview_jhb.txt", "provincial constraint", "Pieter", "Every agreement waits for provincial sign-off"),
    ("interview_addis.txt", "development outcome", "Thandi", "Training for engineers, and a clinic"),
    ("interview_addis.txt", "development outcome/unrealised objective", "Pieter",
     "The bus project never left the drawing board."),
    ("policy.txt", "provincial constraint", "Thandi", "Agreements are submitted to the Province before signature."),
]


def build_small_project(path, source_dir: Path) -> None:
    from workbench.services.cases import import_cases_csv
    from workbench.services.codebook import ensure_code_path_in
    from workbench.services.coders import ensure_coder
    from workbench.services.coding import NewCoding, apply_codes_in
    from workbench.services.lookup import source_by_name
    from workbench.services.sources import import_files

    source_dir.mkdir(parents=True, exist_ok=True)
    files = []
    for name, text in SOURCES.items():
        f = source_dir / name
        f.write_text(text, encoding="utf-8")
        files.append(f)
    project = create_project(path, name="Small study", coder="Thandi")
    try:
        import_files(project, files, coder="Thandi")
        csv = source_dir / "cases.csv"
        csv.write_text(
            "name,country,region,year_signed,sources\n"
            "Johannesburg,South Africa,Africa,2001,interview_jhb.txt;policy.txt\n"
            "Addis Ababa,Ethiopia,Africa,2006,interview_addis.txt\n",
            encoding="utf-8",
        )
        import_cases_csv(project, csv)
        with project.transaction() as s:
            for code_path, _ in CODES:
                ensure_code_path_in(s, code_path, create=True)
            items = []
            for source, code_path, coder, phrase in CODINGS:
                sid = source_by_name(s, source)
                cid, _ = ensure_code_path_in(s, code_path, create=False)
                start, end = _phrase(SOURCES[source], phrase)
                items.append(NewCoding(sid, cid, ensure_coder(s, coder), start, end))
            apply_codes_in(s, items)
    finally:
        project.close()


@pytest.fixture(scope="session")
def _small_template(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("template")
    path = root / "small.qwb"
    build_small_project(path, root / "sources")
    return path


@pytest.fixture
def project_path(_small_template, tmp_path) -> Path:
    """A fresh copy of the small project file (3 sources, 2 cases, 5 codes, 8 codings by 2 coders)."""
    dest = tmp_path / "small.qwb"
    shutil.copy(_small_template, dest)
    yield dest
    check_sound(dest)


def check_sound(location) -> None:
    """What every test leaves must pass the engine's integrity checks and keep its name keys."""
    from workbench.store.project import backend_for

    problems = backend_for(location, readonly=True).integrity_problems()
    assert problems == [], problems
    assert stale_name_keys(location) == []


@pytest.fixture
def project_location(request, engine, tmp_path) -> str:
    """The small project on the test's engine, as PROJECT is typed: a file path or a postgresql:// URL."""
    if engine == "sqlite":
        dest = tmp_path / "small.qwb"
        shutil.copy(request.getfixturevalue("_small_template"), dest)
        yield str(dest)
        check_sound(dest)
        return
    dbs = request.getfixturevalue("pg_databases")
    template = dbs.template("tpl_small", lambda url: build_small_project(url, tmp_path / "template-sources"))
    name = dbs.fresh(template)
    url = dbs.cluster.url(name, "p")
    yield url
    try:
        check_sound(url)
    finally:
        dbs.drop(name)


NAMED_TABLES = ("coder", "source", "case_", "attribute", "code", "saved_query", "source_folder")


def stale_name_keys(location) -> list[tuple]:
    """Rows whose stored name key is not the one rule's key of their name (core.names): every
    writer, ORM or Core, must keep them in step, or the unique index guards nothing."""
    from workbench.core.names import name_key

    with open_project(location, readonly=True) as p, p.reading() as s:
        return [(t, name, key) for t in NAMED_TABLES
                for name, key in s.execute(text(f"SELECT name, name_key FROM {t}")) if key != name_key(name)]


@pytest.fixture
def project(project_location):
    """The small project, open for writing, on the test's engine."""
    p = open_project(project_location)
    yield p
    p.close()


@pytest.fixture
def empty_project(request, engine, tmp_path):
    """A new project with one coder, on the test's engine."""
    if engine == "sqlite":
        location = tmp_path / "empty.qwb"
        p = create_project(location, name="Empty", coder="Thandi")
        yield p
        p.close()
        check_sound(location)
        return
    dbs = request.getfixturevalue("pg_databases")
    template = dbs.template("tpl_empty", lambda url: create_project(url, name="Empty", coder="Thandi").close())
    name = dbs.fresh(template)
    url = dbs.cluster.url(name, "p")
    p = open_project(url)
    yield p
    p.close()
    try:
        check_sound(url)
    finally:
        dbs.drop(name)
