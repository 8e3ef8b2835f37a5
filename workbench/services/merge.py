"""Merging team members' project files: a preview (plan) first, then one transaction (apply).

Other files are opened read-only; an older one is upgraded in a temporary copy.
The rules live in merge_rules (what the merged project holds), merge_deletions
and merge_conflicts; merge_write puts the result into the project. docs/merge.md
explains them for users.
"""
from __future__ import annotations

import glob
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from workbench.core.errors import Cancelled, ProjectError
from workbench.core.gcpause import gc_paused
from workbench.core.location import parse_location
from workbench.core.names import fit
from workbench.core.timeutil import now_iso
from workbench.services.merge_conflicts import Conflict, Ctx, deletion_answers, estimate_base, seen_versions
from workbench.services.merge_rules import merge_states
from workbench.services.merge_state import KINDS, State, load_state
from workbench.services.merge_write import diff, write_state
from workbench.store import files
from workbench.store.models import Coder, Report as ReportRow
from workbench.store.backend import same_location
from workbench.store.project import Project, backend_for, check_project_file, open_project
from workbench.store.schema_version import HEAD

ReportFn = Callable[[int, int, str], None]
ShouldStop = Callable[[], bool]
TITLE_LENGTH = ReportRow.__table__.c.title.type.length  # a report title, as the schema holds it
SHOWN_ITEMS = 200  # names listed per kind and change in a preview; the counts are always complete


@dataclass
class MergePlan:
    """The preview: what will come in per kind, and each conflict with its proposed resolution."""

    project: str
    others: list[str]
    bases: list[str]
    counts: dict[str, dict[str, int]]
    items: dict[str, dict[str, list[str]]]
    conflicts: list[Conflict]
    matches: list[dict]
    aliases: list[dict]
    dropped: dict[str, int]
    _states: list[State] = field(default_factory=list, repr=False)
    _tmp: list[tempfile.TemporaryDirectory] = field(default_factory=list, repr=False)

    def to_json(self) -> dict:
        return {"project": self.project, "others": self.others, "bases": self.bases, "counts": self.counts,
                "items": self.items, "conflicts": [c.to_json() for c in self.conflicts],
                "matches": self.matches, "aliases": self.aliases, "dropped": self.dropped}

    def close(self) -> None:
        for t in self._tmp:
            t.cleanup()
        self._tmp.clear()


@dataclass
class MergeReport:
    """What a merge did; also stored in the project as a Report row of kind 'merge'."""

    guid: str
    body: dict

    def to_json(self) -> dict:
        return {"report": self.guid, **self.body}


def _same_file(a: Path, b) -> bool:
    return same_location(a, b)


def load_other(project: Project, other: str | os.PathLike, tmp_holder: list) -> State:
    """Read another project file (never writing to it); an older version is upgraded in a temp copy."""
    path = parse_location(other)
    if _same_file(path, project.path):
        raise ProjectError(f"{path}: is the project being merged into; a project cannot be merged with itself")
    revision = check_project_file(path)
    read_path = path
    if revision != HEAD:
        tmp = tempfile.TemporaryDirectory(prefix="workbench-merge-")
        tmp_holder.append(tmp)
        read_path = Path(tmp.name) / path.name
        backend_for(path, readonly=True).copy_to_file(read_path)
        open_project(read_path).close()  # upgrades the copy; the original is left as it was
    other_project = open_project(read_path, readonly=True)
    try:
        with other_project.reading() as s:
            return load_state(s, read_path, label=str(path))
    finally:
        other_project.close()


