"""A team project takes several writers at once; a single-user server project only one (issue 14).

Two `Project`s opened on one team project, each writing in its own transactions, see each
other's work; the signed-in role is recorded as who writes. Against the real test cluster.
"""
from __future__ import annotations

import pytest
from sqlalchemy import text

from workbench.core.errors import ProjectLockedError
from workbench.store.project import create_project, open_project
from workbench.store.team import mark_team


@pytest.fixture
def server(pg_databases):
    name = pg_databases.fresh()
    yield lambda project="p", **kw: pg_databases.cluster.url(name, project, **kw)
    pg_databases.drop(name)


def _make(url: str, team: bool) -> None:
    p = create_project(url, name="Shared", coder="wb")
    if team:
        with p.engine.begin() as conn:
            mark_team(conn, "p")
    p.close()


def test_a_single_user_server_project_has_one_writer(server):
    _make(server(), team=False)
    first = open_project(server())
    try:
        assert not first.team and first.signed_in is None
        with pytest.raises(ProjectLockedError, match="open for writing in another program"):
            open_project(server())
    finally:
        first.close()


def test_a_team_project_has_many_writers_who_see_each_other(server):
    _make(server(), team=True)
    alice, wb = open_project(server()), open_project(server())
    try:
        assert alice.team and wb.team
        assert alice.signed_in == "wb"
        with alice.transaction() as s:
            s.execute(text("INSERT INTO project_meta (key, value) VALUES ('from_a', '1')"))
        with wb.transaction() as s:
            s.execute(text("INSERT INTO project_meta (key, value) VALUES ('from_b', '1')"))
        assert alice.meta("from_b") == "1" and wb.meta("from_a") == "1"
    finally:
        alice.close()
        wb.close()
    # Once both have closed, the shared lock is gone: an exclusive taker (an upgrade) gets it.
    from workbench.store.postgres import AdvisoryLock, PostgresBackend
    from workbench.core.location import parse_location

    backend = PostgresBackend(parse_location(server()), readonly=False)
    lock = AdvisoryLock(backend.admin(), backend.loc)
    lock.acquire()
    lock.release()


def test_an_exclusive_taker_is_refused_while_a_team_member_is_in(server):
    from workbench.core.location import parse_location
    from workbench.store.postgres import AdvisoryLock, PostgresBackend

    _make(server(), team=True)
    member = open_project(server())
    try:
        backend = PostgresBackend(parse_location(server()), readonly=False)
        with pytest.raises(ProjectLockedError):
            AdvisoryLock(backend.admin(), backend.loc).acquire()
    finally:
        member.close()
