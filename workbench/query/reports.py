"""The reports a project keeps (merges, REFI-QDA imports): listed, read and rendered as text."""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select

from workbench.core.errors import NotFoundError
from workbench.store.models import Report
from workbench.store.project import Project

KIND_LABELS = {"merge": "Merge", "qdpx-import": "REFI-QDA import"}


@dataclass(frozen=True)
class StoredReport:
    guid: str
    kind: str
    title: str
    created_at: str
    created_by: str
    body: dict

    def to_json(self) -> dict:
        return {"report": self.guid, "kind": self.kind, "title": self.title, "created_at": self.created_at,
                "created_by": self.created_by, "body": self.body}


def list_reports(project: Project, kind: str | None = None) -> list[StoredReport]:
    """Every kept report, newest first (optionally of one kind)."""
    q = select(Report).order_by(Report.created_at.desc(), Report.id.desc())
    if kind:
        q = q.where(Report.kind == kind)
    with project.reading() as s:
        rows = s.scalars(q).all()
        return [StoredReport(r.guid, r.kind, r.title, r.created_at, r.created_by, _body(r.body)) for r in rows]


def get_report(project: Project, guid: str) -> StoredReport:
    for r in list_reports(project):
        if r.guid == guid.strip().lower():
            return r
    raise NotFoundError("report", guid)


def _body(text: str) -> dict:
    try:
        data = json.loads(text or "{}")
    except json.JSONDecodeError:
        return {"text": text}
    return data if isinstance(data, dict) else {"value": data}


def merge_counts_lines(counts: dict) -> list[str]:
    return [f"  {kind}: {c.get('new', 0)} new, {c.get('updated', 0)} updated, {c.get('deleted', 0)} deleted"
            for kind, c in counts.items() if any(c.values())]


def merge_conflict_lines(conflicts: list[dict]) -> list[str]:
    return [f"  conflict {c['id']}: {c['label']} ({c['field']}): ours {c['ours']['value']!r}, "
            f"other {c['other']['value']!r} -> {c['resolution']}" for c in conflicts]


def report_text(report: StoredReport) -> str:
    """A plain-text rendering for reading and for export."""
    b = report.body
    lines = [f"{KIND_LABELS.get(report.kind, report.kind)}: {report.title}",
             f"When: {report.created_at}" + (f"   By: {report.created_by}" if report.created_by else "")]
    if report.kind == "merge":
        for other in b.get("others", []):
            lines.append(f"Merged in: {other.get('path')}")
        if b.get("backup"):
            lines.append(f"Backup before merging: {b['backup']}")
        lines.append("What came in:")
        lines += merge_counts_lines(b.get("counts", {})) or ["  nothing"]
        conflicts = b.get("conflicts", [])
        lines.append(f"Conflicts: {len(conflicts)}")
        lines += merge_conflict_lines(conflicts)
        for alias in b.get("aliases", []):
            lines.append(f"  alias kept: {alias}")
        for match in b.get("matches", []):
            lines.append(f"  matched: {match}")
    else:
        lines.append(json.dumps(b, ensure_ascii=False, indent=2))
    return "\n".join(lines) + "\n"
