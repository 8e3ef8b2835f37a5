"""Inter-coder agreement between coders over the sources they all coded (docs/agreement.md).

Per code and source, per code and overall: percent agreement and Cohen's kappa
on code points (NVivo's coding comparison), Krippendorff's nominal alpha on the
same units (any number of coders), Krippendorff's unitizing alpha for segment
boundaries, and segment matching at an overlap threshold (MAXQDA's method).

Restricted to cases (`cases=`, `attrs=`), the units are the characters that lie in those
cases (query.membership): each source's text in the cases is read as one continuous text,
with the text outside them cut out, and codings are cut to it the same way.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import accumulate

from sqlalchemy import select

from workbench.core.errors import ValidationError
from workbench.query.agreement_math import (
    covered,
    nominal_alpha,
    observed_u,
    overlap,
    percent_kappa,
    sections,
    segment_matches,
    sweep,
    u_alpha,
    union,
    unit_spans,
)
from workbench.query.membership import WHOLE, Region, Regions
from workbench.query.segments import Filters, resolve
from workbench.services.lookup import CodeTree, code_by_path, coder_by_name
from workbench.store.models import Coding, Source
from workbench.store.project import Project

DEFAULT_THRESHOLD = 0.9  # MAXQDA's default segment overlap


@dataclass
class Tally:
    """Sums from which every figure of one cell (code x source, code, or overall) follows."""

    units: int = 0  # code points compared
    coded: list[int] = field(default_factory=list)  # per coder: code points coded
    both: int = 0  # two coders: code points both coded
    k_sum: int = 0  # Σ over points of how many coders coded it
    disagree: int = 0  # Σ over points of k (m - k)
    u_observed: int = 0
    u_units: list[int] = field(default_factory=list)
    u_gaps: list[int] = field(default_factory=list)
    segments: list[int] = field(default_factory=list)  # per coder: segments
    matched: list[int] = field(default_factory=list)  # per coder: segments matched by another coder

    def add(self, other: "Tally", with_lists: bool = True) -> None:
        self.units += other.units
        self.coded = [x + y for x, y in zip(self.coded or [0] * len(other.coded), other.coded)]
        self.both += other.both
        self.k_sum += other.k_sum
        self.disagree += other.disagree
        self.u_observed += other.u_observed
        if with_lists:
            self.u_units += other.u_units
            self.u_gaps += other.u_gaps
        self.segments = [x + y for x, y in zip(self.segments or [0] * len(other.segments), other.segments)]
        self.matched = [x + y for x, y in zip(self.matched or [0] * len(other.matched), other.matched)]

    def figures(self, coders: int) -> dict:
        pct = kappa = None
        if coders == 2:
            pct, kappa = percent_kappa(self.units, self.coded[0], self.coded[1], self.both)
        alpha = nominal_alpha(self.units, coders, self.k_sum, self.disagree)
        u = u_alpha(self.u_observed, self.u_units, self.u_gaps, coders, self.units)
        seg_total = sum(self.segments)
        return {
            "percent": pct,
            "kappa": kappa,
            "alpha": alpha,
            "u_alpha": None if u is None else 1.0 - u[0] / u[1],
            "chars": self.units,
            "coded": list(self.coded),
            "both": self.both if coders == 2 else None,
            "segments": {"count": list(self.segments), "matched": list(self.matched),
                         "percent": 100.0 * sum(self.matched) / seg_total if seg_total else None},
        }


@dataclass
class AgreementTable:
    coders: list[str]
    threshold: float
    sources: list[str]  # the sources every coder coded something in
    overall: dict
    codes: list[dict]  # {"code", figures..., "sources": [{"source", figures...}]}

    def to_json(self) -> dict:
        return {"coders": self.coders, "threshold": self.threshold, "compared_sources": self.sources,
                "overall": self.overall, "codes": self.codes}


def _cell(per_coder: list[list[tuple[int, int]]], length: int, threshold: float) -> Tally:
    m = len(per_coder)
    spans = [union(s) for s in per_coder]
    t = Tally(units=length, coded=[covered(s) for s in spans])
    if m == 2:
        t.both = overlap(spans[0], spans[1])
        t.k_sum = t.coded[0] + t.coded[1]
        t.disagree = t.k_sum - 2 * t.both  # k(m-k) is 1 where one coder alone coded, else 0
    else:
        t.k_sum, t.disagree = sweep(spans)
    parts = [sections(unit_spans(s), length) for s in per_coder]
    t.u_observed = observed_u(parts)
    for p in parts:
        for a, b, is_unit in p:
            (t.u_units if is_unit else t.u_gaps).append(b - a)
    segs = [sorted(set(s)) for s in per_coder]
    t.segments = [len(s) for s in segs]
    t.matched = []
    for i, mine in enumerate(segs):
        others = sorted({x for j, s in enumerate(segs) if j != i for x in s})
        t.matched.append(segment_matches(mine, others, threshold))
    return t


def _squeezer(region: Region):
    """squeeze(start, end): a coding's pieces in the region, in the coordinates of the region's
    text read as one (the text between its stretches cut out); pieces the cut brings together
    join again, so one coding stays one segment."""
    if region is WHOLE:
        return lambda start, end: [(start, end)]
    base = [0, *accumulate(e - s for s, e in region)]

    def squeeze(start: int, end: int) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        k = bisect_right(region, start, key=lambda x: x[1])
        while k < len(region) and region[k][0] < end:
            a, b = region[k]
            lo, hi = max(start, a) - a + base[k], min(end, b) - a + base[k]
            if lo < hi:
                if out and out[-1][1] == lo:
                    out[-1] = (out[-1][0], hi)
                else:
                    out.append((lo, hi))
            k += 1
        return out

    return squeeze


def _restrict(rows: list, sources: dict, regions: Regions) -> tuple[list, dict]:
    """Coding rows and source lengths cut to the cases' text (see _squeezer)."""
    out, lengths = [], {}
    squeezers = {sid: _squeezer(r) for sid, r in regions.items()}
    for sid, region in regions.items():
        name, length, position = sources[sid]
        lengths[sid] = (name, length if region is WHOLE else sum(e - s for s, e in region), position)
    for sid, cid, kid, a, b in rows:
        if sid in squeezers:
            out.extend((sid, cid, kid, x, y) for x, y in squeezers[sid](a, b))
    return out, lengths


