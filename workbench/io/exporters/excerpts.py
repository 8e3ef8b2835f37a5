"""What every excerpt export needs: the query's segments with paragraph numbers (and page
numbers for a PDF), memos, the codebook's shape and the cases, read in one session and then
handed to a writer.

An excerpt's case is the cases its text lies in (query.membership); grouped by case, an
excerpt sits under each case holding part of it, cut to that part, and the part no case
holds sits under no case.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from workbench.core.gcpause import gc_paused
from workbench.query.membership import CaseMap, clip, join, outside
from workbench.query.pages import PageIndex, PageRef
from workbench.query.segment_rows import Filters, Segment, segment_of

if TYPE_CHECKING:
    from workbench.core.codetree import CodeTree
    from workbench.query.segments import Names
    from workbench.store.project import Project

# The store (SQLAlchemy, query.segments) is imported inside the functions that read through it:
# a CSV export read by the sqlite3 module alone (quick_excerpts) must not load it (issue 11).

# Characters XML 1.0 forbids (all C0 controls but tab and line feed, lone surrogates, U+FFFE/F).
# Carriage returns go too: stored texts use \n, and XML parsers would turn a \r into \n anyway.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
# "page" is last so the columns before it stay where they were; it is empty but for PDFs.
COLUMNS = ["coding", "source", "case", "code", "coder", "start", "end", "paragraph", "text", "memo", "page"]


def xml_safe(text: str) -> str:
    """Text with only the characters XML cannot hold removed (emoji and RTL text stay)."""
    return _ILLEGAL_XML.sub("", text) if _ILLEGAL_XML.search(text) else text


def xml_text(text: str) -> str:
    """Text escaped for an XML element's content (&, <, >), for the writers that make their XML as
    strings (the streamed Word report and XLSX sheet); cheap when there is nothing to escape."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


class Excerpt(NamedTuple):
    segment: Segment
    paragraph: str  # "4" or "4-5": non-blank lines of the source counted from 1
    memo: str | None
    page: PageRef | None = None  # the pages of a paginated source (PDF), which cite it instead

    def row(self) -> list:
        s = self.segment
        coding = s.coding if s.coding else "; ".join(s.codings)
        return [coding, s.source, s.case or "", s.code, s.coder, s.start, s.end, self.paragraph, s.text,
                self.memo or "", self.page.label if self.page else ""]


