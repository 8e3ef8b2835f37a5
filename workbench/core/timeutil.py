"""Timestamps: stored as ISO 8601 UTC strings, which sort and compare as text everywhere."""
from __future__ import annotations

from datetime import datetime, timezone


def now_iso() -> str:
    """The current time in UTC, microseconds kept so edits in one second still order."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
