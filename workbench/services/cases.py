"""Cases, their typed attributes and values, and the sources and passages that belong to them.

A case holds a source whole (case_source) or passages of it (case_passage, start..end in code
points, end exclusive): an article on Cape Town and Tokyo links each half to its city (issue 9,
finding 6). Passages of one case may overlap; what counts is their union (query.membership),
and each link stays its own row with its own GUID, so undo and merges see exactly one edit.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from workbench.core.changes import Changes, Kind
from workbench.core.csv_cells import unguard
from workbench.core.errors import ConflictError, ImportRefused, NotFoundError, ValidationError
from workbench.core.ids import new_guid
from workbench.core.names import clean_name, name_key
from workbench.core.timeutil import now_iso
from workbench.core.files import read_regular_file
from workbench.services.lookup import case_by_name, source_by_name
from workbench.services.tombstones import bury, bury_pair, pair_guid, unbury, unbury_of_kind, unbury_pair
from workbench.services.versions import checked
from workbench.store.bulk import insert_rows
from workbench.store.models import Attribute, AttributeValue, Case, CasePassage, CaseSource, Memo, Source
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
    return Changes().add("created", Kind.CASE, cid)


def _locked(session: Session, model, row_id: int, version: int | None, what: str, action: str):
    """The row locked for the transaction (None when there is none); with a version, checked."""
    if version is not None:
        return checked(session, model, row_id, version, what, action)
    return session.get(model, row_id, with_for_update=True, populate_existing=True)


def rename_case(project: Project, case_id: int, name: str, version: int | None = None) -> Changes:
    """Rename a case; with the version the user saw, refused when someone else changed it since."""
    name = clean_name("case", name)
    with project.transaction() as s:
        case = _locked(s, Case, case_id, version, "this case", "rename")
        if case is None:
            raise NotFoundError("case", f"#{case_id}")
        existing = _case_named(s, name, except_id=case_id)
        if existing is not None:
            raise ValidationError(f"a case named {existing!r} already exists")
        case.name = name
        case.updated_at = now_iso()
    return Changes().add("updated", Kind.CASE, case_id)


def delete_case(project: Project, case_id: int, deleted_by: str = "") -> Changes:
    """Delete a case (its sources stay in the project), leaving a tombstone."""
    with project.transaction() as s:
        case = s.get(Case, case_id)
        if case is None:
            raise NotFoundError("case", f"#{case_id}")
        bury(s, "case", [(case.guid, case.name)], deleted_by)
        passages = _records(s, CasePassage.case_id == case_id)
        bury(s, "case_passage", [(r.guid, _detail(s, r)) for r in passages], deleted_by)
        memo_ids = list(s.scalars(select(Memo.id).where(Memo.case_id == case_id)))
        s.delete(case)
    return (Changes().add("deleted", Kind.CASE, case_id).add("deleted", Kind.PASSAGE, *[r.id for r in passages])
            .add("deleted", Kind.MEMO, *memo_ids))


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
    return Changes().add("created", Kind.ATTRIBUTE, aid)


def set_value_in(session: Session, case_id: int, attribute_id: int, value: str, by_id: int | None = None) -> bool:
    """Set one value; whether it changed."""
    type_ = session.scalar(select(Attribute.type).where(Attribute.id == attribute_id))
    if type_ is None:
        raise NotFoundError("attribute", f"#{attribute_id}")
    return bool(set_values_in(session, {(case_id, attribute_id): parse_value(value, type_)}, by_id))


def set_values_in(session: Session, values: dict[tuple[int, int], str], by_id: int | None = None) -> set[int]:
    """Give cases attribute values, each already canonical (parse_value); '' takes one away.

    The one writer of values, single or by the thousand: the values there are read in one
    query (500 cases a query), and the changes go in three statements (issue 11: two ORM
    reads a value, each flushing the last write, made a 300-case CSV take 4.6 s).
    """
    by_attr: dict[int, list[int]] = {}
    for case_id, attribute_id in values:
        by_attr.setdefault(attribute_id, []).append(case_id)
    case_ids = sorted({c for c, _ in values})
    before: dict[tuple[int, int], str] = {}
    versions: dict[tuple[int, int], int] = {}
    for i in range(0, len(case_ids), 500):
        q = select(AttributeValue.case_id, AttributeValue.attribute_id, AttributeValue.value,
                   AttributeValue.version).where(
            AttributeValue.case_id.in_(case_ids[i : i + 500]), AttributeValue.attribute_id.in_(by_attr))
        for c, a, v, version in session.execute(q):
            before[(c, a)], versions[(c, a)] = v, version
    now = now_iso()
    new = [(c, a, v, now, by_id) for (c, a), v in values.items() if v and (c, a) not in before]
    # The version read with the value: the ORM's bulk update by key checks and bumps it.
    changed = [dict(case_id=c, attribute_id=a, value=v, updated_at=now, updated_by_id=by_id, version=versions[(c, a)])
               for (c, a), v in values.items() if v and (c, a) in before and before[(c, a)] != v]
    gone = [(c, a) for (c, a), v in values.items() if not v and (c, a) in before]
    _tombstones_of_values(session, [(c, a) for c, a, *_ in new], gone, before)
    insert_rows(session, AttributeValue.__table__, ("case_id", "attribute_id", "value", "updated_at", "updated_by_id"),
                new)
    if changed:
        session.execute(update(AttributeValue), changed)  # by primary key
    for attribute_id in {a for _, a in gone}:
        session.execute(delete(AttributeValue).where(
            AttributeValue.attribute_id == attribute_id,
            AttributeValue.case_id.in_([c for c, a in gone if a == attribute_id])))
    return {c for c, *_ in new} | {r["case_id"] for r in changed} | {c for c, _ in gone}


def _tombstones_of_values(session: Session, made: list[tuple[int, int]], gone: list[tuple[int, int]],
                          before: dict[tuple[int, int], str]) -> None:
    """A cleared value leaves a tombstone, so a merge does not bring it back; a value set again
    lifts it (services.tombstones.pair_guid: the same GUID in every copy of the project)."""
    if not made and not gone:
        return
    cases = {c for c, _ in made + gone}
    attrs = {a for _, a in made + gone}
    case_guid = dict(session.execute(select(Case.id, Case.guid).where(Case.id.in_(cases))).all())
    attr = {r.id: r for r in session.execute(select(Attribute.id, Attribute.guid, Attribute.name)
                                              .where(Attribute.id.in_(attrs)))}
    if made:
        unbury_of_kind(session, "value", [pair_guid("value", case_guid[c], attr[a].guid) for c, a in made])
    if gone:
        bury(session, "value", [(pair_guid("value", case_guid[c], attr[a].guid), f"{attr[a].name} = {before[(c, a)]}")
                                for c, a in gone])


def set_attribute_value(project: Project, case_id: int, attribute_id: int, value: str,
                        seen: str | None = None) -> Changes:
    """Set one case's value of one attribute ('' clears it); the result is the value stored.

    seen: the value the user was looking at ('' for none). The change is refused (ConflictError)
    when the value is another one by now: a colleague's edit of the cell made meanwhile is not
    overwritten (docs/team.md). A value is one short text, so the value itself says what the
    user saw: a colleague who set it and set it back has left nothing to lose. Without it (a
    script, a CSV) the value is set on whatever is there.
    """
    with project.transaction() as s:
        if seen is not None:
            _check_value_seen(s, case_id, attribute_id, seen)
        changed = set_value_in(s, case_id, attribute_id, value)
        stored = s.scalar(select(AttributeValue.value).where(
            AttributeValue.case_id == case_id, AttributeValue.attribute_id == attribute_id)) or ""
    return (Changes().add("updated", Kind.VALUE, case_id) if changed else Changes()).with_result(stored)


def _check_value_seen(s: Session, case_id: int, attribute_id: int, seen: str) -> None:
    """Lock the case (so two people setting a cell that had no value take turns) and the value,
    and refuse unless the value is still the one seen."""
    case = checked(s, Case, case_id, None, "this case", "edit of a value")
    attr = s.get(Attribute, attribute_id)
    if attr is None:
        raise ConflictError("this attribute was deleted meanwhile; your edit of a value was not made")
    q = select(AttributeValue.value).where(AttributeValue.case_id == case_id,
                                           AttributeValue.attribute_id == attribute_id)
    if s.get_bind().dialect.name == "postgresql":
        q = q.with_for_update()
    now = s.scalar(q) or ""
    if now != seen:
        was = f"it is now {now!r}" if now else "it is now empty"
        raise ConflictError(f"{attr.name!r} of the case {case.name!r} was changed by someone else meanwhile "
                            f"({was}); your edit was not made")


def describe_case(project: Project, case_id: int, description: str, version: int | None = None) -> Changes:
    with project.transaction() as s:
        case = _locked(s, Case, case_id, version, "this case", "description")
        if case is None:
            raise NotFoundError("case", f"#{case_id}")
        if (case.description or "") != description:
            case.description = description
            case.updated_at = now_iso()
    return Changes().add("updated", Kind.CASE, case_id)


# What goes with a case or an attribute, parents first: what undoing their deletion writes back.
_CASE_ROWS = {"case_": "id", "attribute_value": "case_id", "case_source": "case_id", "case_passage": "case_id",
              "memo": "case_id"}
_ATTRIBUTE_ROWS = {"attribute": "id", "attribute_value": "attribute_id"}
_ROW_KINDS = {"case_passage": Kind.PASSAGE, "memo": Kind.MEMO}


def _take_rows(session: Session, tables: dict[str, str], key: int) -> dict[str, list[dict]]:
    from workbench.store.models import Base

    t = Base.metadata.tables
    return {name: [dict(r._mapping) for r in session.execute(select(t[name]).where(t[name].c[col] == key))]
            for name, col in tables.items()}


def _put_rows(project: Project, rows: dict[str, list[dict]], kind: Kind, key: int) -> Changes:
    """Insert kept rows again (same ids and GUIDs) and lift their tombstones."""
    from workbench.services.tombstones import unbury
    from workbench.store.models import Base, Source

    t = Base.metadata.tables
    with project.transaction() as s:
        sources = set(s.scalars(select(Source.id)))
        changes = Changes().add("created", kind, key)
        for name, items in rows.items():
            keep = [r for r in items if r.get("source_id") is None or r["source_id"] in sources]
            if keep:
                s.execute(insert(t[name]), keep)
            if name in _ROW_KINDS:  # the rows with ids of their own, beside the case or attribute
                changes.add("created", _ROW_KINDS[name], *[r["id"] for r in keep])
            elif kind is Kind.ATTRIBUTE and name == "attribute_value":
                changes.add("updated", Kind.VALUE, *{r["case_id"] for r in keep})
        unbury(s, [r["guid"] for items in rows.values() for r in items if r.get("guid")])
    return changes


def delete_case_kept(project: Project, case_id: int, deleted_by: str = "") -> Changes:
    """Delete a case as delete_case does (its sources stay); `result` holds its rows, values, links
    and memo so restore_case can bring it back exactly."""
    with project.transaction() as s:
        case = s.get(Case, case_id)
        if case is None:
            raise NotFoundError("case", f"#{case_id}")
        rows = _take_rows(s, _CASE_ROWS, case_id)
        bury(s, "case", [(case.guid, case.name)], deleted_by)
        bury(s, "memo", [(m["guid"], case.name) for m in rows["memo"]], deleted_by)
        # as delete_case does: a merge must see these passages as deleted, not as never seen
        bury(s, "case_passage", [(r.guid, _detail(s, r)) for r in _records(s, CasePassage.case_id == case_id)],
             deleted_by)
        s.delete(case)
    changes = Changes().add("deleted", Kind.CASE, case_id)
    for name, kind in _ROW_KINDS.items():
        changes.add("deleted", kind, *[r["id"] for r in rows[name]])
    return changes.with_result(rows)


def restore_case(project: Project, rows: dict[str, list[dict]]) -> Changes:
    return _put_rows(project, rows, Kind.CASE, rows["case_"][0]["id"])


def create_attribute(project: Project, name: str, type_: str = "text") -> Changes:
    """A new attribute; refused when one compares equal to the name (the one name rule)."""
    name = clean_name("attribute", name)
    with project.transaction() as s:
        existing = s.scalar(select(Attribute.name).where(Attribute.name_key == name_key(name)))
        if existing is not None:
            raise ValidationError(f"an attribute named {existing!r} already exists")
        aid = ensure_attribute(s, name, type_)
    return Changes().add("created", Kind.ATTRIBUTE, aid)


def rename_attribute(project: Project, attribute_id: int, name: str, version: int | None = None) -> Changes:
    name = clean_name("attribute", name)
    with project.transaction() as s:
        attr = _locked(s, Attribute, attribute_id, version, "this attribute", "rename")
        if attr is None:
            raise NotFoundError("attribute", f"#{attribute_id}")
        existing = s.scalar(select(Attribute.name).where(Attribute.name_key == name_key(name),
                                                         Attribute.id != attribute_id))
        if existing is not None:
            raise ValidationError(f"an attribute named {existing!r} already exists")
        attr.name = name
        attr.updated_at = now_iso()
    return Changes().add("updated", Kind.ATTRIBUTE, attribute_id)


def delete_attribute_kept(project: Project, attribute_id: int, deleted_by: str = "") -> Changes:
    """Delete an attribute with its values (leaving a tombstone); `result` holds them for restore_attribute."""
    with project.transaction() as s:
        attr = s.get(Attribute, attribute_id)
        if attr is None:
            raise NotFoundError("attribute", f"#{attribute_id}")
        rows = _take_rows(s, _ATTRIBUTE_ROWS, attribute_id)
        bury(s, "attribute", [(attr.guid, attr.name)], deleted_by)
        s.delete(attr)
    return (Changes().add("deleted", Kind.ATTRIBUTE, attribute_id)
            .add("updated", Kind.VALUE, *{r["case_id"] for r in rows["attribute_value"]}).with_result(rows))


def restore_attribute(project: Project, rows: dict[str, list[dict]]) -> Changes:
    return _put_rows(project, rows, Kind.ATTRIBUTE, rows["attribute"][0]["id"])


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
    version: int = 0  # the case's, read with its name and description: what an edit of them passes


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
        cases = [CaseRow(r.id, r.name, r.description or "", tuple(links.get(r.id, ())), values.get(r.id, {}),
                         r.version)
                 for r in s.execute(select(Case.id, Case.name, Case.description, Case.version)
                                    .order_by(Case.position, Case.name))]
    return cases, attrs


CSV_FORMAT = ("First column: the case name. One column per attribute, headed by its name. "
              "A column named “sources” lists the case's sources, separated by “;”. "
              "Dates as YYYY-MM-DD, yes/no as yes or no; UTF-8, comma-separated.")


def link_source(project: Project, case_id: int, source_id: int, linked: bool = True) -> Changes:
    with project.transaction() as s:
        changed = set_link_in(s, case_id, source_id, linked)
    return Changes().add("updated", Kind.LINK, case_id) if changed else Changes()


def set_link_in(s: Session, case_id: int, source_id: int, linked: bool) -> bool:
    """Link a whole source to a case, or unlink it; whether anything changed. Every such write
    goes through here: unlinking leaves a tombstone, so a merge does not bring the link back, and
    linking again lifts it."""
    case, source = s.get(Case, case_id), s.get(Source, source_id)
    if case is None or source is None:
        raise NotFoundError("case" if case is None else "source", f"#{case_id if case is None else source_id}")
    exists = s.get(CaseSource, (case_id, source_id))
    guids = (case.guid, source.guid)
    if linked and exists is None:
        unbury_pair(s, "link", *guids)
        s.add(CaseSource(case_id=case_id, source_id=source_id))
        return True
    if not linked and exists is not None:
        bury_pair(s, "link", *guids, f"{source.name} unlinked from {case.name}")
        s.delete(exists)
        return True
    return False


@dataclass(frozen=True)
class PassageRecord:
    """A case passage as stored: enough to put it back exactly (same GUID) after unlinking."""

    id: int
    guid: str
    case_id: int
    source_id: int
    start: int
    end: int
    created_at: str
    created_by_id: int | None = None


def _records(session: Session, *where) -> list[PassageRecord]:
    q = select(CasePassage.id, CasePassage.guid, CasePassage.case_id, CasePassage.source_id, CasePassage.start,
               CasePassage.end, CasePassage.created_at, CasePassage.created_by_id).where(*where)
    return [PassageRecord(*r) for r in session.execute(q.order_by(CasePassage.source_id, CasePassage.start,
                                                                  CasePassage.end))]


def _detail(session: Session, r: PassageRecord) -> str:
    """A tombstone's detail, for merge reports: 'Tokyo: article.txt 120-480'."""
    case = session.scalar(select(Case.name).where(Case.id == r.case_id))
    source = session.scalar(select(Source.name).where(Source.id == r.source_id))
    return f"{case}: {source} {r.start}-{r.end}"