def _items(ours: State, merged: State, changes: dict) -> dict[str, dict[str, list[str]]]:
    def name(st: State, kind: str, g) -> str:
        from workbench.services.merge_deletions import describe

        if kind == "value":
            case, attr = g
            return f"{st.case[case].name} / {st.attribute[attr].name} = {st.values[g].value}"
        if kind == "link":
            return f"{st.case[g[0]].name} ↔ {st.source[g[1]].name}"
        if kind == "tombstone":
            t = st.tombstones[g]
            return f"{t.kind} {t.detail or g}"
        return describe(st, kind, g)

    out = {}
    for kind, ch in changes.items():
        out[kind] = {
            "new": [name(merged, kind, g) for g in ch["new"][:SHOWN_ITEMS]],
            "updated": [name(merged, kind, g) for g in ch["updated"][:SHOWN_ITEMS]],
            "deleted": [name(ours, kind, g) for g in ch["deleted"][:SHOWN_ITEMS]],
        }
    return out


def _run(ours: State, others: list[State], resolutions: dict[str, str]) -> tuple[State, list[Ctx]]:
    seen, answers = seen_versions(ours), deletion_answers(ours)
    cur, ctxs = ours, []
    for n, other in enumerate(others):
        ctx = Ctx(estimate_base(cur, other), f"{n}:", resolutions, seen, answers=answers)
        cur = merge_states(ctx, cur, other)
        ctxs.append(ctx)
    return cur, ctxs


def _summary(ctxs: list[Ctx]) -> tuple[list[Conflict], list[dict], list[dict], dict[str, int]]:
    conflicts = [c for ctx in ctxs for c in ctx.conflicts]
    matches = [m for ctx in ctxs for m in ctx.matches]
    aliases = [a for ctx in ctxs for a in ctx.aliases]
    dropped: dict[str, int] = {}
    for ctx in ctxs:
        for k, v in ctx.dropped.items():
            dropped[k] = dropped.get(k, 0) + v
    return conflicts, matches, aliases, dropped


def plan_merge(project: Project, other_paths: list[str | os.PathLike], report: ReportFn | None = None,
               should_stop: ShouldStop | None = None) -> MergePlan:
    """Read the other files and work out the merge without writing anything."""
    if not other_paths:
        raise ProjectError(f"{project.path}: name at least one project file to merge in")
    total = len(other_paths) + 2
    tmp: list = []
    # The collector held while both sides are read and compared: 100,000s of row tuples that
    # hold no cycles, which its passes walked again and again (issue 11).
    with gc_paused():
        try:
            others = []
            for i, p in enumerate(other_paths):
                if report:
                    report(i, total, f"reading {Path(p).name}")
                if should_stop and should_stop():
                    raise Cancelled("merge preview stopped")
                others.append(load_other(project, p, tmp))
            if report:
                report(len(others), total, f"reading {project.path.name}")
            with project.reading() as s:
                ours = load_state(s, project.path)
            if report:
                report(len(others) + 1, total, "comparing")
            merged, ctxs = _run(ours, others, {})
            changes = diff(ours, merged)
        except BaseException:
            for t in tmp:
                t.cleanup()
            raise
    conflicts, matches, aliases, dropped = _summary(ctxs)
    counts = {k: {w: len(v) for w, v in ch.items()} for k, ch in changes.items()}
    if report:
        report(total, total, "")
    return MergePlan(str(project.path), [str(p) for p in other_paths], [c.base for c in ctxs], counts,
                     _items(ours, merged, changes), conflicts, matches, aliases, dropped, others, tmp)


def backup_before_merge(project: Project) -> str:
    return project.backend.backup("before-merge")


