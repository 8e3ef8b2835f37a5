"""Setting up a team project on a server and managing its members, by location (issue 14).

`init_team_project` makes the schema (the Alembic revisions), its first rows and its roles
and policies (team_roles.secure) in one transaction; `grant` and `revoke` give and take a
person's role. Errors are one line naming the location, the password hidden.
"""
from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from workbench.core.errors import ProjectError
from workbench.core.location import ServerLocation, parse_location
from workbench.store import team_roles
from workbench.store.postgres import create_server_project, error_words, make_engine, schema_exists
from workbench.store.team import is_team


def server_location(url) -> ServerLocation:
    loc = parse_location(url)
    if not isinstance(loc, ServerLocation):
        raise ProjectError(f"{url}: a team project lives on a server; name it as postgresql://user@host/database"
                           "?project=NAME")
    return loc


def init_team_project(url, title: str | None = None) -> ServerLocation:
    """A new, empty team project at url; refuses one that exists. Whoever runs it is its first owner."""
    from workbench.core.names import clean_name
    from workbench.store.models import Coder, ProjectMeta
    from workbench.store.project import _first_rows
    from workbench.store.team import signed_in_role

    loc = server_location(url)
    name = clean_name("project", title or loc.project)

    def first_rows(s) -> None:
        _first_rows(s, name, None)
        conn = s.connection()
        s.add(Coder(name=clean_name("coder", signed_in_role(conn))))
        s.add(ProjectMeta(key=team_roles.CODERS_CREATE_CODES, value="no"))
        s.flush()
        team_roles.secure(conn, loc.project)

    create_server_project(loc, first_rows)
    return loc


def _team(url, work):
    loc = server_location(url)
    engine = make_engine(loc)
    try:
        with engine.begin() as conn:
            if not schema_exists(conn, loc.project) or not is_team(conn, loc.project):
                raise ProjectError(f"{loc}: no team project named {loc.project!r} in the database {loc.database!r} "
                                   "(make one with workbench server init)")
            return work(conn, loc)
    except ProjectError as exc:
        if str(exc).startswith(str(loc)):
            raise
        raise ProjectError(f"{loc}: {exc}") from None
    except DBAPIError as exc:
        raise ProjectError(f"{loc}: nothing was changed ({error_words(exc, loc)})") from None
    finally:
        engine.dispose()


def grant(url, login: str, kind: str) -> None:
    """Give the login role its role in the team project (replacing the one it had)."""
    _team(url, lambda conn, loc: team_roles.grant_member(conn, loc.project, login, kind))


def revoke(url, login: str) -> bool:
    """Take the login role's role in the team project; their codings and memos stay."""
    return _team(url, lambda conn, loc: team_roles.revoke_member(conn, loc.project, login))


def members(url) -> list[tuple[str, str]]:
    return _team(url, lambda conn, loc: team_roles.members(conn, loc.project))