def _check_span(session: Session, source_id: int, start: int, end: int) -> str:
    """The source's name, once start..end is known to fit its text (ValidationError otherwise)."""
    row = session.execute(select(Source.name, Source.length).where(Source.id == source_id)).first()
    if row is None:
        raise NotFoundError("source", f"#{source_id}")
    if start >= end:
        raise ValidationError(f"passage {start}-{end} of {row.name!r}: the start must be below the end")
    if start < 0 or end > row.length:
        raise ValidationError(f"passage {start}-{end} lies outside the text of {row.name!r} "
                              f"(it has {row.length} characters, 0-{row.length})")
    return row.name


def link_passage_in(session: Session, case_id: int, source_id: int, start: int, end: int,
                    created_by_id: int | None = None, guid: str | None = None,
                    created_at: str | None = None) -> tuple[PassageRecord, bool, list[str]]:
    """Link start..end of a source to a case: (the passage's record, whether it was made now, warnings).

    The same passage linked twice is one link (the record is the first's, a warning says so);
    `guid` and `created_at` are given when restoring (undo) or merging."""
    if session.get(Case, case_id) is None:
        raise NotFoundError("case", f"#{case_id}")
    source = _check_span(session, source_id, start, end)
    warnings: list[str] = []
    same = _records(session, CasePassage.case_id == case_id, CasePassage.source_id == source_id,
                    CasePassage.start == start, CasePassage.end == end)
    if same:
        return same[0], False, [f"{source} {start}-{end} is already linked to this case"]
    if session.get(CaseSource, (case_id, source_id)) is not None:
        warnings.append(f"{source} is linked whole to this case, so the passage {start}-{end} adds nothing "
                        "while that link stays")
    row = {"guid": guid or new_guid(), "case_id": case_id, "source_id": source_id, "start": start, "end": end,
           "created_at": created_at or now_iso(), "created_by_id": created_by_id}
    pid = session.execute(insert(CasePassage).returning(CasePassage.id), [row]).scalar_one()
    unbury(session, [row["guid"]])
    record = PassageRecord(pid, row["guid"], case_id, source_id, start, end, row["created_at"], created_by_id)
    return record, True, warnings


