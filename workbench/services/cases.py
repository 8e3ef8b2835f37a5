"""Cases, their typed attributes and values, and the sources that belong to them."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.core.changes import Changes
from workbench.core.errors import ImportError_, NotFoundError, ValidationError
from workbench.core.timeutil import now_iso
from workbench.services.lookup import case_by_name, source_by_name
from workbench.services.tombstones import bury, bury_pair, unbury_pair
from workbench.store.models import Attribute, AttributeValue, Case, CaseSource, Source
from workbench.store.project import Project

TYPES = ("text", "number", "date", "bool")
_TRUE = {"yes", "y", "true", "1", "ja", "oui", "sí", "si"}
_FALSE = {"no", "n", "false", "0", "nee", "non"}
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y/%m/%d", "%d.%m.%Y", "%d %B %Y", "%d %b %Y")


def parse_value(value: str, type_: str) -> str:
    """The canonical text of a typed value: numbers plain, dates ISO, yes/no as 'yes'/'no'."""
    value = value.strip()
    if value == "":
        return ""
    if type_ == "number":
        try:
            num = float(value.replace(",", "")) if re.fullmatch(r"-?[\d,]*\.?\d+", value) else float(value)
        except ValueError:
            raise ValidationError(f"{value!r} is not a number") from None
        return str(int(num)) if num.is_integer() else repr(num)
    if type_ == "date":
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(value, fmt).date().isoformat()
            except ValueError:
                continue
        raise ValidationError(f"{value!r} is not a date; write it as YYYY-MM-DD")
    if type_ == "bool":
        low = value.casefold()
        if low in _TRUE:
            return "yes"
        if low in _FALSE:
            return "no"
        raise ValidationError(f"{value!r} is not yes or no")
    return value


def infer_type(values: list[str]) -> str:
    """The narrowest type every non-empty value fits: yes/no, number, date, else text."""
    vals = [v.strip() for v in values if v.strip()]
    if not vals:
        return "text"
    for type_ in ("bool", "number", "date"):
        try:
            for v in vals:
                parse_value(v, type_)
        except ValidationError:
            continue
        if type_ == "bool" and all(v in {"0", "1"} for v in vals):
            return "number"
        return type_
    return "text"


def ensure_case(session: Session, name: str) -> int:
    name = " ".join(name.split())
    if not name:
        raise ValidationError("a case needs a name")
    cid = session.scalar(select(Case.id).where(Case.name == name))
    if cid is None:
        pos = session.scalar(select(func.count()).select_from(Case))
        case = Case(name=name, position=pos)
        session.add(case)
        session.flush()
        cid = case.id
    return cid


def create_case(project: Project, name: str, description: str = "") -> Changes:
    with project.transaction() as s:
        if s.scalar(select(Case.id).where(Case.name == name.strip())):
            raise ValidationError(f"a case named {name.strip()!r} already exists")
        cid = ensure_case(s, name)
        s.get(Case, cid).description = description
    return Changes().add("created", "case", cid)


def rename_case(project: Project, case_id: int, name: str) -> Changes:
    name = " ".join(name.split())
    if not name:
        raise ValidationError("a case needs a name")
    with project.transaction() as s:
        case = s.get(Case, case_id)
        if case is None:
            raise NotFoundError("case", f"#{case_id}")
        if s.scalar(select(Case.id).where(Case.name == name, Case.id != case_id)):
            raise ValidationError(f"a case named {name!r} already exists")
        case.name = name
        case.updated_at = now_iso()
    return Changes().add("updated", "case", case_id)


def delete_case(project: Project, case_id: int, deleted_by: str = "") -> Changes:
    """Delete a case (its sources stay in the project), leaving a tombstone."""
    with project.transaction() as s:
        case = s.get(Case, case_id)
        if case is None:
            raise NotFoundError("case", f"#{case_id}")
        bury(s, "case", [(case.guid, case.name)], deleted_by)
        s.delete(case)
    return Changes().add("deleted", "case", case_id)


def ensure_attribute(session: Session, name: str, type_: str = "text") -> int:
    name = " ".join(name.split())
    if not name:
        raise ValidationError("an attribute needs a name")
    if type_ not in TYPES:
        raise ValidationError(f"attribute type must be one of {', '.join(TYPES)}")
    aid = session.scalar(select(Attribute.id).where(Attribute.name == name))
    if aid is None:
        pos = session.scalar(select(func.count()).select_from(Attribute))
        attr = Attribute(name=name, type=type_, position=pos)
        session.add(attr)
        session.flush()
        aid = attr.id
    return aid


def define_attribute(project: Project, name: str, type_: str = "text") -> Changes:
    with project.transaction() as s:
        aid = ensure_attribute(s, name, type_)
    return Changes().add("created", "attribute", aid)


def set_value_in(session: Session, case_id: int, attribute_id: int, value: str, by_id: int | None = None) -> None:
    attr = session.get(Attribute, attribute_id)
    if attr is None:
        raise NotFoundError("attribute", f"#{attribute_id}")
    case = session.get(Case, case_id)
    if case is None:
        raise NotFoundError("case", f"#{case_id}")
    canonical = parse_value(value, attr.type)
    row = session.get(AttributeValue, (case_id, attribute_id))
    if canonical == "":
        if row is not None:  # a tombstone, so a merge does not bring the value back
            bury_pair(session, "value", case.guid, attr.guid, f"{attr.name} = {row.value}")
            session.delete(row)
        return
    if row is None:
        unbury_pair(session, "value", case.guid, attr.guid)
        session.add(AttributeValue(case_id=case_id, attribute_id=attribute_id, value=canonical, updated_by_id=by_id))
    elif row.value != canonical:
        row.value = canonical
        row.updated_at = now_iso()
        row.updated_by_id = by_id


def set_attribute_value(project: Project, case_id: int, attribute_id: int, value: str) -> Changes:
    with project.transaction() as s:
        set_value_in(s, case_id, attribute_id, value)
    return Changes().add("updated", "case", case_id)


def link_source(project: Project, case_id: int, source_id: int, linked: bool = True) -> Changes:
    with project.transaction() as s:
        case, source = s.get(Case, case_id), s.get(Source, source_id)
        if case is None or source is None:
            raise NotFoundError("case" if case is None else "source", f"#{case_id if case is None else source_id}")
        exists = s.get(CaseSource, (case_id, source_id))
        guids = (case.guid, source.guid)
        if linked and exists is None:
            unbury_pair(s, "link", *guids)
            s.add(CaseSource(case_id=case_id, source_id=source_id))
        elif not linked and exists is not None:  # a tombstone, so a merge does not bring the link back
            bury_pair(s, "link", *guids, "source unlinked from case")
            s.delete(exists)
    return Changes().add("updated", "case", case_id)


@dataclass
class CasesCsvResult:
    created: int
    updated: int
    attributes: dict[str, str]  # name -> inferred type
    linked: int


def import_cases_csv(project: Project, path: str | Path) -> CasesCsvResult:
    """Create or update cases from a CSV: first column the case name, others attributes,
    a column named 'sources' lists source names joined by ';'. All rows or none."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportError_(f"{path}: cannot be read ({exc.strerror})") from None
    if not raw.strip():
        raise ImportError_(f"{path}: the file is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    rows = [r for r in rows if any(c.strip() for c in r)]
    if len(rows) < 2:
        raise ImportError_(f"{path}: needs a header row and at least one case")
    header = [h.strip() for h in rows[0]]
    if not header[0]:
        raise ImportError_(f"{path}: the first column needs a header (the case name)")
    body = rows[1:]
    for n, r in enumerate(body, start=2):
        if len(r) > len(header):
            raise ImportError_(f"{path}: line {n} has {len(r)} columns, the header {len(header)}")
    cols = {h: i for i, h in enumerate(header)}
    src_col = next((i for h, i in cols.items() if h.casefold() == "sources"), None)
    attr_cols = [(h, i) for h, i in cols.items() if i != 0 and i != src_col]
    created = updated = linked = 0
    types: dict[str, str] = {}
    with project.transaction() as s:
        for name, i in attr_cols:
            existing = s.scalar(select(Attribute.type).where(Attribute.name == name))
            types[name] = existing or infer_type([r[i] if i < len(r) else "" for r in body])
        attr_ids = {name: ensure_attribute(s, name, types[name]) for name, _ in attr_cols}
        for n, r in enumerate(body, start=2):
            case_name = r[0].strip()
            if not case_name:
                raise ImportError_(f"{path}: line {n} has no case name")
            was = s.scalar(select(Case.id).where(Case.name == case_name))
            cid = ensure_case(s, case_name)
            created += was is None
            updated += was is not None
            for name, i in attr_cols:
                try:
                    set_value_in(s, cid, attr_ids[name], r[i] if i < len(r) else "")
                except ValidationError as exc:
                    raise ImportError_(f"{path}: line {n}, column {name!r}: {exc}") from None
            if src_col is not None and src_col < len(r):
                for src_name in [x.strip() for x in r[src_col].split(";") if x.strip()]:
                    try:
                        sid = source_by_name(s, src_name)
                    except NotFoundError as exc:
                        raise ImportError_(f"{path}: line {n}: {exc}") from None
                    if s.get(CaseSource, (cid, sid)) is None:
                        s.add(CaseSource(case_id=cid, source_id=sid))
                        s.flush()
                        linked += 1
    return CasesCsvResult(created, updated, types, linked)


def case_id_by_name(project: Project, name: str) -> int:
    with project.reading() as s:
        return case_by_name(s, name)

