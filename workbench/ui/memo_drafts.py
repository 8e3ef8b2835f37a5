"""Memo drafts: nothing typed into a memo is lost while the project cannot take it (issue 14, item 6).

Before the memo pane writes a memo to the project it keeps the text in a small file on this
computer, in the user's data folder: `memo-drafts/PROJECT_GUID/KIND-KEY.json` (KEY is the
GUID of the coding, code, source or case the memo is on). Not its id: copies of a project share
the project's GUID, and an id can name another code in another copy, or a new code once the
last one was deleted; a GUID names one target everywhere. The file is removed
once the project has the text. If the write fails (the server's connection is lost, the
window is closed meanwhile, the program crashes) the draft stays, and the next time that
memo is shown the pane offers it back. Each file is written whole (a temporary file
renamed into place), so a crash while writing leaves the previous draft, never half of one.
"""
from __future__ import annotations

import json
import os
import re
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths


def folder() -> Path:
    """Where drafts live: the user's data folder (beside the settings file under tests)."""
    if QStandardPaths.isTestModeEnabled():
        base = Path(QSettings().fileName()).parent
    else:
        base = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
    return base / "memo-drafts"


def _safe(part: object) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", str(part))[:120] or "_"


def draft_path(project_guid: str, kind: str, key: object) -> Path:
    return folder() / _safe(project_guid) / f"{_safe(kind)}-{_safe(key)}.json"


def keep(project_guid: str, kind: str, key: object, text: str) -> Path:
    """Keep text as the draft of this memo (replacing an older draft)."""
    path = draft_path(project_guid, kind, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    body = {"project": project_guid, "kind": kind, "key": key if isinstance(key, (int, str)) else str(key),
            "text": text, "kept_at": datetime.now().isoformat(timespec="seconds")}
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(body, f, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return path


def load(project_guid: str, kind: str, key: object) -> dict | None:
    """The kept draft of this memo, {"text", "kept_at", ...}, or None."""
    path = draft_path(project_guid, kind, key)
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return body if isinstance(body, dict) and isinstance(body.get("text"), str) else None


def drop(project_guid: str, kind: str, key: object) -> None:
    """The project has the memo: forget the draft."""
    try:
        draft_path(project_guid, kind, key).unlink()
    except FileNotFoundError:
        pass


def drafts_of(project_guid: str) -> list[dict]:
    """Every draft kept for a project."""
    out = []
    for path in sorted((folder() / _safe(project_guid)).glob("*.json")):
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(body, dict):
            out.append(body)
    return out