def link_passage(project: Project, case_id: int, source_id: int, start: int, end: int,
                 created_by_id: int | None = None) -> Changes:
    """Link a passage to a case; Changes.created[Kind.PASSAGE] holds the new link's id (none
    when it was already linked: see the warning)."""
    with project.transaction() as s:
        record, made, warnings = link_passage_in(s, case_id, source_id, start, end, created_by_id)
    changes = Changes()
    if made:
        changes.add("created", Kind.PASSAGE, record.id)
    changes.warnings.extend(warnings)
    return changes


def unlink_passage_in(session: Session, passage_id: int, deleted_by: str = "") -> PassageRecord:
    found = _records(session, CasePassage.id == passage_id)
    if not found:
        raise NotFoundError("case passage", f"#{passage_id}")
    bury(session, "case_passage", [(found[0].guid, _detail(session, found[0]))], deleted_by)
    session.execute(delete(CasePassage).where(CasePassage.id == passage_id))
    return found[0]


def unlink_passage(project: Project, passage_id: int, deleted_by: str = "") -> Changes:
    """Remove one passage link, leaving a tombstone (kind 'case_passage'); `result` holds its
    PassageRecord, for undo."""
    with project.transaction() as s:
        record = unlink_passage_in(s, passage_id, deleted_by)
    return Changes().add("deleted", Kind.PASSAGE, passage_id).with_result(record)


