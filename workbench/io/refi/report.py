"""The import report: what came in, what could not, which offset counting was used."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

REPORT_KIND = "qdpx-import"
# A hostile or broken file can name thousands of bad references; the report keeps the first ones.
MAX_ITEMS = 500


@dataclass
class ImportReport:
    file: str = ""
    origin: str = ""
    project_name: str = ""
    offset_model: str = ""
    offset_label: str = ""
    offset_detail: str = ""
    offset_confirmed: bool = True
    offset_scores: dict[str, list[int]] = field(default_factory=dict)
    # Selections placed by each counting model, and how the text selections carry (@name) fitted.
    selection_models: dict[str, int] = field(default_factory=dict)
    selection_texts: dict[str, int] = field(default_factory=dict)  # carried, fit_file_model, fit_other_model, fit_none
    imported: dict[str, int] = field(default_factory=dict)
    not_carried: list[dict] = field(default_factory=list)  # {kind, name, reason}
    skipped: list[dict] = field(default_factory=list)  # {kind, name, reason}
    warnings: list[str] = field(default_factory=list)
    more: dict[str, int] = field(default_factory=dict)  # items left out of each list

    def _add(self, key: str, item) -> None:
        items = getattr(self, key)
        if len(items) < MAX_ITEMS:
            items.append(item)
        else:
            self.more[key] = self.more.get(key, 0) + 1

    def not_carry(self, kind: str, name: str, reason: str) -> None:
        self._add("not_carried", {"kind": kind, "name": name, "reason": reason})

    def skip(self, kind: str, name: str, reason: str) -> None:
        self._add("skipped", {"kind": kind, "name": name, "reason": reason})

    def warn(self, message: str) -> None:
        self._add("warnings", message)

    def extend(self, other: "ImportReport") -> None:
        """Add `other`'s items after these, as if they had been added here (the first MAX_ITEMS kept)."""
        for key in ("not_carried", "skipped", "warnings"):
            for item in getattr(other, key):
                self._add(key, item)
        for key, n in other.more.items():
            self.more[key] = self.more.get(key, 0) + n

    def as_dict(self) -> dict:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict) -> "ImportReport":
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)

    def selection_summary(self) -> str:
        """'selections placed by counting: codepoints 6, utf16 2 (7 carry their text: ...)', or ''."""
        if not self.selection_models:
            return ""
        counts = ", ".join(f"{k} {n}" for k, n in sorted(self.selection_models.items(), key=lambda kv: (-kv[1], kv[0])))
        out = f"selections placed by counting: {counts}"
        t = self.selection_texts
        if t.get("carried"):
            out += (f" ({t['carried']} carry a name to check against their text: {t.get('fit_file_model', 0)} fit "
                    f"the file's counting, {t.get('fit_other_model', 0)} fit only another counting, "
                    f"{t.get('fit_none', 0)} are not their text under any counting)")
        return out

    def lines(self) -> list[str]:
        """The report as text lines, for the command line."""
        counts = ", ".join(f"{n} {k}" for k, n in self.imported.items())
        out = [f"imported {self.file}" + (f" (from {self.origin})" if self.origin else "") + f": {counts}",
               f"offsets counted as {self.offset_detail}"]
        if self.not_carried:
            out.append(f"not carried ({len(self.not_carried) + self.more.get('not_carried', 0)}):")
            out += [f"  {d['kind']} {d['name']!r}: {d['reason']}" for d in self.not_carried]
        if self.skipped:
            out.append(f"skipped ({len(self.skipped) + self.more.get('skipped', 0)}):")
            out += [f"  {d['kind']} {d['name']!r}: {d['reason']}" for d in self.skipped]
        for key, n in self.more.items():
            out.append(f"  ... and {n} more {key.replace('_', ' ')}")
        out += [f"warning: {w}" for w in self.warnings]
        return out


def latest_report(project) -> ImportReport | None:
    """The most recent QDPX import report kept in a project, or None."""
    from sqlalchemy import select

    from workbench.store.models import Report

    with project.reading() as s:
        body = s.scalar(select(Report.body).where(Report.kind == REPORT_KIND).order_by(Report.id.desc()).limit(1))
    if not body:
        return None
    try:
        return ImportReport.from_dict(json.loads(body))
    except (ValueError, TypeError):
        return None
