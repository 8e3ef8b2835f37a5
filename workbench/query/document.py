"""Reads the coding window needs: a source with its codings, codebook rows with counts, sources by case."""
from __future__ import annotations

import re

from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import case as when, func, select

from workbench.core.paths import join_path
from workbench.query.membership import CaseMap
from workbench.services.lookup import CodeTree
from workbench.store.models import Case, CasePassage, CaseSource, Code, Coder, Coding, Memo, Source, SpeakerTurn
from workbench.store.project import Project


@dataclass(frozen=True)
class CodeRow:
    """One code of the codebook as the tree shows it."""

    id: int
    parent_id: int | None
    name: str
    path: str
    color: str
    description: str
    position: int
    count: int  # the code's own codings
    has_memo: bool
    guid: str
    version: int = 0  # as read: a change made from this row carries it (docs/team.md)


@dataclass(frozen=True)
class SourceRow:
    id: int
    name: str
    kind: str
    length: int
    position: int
    codings: int


@dataclass(frozen=True)
class CaseGroup:
    """A case and the ids of its sources (linked whole or by a passage); id None gathers the
    sources no case holds any of."""

    id: int | None
    name: str
    source_ids: tuple[int, ...]


@dataclass(frozen=True)
class TurnRow:
    speaker: str
    start: int
    end: int
    label_end: int


@dataclass(frozen=True)
class SourceDocument:
    id: int
    name: str
    text: str
    turns: tuple[TurnRow, ...]
    cases: tuple[str, ...]  # the cases holding the source whole or a passage of it


@dataclass(frozen=True)
class CasePassageRow:
    """A passage of a source linked to a case (offsets in code points, end exclusive)."""

    id: int
    guid: str
    case_id: int
    case: str
    source_id: int
    start: int
    end: int


class CodingRow(NamedTuple):
    """A coding of one source, with what the document view shows about it (offsets in code points).
    A NamedTuple: a large source loads thousands of these at once."""

    id: int
    guid: str
    source_id: int
    code_id: int
    coder_id: int
    coder: str
    start: int
    end: int
    memo: str
    code_name: str
    code_path: str
    color: str


def code_rows(project: Project) -> list[CodeRow]:
    """Every code in tree order, with its own number of codings."""
    with project.reading() as s:
        tree = CodeTree(s)
        counts = dict(s.execute(select(Coding.code_id, func.count()).group_by(Coding.code_id)).all())
        memos = set(s.scalars(select(Memo.code_id).where(Memo.code_id.is_not(None))))
        rows = {r.id: r for r in s.execute(select(Code.id, Code.parent_id, Code.name, Code.color, Code.description,
                                                  Code.position, Code.guid, Code.version))}
        return [
            # tree.parent, not the stored parent: in a damaged file with a parent cycle, the tree cut it.
            CodeRow(cid, tree.parent[cid], rows[cid].name, tree.path(cid), rows[cid].color, rows[cid].description,
                    rows[cid].position, counts.get(cid, 0), cid in memos, rows[cid].guid, rows[cid].version)
            for cid in tree.in_order()
        ]


def code_counts(project: Project, code_ids: list[int] | None = None) -> dict[int, int]:
    """Codings per code (codes without codings are absent); only the given codes when named."""
    with project.reading() as s:
        q = select(Coding.code_id, func.count()).group_by(Coding.code_id)
        if code_ids is not None:
            q = q.where(Coding.code_id.in_(code_ids))
        return dict(s.execute(q).all())


def source_rows(project: Project) -> list[SourceRow]:
    with project.reading() as s:
        counts = dict(s.execute(select(Coding.source_id, func.count()).group_by(Coding.source_id)).all())
        q = select(Source.id, Source.name, Source.kind, Source.length, Source.position).order_by(Source.position,
                                                                                                 Source.name)
        return [SourceRow(r.id, r.name, r.kind, r.length, r.position, counts.get(r.id, 0)) for r in s.execute(q)]