def restore_passage(project: Project, record: PassageRecord) -> Changes:
    """Put an unlinked passage back with its GUID and creation time (undo of unlink_passage)."""
    with project.transaction() as s:
        new, _, _ = link_passage_in(s, record.case_id, record.source_id, record.start, record.end,
                                 record.created_by_id, record.guid, record.created_at)
    return Changes().add("created", Kind.PASSAGE, new.id)


def case_passages(project: Project, case_id: int | None = None, source_id: int | None = None) -> list[PassageRecord]:
    """The passage links of one case (or all), optionally of one source, by source then start."""
    where = [c for c, v in ((CasePassage.case_id == case_id, case_id), (CasePassage.source_id == source_id, source_id))
             if v is not None]
    with project.reading() as s:
        return _records(s, *where)


@dataclass(frozen=True)
class LinkResult:
    """What `cases --link` / `--unlink` did, for its one-line report."""

    case: str
    source: str
    passage: PassageRecord | None  # None: the whole source
    case_created: bool = False
    changed: bool = True
    warnings: tuple[str, ...] = ()

    def summary(self, verb: str = "linked") -> str:
        what = f"{self.source} {self.passage.start}-{self.passage.end}" if self.passage else f"{self.source} (whole)"
        if not self.changed:
            line = f"{what} was {'already' if verb == 'linked' else 'not'} linked to case {self.case!r}"
        else:
            line = f"{verb} {what} {'to' if verb == 'linked' else 'from'} case {self.case!r}"
        if self.case_created:
            line += " (case created)"
        return line


