"""Moving projects between a file and a server (issue 14): publish a file, check out a copy.

`publish(FILE, URL)` makes a new team project at URL holding every row of the file, every
GUID kept, in one transaction on the server (a failure or a cancel leaves no schema behind),
and makes it a team project (`store.team_roles.secure`) in that same transaction.

`checkout(URL, FILE)` writes a file copy of a server project to work offline, every GUID
kept. It is a hand-out copy (services/handout.py) for the person signed in: the hand-out
note goes into the server project and the copy, so `workbench merge URL FILE` knows when the
two parted (docs/merge.md, base-from-shared-handout), and the copy records where it came from
(project_meta `checkout_of`, the URL without its password, and `checked_out_at`).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import delete, select

from workbench.core.errors import ProjectError, ProjectLockedError
from workbench.core.ids import new_guid
from workbench.core.location import ServerLocation, is_server_location, parse_server_location
from workbench.core.timeutil import now_iso
from workbench.services.coders import ensure_coder
from workbench.services.handout import COPY_FOR, copy_name
from workbench.services.merge_state import HANDOUT_PREFIX
from workbench.store import files
from workbench.store.backend import same_location
from workbench.store.models import ProjectInfo, ProjectMeta
from workbench.store.project import new_meta, open_project
from workbench.store.transfer import Progress, ShouldStop

CHECKOUT_OF = "checkout_of"
CHECKED_OUT_AT = "checked_out_at"
# What a copy holds about itself and a published project must not inherit from it.
LOCAL_KEYS = (CHECKOUT_OF, CHECKED_OUT_AT, COPY_FOR, "team")


@dataclass
class Published:
    location: str  # the URL, password hidden
    counts: dict[str, int]  # rows on the server: source, code, coding, case_, memo, tombstone


@dataclass
class CheckedOut:
    path: Path
    location: str  # the URL, password hidden
    coder: str
    time: str
    note: bool  # whether the server project holds the hand-out note too


def _server(url: str | ServerLocation, what: str) -> ServerLocation:
    if isinstance(url, ServerLocation):
        return url
    if not is_server_location(url):
        raise ProjectError(f"{url}: {what} needs a server location, postgresql://user@host[:port]/database"
                           "?project=NAME")
    return parse_server_location(url)


def publish(path: str | os.PathLike, url: str | ServerLocation, *, report: Progress | None = None,
            should_stop: ShouldStop | None = None, holder=None) -> Published:
    """Put the project file at path on the server at url as a new team project. holder: the
    Project this program holds open for writing on that file (the window's), whose lock keeps
    everyone else out while it is read; any other writer of the file gets it refused."""
    from workbench.store.publish import publish_file

    path = Path(path)
    loc = _server(url, "publish")
    if is_server_location(str(path)):
        raise ProjectError(f"{path}: publish copies a project file; name the .qwb file first, then the server")
    if not path.is_file():
        raise ProjectError(f"{path}: no such project file")
    held = holder is not None and not holder.readonly and same_location(holder.path, path)
    counts = publish_file(path, loc, LOCAL_KEYS, report, should_stop, lock_held=held)
    return Published(str(loc), counts)


def checkout(url: str | ServerLocation, dest: str | os.PathLike, *, report: Progress | None = None,
             should_stop: ShouldStop | None = None) -> CheckedOut:
    """Write a file copy of the server project at url to dest, to work on offline and merge back."""
    loc = _server(url, "checkout")
    shown = str(replace(loc, password=None))  # what the copy records: never a password
    dest = Path(dest)
    if dest.exists():
        raise ProjectError(f"{dest}: a file already exists there; choose another name")
    if not dest.parent.is_dir():
        raise ProjectError(f"{dest}: the folder {dest.parent} does not exist")
    time = now_iso()
    key = f"{HANDOUT_PREFIX}{new_guid()}"
    try:
        project = open_project(loc)
    except ProjectLockedError:  # a single-user server project someone is writing: copy it as it is now
        project = open_project(loc, readonly=True)
    with project:
        coder = project.signed_in or loc.user or "me"
        with project.reading() as s:
            original = s.scalar(select(ProjectInfo.guid))
        record = {"time": time, "coder": coder, "original": original, "original_file": shown,
                  "copy_file": str(dest)}
        note = not project.readonly and _note_on_server(project, key, record)
        tmp = files.temp_beside(dest)
        try:
            files.remove_with_sidecars(tmp)
            from workbench.store.transfer import write_file_copy

            source = project.backend.make_engine(readonly=True)
            try:
                write_file_copy(source, tmp, report, should_stop)
            finally:
                source.dispose()
            with open_project(tmp) as copy, copy.transaction() as s:
                s.execute(delete(ProjectMeta).where(ProjectMeta.key.in_(LOCAL_KEYS)))
                new_meta(s, key, json.dumps(record | {"role": "copy"}))
                new_meta(s, COPY_FOR, json.dumps({"key": key, "coder": coder}))
                new_meta(s, CHECKOUT_OF, shown)
                new_meta(s, CHECKED_OUT_AT, time)
                ensure_coder(s, coder)
                info = s.scalars(select(ProjectInfo)).one()
                info.name = copy_name(info.name, coder)
            files.settle_into_place(tmp, dest)
        except BaseException:
            files.remove_with_sidecars(tmp)
            if note:
                _forget(project, key)  # no copy was made: the server must not record one
            raise
    return CheckedOut(dest, shown, coder, time, note)


def _note_on_server(project, key: str, record: dict) -> bool:
    """The hand-out note in the server project; False where the server refuses it (a coder may
    not write project_meta in a team project): the merge then finds the base from shared content."""
    try:
        with project.transaction() as s:
            new_meta(s, key, json.dumps(record | {"role": "original"}))
        return True
    except ProjectError as exc:
        if "does not let this user" in str(exc):
            return False
        raise


def _forget(project, key: str) -> None:
    try:
        with project.transaction() as s:
            s.execute(delete(ProjectMeta).where(ProjectMeta.key == key))
    except ProjectError:
        pass


def checkout_of(location: str | os.PathLike) -> str | None:
    """The server location (no password) a project file was checked out from, or None."""
    with open_project(location, readonly=True) as p:
        return p.meta(CHECKOUT_OF)


def open_checkout_origin(copy: str | os.PathLike, url: str | None = None):
    """The server project a checked-out copy came from, open for writing (to merge the copy into);
    url (with a password, say) overrides the recorded one but must name the same project."""
    origin = checkout_of(copy)
    if origin is None:
        raise ProjectError(f"{copy}: not a checked-out copy of a server project (workbench checkout makes "
                           "one); merge it with Merge projects… instead")
    loc = parse_server_location(origin)
    if url:
        given = _server(url, "merging a checkout")
        if replace(given, password=None, user=None) != replace(loc, password=None, user=None):
            raise ProjectError(f"{copy}: was checked out from {origin}, not from {replace(given, password=None)}")
        loc = given
    return open_project(loc)