def agreement(project: Project, coders: list[str], codes: list[str] | None = None,
              threshold: float = DEFAULT_THRESHOLD, with_children: bool = False,
              cases: list[str] | None = None, attrs: list[str] | None = None) -> AgreementTable:
    """The agreement table of the named coders; codes default to every code they used there.

    With cases (names) or attrs ('NAME=VALUE', as the query filters), only the text that lies
    in those cases is compared."""
    if len(coders) < 2:
        raise ValidationError("name at least two coders to compare")
    if len(set(coders)) != len(coders):
        raise ValidationError("name each coder once")
    if not 0 < threshold <= 1:
        raise ValidationError("the segment overlap threshold must be above 0 and at most 100%")
    with project.reading() as s:
        coder_ids = [coder_by_name(s, c) for c in coders]
        if len(set(coder_ids)) != len(coder_ids):
            raise ValidationError(f"{project.path}: the names {', '.join(map(repr, coders))} "
                                  "name the same coder more than once")
        tree = CodeTree(s)
        code_ids = None
        if codes:
            code_ids = []
            for path in codes:
                cid = code_by_path(s, path, tree)
                for x in (tree.subtree(cid) if with_children else [cid]):
                    if x not in code_ids:
                        code_ids.append(x)
        q = select(Coding.source_id, Coding.code_id, Coding.coder_id, Coding.start, Coding.end).where(
            Coding.coder_id.in_(coder_ids))
        rows = s.execute(q).all()
        sources = {r.id: (r.name, r.length, r.position) for r in s.execute(
            select(Source.id, Source.name, Source.length, Source.position))}
        if cases or attrs:
            regions = resolve(s, Filters(cases=tuple(cases or ()), attrs=tuple(attrs or ()))).regions
            rows, sources = _restrict(rows, sources, regions)
    index = {cid: i for i, cid in enumerate(coder_ids)}
    coded_by: dict[int, set[int]] = defaultdict(set)
    spans: dict[tuple[int, int], list[list[tuple[int, int]]]] = {}
    for sid, cid, kid, a, b in rows:
        coded_by[sid].add(kid)
    compared = sorted((sid for sid, ks in coded_by.items() if len(ks) == len(coder_ids)),
                      key=lambda sid: (sources[sid][2], sources[sid][0]))
    compared_set = set(compared)
    for sid, cid, kid, a, b in rows:
        if sid in compared_set and (code_ids is None or cid in code_ids):
            cell = spans.get((cid, sid))
            if cell is None:
                cell = spans[(cid, sid)] = [[] for _ in coder_ids]
            cell[index[kid]].append((a, b))
    if code_ids is None:
        used = {cid for cid, _ in spans}
        code_ids = [c for c in tree.in_order() if c in used]
    m = len(coder_ids)
    overall = _blank(0, m)
    out_codes = []
    u_o = u_e = 0.0
    u_n = 0
    for cid in code_ids:
        total = _blank(0, m)
        per_source = []
        for sid in compared:
            name, length, _ = sources[sid]
            cell = spans.get((cid, sid))
            t = _cell(cell, length, threshold) if cell else _blank(length, m)
            total.add(t)
            per_source.append({"source": name, **t.figures(m)})
        overall.add(total, with_lists=False)
        u = u_alpha(total.u_observed, total.u_units, total.u_gaps, m, total.units)
        if u is not None:
            u_o, u_e, u_n = u_o + u[0], u_e + u[1], u_n + 1
        out_codes.append({"code": tree.path(cid), **total.figures(m), "sources": per_source})
    figures = overall.figures(m)
    # Unitizing alpha over several codes: mean D_o over mean D_e (Krippendorff 1995).
    figures["u_alpha"] = None if u_n == 0 or u_e == 0 else 1.0 - u_o / u_e
    return AgreementTable(list(coders), threshold, [sources[sid][0] for sid in compared], figures, out_codes)