def link_by_name(project: Project, case: str, source: str, start: int | None = None, end: int | None = None,
                 created_by_id: int | None = None) -> Changes:
    """Link a source whole (no offsets) or its passage start..end to the case named `case`,
    making the case if missing: one transaction; unknown names and bad offsets change nothing.
    `result` holds the LinkResult."""
    with project.transaction() as s:
        sid = source_by_name(s, source)
        name = s.scalar(select(Source.name).where(Source.id == sid))
        if (start is None) != (end is None):
            raise ValidationError("a passage needs both a start and an end")
        if start is not None:
            _check_span(s, sid, start, end)
        found = find_or_make_case(s, case)
        case_name = s.scalar(select(Case.name).where(Case.id == found.id))
        changes = Changes().add("created", Kind.CASE, found.id) if found.created else Changes()
        if start is None:
            changed = set_link_in(s, found.id, sid, True)
            if changed and not found.created:
                changes.add("updated", Kind.LINK, found.id)
            return changes.with_result(LinkResult(case_name, name, None, found.created, changed=changed))
        record, made, warnings = link_passage_in(s, found.id, sid, start, end, created_by_id)
        if made:
            changes.add("created", Kind.PASSAGE, record.id)
        return changes.with_result(LinkResult(case_name, name, record, found.created, made,
                                              tuple(warnings) if made else ()))