def apply_merge(project: Project, plan: MergePlan, resolutions: dict[str, str] | None = None,
                report: ReportFn | None = None, should_stop: ShouldStop | None = None,
                by: str | None = None, backup: bool = True) -> MergeReport:
    """Apply a plan in one transaction, after a backup copy; records and returns the merge report.

    resolutions maps conflict ids to one of the conflict's options; the rest take their default.
    """
    resolutions = dict(resolutions or {})
    total = 4
    if report:
        report(0, total, "backing up")
    backup_path = backup_before_merge(project) if backup else None
    stop = should_stop or (lambda: False)
    with project.transaction() as s:
        if report:
            report(1, total, "reading the project")
        ours = load_state(s, project.path)
        if stop():
            raise Cancelled("merge stopped; the project is as it was")
        merged, ctxs = _run(ours, plan._states, resolutions)
        changes = diff(ours, merged)
        if stop():
            raise Cancelled("merge stopped; the project is as it was")
        if report:
            report(2, total, "writing")
        write_state(s, ours, merged, changes)
        conflicts, matches, aliases, dropped = _summary(ctxs)
        who = by or s.scalar(select(Coder.name).order_by(Coder.id).limit(1)) or ""
        body = {
            "merged_at": now_iso(),
            "by": who,
            "project": str(project.path),
            "others": [{"path": p, "project": st.project_guid, "base": c.base}
                       for p, st, c in zip(plan.others, plan._states, ctxs)],
            "backup": str(backup_path) if backup_path else None,
            "counts": {k: {w: len(v) for w, v in ch.items()} for k, ch in changes.items()},
            "conflicts": [c.to_json() for c in conflicts],
            "matches": matches,
            "aliases": aliases,
            "dropped": dropped,
        }
        row = ReportRow(kind="merge", title=fit("Merged " + ", ".join(Path(p).name for p in plan.others), TITLE_LENGTH),
                        body=json.dumps(body, ensure_ascii=False), created_by=who)
        s.add(row)
        s.flush()
        if stop():
            raise Cancelled("merge stopped; the project is as it was")
        if report:
            report(3, total, "committing")
    plan.close()
    if report:
        report(total, total, "")
    return MergeReport(row.guid, body)


def merge_files(project_path: str | os.PathLike, other_paths: list[str | os.PathLike],
                resolutions: dict[str, str] | None = None, report: ReportFn | None = None,
                should_stop: ShouldStop | None = None, by: str | None = None) -> MergeReport:
    """Plan and apply in one go, opening the project by path (for jobs and the command line)."""
    with open_project(project_path) as project:
        plan = plan_merge(project, other_paths, report, should_stop)
        try:
            return apply_merge(project, plan, resolutions, report, should_stop, by)
        finally:
            plan.close()


def copy_then_merge(project_path: str | os.PathLike, out: str | os.PathLike,
                    other_paths: list[str | os.PathLike], **kw) -> MergeReport:
    """Merge into a new file OUT that starts as a copy of the project; the project is not touched."""
    src, dest = parse_location(project_path), Path(out)
    check_project_file(src)
    if dest.exists():
        raise ProjectError(f"{dest}: a file already exists there; choose another name")
    if not dest.parent.exists():
        raise ProjectError(f"{dest}: the folder {dest.parent} does not exist")
    if any(_same_file(parse_location(p), src) for p in other_paths):
        raise ProjectError(f"{src}: a project cannot be merged with itself")
    tmp = files.temp_beside(dest)  # unique: two merges into one OUT never share a temporary file
    try:
        files.remove_with_sidecars(tmp)
        backend_for(src, readonly=True).copy_to_file(tmp)
        with open_project(tmp) as project:  # upgrades an older PROJECT in the new file only
            plan = plan_merge(project, other_paths, kw.get("report"), kw.get("should_stop"))
            try:
                result = apply_merge(project, plan, kw.get("resolutions"), kw.get("report"),
                                     kw.get("should_stop"), kw.get("by"), backup=False)
            finally:
                plan.close()
        files.settle_into_place(tmp, dest)  # beside dest: a link, never over a file that appeared there
    except BaseException:
        files.remove_with_sidecars(tmp)
        raise
    finally:
        # Upgrading the temporary copy backed it up beside itself; PROJECT itself is the backup.
        for p in tmp.parent.glob(f"{glob.escape(tmp.stem)}.before-upgrade-*"):
            p.unlink(missing_ok=True)
    return result


__all__ = ["KINDS", "MergePlan", "MergeReport", "apply_merge", "copy_then_merge", "merge_files", "plan_merge"]