def source_counts(project: Project, source_ids: list[int] | None = None) -> dict[int, int]:
    """Codings per source; only the given sources when named."""
    with project.reading() as s:
        q = select(Coding.source_id, func.count()).group_by(Coding.source_id)
        if source_ids is not None:
            q = q.where(Coding.source_id.in_(source_ids))
        return dict(s.execute(q).all())


def case_groups(project: Project) -> list[CaseGroup]:
    """Cases in their order with their sources (by source order); then the sources in no case."""
    with project.reading() as s:
        order = {sid: i for i, sid in enumerate(s.scalars(select(Source.id).order_by(Source.position, Source.name)))}
        cases = CaseMap(s)
        groups = []
        linked: set[int] = set()
        for cid in cases.order:
            ids = sorted(cases.regions[cid], key=order.__getitem__)
            linked.update(ids)
            groups.append(CaseGroup(cid, cases.name[cid], tuple(ids)))
        loose = tuple(sid for sid in order if sid not in linked)
        if loose:
            groups.append(CaseGroup(None, "Not in a case", loose))
        return groups


def source_document(project: Project, source_id: int) -> SourceDocument | None:
    with project.reading() as s:
        row = s.execute(select(Source.id, Source.name, Source.text).where(Source.id == source_id)).first()
        if row is None:
            return None
        turns = tuple(
            TurnRow(t.speaker, t.start, t.end, t.label_end)
            for t in s.execute(select(SpeakerTurn.speaker, SpeakerTurn.start, SpeakerTurn.end, SpeakerTurn.label_end)
                               .where(SpeakerTurn.source_id == source_id).order_by(SpeakerTurn.start))
        )
        return SourceDocument(row.id, row.name, row.text, turns, source_cases_in(s, source_id))


def source_cases_in(s, source_id: int) -> tuple[str, ...]:
    """The names of the cases holding a source whole or a passage of it, in the cases' order
    (membership.CaseMap's in_source for this one source, read without loading every case's)."""
    held = (select(CaseSource.case_id).where(CaseSource.source_id == source_id)
            .union(select(CasePassage.case_id).where(CasePassage.source_id == source_id)))
    q = select(Case.name).where(Case.id.in_(held)).order_by(Case.position, Case.name, Case.id)
    return tuple(s.connection().execute(q).scalars())


def case_names(project: Project) -> list[tuple[int, str]]:
    """(id, name) of every case, in the cases' order."""
    with project.reading() as s:
        return [tuple(r) for r in s.execute(select(Case.id, Case.name).order_by(Case.position, Case.name))]


@dataclass(frozen=True)
class CaseExcerptRow:
    """A passage linked to a case, with its source's name and its first words (for the Cases panel)."""

    id: int
    source_id: int
    source: str
    start: int
    end: int
    excerpt: str


def case_passage_excerpts(project: Project, case_id: int, width: int = 160) -> list[CaseExcerptRow]:
    """The passages of one case by source order then start; each excerpt is at most `width`
    characters, cut in SQL (substr counts characters on both engines), so a long source is never
    loaded whole."""
    span = CasePassage.end - CasePassage.start
    with project.reading() as s:
        q = (select(CasePassage.id, CasePassage.source_id, Source.name, CasePassage.start, CasePassage.end,
                    func.substr(Source.text, CasePassage.start + 1, when((span < width, span), else_=width)))
             .join(Source, Source.id == CasePassage.source_id).where(CasePassage.case_id == case_id)
             .order_by(Source.position, Source.name, CasePassage.start, CasePassage.end))
        return [CaseExcerptRow(*r) for r in s.execute(q)]