def _blank(length: int, m: int) -> Tally:
    """A cell no coder coded (length 0: an empty sum to add cells to)."""
    return Tally(units=length, coded=[0] * m, u_gaps=[length] * m if length else [],
                 segments=[0] * m, matched=[0] * m)


def comparison_spans(project: Project, source: int, coders: list[str], codes: list[int] | None = None
                     ) -> list[tuple[int, int, str]]:
    """Stretches of one source as (start, end, kind) for the first two coders: 'both' where every code
    applied there was applied by both, 'a' / 'b' where some code only A / only B applied, 'mixed'
    where each applied a code the other did not. Text neither coded is left out."""
    with project.reading() as s:
        a_id, b_id = coder_by_name(s, coders[0]), coder_by_name(s, coders[1])
        q = select(Coding.code_id, Coding.coder_id, Coding.start, Coding.end).where(
            Coding.source_id == source, Coding.coder_id.in_([a_id, b_id]))
        if codes:
            q = q.where(Coding.code_id.in_(codes))
        rows = s.execute(q).all()
    by_code: dict[int, list[list[tuple[int, int]]]] = defaultdict(lambda: [[], []])
    for cid, kid, a, b in rows:
        by_code[cid][0 if kid == a_id else 1].append((a, b))
    events: list[tuple[int, int, int, int]] = []  # position, step (-1 first), code, coder
    for cid, pair in by_code.items():
        for who, spans in enumerate(pair):
            for a, b in union(spans):
                events += [(a, 1, cid, who), (b, -1, cid, who)]
    events.sort()
    state: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    tally = {"both": 0, "a": 0, "b": 0}

    def kind_of(c: list[int]) -> str | None:
        return "both" if c[0] and c[1] else "a" if c[0] else "b" if c[1] else None

    out: list[tuple[int, int, str]] = []
    last = None
    for pos, step, cid, who in events:
        if last is not None and pos > last and any(tally.values()):
            only_a, only_b = tally["a"] > 0, tally["b"] > 0
            kind = "mixed" if only_a and only_b else "a" if only_a else "b" if only_b else "both"
            if out and out[-1][1] == last and out[-1][2] == kind:
                out[-1] = (out[-1][0], pos, kind)
            else:
                out.append((last, pos, kind))
        c = state[cid]
        before = kind_of(c)
        c[who] += step
        after = kind_of(c)
        if before:
            tally[before] -= 1
        if after:
            tally[after] += 1
        last = pos
    return out