def unlink_by_name(project: Project, case: str, source: str, start: int | None = None, end: int | None = None,
                   deleted_by: str = "") -> Changes:
    """Undo a link made by link_by_name: the whole-source link, or the passage link start..end
    exactly (its tombstone kept); a passage that is not linked is an error naming those that are."""
    if (start is None) != (end is None):
        raise ValidationError("a passage needs both a start and an end")
    with project.transaction() as s:
        sid = source_by_name(s, source)
        cid = case_by_name(s, case)
        name = s.scalar(select(Source.name).where(Source.id == sid))
        case_name = s.scalar(select(Case.name).where(Case.id == cid))
        if start is None:
            changed = set_link_in(s, cid, sid, False)
            return (Changes().add("updated", Kind.LINK, cid) if changed else Changes()).with_result(
                LinkResult(case_name, name, None, changed=changed))
        same = _records(s, CasePassage.case_id == cid, CasePassage.source_id == sid,
                        CasePassage.start == start, CasePassage.end == end)
        if not same:
            linked = [f"{r.start}-{r.end}" for r in _records(s, CasePassage.case_id == cid,
                                                             CasePassage.source_id == sid)]
            there = f"its passages there: {', '.join(linked)}" if linked else "it has no passage there"
            raise ValidationError(f"{name} {start}-{end} is not a passage of case {case_name!r}; {there}")
        record = unlink_passage_in(s, same[0].id, deleted_by)
        return Changes().add("deleted", Kind.PASSAGE, record.id).with_result(LinkResult(case_name, name, record))