def source_codings(project: Project, source_id: int, coding_ids: list[int] | None = None) -> list[CodingRow]:
    """The codings of a source (or just the given ones), by start then end."""
    with project.reading() as s:
        # Coders by a small read of their own, not a join: one name string per coder, not per coding.
        names = dict(s.connection().execute(select(Coder.id, Coder.name)).all())
        q = (select(Coding.id, Coding.guid, Coding.source_id, Coding.code_id, Coding.coder_id,
                    Coding.start, Coding.end, Memo.text)
             .outerjoin(Memo, Memo.coding_id == Coding.id)
             .where(Coding.source_id == source_id)
             .order_by(Coding.start, Coding.end, Coding.id))
        if coding_ids is not None:
            q = q.where(Coding.id.in_(coding_ids))
        # Core, not ORM, execution: a 2,000-coding source loads in a third of the time.
        rows = s.connection().execute(q).all()
        labels = code_labels_in(s, {r[3] for r in rows})
    out, seen = [], set()
    for cid, guid, sid, code_id, coder_id, start, end, memo in rows:
        if cid in seen or coder_id not in names:  # a coding holds one memo; a stray second, or a
            continue  # coder row missing (a damaged file), is left out as the join used to
        seen.add(cid)
        out.append(CodingRow(cid, guid, sid, code_id, coder_id, names[coder_id], start, end, memo or "",
                             *labels[code_id]))
    return out


def code_labels_in(s, code_ids: set[int]) -> dict[int, tuple[str, str, str]]:
    """(name, path, colour) of the given codes, from one Core read of the codebook's shape; the
    paths walk up only from these codes (adding one coding to a 240,000-coding project reads the
    codebook, not every path in it). A parent cycle, which only a damaged file has, is cut where
    CodeTree cuts it."""
    if not code_ids:
        return {}
    shape = {r[0]: r for r in s.connection().execute(select(Code.id, Code.parent_id, Code.name, Code.color))}
    out = {}
    for cid in code_ids:
        parts, cur, seen = [], cid, set()
        while cur is not None and cur in shape:  # a dangling parent ends the path, as in CodeTree
            if cur in seen:
                tree = CodeTree(s)
                return {c: (shape[c][2], tree.path(c), shape[c][3]) for c in code_ids}
            seen.add(cur)
            parts.append(shape[cur][2])
            cur = shape[cur][1]
        out[cid] = (shape[cid][2], join_path(parts[::-1]), shape[cid][3])
    return out


def coding_location(project: Project, coding_id: int) -> tuple[int, int, int] | None:
    """(source id, start, end) of a coding, or None when it is gone."""
    with project.reading() as s:
        row = s.execute(select(Coding.source_id, Coding.start, Coding.end).where(Coding.id == coding_id)).first()
        return tuple(row) if row else None


def code_codings(project: Project, code_id: int) -> list[tuple[int, int, int, int]]:
    """(coding id, source id, start, end) of a code's codings in reading order: sources in order, then start."""
    with project.reading() as s:
        q = (select(Coding.id, Coding.source_id, Coding.start, Coding.end)
             .join(Source, Source.id == Coding.source_id)
             .where(Coding.code_id == code_id)
             .order_by(Source.position, Source.name, Coding.start, Coding.end, Coding.id))
        return [tuple(r) for r in s.execute(q)]


def coders(project: Project) -> list[tuple[int, str]]:
    with project.reading() as s:
        return [tuple(r) for r in s.execute(select(Coder.id, Coder.name).order_by(Coder.name))]


def project_counts(project: Project) -> dict[str, int]:
    """How many sources, codes, codings and cases the project holds."""
    with project.reading() as s:
        return {
            name: s.scalar(select(func.count()).select_from(table))
            for name, table in (("sources", Source), ("codes", Code), ("codings", Coding), ("cases", Case))
        }


def find_all(text: str, needle: str) -> list[tuple[int, int]]:
    """Case-insensitive hits of needle in text, in code points (no lower-casing: it can change lengths)."""
    if not needle:
        return []
    return [(m.start(), m.end()) for m in re.finditer(re.escape(needle), text, re.IGNORECASE)]
