"""TLS is required for any host but this computer unless the user says otherwise (issue 14, item 1).

The rule only: which libpq parameters a location asks for. That libpq then refuses a
server without TLS is shown against the real server in tests/team/test_faults_tls.py.
"""
from __future__ import annotations

import pytest

from workbench.core.errors import ProjectError
from workbench.core.location import is_loopback, parse_server_location


def opts(url: str, **env) -> dict:
    return parse_server_location(url).tls_options(environ=env)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "LOCALHOST", "127.0.0.53",
                                  "%2Fvar%2Frun%2Fpostgresql"])
def test_this_computer_needs_no_tls(host):
    assert "sslmode" not in opts(f"postgresql://ann@{host}:5432/db?project=p")


@pytest.mark.parametrize("host", ["db.example.org", "10.0.0.7", "[2001:db8::1]", "localhost.example.org",
                                  "127.example.org", "127.0.0.1.example.org"])
def test_any_other_host_requires_tls(host):
    assert opts(f"postgresql://ann@{host}/db?project=p")["sslmode"] == "require"


@pytest.mark.parametrize("mode", ["disable", "prefer", "allow", "verify-full", "verify-ca", "require"])
def test_the_users_own_sslmode_is_kept(mode):
    assert opts(f"postgresql://ann@db.example.org/db?project=p&sslmode={mode}")["sslmode"] == mode


def test_pgsslmode_in_the_environment_is_the_user_saying_otherwise():
    assert "sslmode" not in opts("postgresql://ann@db.example.org/db?project=p", PGSSLMODE="disable")


def test_a_misspelt_sslmode_is_refused_in_one_line_without_the_password():
    with pytest.raises(ProjectError) as exc:
        parse_server_location("postgresql://ann:s3cret@db.example.org/db?project=p&sslmode=requir")
    assert "sslmode=requir" in str(exc.value) and "s3cret" not in str(exc.value)
    assert "\n" not in str(exc.value)


def test_the_url_keeps_other_parameters_and_the_socket_dir_round_trips():
    loc = parse_server_location("postgresql://ann@%2Ftmp%2Fpg/db?project=p&connect_timeout=5")
    assert loc.host == "/tmp/pg" and is_loopback(loc.host)
    assert parse_server_location(loc.url()) == loc
    assert opts(loc.url()) == {"connect_timeout": "5"}


def test_the_password_is_dropped_from_what_may_be_remembered():
    loc = parse_server_location("postgresql://ann:s3cret@db.example.org/db?project=p")
    assert "s3cret" not in str(loc) and "s3cret" not in loc.without_password().url(hide_password=False)
    assert loc.url(hide_password=False).startswith("postgresql://ann:s3cret@")
