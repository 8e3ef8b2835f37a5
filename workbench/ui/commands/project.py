"""The project's own name and description as an undoable step."""
from __future__ import annotations

from workbench.core.changes import Changes
from workbench.services.projects import project_details, set_project_details
from workbench.store.project import Project
from workbench.ui.commands.base import Step


class SetProjectDetails(Step):
    """Rename or describe the project; undo writes the old name and description back."""

    def __init__(self, name: str, description: str):
        self.name, self.description = name, description
        self.old: tuple[str, str] | None = None

    def do(self, project: Project) -> Changes:
        self.old = project_details(project)
        return set_project_details(project, self.name, self.description)

    def undo(self, project: Project) -> Changes:
        return set_project_details(project, *self.old)
