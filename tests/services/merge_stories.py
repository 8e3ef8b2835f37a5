"""What the merge stories share: copies handed out of the small project (tests/conftest.py), the
ids they edit by name, and a merge into a copy of one file, so the file itself stays as it was."""
from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from workbench.services.handout import hand_out
from workbench.services.lookup import code_by_path
from workbench.services.merge import merge_files
from workbench.services.sources import source_text
from workbench.store import sqlite as wsqlite
from workbench.store.models import Coder, Source
from workbench.store.project import open_project

JHB = "interview_jhb.txt"


def code_id(p, path: str) -> int:
    with p.reading() as s:
        return code_by_path(s, path)


def source_id(p, name: str) -> int:
    with p.reading() as s:
        return s.scalar(select(Source.id).where(Source.name == name))


def coder_id(p, name: str) -> int:
    with p.reading() as s:
        return s.scalar(select(Coder.id).where(Coder.name == name))


def span(p, phrase: str, source: str = JHB) -> tuple[int, int]:
    start = source_text(p, source).index(phrase)
    return start, start + len(phrase)


def hand_out_copies(project_path: Path, folder: Path, coders: dict[str, str]) -> list[Path]:
    """One hand-out copy of the project per name (file stem -> the coder it is for)."""
    paths = [folder / f"{name}.qwb" for name in coders]
    with open_project(project_path) as p:
        for path, coder in zip(paths, coders.values()):
            hand_out(p, path, coder)
    return paths


def merged(folder: Path, name: str, into: Path, other: Path, **kw):
    """(result, report): `other` merged into a copy of `into` named name.qwb."""
    result = folder / f"{name}.qwb"
    wsqlite.checkpoint(into)
    shutil.copy(into, result)
    return result, merge_files(result, [other], **kw)


def unfolded(body: dict) -> list[str]:
    """The codes a merge report says were kept, unfolded, for the work on them (kept-work-keeps-its-code)."""
    return [m["name"] for m in body["matches"] if m.get("by") == "unfolded"]