def set_links(project: Project, add: list[tuple[int, int]], remove: list[tuple[int, int]]) -> Changes:
    """Link and unlink (case id, source id) pairs as one action."""
    changed = set()
    with project.transaction() as s:
        for case_id, source_id in add:
            if set_link_in(s, case_id, source_id, True):
                changed.add(case_id)
        for case_id, source_id in remove:
            if set_link_in(s, case_id, source_id, False):
                changed.add(case_id)
    return Changes().add("updated", Kind.LINK, *sorted(changed))


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


def import_cases_csv(project: Project, path: str | Path) -> Changes:
    """Create or update cases from a CSV: first column the case name, others attributes,
    a column named 'sources' lists source names joined by ';'. All rows or none. `result`
    holds the CasesCsvResult."""
    path = Path(path)
    raw = read_regular_file(path)  # never blocks on a pipe, never reads a device without end
    if not raw.strip():
        raise ImportRefused(f"{path}: the file is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as exc:  # a field past csv's 128 KiB limit, a NUL...: one line, not a traceback
        raise ImportRefused(f"{path}: is not a readable CSV file ({exc})") from None
    # Cells the program's own export guarded against spreadsheet formulas come back as written.
    rows = [[unguard(c) for c in r] for r in rows if any(c.strip() for c in r)]
    if len(rows) < 2:
        raise ImportRefused(f"{path}: needs a header row and at least one case")
    header = [h.strip() for h in rows[0]]
    if not header[0]:
        raise ImportRefused(f"{path}: the first column needs a header (the case name)")
    body = rows[1:]
    for n, r in enumerate(body, start=2):
        if len(r) > len(header):
            raise ImportRefused(f"{path}: line {n} has {len(r)} columns, the header {len(header)}")
    seen_cols: dict[str, str] = {}
    for h in header[1:]:
        if not h:
            raise ImportRefused(f"{path}: a column has no header (the attribute's name)")
        if name_key(h) in seen_cols:
            raise ImportRefused(f"{path}: the columns {seen_cols[name_key(h)]!r} and {h!r} name one attribute")
        seen_cols[name_key(h)] = h
    cols = {h: i for i, h in enumerate(header)}
    src_col = next((i for h, i in cols.items() if h.casefold() == "sources"), None)
    attr_cols = [(h, i) for h, i in cols.items() if i != 0 and i != src_col]
    created = updated = linked = 0
    types: dict[str, str] = {}
    folded: list[tuple[str, str]] = []
    with project.transaction() as s:
        # Read what is there once, check every row, then write in a few statements (issue 11:
        # an ORM look-up and flush a value made 300 cases x 5 attributes take 4.6 s).
        known = {r.name_key: r for r in s.execute(select(Attribute.id, Attribute.name, Attribute.name_key,
                                                         Attribute.type))}
        attr_ids: dict[str, int] = {}
        new_attrs: list[dict] = []
        for name, i in attr_cols:
            try:
                clean = clean_name("attribute", name)
            except ValidationError as exc:
                raise ImportRefused(f"{path}: column {name!r}: {exc}") from None
            row = known.get(name_key(clean))
            if row is None:
                types[name] = infer_type([r[i] if i < len(r) else "" for r in body])
                new_attrs.append({"name": clean, "type": types[name], "position": len(known) + len(new_attrs)})
                continue
            types[name], attr_ids[name] = row.type, row.id
            if row.name != clean:
                folded.append((name, row.name))
        if new_attrs:
            s.execute(insert(Attribute.__table__), new_attrs)
            ids = dict(s.execute(select(Attribute.name_key, Attribute.id).where(
                Attribute.name_key.in_([name_key(a["name"]) for a in new_attrs]))).all())
            attr_ids.update({name: ids[name_key(name)] for name, _ in attr_cols if name not in attr_ids})
        cases = {r.name_key: (r.id, r.name) for r in s.execute(select(Case.id, Case.name, Case.name_key))}
        sources = dict(s.execute(select(Source.name_key, Source.id)).all())
        new_cases: list[tuple] = []
        now = now_iso()
        values: dict[tuple[str, int], str] = {}  # (case key, attribute id) -> canonical value; the last row wins
        links: set[tuple[str, int]] = set()
        for n, r in enumerate(body, start=2):
            if not r[0].strip():
                raise ImportRefused(f"{path}: line {n} has no case name")
            try:
                case_name = clean_name("case", r[0])
            except ValidationError as exc:
                raise ImportRefused(f"{path}: line {n}: {exc}") from None
            key = name_key(case_name)
            if key not in cases:
                cases[key] = (None, case_name)
                new_cases.append((new_guid(), case_name, key, "", len(cases) - 1, now, now))
                created += 1
            else:
                updated += 1
                if cases[key][1] != case_name:
                    folded.append((case_name, cases[key][1]))
            for name, i in attr_cols:
                try:
                    values[(key, attr_ids[name])] = parse_value(r[i] if i < len(r) else "", types[name])
                except ValidationError as exc:
                    raise ImportRefused(f"{path}: line {n}, column {name!r}: {exc}") from None
            if src_col is not None and src_col < len(r):
                for src_name in [x.strip() for x in r[src_col].split(";") if x.strip()]:
                    if name_key(src_name) not in sources:
                        try:
                            source_by_name(s, src_name)  # raises, with the nearest names
                        except NotFoundError as exc:
                            raise ImportRefused(f"{path}: line {n}: {exc}") from None
                    links.add((key, sources[name_key(src_name)]))
        if new_cases:
            insert_rows(s, Case.__table__, ("guid", "name", "name_key", "description", "position", "created_at",
                                            "updated_at"), new_cases)
            made = [c[2] for c in new_cases]
            for i in range(0, len(made), 500):
                q = select(Case.name_key, Case.id, Case.name).where(Case.name_key.in_(made[i : i + 500]))
                cases.update({k: (cid, nm) for k, cid, nm in s.execute(q)})
        valued = set_values_in(s, {(cases[key][0], aid): v for (key, aid), v in values.items()})
        there = set(s.execute(select(CaseSource.case_id, CaseSource.source_id)).all())
        new_links = {(cases[key][0], sid) for key, sid in links} - there
        insert_rows(s, CaseSource.__table__, ("case_id", "source_id", "created_at"),
                    [(c, sid, now) for c, sid in sorted(new_links)])
        if new_links:  # a link made again is alive again for a merge
            case_guid = dict(s.execute(select(Case.id, Case.guid)).all())
            source_guid = dict(s.execute(select(Source.id, Source.guid)).all())
            unbury_of_kind(s, "link", [pair_guid("link", case_guid[c], source_guid[x]) for c, x in new_links])
        linked = len(new_links)
        made_cases = {cases[c[2]][0] for c in new_cases}
        made_attrs = [aid for name, aid in attr_ids.items() if name_key(name) not in known]
    changes = Changes().add("created", Kind.CASE, *sorted(made_cases)).add("created", Kind.ATTRIBUTE, *made_attrs)
    changes.add("updated", Kind.VALUE, *sorted(valued - made_cases))
    changes.add("updated", Kind.LINK, *sorted({c for c, _ in new_links} - made_cases))
    return changes.with_result(CasesCsvResult(created, updated, types, linked, folded))


def case_id_by_name(project: Project, name: str) -> int:
    with project.reading() as s:
        return case_by_name(s, name)