def joined(names: list[str]) -> str:
    """'Thandi', 'Thandi and Pieter', 'Naledi, Thandi and Pieter'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _passage(ex: Excerpt) -> tuple | None:
    s = ex.segment
    return (s.source_id, s.code_id, s.start, s.end) if s.coding_id is not None else None


def _one_quote(group: list[Excerpt]) -> Excerpt:
    first = group[0]
    coders = list(dict.fromkeys(ex.segment.coder for ex in group if ex.segment.coder))
    if len(group) == 1 or len(coders) < 2:
        return first
    memos = "\n".join(f"{ex.segment.coder}: {ex.memo}" for ex in group if ex.memo) or None
    return first._replace(segment=first.segment._replace(coder=joined(coders)), memo=memos)


def one_quote_per_passage(excerpts: Iterable[Excerpt]) -> Iterator[Excerpt]:
    """A passage coded identically (same source, code, start and end) by several coders becomes one
    excerpt naming them all, its memos one after another, its page citation kept. Codings of one
    passage come one after another in reading order (collect and streamed both give it), so the
    excerpts stream through holding one passage's codings at a time. An expression's segments are
    not codings and are never joined."""
    group: list[Excerpt] = []
    for ex in excerpts:
        key = _passage(ex)
        if group and (key is None or key != _passage(group[0])):
            yield _one_quote(group)
            group = []
        group.append(ex)
    if group:
        yield _one_quote(group)


@dataclass
class CodeInfo:
    id: int
    name: str
    path: str
    depth: int
    parent: int | None
    description: str
    color: str


@dataclass
class ReportData:
    """Everything a writer needs, detached from the database."""

    project_name: str
    filters: Filters
    expr: str | None
    excerpts: list[Excerpt]
    codes: dict[int, CodeInfo] = field(default_factory=dict)
    code_order: list[int] = field(default_factory=list)
    case_order: list[str] = field(default_factory=list)
    cases: CaseMap | None = None
    paragraph_starts: dict[int, list[int]] = field(default_factory=dict)
    pages: PageIndex | None = None  # read in the query's session; holds no session itself

    def describe_query(self) -> str:
        return self.filters.describe()

    def by_case(self) -> list[tuple[str | None, list[Excerpt]]]:
        """(case name, its excerpts cut to the case's text) in case order, then (None, the
        parts of excerpts no case holds), when there are any."""
        groups: dict[int | None, list[Excerpt]] = {}
        for ex in self.excerpts:
            for cid, piece in self._pieces(ex):
                groups.setdefault(cid, []).append(piece)
        order = [(self.cases.name[c], groups[c]) for c in self.cases.order if c in groups] if self.cases else []
        return order + ([(None, groups[None])] if None in groups else [])

    def _pieces(self, ex: Excerpt):
        """(case id or None, the excerpt cut to it) for each case the excerpt lies in."""
        seg = ex.segment
        held = self.cases.in_source.get(seg.source_id, []) if self.cases else []
        for cid, region in held:
            for s, e in clip(seg.start, seg.end, region):
                yield cid, self._cut(ex, s, e)
        everything = ()
        for _, region in held:
            everything = join(everything, region)
        for s, e in outside(seg.start, seg.end, everything):
            yield None, self._cut(ex, s, e)

    def _cut(self, ex: Excerpt, start: int, end: int) -> Excerpt:
        seg = ex.segment
        if (start, end) == (seg.start, seg.end):
            return ex
        text = seg.text[start - seg.start:end - seg.start]
        cut = seg._replace(start=start, end=end, text=text, case=self.cases.label(seg.source_id, start, end))
        page = self.pages.locate(seg.source_id, start, end) if self.pages else None
        return Excerpt(cut, paragraph_label(self.paragraph_starts[seg.source_id], start, end), ex.memo, page)


def _paragraph_starts(text: str) -> list[int]:
    starts, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            starts.append(pos)
        pos += len(line) + 1
    return starts


def paragraph_label(starts: list[int], start: int, end: int) -> str:
    first = max(1, bisect_right(starts, start))
    last = max(first, bisect_right(starts, max(start, end - 1)))
    return str(first) if first == last else f"{first}-{last}"


def _memos(session) -> dict[int, str]:
    from sqlalchemy import select

    from workbench.store.models import Memo

    return dict(session.execute(select(Memo.coding_id, Memo.text).where(Memo.coding_id.is_not(None))
                                .order_by(Memo.id.desc())).all())


def _excerpt(seg: Segment, starts: list[int], memos: dict[int, str], pages: PageIndex) -> Excerpt:
    if len(seg.coding_ids) == 1:
        memo = memos.get(seg.coding_ids[0])
    else:
        memo = "\n".join(m for i in seg.coding_ids if (m := memos.get(i))) or None
    return Excerpt(seg, paragraph_label(starts, seg.start, seg.end), memo,
                   pages.locate(seg.source_id, seg.start, seg.end))


def _report_data(project: Project, s, names: Names, filters: Filters, expr: str | None, excerpts: list[Excerpt],
                 starts: dict[int, list[int]], pages: PageIndex) -> ReportData:
    from sqlalchemy import select

    from workbench.store.models import Case, Code, ProjectInfo

    tree = names.tree
    info = {r.id: r for r in s.execute(select(Code.id, Code.description, Code.color))}
    codes = {cid: CodeInfo(cid, tree.name[cid], tree.path(cid), tree.depth(cid), tree.parent[cid],
                           info[cid].description or "", info[cid].color) for cid in tree.parent}
    cases = list(s.scalars(select(Case.name).order_by(Case.position, Case.name)))
    name = s.scalars(select(ProjectInfo.name)).first() or project.path.stem
    return ReportData(name, filters, expr.strip() if expr and expr.strip() else None, excerpts, codes,
                      tree.in_order(), cases, names.cases, starts, pages)


def collect(project: Project, filters: Filters | None = None, expr: str | None = None) -> ReportData:
    """Run the query and gather what the exporters write."""
    from workbench.query.segments import Names, select_segments

    filters = filters or Filters()
    with project.reading() as s, gc_paused():
        segments = list(select_segments(s, filters, expr))
        names = Names(s)  # its CaseMap is read in this session, like the segments
        texts = names.texts({x.source_id for x in segments})
        starts = {sid: _paragraph_starts(t) for sid, t in texts.items()}
        pages = PageIndex(s, texts)
        memos = _memos(s)
        excerpts = [_excerpt(seg, starts[seg.source_id], memos, pages) for seg in segments]
        return _report_data(project, s, names, filters, expr, excerpts, starts, pages)


@contextmanager
def streamed(project: Project, filters: Filters | None = None, expr: str | None = None
             ) -> Iterator[tuple[ReportData, int, Iterator[Excerpt]]]:
    """(the report's data without its excerpts, how many excerpts, the excerpts) for a writer
    that streams: the excerpts come in the order collect gives them, read a source at a time,
    so only one source's text and excerpts are held at once (issue 11: the whole project's
    report at 4 x L). Iterate within the `with`, which holds the read session.

    `data.paragraph_starts` holds the current source's paragraphs only. An expression's
    results are made all at once by the evaluator, so they come from collect's list."""
    from sqlalchemy import select

    from workbench.query.segments import Names, coding_rows, fetch_all, reading_order, resolve
    from workbench.store.models import Source

    filters = filters or Filters()
    if expr and expr.strip():
        data = collect(project, filters, expr)
        yield data, len(data.excerpts), iter(data.excerpts)
        return
    with project.reading() as s:
        sel = resolve(s, filters)
        names = Names(s, sel.tree, sel.cases)
        rows = reading_order(names, coding_rows(s, sel))
        sids = {r[0] for r in rows}
        pages = PageIndex(s, sids)
        data = _report_data(project, s, names, filters, None, [], {}, pages)

        def texts(ids) -> dict[int, str]:
            return dict(fetch_all(s, select(Source.id, Source.text).where(Source.id.in_(ids))))

        yield data, len(rows), excerpts_by_source(rows, texts, names.source, names.coder, names.tree, names.cases,
                                                  _memos(s), pages, data)


