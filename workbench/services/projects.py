"""The project itself: its name (which titles reports and exports) and its description."""
from __future__ import annotations

from sqlalchemy import select

from workbench.core.changes import Changes, Kind
from workbench.core.names import clean_name
from workbench.core.timeutil import now_iso
from workbench.store.models import ProjectInfo
from workbench.store.project import Project


def project_details(project: Project) -> tuple[str, str]:
    """(name, description) of the project."""
    with project.reading() as s:
        info = s.scalars(select(ProjectInfo)).one()
        return info.name, info.description or ""


def set_project_details(project: Project, name: str, description: str) -> Changes:
    """Rename the project and set its description, as one action; the name follows the one name rule."""
    name = clean_name("project", name)
    with project.transaction() as s:
        info = s.scalars(select(ProjectInfo)).one()
        if info.name != name or (info.description or "") != description:
            info.name = name
            info.description = description
            info.updated_at = now_iso()
    return Changes().add("updated", Kind.PROJECT, info.id)
