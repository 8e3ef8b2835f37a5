"""Cases, their typed attributes and values, and the sources that belong to them."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from workbench.core.changes import Changes
from workbench.core.errors import ImportError_, NotFoundError, ValidationError
from workbench.core.names import clean_name, name_key
from workbench.core.timeutil import now_iso
from workbench.services.lookup import case_by_name, source_by_name
from workbench.services.tombstones import bury
from workbench.store.models import Attribute, AttributeValue, Case, CaseSource
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


@dataclass(frozen=True)
class Found:
    """A case or attribute asked for by name: its id, whether it was made now, and the name it
    already had when the name asked for only compares equal to it (a fold, to be reported)."""

    id: int
    created: bool
    folded_into: str | None = None


def find_or_make_case(session: Session, name: str) -> Found:
    """The case named name by the one name rule (core.names), made when there is none."""
    name = clean_name("case", name)
    row = session.execute(select(Case.id, Case.name).where(Case.name_key == name_key(name))).first()
    if row is not None:
        return Found(row.id, False, row.name if row.name != name else None)
    pos = session.scalar(select(func.count()).select_from(Case))
    case = Case(name=name, position=pos)
    session.add(case)
    session.flush()
    return Found(case.id, True)


def ensure_case(session: Session, name: str) -> int:
    return find_or_make_case(session, name).id


def _case_named(session: Session, name: str, except_id: int | None = None) -> str | None:
    """The name of the case (other than except_id) that name compares equal to, if any."""
    q = select(Case.name).where(Case.name_key == name_key(name))
    if except_id is not None:
        q = q.where(Case.id != except_id)
    return session.scalar(q)


def create_case(project: Project, name: str, description: str = "") -> Changes:
    name = clean_name("case", name)
    with project.transaction() as s:
        existing = _case_named(s, name)
        if existing is not None:
            raise ValidationError(f"a case named {existing!r} already exists")
        cid = ensure_case(s, name)
        s.get(Case, cid).description = description
    return Changes().add("created", "case", cid)


def rename_case(project: Project, case_id: int, name: str) -> Changes:
    name = clean_name("case", name)
    with project.transaction() as s:
        case = s.get(Case, case_id)
        if case is None:
            raise NotFoundError("case", f"#{case_id}")
        existing = _case_named(s, name, except_id=case_id)
        if existing is not None:
            raise ValidationError(f"a case named {existing!r} already exists")
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


def find_or_make_attribute(session: Session, name: str, type_: str = "text") -> Found:
    """The attribute named name by the one name rule, made with type_ when there is none."""
    name = clean_name("attribute", name)
    if type_ not in TYPES:
        raise ValidationError(f"attribute type must be one of {', '.join(TYPES)}")
    row = session.execute(select(Attribute.id, Attribute.name).where(Attribute.name_key == name_key(name))).first()
    if row is not None:
        return Found(row.id, False, row.name if row.name != name else None)
    pos = session.scalar(select(func.count()).select_from(Attribute))
    attr = Attribute(name=name, type=type_, position=pos)
    session.add(attr)
    session.flush()
    return Found(attr.id, True)


def ensure_attribute(session: Session, name: str, type_: str = "text") -> int:
    return find_or_make_attribute(session, name, type_).id


def define_attribute(project: Project, name: str, type_: str = "text") -> Changes:
    with project.transaction() as s:
        aid = ensure_attribute(s, name, type_)
    return Changes().add("created", "attribute", aid)


def set_value_in(session: Session, case_id: int, attribute_id: int, value: str, by_id: int | None = None) -> None:
    attr = session.get(Attribute, attribute_id)
    if attr is None:
        raise NotFoundError("attribute", f"#{attribute_id}")
    canonical = parse_value(value, attr.type)
    row = session.get(AttributeValue, (case_id, attribute_id))
    if canonical == "":
        if row is not None:
            session.delete(row)
        return
    if row is None:
        session.add(AttributeValue(case_id=case_id, attribute_id=attribute_id, value=canonical, updated_by_id=by_id))
    elif row.value != canonical:
        row.value = canonical
        row.updated_at = now_iso()
        row.updated_by_id = by_id


def set_attribute_value(project: Project, case_id: int, attribute_id: int, value: str) -> Changes:
    with project.transaction() as s:
        set_value_in(s, case_id, attribute_id, value)
    return Changes().add("updated", "case", case_id)


def describe_case(project: Project, case_id: int, description: str) -> Changes:
    with project.transaction() as s:
        case = s.get(Case, case_id)
        if case is None:
            raise NotFoundError("case", f"#{case_id}")
        if (case.description or "") != description:
            case.description = description
            case.updated_at = now_iso()
    return Changes().add("updated", "case", case_id)


# What goes with a case or an attribute, parents first: what undoing their deletion writes back.
_CASE_ROWS = {"case_": "id", "attribute_value": "case_id", "case_source": "case_id", "case_passage": "case_id",
              "memo": "case_id"}
_ATTRIBUTE_ROWS = {"attribute": "id", "attribute_value": "attribute_id"}


def _take_rows(session: Session, tables: dict[str, str], key: int) -> dict[str, list[dict]]:
    from workbench.store.models import Base

    t = Base.metadata.tables
    return {name: [dict(r._mapping) for r in session.execute(select(t[name]).where(t[name].c[col] == key))]
            for name, col in tables.items()}


def _put_rows(project: Project, rows: dict[str, list[dict]], kind: str, key: int) -> Changes:
    """Insert kept rows again (same ids and GUIDs) and lift their tombstones."""
    from workbench.services.tombstones import unbury
    from workbench.store.models import Base, Source

    t = Base.metadata.tables
    with project.transaction() as s:
        sources = set(s.scalars(select(Source.id)))
        for name, items in rows.items():
            keep = [r for r in items if r.get("source_id") is None or r["source_id"] in sources]
            if keep:
                s.execute(insert(t[name]), keep)
        unbury(s, [r["guid"] for items in rows.values() for r in items if r.get("guid")])
    return Changes().add("created", kind, key)


def delete_case_kept(project: Project, case_id: int, deleted_by: str = "") -> dict[str, list[dict]]:
    """Delete a case as delete_case does (its sources stay), returning its rows, values, links and
    memo so restore_case can bring it back exactly."""
    with project.transaction() as s:
        case = s.get(Case, case_id)
        if case is None:
            raise NotFoundError("case", f"#{case_id}")
        rows = _take_rows(s, _CASE_ROWS, case_id)
        bury(s, "case", [(case.guid, case.name)], deleted_by)
        bury(s, "memo", [(m["guid"], case.name) for m in rows["memo"]], deleted_by)
        s.delete(case)
    return rows


def restore_case(project: Project, rows: dict[str, list[dict]]) -> Changes:
    return _put_rows(project, rows, "case", rows["case_"][0]["id"])


def create_attribute(project: Project, name: str, type_: str = "text") -> Changes:
    """A new attribute; refused when one compares equal to the name (the one name rule)."""
    name = clean_name("attribute", name)
    with project.transaction() as s:
        existing = s.scalar(select(Attribute.name).where(Attribute.name_key == name_key(name)))
        if existing is not None:
            raise ValidationError(f"an attribute named {existing!r} already exists")
        aid = ensure_attribute(s, name, type_)
    return Changes().add("created", "attribute", aid)


def rename_attribute(project: Project, attribute_id: int, name: str) -> Changes:
    name = clean_name("attribute", name)
    with project.transaction() as s:
        attr = s.get(Attribute, attribute_id)
        if attr is None:
            raise NotFoundError("attribute", f"#{attribute_id}")
        existing = s.scalar(select(Attribute.name).where(Attribute.name_key == name_key(name),
                                                         Attribute.id != attribute_id))
        if existing is not None:
            raise ValidationError(f"an attribute named {existing!r} already exists")
        attr.name = name
        attr.updated_at = now_iso()
    return Changes().add("updated", "attribute", attribute_id)


def delete_attribute_kept(project: Project, attribute_id: int, deleted_by: str = "") -> dict[str, list[dict]]:
    """Delete an attribute with its values (leaving a tombstone); returns them for restore_attribute."""
    with project.transaction() as s:
        attr = s.get(Attribute, attribute_id)
        if attr is None:
            raise NotFoundError("attribute", f"#{attribute_id}")
        rows = _take_rows(s, _ATTRIBUTE_ROWS, attribute_id)
        bury(s, "attribute", [(attr.guid, attr.name)], deleted_by)
        s.delete(attr)
    return rows


def restore_attribute(project: Project, rows: dict[str, list[dict]]) -> Changes:
    return _put_rows(project, rows, "attribute", rows["attribute"][0]["id"])


def attribute_value(project: Project, case_id: int, attribute_id: int) -> str:
    with project.reading() as s:
        row = s.get(AttributeValue, (case_id, attribute_id))
        return row.value if row else ""


@dataclass(frozen=True)
class CaseRow:
    id: int
    name: str
    description: str
    source_ids: tuple[int, ...]
    values: dict[int, str]  # attribute id -> canonical value


@dataclass(frozen=True)
class AttributeRow:
    id: int
    name: str
    type: str


def case_table(project: Project) -> tuple[list[CaseRow], list[AttributeRow]]:
    """Every case with its description, sources and attribute values; the attributes in order."""
    from workbench.store.models import Source

    with project.reading() as s:
        attrs = [AttributeRow(*r) for r in s.execute(select(Attribute.id, Attribute.name, Attribute.type)
                                                     .order_by(Attribute.position, Attribute.name))]
        values: dict[int, dict[int, str]] = {}
        for cid, aid, value in s.execute(select(AttributeValue.case_id, AttributeValue.attribute_id,
                                                AttributeValue.value)):
            values.setdefault(cid, {})[aid] = value
        links: dict[int, list[int]] = {}
        for cid, sid in s.execute(select(CaseSource.case_id, CaseSource.source_id)
                                  .join(Source, Source.id == CaseSource.source_id)
                                  .order_by(Source.position, Source.name)):
            links.setdefault(cid, []).append(sid)
        cases = [CaseRow(r.id, r.name, r.description or "", tuple(links.get(r.id, ())), values.get(r.id, {}))
                 for r in s.execute(select(Case.id, Case.name, Case.description).order_by(Case.position, Case.name))]
    return cases, attrs


CSV_FORMAT = ("First column: the case name. One column per attribute, headed by its name. "
              "A column named “sources” lists the case's sources, separated by “;”. "
              "Dates as YYYY-MM-DD, yes/no as yes or no; UTF-8, comma-separated.")


def export_cases_csv(project: Project, path: str | Path) -> int:
    """Write the cases × attributes table in the format import_cases_csv reads; returns the case count."""
    from workbench.io.atomic import atomic_write_text
    from workbench.store.models import Source

    cases, attrs = case_table(project)
    with project.reading() as s:
        names = dict(s.execute(select(Source.id, Source.name)).all())
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(["case"] + [a.name for a in attrs] + ["sources"])
    for c in cases:
        out.writerow([c.name] + [c.values.get(a.id, "") for a in attrs] + ["; ".join(names[i] for i in c.source_ids)])
    atomic_write_text(path, "\ufeff" + buf.getvalue())  # a BOM, so spreadsheet programs read UTF-8
    return len(cases)


def link_source(project: Project, case_id: int, source_id: int, linked: bool = True) -> Changes:
    with project.transaction() as s:
        exists = s.get(CaseSource, (case_id, source_id))
        if linked and exists is None:
            s.add(CaseSource(case_id=case_id, source_id=source_id))
        elif not linked and exists is not None:
            s.delete(exists)
    return Changes().add("updated", "case", case_id)


def set_links(project: Project, add: list[tuple[int, int]], remove: list[tuple[int, int]]) -> Changes:
    """Link and unlink (case id, source id) pairs as one action."""
    with project.transaction() as s:
        for case_id, source_id in add:
            if s.get(CaseSource, (case_id, source_id)) is None:
                s.add(CaseSource(case_id=case_id, source_id=source_id))
        for case_id, source_id in remove:
            row = s.get(CaseSource, (case_id, source_id))
            if row is not None:
                s.delete(row)
    pairs = add + remove
    return Changes().add("updated", "case", *{c for c, _ in pairs}).add("updated", "source", *{x for _, x in pairs})


@dataclass
class CasesCsvResult:
    created: int
    updated: int
    attributes: dict[str, str]  # name -> inferred type
    linked: int
    folded: list[tuple[str, str]] = field(default_factory=list)  # (name in the file, the name it is in the project)

    def summary(self) -> str:
        types = ", ".join(f"{k} ({v})" for k, v in self.attributes.items()) or "none"
        line = (f"cases: {self.created} created, {self.updated} updated; attributes: {types}; "
                f"{self.linked} sources linked")
        if self.folded:
            line += "; " + "; ".join(f"{a!r} is {b!r}" for a, b in self.folded)
        return line


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
    seen_cols: dict[str, str] = {}
    for h in header[1:]:
        if not h:
            raise ImportError_(f"{path}: a column has no header (the attribute's name)")
        if name_key(h) in seen_cols:
            raise ImportError_(f"{path}: the columns {seen_cols[name_key(h)]!r} and {h!r} name one attribute")
        seen_cols[name_key(h)] = h
    cols = {h: i for i, h in enumerate(header)}
    src_col = next((i for h, i in cols.items() if h.casefold() == "sources"), None)
    attr_cols = [(h, i) for h, i in cols.items() if i != 0 and i != src_col]
    created = updated = linked = 0
    types: dict[str, str] = {}
    folded: list[tuple[str, str]] = []
    with project.transaction() as s:
        attr_ids: dict[str, int] = {}
        for name, i in attr_cols:
            existing = s.scalar(select(Attribute.type).where(Attribute.name_key == name_key(name)))
            types[name] = existing or infer_type([r[i] if i < len(r) else "" for r in body])
            try:
                found = find_or_make_attribute(s, name, types[name])
            except ValidationError as exc:
                raise ImportError_(f"{path}: column {name!r}: {exc}") from None
            attr_ids[name] = found.id
            if found.folded_into:
                folded.append((name, found.folded_into))
        for n, r in enumerate(body, start=2):
            case_name = r[0].strip()
            if not case_name:
                raise ImportError_(f"{path}: line {n} has no case name")
            try:
                found = find_or_make_case(s, case_name)
            except ValidationError as exc:
                raise ImportError_(f"{path}: line {n}: {exc}") from None
            cid = found.id
            created += found.created
            updated += not found.created
            if found.folded_into:
                folded.append((" ".join(case_name.split()), found.folded_into))
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
    return CasesCsvResult(created, updated, types, linked, folded)


def case_id_by_name(project: Project, name: str) -> int:
    with project.reading() as s:
        return case_by_name(s, name)

