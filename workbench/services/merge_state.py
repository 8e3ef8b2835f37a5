"""A project's mergeable content held in memory by GUID, so a merge is a pure function of two of them.

Rows are NamedTuples keyed by GUID, with references to other entities by GUID
(not by row id), so states from different files compare directly. `ids` keeps,
for the project being merged into, the row id behind each GUID: the writer
reuses those rows and touches only what differs.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.store.models import (
    Attribute,
    AttributeValue,
    Case,
    CasePassage,
    CaseSource,
    Code,
    Coder,
    Memo,
    ProjectInfo,
    ProjectMeta,
    Report,
    SavedQuery,
    Source,
    SourceFolder,
    SourcePage,
    Tombstone,
)

HANDOUT_PREFIX = "handout:"


class CoderRow(NamedTuple):
    name: str
    created_at: str


class SourceRow(NamedTuple):
    name: str
    sha256: str
    length: int
    position: int
    updated_at: str
    file: str  # the project file that holds the full row (text, original, turns)
    folder: str | None = None  # GUID of the source folder it is in


class FolderRow(NamedTuple):
    """A folder of sources (table source_folder); folders nest."""

    parent: str | None
    name: str
    position: int
    created_at: str
    updated_at: str


class CodeRow(NamedTuple):
    parent: str | None
    name: str
    color: str
    description: str
    position: int
    created_at: str
    updated_at: str


class MergeCodingRow(NamedTuple):
    source: str
    code: str
    coder: str
    start: int
    end: int
    created_at: str


class CaseRow(NamedTuple):
    name: str
    description: str
    position: int
    created_at: str
    updated_at: str


class PassageRow(NamedTuple):
    """A passage of a source linked to a case (table case_passage): its own GUID, like a coding."""

    case: str
    source: str
    start: int
    end: int
    created_at: str
    created_by: str | None  # coder GUID


class AttributeRow(NamedTuple):
    name: str
    type: str
    position: int
    created_at: str
    updated_at: str


class ValueRow(NamedTuple):
    value: str
    updated_at: str
    updated_by: str | None  # coder GUID


class MemoRow(NamedTuple):
    title: str
    text: str
    kind: str  # project, source, code, case, coding
    target: str | None  # GUID of the target; None for project memos
    author: str | None  # coder GUID
    created_at: str
    updated_at: str


class TombRow(NamedTuple):
    kind: str
    deleted_at: str
    deleted_by: str
    detail: str


class QueryRow(NamedTuple):
    name: str
    definition: str
    created_at: str
    updated_at: str


class ReportRow(NamedTuple):
    kind: str
    title: str
    body: str
    created_at: str
    created_by: str


# The entity kinds a merge handles, in dependency order (a kind refers only to kinds before it).
KINDS = ("coder", "folder", "source", "attribute", "case", "case_passage", "code", "coding", "memo")


@dataclass
class State:
    """Everything a merge reads or writes, by GUID. `ids[kind][guid]` only for the project merged into."""

    label: str = ""
    project_guid: str = ""
    handouts: list[dict] = field(default_factory=list)
    coder: dict[str, CoderRow] = field(default_factory=dict)
    folder: dict[str, FolderRow] = field(default_factory=dict)
    source: dict[str, SourceRow] = field(default_factory=dict)
    attribute: dict[str, AttributeRow] = field(default_factory=dict)
    case: dict[str, CaseRow] = field(default_factory=dict)
    case_passage: dict[str, PassageRow] = field(default_factory=dict)
    code: dict[str, CodeRow] = field(default_factory=dict)
    coding: dict[str, MergeCodingRow] = field(default_factory=dict)
    memo: dict[str, MemoRow] = field(default_factory=dict)
    pages: dict[str, tuple[tuple[int, str, int, int], ...]] = field(default_factory=dict)  # source GUID ->
    # its PDF pages (page, label, start, end), which travel with the source
    values: dict[tuple[str, str], ValueRow] = field(default_factory=dict)  # (case, attribute) GUIDs
    links: dict[tuple[str, str], str] = field(default_factory=dict)  # (case, source) GUIDs -> created_at
    tombstones: dict[str, TombRow] = field(default_factory=dict)
    queries: dict[str, QueryRow] = field(default_factory=dict)
    reports: dict[str, ReportRow] = field(default_factory=dict)
    ids: dict[str, dict[str, int]] = field(default_factory=dict)  # entity GUID -> row that holds it
    db_ids: dict[str, dict[str, int]] = field(default_factory=dict)  # every row of the file, by its GUID

    def alive(self, guid: str) -> bool:
        return any(guid in getattr(self, k) for k in KINDS)

    def table(self, kind: str) -> dict:
        return getattr(self, kind)


def load_state(session: Session, path: Path, label: str | None = None) -> State:
    """Read a project's content into a State (a few Core queries; 100,000 codings in well under a second)."""
    st = State(label=label or path.name)
    st.project_guid = session.scalar(select(ProjectInfo.guid)) or ""
    for key, value in session.execute(select(ProjectMeta.key, ProjectMeta.value).where(
            ProjectMeta.key.like(f"{HANDOUT_PREFIX}%"))):
        try:
            st.handouts.append(json.loads(value) | {"key": key})
        except ValueError:
            continue  # a damaged hand-out note only loses its help, never the merge
    file = str(path)
    ids: dict[str, dict[str, int]] = {k: {} for k in KINDS}
    coder_guid: dict[int, str] = {}
    for r in session.execute(select(Coder.id, Coder.guid, Coder.name, Coder.created_at)):
        st.coder[r.guid] = CoderRow(r.name, r.created_at)
        ids["coder"][r.guid] = r.id
        coder_guid[r.id] = r.guid
    folders = session.execute(select(SourceFolder.id, SourceFolder.guid, SourceFolder.parent_id, SourceFolder.name,
                                     SourceFolder.position, SourceFolder.created_at, SourceFolder.updated_at)).all()
    folder_guid = {r.id: r.guid for r in folders}
    for r in folders:
        st.folder[r.guid] = FolderRow(folder_guid.get(r.parent_id), r.name, r.position, r.created_at, r.updated_at)
        ids["folder"][r.guid] = r.id
    source_guid: dict[int, str] = {}
    for r in session.execute(select(Source.id, Source.guid, Source.name, Source.sha256, Source.length,
                                    Source.position, Source.updated_at, Source.folder_id)):
        st.source[r.guid] = SourceRow(r.name, r.sha256, r.length, r.position, r.updated_at, file,
                                      folder_guid.get(r.folder_id))
        ids["source"][r.guid] = r.id
        source_guid[r.id] = r.guid
    pages: dict[str, list[tuple[int, str, int, int]]] = {}
    for r in session.execute(select(SourcePage.source_id, SourcePage.page, SourcePage.label, SourcePage.start,
                                    SourcePage.end).order_by(SourcePage.source_id, SourcePage.page)):
        pages.setdefault(source_guid[r.source_id], []).append((r.page, r.label, r.start, r.end))
    st.pages = {g: tuple(p) for g, p in pages.items()}
    attr_guid: dict[int, str] = {}
    for r in session.execute(select(Attribute.id, Attribute.guid, Attribute.name, Attribute.type, Attribute.position,
                                    Attribute.created_at, Attribute.updated_at)):
        st.attribute[r.guid] = AttributeRow(r.name, r.type, r.position, r.created_at, r.updated_at)
        ids["attribute"][r.guid] = r.id
        attr_guid[r.id] = r.guid
    case_guid: dict[int, str] = {}
    for r in session.execute(select(Case.id, Case.guid, Case.name, Case.description, Case.position,
                                    Case.created_at, Case.updated_at)):
        st.case[r.guid] = CaseRow(r.name, r.description, r.position, r.created_at, r.updated_at)
        ids["case"][r.guid] = r.id
        case_guid[r.id] = r.guid
    for r in session.execute(select(CasePassage.id, CasePassage.guid, CasePassage.case_id, CasePassage.source_id,
                                    CasePassage.start, CasePassage.end, CasePassage.created_at,
                                    CasePassage.created_by_id)):
        st.case_passage[r.guid] = PassageRow(case_guid[r.case_id], source_guid[r.source_id], r.start, r.end,
                                             r.created_at, coder_guid.get(r.created_by_id))
        ids["case_passage"][r.guid] = r.id
    code_rows = session.execute(select(Code.id, Code.guid, Code.parent_id, Code.name, Code.color, Code.description,
                                       Code.position, Code.created_at, Code.updated_at)).all()
    code_guid = {r.id: r.guid for r in code_rows}
    for r in code_rows:
        st.code[r.guid] = CodeRow(code_guid.get(r.parent_id), r.name, r.color, r.description, r.position,
                                  r.created_at, r.updated_at)
        ids["code"][r.guid] = r.id
    coding_guid: dict[int, str] = {}
    coding_ids = ids["coding"]
    table = st.coding
    # Plain tuples from the DB-API cursor, in batches: this is the one table with 100,000s of
    # rows, and SQLAlchemy's row-by-row fetch cost as much as the rest of reading it (issue 11).
    cursor = session.connection().connection.driver_connection.cursor()
    try:
        cursor.execute('SELECT id, guid, source_id, code_id, coder_id, start, "end", created_at FROM coding')
        while batch := cursor.fetchmany(5000):
            for rid, guid, sid, cid, kid, start, end, created in batch:
                table[guid] = MergeCodingRow(source_guid[sid], code_guid[cid], coder_guid[kid], start, end, created)
                coding_ids[guid] = rid
                coding_guid[rid] = guid
    finally:
        cursor.close()
    for r in session.execute(select(Memo)).scalars():
        kind, target = "project", None
        if r.source_id is not None:
            kind, target = "source", source_guid[r.source_id]
        elif r.code_id is not None:
            kind, target = "code", code_guid[r.code_id]
        elif r.case_id is not None:
            kind, target = "case", case_guid[r.case_id]
        elif r.coding_id is not None:
            kind, target = "coding", coding_guid[r.coding_id]
        st.memo[r.guid] = MemoRow(r.title, r.text, kind, target, coder_guid.get(r.author_id), r.created_at,
                                  r.updated_at)
        ids["memo"][r.guid] = r.id
    for r in session.execute(select(AttributeValue.case_id, AttributeValue.attribute_id, AttributeValue.value,
                                    AttributeValue.updated_at, AttributeValue.updated_by_id)):
        st.values[(case_guid[r.case_id], attr_guid[r.attribute_id])] = ValueRow(
            r.value, r.updated_at, coder_guid.get(r.updated_by_id))
    for r in session.execute(select(CaseSource.case_id, CaseSource.source_id, CaseSource.created_at)):
        st.links[(case_guid[r.case_id], source_guid[r.source_id])] = r.created_at
    for r in session.execute(select(Tombstone.guid, Tombstone.kind, Tombstone.deleted_at, Tombstone.deleted_by,
                                    Tombstone.detail)):
        st.tombstones[r.guid] = TombRow(r.kind, r.deleted_at, r.deleted_by, r.detail)
    for r in session.execute(select(SavedQuery.guid, SavedQuery.name, SavedQuery.definition, SavedQuery.created_at,
                                    SavedQuery.updated_at)):
        st.queries[r.guid] = QueryRow(r.name, r.definition, r.created_at, r.updated_at)
    for r in session.execute(select(Report.guid, Report.kind, Report.title, Report.body, Report.created_at,
                                    Report.created_by)):
        st.reports[r.guid] = ReportRow(r.kind, r.title, r.body, r.created_at, r.created_by)
    st.ids = ids
    st.db_ids = {k: dict(v) for k, v in ids.items()}
    return st
