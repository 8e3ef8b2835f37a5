"""'Copy for a team member': a consistent copy of the project for one coder, to merge back later.

The copy keeps every GUID, so it merges back exactly. A hand-out record
(ProjectMeta key 'handout:<guid>': time, coder, original project GUID, files)
is written into both the copy and the original; merging uses it only to know
when the copy was made (see docs/merge.md). A plain file copy merges too.

The copy also says whom it is for, where a merge never carries it: ProjectMeta 'copy_for'
(the hand-out key and the coder). The window codes a copy as that person (issue 9, finding 5),
and the copy's project name ends in "(Name)" so the person sees whose copy is open.
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
from workbench.core.names import MAX_LENGTH
from workbench.store import files
from workbench.store.models import ProjectInfo, ProjectMeta
from workbench.store.project import Project, new_meta, open_project

COPY_FOR = "copy_for"  # local to the file: merge reads only the handout: keys


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
                new_meta(s, COPY_FOR, json.dumps({"key": key, "coder": coder}))
                ensure_coder(s, coder)
                info = s.scalars(select(ProjectInfo)).one()
                info.name = copy_name(info.name, coder)
        files.settle_into_place(tmp, dest)
    except BaseException:
        files.remove_with_sidecars(tmp)
        _forget(project, key)  # no copy was made: the original must not record one
        raise
    return Handout(key, time, coder, original, dest)


def copy_name(name: str, coder: str) -> str:
    """The project name of a copy for coder: 'City partnerships (Sipho)'; a copy of a copy
    names its newest holder only."""
    base = name
    if base.endswith(")") and " (" in base:
        base = base[: base.rindex(" (")]
    suffix = f" ({coder})"
    return base[: MAX_LENGTH["project"] - len(suffix)].rstrip() + suffix


def copy_for(project: Project) -> dict | None:
    """{"key", "coder"} when the project is a hand-out copy, else None.

    Copies made before 'copy_for' existed are known by a 'copy' hand-out record whose original
    side is not in the file (a merged-in copy record always comes with its original record)."""
    with project.reading() as s:
        raw = s.scalar(select(ProjectMeta.value).where(ProjectMeta.key == COPY_FOR))
    if raw:
        try:
            found = json.loads(raw)
        except ValueError:
            found = None
        if isinstance(found, dict) and found.get("coder"):
            return {"key": str(found.get("key", "")), "coder": str(found["coder"])}
    records = handouts(project)
    originals = {h["key"] for h in records if h.get("role") == "original"}
    copies = [h for h in records if h.get("role") == "copy" and h["key"] not in originals and h.get("coder")]
    return {"key": copies[-1]["key"], "coder": copies[-1]["coder"]} if copies else None


def _forget(project: Project, key: str) -> None:
    from sqlalchemy import delete

    with project.transaction() as s:
        s.execute(delete(ProjectMeta).where(ProjectMeta.key == key))


def handouts(project: Project) -> list[dict]:
    """The hand-out records of a project, oldest first."""
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
