"""libpq itself refuses a server without TLS when TLS is required (issue 14, item 1).

The test cluster listens without TLS on loopback; a URL asking for sslmode=require (what a
remote host gets by default, tests/core/test_location_tls.py) is refused in one line
naming the server, and sslmode=disable, the user saying otherwise, connects.
"""
from __future__ import annotations

import pytest

from workbench.core.errors import ProjectError
from workbench.store.project import create_project, open_project


@pytest.fixture
def url(pg_databases):
    name = pg_databases.fresh()
    base = pg_databases.cluster.url(name, "p")
    create_project(base, name="Shared").close()
    yield base
    pg_databases.drop(name)


def test_sslmode_require_against_a_server_without_tls_is_refused(url):
    with pytest.raises(ProjectError) as exc:
        open_project(url + "&sslmode=require")
    words = str(exc.value)
    assert "cannot be reached" in words and "SSL" in words and "\n" not in words


def test_sslmode_disable_is_the_user_saying_otherwise(url):
    with open_project(url + "&sslmode=disable") as p:
        assert p.info().name == "Shared"
