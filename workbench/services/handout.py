"""'Copy for a team member': a consistent copy of the project for one coder, to merge back later.

The copy keeps every GUID, so it merges back exactly. A hand-out record
(ProjectMeta key 'handout:<guid>': time, coder, original project GUID, files)
is written into both the copy and the original; merging uses it only to know
when the copy was made (see docs/merge.md). A plain file copy merges too.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from workbench.core.errors import ProjectError, ValidationError
from workbench.core.ids import new_guid
from workbench.core.timeutil import now_iso
from workbench.services.coders import ensure_coder
from workbench.services.merge_state import HANDOUT_PREFIX
from workbench.store import files
from workbench.store.models import ProjectInfo
from workbench.store.project import Project, new_meta, open_project


@dataclass
class Handout:
    key: str
    time: str
    coder: str
    original: str  # project GUID
    path: Path


def hand_out(project: Project, dest: str | os.PathLike, coder: str) -> Handout:
    """Write a copy of the open project to dest for the named coder; refuses to overwrite."""
    dest = Path(dest)
    coder = " ".join(coder.split())
    if not coder:
        raise ValidationError("name the team member the copy is for")
    if dest.exists():
        raise ProjectError(f"{dest}: a file already exists there; choose another name")
    if not dest.parent.is_dir():
        raise ProjectError(f"{dest}: the folder {dest.parent} does not exist")
    key = f"{HANDOUT_PREFIX}{new_guid()}"
    time = now_iso()
    with project.reading() as s:
        original = s.scalar(select(ProjectInfo.guid))
    record = {"time": time, "coder": coder, "original": original,
              "original_file": str(project.path), "copy_file": str(dest)}
    # The record goes into the original first: the copy then carries it too (role changed below).
    with project.transaction() as s:
        new_meta(s, key, json.dumps(record | {"role": "original"}))
    tmp = files.temp_beside(dest)
    try:
        files.remove_with_sidecars(tmp)
        project.backend.copy_to_file(tmp)
        with open_project(tmp) as copy:
            with copy.transaction() as s:
                new_meta(s, key, json.dumps(record | {"role": "copy"}))
                ensure_coder(s, coder)
        files.settle_into_place(tmp, dest)
    except BaseException:
        files.remove_with_sidecars(tmp)
        _forget(project, key)  # no copy was made: the original must not record one
        raise
    return Handout(key, time, coder, original, dest)


def _forget(project: Project, key: str) -> None:
    from sqlalchemy import delete

    from workbench.store.models import ProjectMeta

    with project.transaction() as s:
        s.execute(delete(ProjectMeta).where(ProjectMeta.key == key))


def handouts(project: Project) -> list[dict]:
    """The hand-out records of a project, oldest first."""
    from workbench.store.models import ProjectMeta

    with project.reading() as s:
        rows = s.execute(select(ProjectMeta.key, ProjectMeta.value).where(
            ProjectMeta.key.like(f"{HANDOUT_PREFIX}%"))).all()
    out = []
    for key, value in rows:
        try:
            out.append(json.loads(value) | {"key": key})
        except ValueError:
            continue
    return sorted(out, key=lambda h: h.get("time", ""))
