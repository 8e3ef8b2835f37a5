"""The members of a team project and their roles, for the window (issue 14; store/team_roles.py).

Every write is one transaction on the open project; the server's own rules decide whether the
one signed in may do it (an owner may), and a refusal comes back as one line.
"""
from __future__ import annotations

from sqlalchemy import func, select

from workbench.core.changes import Changes, Kind
from workbench.core.errors import ProjectError
from workbench.store.models import Coder
from workbench.store import team_roles
from workbench.store.project import Project

KINDS = team_roles.KINDS


def _schema(project: Project) -> str:
    if not project.team:
        raise ProjectError(f"{project.path}: only a team project on a server has members and roles")
    return project.backend.location.project


def members(project: Project) -> list[tuple[str, str]]:
    """(login role, owner|coder|reader) of everyone in the project, by name."""
    schema = _schema(project)
    with project.reading() as s:
        return team_roles.members(s.connection(), schema)


def my_kind(project: Project) -> str | None:
    """What the one signed in is in the project: owner, coder, reader (None: not a team project)."""
    if not project.team:
        return None
    with project.reading() as s:
        return team_roles.kind_of(s.connection(), _schema(project))


def grant(project: Project, login: str, kind: str) -> Changes:
    """Give the login role its role in the project; the coder row made for them, if new, is in the Changes."""
    login = login.strip()
    if not login:
        raise ProjectError(f"{project.path}: name the person's login role")
    schema = _schema(project)
    try:
        with project.transaction() as s:
            before = s.scalar(select(func.max(Coder.id))) or 0
            team_roles.grant_member(s.connection(), schema, login, kind)
            made = list(s.scalars(select(Coder.id).where(Coder.id > before)))
    except ProjectError as exc:
        if str(exc).startswith(str(project.path)):
            raise
        raise ProjectError(f"{project.path}: {exc}") from None
    return Changes().add("created", Kind.CODER, *made) if made else Changes()


def revoke(project: Project, login: str) -> Changes:
    """Take the login role's role; no row of the project changes (their codings stay). `result`:
    whether they had one."""
    schema = _schema(project)
    with project.transaction() as s:
        had = team_roles.revoke_member(s.connection(), schema, login)
    return Changes().with_result(had)
