"""What the program remembers between runs (QSettings): recent projects, the coder's name, pins, layout.

Tests point QSettings at a temporary folder, so they never touch a user's settings.
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QSettings

ORGANISATION = "Qualitative Workbench"
APPLICATION = "workbench"
MAX_RECENT = 12


def settings() -> QSettings:
    return QSettings()


def recent_projects() -> list[dict]:
    """[{"path", "name", "opened"}], most recent first."""
    raw = settings().value("recent/projects", "[]")
    try:
        items = json.loads(raw) if isinstance(raw, str) else []
    except ValueError:
        items = []
    return [i for i in items if isinstance(i, dict) and "path" in i]


def remember_project(path: str | Path, name: str) -> None:
    path = str(Path(path).resolve())
    items = [i for i in recent_projects() if i["path"] != path]
    items.insert(0, {"path": path, "name": name, "opened": datetime.now().isoformat(timespec="minutes")})
    settings().setValue("recent/projects", json.dumps(items[:MAX_RECENT]))


def forget_project(path: str) -> None:
    items = [i for i in recent_projects() if i["path"] != path]
    settings().setValue("recent/projects", json.dumps(items))


def coder_name() -> str:
    return str(settings().value("coder/name", "") or "")


def set_coder_name(name: str) -> None:
    settings().setValue("coder/name", name)


def pinned_codes(project_guid: str) -> list[str]:
    """GUIDs of the codes on quick keys 1-9 for this project (index 0 is key 1; '' is a free key).
    Pins are a person's working habit, so they live in settings rather than in the shared file."""
    raw = settings().value(f"pins/{project_guid}", "[]")
    try:
        pins = json.loads(raw) if isinstance(raw, str) else []
    except ValueError:
        pins = []
    pins = [p if isinstance(p, str) else "" for p in pins][:9]
    return pins + [""] * (9 - len(pins))


def set_pinned_codes(project_guid: str, guids: list[str]) -> None:
    settings().setValue(f"pins/{project_guid}", json.dumps(list(guids)[:9]))


def recent_codes(project_guid: str) -> list[int]:
    raw = settings().value(f"recent_codes/{project_guid}", "[]")
    try:
        return [int(i) for i in json.loads(raw)] if isinstance(raw, str) else []
    except (ValueError, TypeError):
        return []


def set_recent_codes(project_guid: str, ids: list[int]) -> None:
    settings().setValue(f"recent_codes/{project_guid}", json.dumps(list(ids)))
