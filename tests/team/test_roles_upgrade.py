"""An older team project is upgraded once, by an owner, while nobody else has it open (issue 14, item 2).

The project is taken back to the first Alembic revision by raw Alembic as the superuser, then
opened by each kind of member; the schema version and the policies are read back by raw SQL.
"""
from __future__ import annotations

import psycopg
import pytest
from alembic import command

from test_roles_policies import team  # noqa: F401 - the fixture
from workbench.core.errors import ProjectError
from workbench.core.location import parse_location
from workbench.store.migrate import run_on
from workbench.store.postgres import LOCK_CLASS, AdvisoryLock, make_engine
from workbench.store.project import open_project
from workbench.store.schema_version import HEAD, REVISIONS
from workbench.store.team_roles import drop_policies, secure


def downgrade(url: str) -> None:
    loc = parse_location(url)
    engine = make_engine(loc)
    try:
        with engine.connect() as conn:
            drop_policies(conn, loc.project)  # as an upgrade does; the old program made none
            run_on(conn, command.downgrade, REVISIONS[0], loc.project)
            secure(conn, loc.project)  # as the older program left it
            conn.commit()
    finally:
        engine.dispose()


def revision(team) -> str:
    return team.one("SELECT version_num FROM alembic_version")


@pytest.fixture
def old(team):  # noqa: F811
    assert HEAD != REVISIONS[0]
    downgrade(team.url())
    assert revision(team) == REVISIONS[0]
    return team


def test_a_coder_or_a_reader_cannot_run_the_upgrade(old):
    for user, kind in (("alice", "coder"), ("carol", "reader")):
        with pytest.raises(ProjectError, match=f"needs an upgrade .* that its owner must run when nobody else "
                                               f"has it open; you sign in as '{user}', a {kind} of it"):
            open_project(old.url(user=user))
    assert revision(old) == REVISIONS[0]


def test_an_owner_cannot_upgrade_while_someone_has_it_open(old):
    loc = parse_location(old.url())
    key = AdvisoryLock(None, loc).key()
    with psycopg.connect(host="127.0.0.1", port=old.cluster.port, user="alice", dbname=old.database,
                         autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock_shared(%s, %s)", (LOCK_CLASS, key))  # a member is in
        with pytest.raises(ProjectError, match="owner must run when nobody else has it open; someone has it open"):
            open_project(old.url(user="dave"))
    assert revision(old) == REVISIONS[0]


def test_an_owner_upgrades_it_once_and_the_policies_hold_again(old):
    with open_project(old.url(user="dave")) as p:
        assert p.team and p.signed_in == "dave"
    assert revision(old) == HEAD
    backups = old.sql("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'p\\_bk\\_%'")
    assert len(backups) == 1
    unsecured = old.sql("SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE n.nspname = 'p' AND c.relkind = 'r' AND NOT c.relrowsecurity")
    assert unsecured == []
    with open_project(old.url(user="alice")) as p:  # now at head: a coder opens it, and is still a coder
        assert p.signed_in == "alice"
    with old.connect("alice") as conn:
        assert conn.execute("DELETE FROM coding").rowcount == 0
    assert len(old.sql("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'p\\_bk\\_%'")) == 1  # once
