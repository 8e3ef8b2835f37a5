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
    """[{"path", "name", "opened"}], most recent first; "path" is a file's path or a server
    project's URL (without its password)."""
    raw = settings().value("recent/projects", "[]")
    try:
        items = json.loads(raw) if isinstance(raw, str) else []
    except ValueError:
        items = []
    return [i for i in items if isinstance(i, dict) and "path" in i]


def recent_key(path) -> str:
    """How a project is remembered: a file by its full path; a server project by its URL with
    no password (never written to settings, whatever the user typed)."""
    from workbench.core.location import ServerLocation, is_server_location, parse_server_location

    if isinstance(path, ServerLocation):
        return path.without_password().url()
    if is_server_location(str(path)):
        try:
            return parse_server_location(str(path)).without_password().url()
        except Exception:  # a URL that does not parse is not remembered with whatever it held
            return ""
    return str(Path(path).resolve())


def is_server(path: str) -> bool:
    from workbench.core.location import is_server_location

    return is_server_location(path)


def remember_project(path, name: str) -> None:
    path = recent_key(path)
    if not path:
        return
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


# -- who codes which project on this computer (issue 9, finding 5) --------------------------------
# Keyed by the project's coder key (its GUID, and for a hand-out copy the hand-out too: a copy
# shares its original's GUID, and must not code as the original's person).
def project_coder(key: str) -> str:
    """The person who last coded (or was chosen to code) this project here; '' if none yet."""
    return str(settings().value(f"project_coder/{key}", "") or "")


def set_project_coder(key: str, name: str) -> None:
    settings().setValue(f"project_coder/{key}", name)


def coders_here(key: str) -> list[str]:
    """Everyone who has coded this project on this computer, most recent first."""
    raw = settings().value(f"coders_here/{key}", "[]")
    try:
        names = json.loads(raw) if isinstance(raw, str) else []
    except ValueError:
        names = []
    return [n for n in names if isinstance(n, str) and n]


def add_coder_here(key: str, name: str) -> None:
    names = [name] + [n for n in coders_here(key) if n.casefold() != name.casefold()]
    settings().setValue(f"coders_here/{key}", json.dumps(names[:20]))


# -- the folder last used for each kind of file ------------------------------------------------------
def last_folder(kind: str) -> str:
    """The folder a file dialog for this kind of file (project, sources, report...) last used."""
    folder = str(settings().value(f"last_folder/{kind}", "") or "")
    return folder if folder and Path(folder).is_dir() else ""


def remember_folder(kind: str, path: str | Path) -> None:
    p = Path(path)
    settings().setValue(f"last_folder/{kind}", str(p if p.is_dir() else p.parent))


def start_path(kind: str, name: str = "") -> str:
    """Where a file dialog opens: the kind's last folder (with a suggested file name)."""
    folder = last_folder(kind)
    if not folder:
        return name
    return str(Path(folder) / name) if name else folder
