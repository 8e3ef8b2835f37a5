"""Small reads the window needs: one field of a row, a name, a pick list, which cases hold a source.

The window reads only through `query` (issue 13: ui imports neither sqlalchemy nor store.models),
and its undo steps remember old values through these before they change them. Inside an
operation (`Project.operation`) they read what the steps before them wrote.
"""
from __future__ import annotations

from sqlalchemy import select

from workbench.services.lookup import CodeTree
from workbench.store.models import Attribute, Case, CaseSource, Code, Coder, Coding, Source, SourceFolder
from workbench.store.project import Project

_FIELDS = {
    "code": (Code, ("name", "color", "description", "version", "guid")),
    "case": (Case, ("name", "description", "version", "guid")),
    "source": (Source, ("name", "guid")),
    "attribute": (Attribute, ("name", "version")),
    "folder": (SourceFolder, ("name", "guid")),
}


def field_of(project: Project, kind: str, row_id: int | None, field: str):
    """One column of one row ("code", 7, "color"); None when the row is not there."""
    table, allowed = _FIELDS[kind]
    if field not in allowed:
        raise ValueError(f"{kind} has no readable field {field!r}")
    with project.reading() as s:
        return s.scalar(select(getattr(table, field)).where(table.id == row_id))


def name_of(project: Project, kind: str, row_id: int | None) -> str:
    """The name of a code, case, source, attribute or folder; "" when it is not there."""
    return field_of(project, kind, row_id, "name") or ""


def exists(project: Project, kind: str, row_id: int | None) -> bool:
    table, _ = _FIELDS[kind]
    with project.reading() as s:
        return s.scalar(select(table.id).where(table.id == row_id)) is not None


def code_tree(project: Project) -> CodeTree:
    """The codebook's shape (ids, parents, names, positions) in one read."""
    with project.reading() as s:
        return CodeTree(s)


def code_colors(project: Project) -> dict[int, str]:
    with project.reading() as s:
        return dict(s.execute(select(Code.id, Code.color)).all())


def source_names(project: Project) -> dict[int, str]:
    """Every source's name by id."""
    with project.reading() as s:
        return dict(s.execute(select(Source.id, Source.name)).all())


def source_order(project: Project) -> list[tuple[int, str]]:
    """(id, name) of every source in the source list's order."""
    with project.reading() as s:
        return [tuple(r) for r in s.execute(select(Source.id, Source.name).order_by(Source.position, Source.name))]


def source_name_text(project: Project, source_id: int) -> tuple[str, str] | None:
    with project.reading() as s:
        row = s.execute(select(Source.name, Source.text).where(Source.id == source_id)).first()
    return (row.name, row.text) if row is not None else None


def attribute_names(project: Project) -> list[str]:
    """The attributes in the case table's column order."""
    with project.reading() as s:
        return list(s.scalars(select(Attribute.name).order_by(Attribute.position, Attribute.name)))


def coder_names(project: Project) -> list[str]:
    with project.reading() as s:
        return list(s.scalars(select(Coder.name).order_by(Coder.name)))


def case_names_ordered(project: Project) -> list[str]:
    with project.reading() as s:
        return list(s.scalars(select(Case.name).order_by(Case.position, Case.name)))


def sources_of_case(project: Project, case_id: int) -> set[int]:
    """The sources a case holds whole (case_source links)."""
    with project.reading() as s:
        return set(s.scalars(select(CaseSource.source_id).where(CaseSource.case_id == case_id)))


def cases_of_source(project: Project, source_id: int) -> set[int]:
    """The cases that hold a source whole."""
    with project.reading() as s:
        return set(s.scalars(select(CaseSource.case_id).where(CaseSource.source_id == source_id)))


def folder_of_sources(project: Project, source_ids: list[int]) -> dict[int, int | None]:
    """Each source's folder (None: in none)."""
    with project.reading() as s:
        return dict(s.execute(select(Source.id, Source.folder_id).where(Source.id.in_(source_ids))).all())


def folder_members(project: Project, folder_id: int) -> list[int]:
    with project.reading() as s:
        return list(s.scalars(select(Source.id).where(Source.folder_id == folder_id).order_by(Source.id)))


def folder_record(project: Project, folder_id: int) -> dict:
    """A folder's name, parent and GUID, enough to make it again; {} when it is not there."""
    with project.reading() as s:
        row = s.execute(select(SourceFolder.name, SourceFolder.parent_id, SourceFolder.guid)
                        .where(SourceFolder.id == folder_id)).first()
    return dict(row._mapping) if row is not None else {}


def coding_ids(project: Project, guids: list[str]) -> list[int]:
    """The row ids of the codings with these GUIDs, in the GUIDs' order; gone ones left out."""
    with project.reading() as s:
        found = dict(s.execute(select(Coding.guid, Coding.id).where(Coding.guid.in_(guids))).all())
    return [found[g] for g in guids if g in found]


def coding_guids(project: Project, ids: list[int]) -> list[str]:
    """The GUIDs of these codings in id order (a restored coding gets a new id; its GUID stays)."""
    with project.reading() as s:
        return list(s.scalars(select(Coding.guid).where(Coding.id.in_(ids)).order_by(Coding.id)))