@contextmanager
def quick_excerpts(location, filters: Filters | None = None) -> Iterator[tuple[int, Iterator[Excerpt]] | None]:
    """(how many excerpts, the excerpts) as streamed gives them, read by the sqlite3 module alone
    for a writer that takes the excerpts only (CSV); None when the project or the filters must
    go through the store (query.quick). Iterate within the `with`, which holds the read."""
    from workbench.query.quick import pick
    from workbench.store.peek import quick_read

    with quick_read(location) as r:
        picked = pick(r, filters or Filters()) if r is not None else None
        if picked is None:
            yield None
            return
        rows = picked.rows
        memos = dict(r.memo_rows())
        pages = PageIndex.from_rows(r.page_rows({row[0] for row in rows}))
        yield len(rows), excerpts_by_source(rows, r.texts, picked.source, picked.coder, picked.tree, picked.cases,
                                            memos, pages, None)


# Sources whose texts are read together by a streamed export: few enough that memory stays
# that of a few texts, enough that the per-query cost no longer counts (300 queries cost a
# sub-tree CSV of the L workload a third of its time).
_TEXTS_AHEAD = 16


def excerpts_by_source(rows: list[tuple], read_texts, source: dict[int, str], coder: dict[int, str],
                       tree: CodeTree, cases: CaseMap, memos: dict[int, str], pages: PageIndex,
                       data: ReportData | None) -> Iterator[Excerpt]:
    """The excerpts of coding rows in reading order, a source at a time: read_texts(ids) gives
    the texts of a few sources by id, data (when given) holds the current source's paragraphs."""
    path = {c: tree.path(c) for c in {r[3] for r in rows}}
    # Each source's rows in a list of their own, dropped once its excerpts are made, so the
    # rows already written do not stay in memory beside what the writer keeps of them.
    groups: list[list[tuple]] = []
    for r in rows:
        if not groups or groups[-1][0][0] != r[0]:
            groups.append([])
        groups[-1].append(r)
    rows.clear()
    groups.reverse()
    texts: dict[int, str] = {}
    while groups:
        group = groups.pop()
        sid = group[0][0]
        if sid not in texts:  # the next few sources' texts in one read, not a query each
            ahead = [sid] + [g[0][0] for g in groups[-1:-_TEXTS_AHEAD:-1]]
            texts = read_texts(ahead)
        text = texts.pop(sid)
        starts = _paragraph_starts(text)
        if data is not None:
            data.paragraph_starts = {sid: starts}
        name, partial = source[sid], cases.partial(sid)
        whole_case = None if partial else cases.label(sid, 0, 0)
        with gc_paused():
            chunk = []
            for row in group:
                case = cases.label(sid, row[1], row[2]) if partial else whole_case
                seg = segment_of(row, name, case, path[row[3]], coder, text)
                chunk.append(_excerpt(seg, starts, memos, pages))
        del text, group
        chunk.reverse()
        while chunk:  # handed over one by one, and not kept here
            yield chunk.pop()
