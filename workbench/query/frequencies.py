"""Code frequencies: per code, how many segments, sources, cases and coders.

QualCoder's equivalent dialog walks every coding in Python. Here SQLite counts segments,
lists distinct (code, source) pairs off an index and probes (code, coder) pairs with EXISTS;
Python only rolls them up the tree, which keeps 150 codes over 60,000 codings under 50 ms.
Sources that cases hold only in passages, or that a --case/--attr filter takes only in part,
are counted coding by coding instead: a coding counts as the pieces that lie in the filter's
cases, and in the cases (query.membership) whose text those pieces share.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from workbench.query.membership import WHOLE, CaseMap
from workbench.query.segment_rows import clip_rows
from workbench.query.segments import Filters, Selection, fetch_all, resolve
from workbench.store.models import Code, Coder, Coding
from workbench.store.project import Project


@dataclass(frozen=True)
class CodeFrequency:
    code_id: int
    code: str  # path
    depth: int
    segments: int
    sources: int
    cases: int
    coders: int
    by_coder: dict[str, int] | None = None  # codings a coder name, when asked for (by_coder=True)

    def as_json(self) -> dict:
        return {"code": self.code, "segments": self.segments, "sources": self.sources,
                "cases": self.cases, "coders": self.coders}


def _where(sel: Selection) -> list:
    where = []
    if sel.code_ids is not None:
        where.append(Coding.code_id.in_(sel.code_ids))
    if sel.source_ids is not None:
        where.append(Coding.source_id.in_(sel.source_ids))
    if sel.coder_ids is not None:
        where.append(Coding.coder_id.in_(sel.coder_ids))
    return where


def code_frequencies_in(session: Session, filters: Filters | None = None,
                        with_children: bool = False, by_coder: bool = False) -> list[CodeFrequency]:
    """Every code in tree order (codes the filters name, when they name some) with its counts.

    With children a code's counts take in its subcodes' codings (a source coded with two
    subcodes counts once). With by_coder each also counts the codings of every coder the
    filters let in (0 included), which reads every coding once more."""
    filters = filters or Filters()
    sel = resolve(session, Filters(**{**filters.to_dict(), "codes": (), "with_children": False}))
    tree = sel.tree
    shown = tree.in_order()
    if filters.codes:
        from workbench.services.lookup import code_by_path

        picked = set()
        for p in filters.codes:
            cid = code_by_path(session, p, tree)
            picked.update(tree.subtree(cid) if filters.with_children else [cid])
        shown = [c for c in shown if c in picked]
    cmap = sel.cases or CaseMap(session)
    partial = {sid for sid in cmap.in_source if cmap.partial(sid)}
    partial |= {sid for sid, r in (sel.regions or {}).items() if r is not WHOLE}
    where = _where(sel) + ([Coding.source_id.not_in(partial)] if partial else [])
    segments = dict(session.execute(select(Coding.code_id, func.count()).where(*where).group_by(Coding.code_id)).all())
    # Which sources each code is in: distinct pairs come off the (code_id, source_id) index.
    sources: dict[int, set[int]] = {}
    for code_id, source_id in fetch_all(session, select(Coding.code_id, Coding.source_id).where(*where).distinct()):
        sources.setdefault(code_id, set()).add(source_id)
    # Which coders used each code: counting them in a GROUP BY reads every coding (50 ms on the
    # L workload); asking, for each code and coder, whether one coding exists stops at the
    # first one (under 1 ms), since there are few coders. It must seek by code: the coder column
    # is compared through coalesce (a no-op, coder_id is never null) so that no planner walks
    # the coder index instead, a coder's every coding; SQLite, without statistics, took either
    # index by the order the file's indexes were made in (14 ms against 5 on the M workload).
    used = select(Coding.id).where(Coding.code_id == Code.id, func.coalesce(Coding.coder_id, 0) == Coder.id,
                                   *where).exists()
    coders: dict[int, set[int]] = {}
    for code_id, coder_id in session.execute(select(Code.id, Coder.id).join(Coder, true()).where(used)):
        coders.setdefault(code_id, set()).add(coder_id)
    cases_of = {sid: [cid for cid, _ in lst] for sid, lst in cmap.in_source.items() if sid not in partial}
    per_coder = _per_coder(session, sel, where) if by_coder else None
    cut_cases: dict[int, set[int]] = {}
    if partial:
        q = select(Coding.source_id, Coding.start, Coding.end, Coding.code_id, Coding.coder_id) \
            .where(*_where(sel), Coding.source_id.in_(partial))
        for sid, start, end, code_id, coder_id in clip_rows(fetch_all(session, q), sel.regions):
            segments[code_id] = segments.get(code_id, 0) + 1
            sources.setdefault(code_id, set()).add(sid)
            coders.setdefault(code_id, set()).add(coder_id)
            cut_cases.setdefault(code_id, set()).update(cmap.cases_at(sid, start, end))
            if per_coder is not None:
                per_coder[1][(code_id, coder_id)] = per_coder[1].get((code_id, coder_id), 0) + 1
    out = []
    for c in shown:
        members = tree.subtree(c) if with_children else (c,)
        n = sum(segments.get(m, 0) for m in members)
        srcs = set().union(*(sources.get(m, ()) for m in members))
        cods = set().union(*(coders.get(m, ()) for m in members))
        cases = {k for sid in srcs for k in cases_of.get(sid, ())}.union(*(cut_cases.get(m, ()) for m in members))
        counts = None
        if per_coder is not None:
            names, table = per_coder
            counts = {name: sum(table.get((m, kid), 0) for m in members) for kid, name in names}
        out.append(CodeFrequency(c, tree.path(c), tree.depth(c), n, len(srcs), len(cases), len(cods), counts))
    return out


def _per_coder(session: Session, sel: Selection, where: list):
    """The coders in scope as (id, name) by name, and codings by (code id, coder id)."""
    q = select(Coder.id, Coder.name).order_by(Coder.name)
    if sel.coder_ids is not None:
        q = q.where(Coder.id.in_(sel.coder_ids))
    table = {(code_id, coder_id): n for code_id, coder_id, n in session.execute(
        select(Coding.code_id, Coding.coder_id, func.count()).where(*where).group_by(Coding.code_id, Coding.coder_id))}
    return session.execute(q).all(), table


def code_frequencies(project: Project, filters: Filters | None = None,
                     with_children: bool = False, by_coder: bool = False) -> list[CodeFrequency]:
    with project.reading() as s:
        return code_frequencies_in(s, filters, with_children, by_coder)
