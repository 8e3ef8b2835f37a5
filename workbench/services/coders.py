"""Coders: every coding carries one; the first time a person codes they are recorded."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.core.changes import Changes, Kind
from workbench.core.errors import ValidationError
from workbench.core.names import clean_name, name_key
from workbench.store.models import Coder, Coding
from workbench.store.project import Project


def ensure_coder(session: Session, name: str) -> int:
    """The id of the coder with this name, recording them if new.

    'thandi' is Thandi: names are matched as a merge matches them (name_key), exact name first,
    so one person never becomes two coders whose codings a later merge would fold together.
    """
    name = clean_name("coder", name)
    cid = session.scalar(select(Coder.id).where(Coder.name_key == name_key(name)))
    if cid is None:
        coder = Coder(name=name)
        session.add(coder)
        session.flush()
        cid = coder.id
    return cid


def add_coder(project: Project, name: str) -> Changes:
    """Record a coder (a name already there is that coder); `result` holds the id."""
    with project.transaction() as s:
        before = s.scalar(select(func.max(Coder.id))) or 0
        cid = ensure_coder(s, name)
    return (Changes().add("created", Kind.CODER, cid) if cid > before else Changes()).with_result(cid)


def default_coder_name(project: Project) -> str | None:
    """The coder a command acts as when none is named: the only one, or the first recorded.

    In a team project it is always the role signed in (issue 14): the server's policies let
    a person write only under their own name."""
    if project.team and project.signed_in:
        return project.signed_in
    with project.reading() as s:
        return s.scalar(select(Coder.name).order_by(Coder.id).limit(1))


def coder_names(project: Project) -> list[str]:
    with project.reading() as s:
        return list(s.scalars(select(Coder.name).order_by(Coder.name)))


def coder_counts(project: Project) -> list[tuple[str, int]]:
    """(name, codings) of every coder, by name; a coder recorded but with no codings counts 0."""
    with project.reading() as s:
        counts = dict(s.execute(select(Coding.coder_id, func.count()).group_by(Coding.coder_id)).all())
        return [(r.name, counts.get(r.id, 0)) for r in s.execute(select(Coder.id, Coder.name).order_by(Coder.name))]


def acting_coder(project: Project, given: str | None) -> str | None:
    """Who a command writes as: in a team project the signed-in role, and a different name
    given is refused (one line naming the project); elsewhere the name given, if any."""
    if not (project.team and project.signed_in):
        return given
    me = project.signed_in
    if given and name_key(clean_name("coder", given)) != name_key(me):
        raise ValidationError(f"{project.path}: in a team project you write as yourself, {me!r}, "
                              f"not as {given!r}; drop --coder")
    return me
