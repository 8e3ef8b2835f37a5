"""Figures of issue 5: merging two hand-out copies, and agreement between two coders."""
from __future__ import annotations

import random
from pathlib import Path

from workbench.bench.core import BenchContext, Figure, best_of, clock

NEW_CODES, NEW_MEMOS = 20, 50


def _work_on_copy(path: Path, coder: str, n_codings: int, seed: int) -> None:
    """What one team member does after the hand-out: new codes, codings and memos."""
    from sqlalchemy import select

    from workbench.services.codebook import create_code_in
    from workbench.services.coders import ensure_coder
    from workbench.services.coding import NewCoding, apply_codes_in
    from workbench.services.memos import set_memo_in
    from workbench.store.models import Code, Source
    from workbench.store.project import open_project

    rng = random.Random(seed)
    with open_project(path) as p, p.transaction() as s:
        kid = ensure_coder(s, coder)
        roots = list(s.scalars(select(Code.id).where(Code.parent_id.is_(None))))
        new = [create_code_in(s, f"{coder} theme {i}", rng.choice(roots)) for i in range(NEW_CODES)]
        codes = list(s.scalars(select(Code.id))) + new * 5
        sources = list(s.execute(select(Source.id, Source.length)))
        items = []
        for _ in range(n_codings):
            sid, length = rng.choice(sources)
            start = rng.randrange(length - 400)
            items.append(NewCoding(sid, rng.choice(codes), kid, start, start + rng.randint(20, 400)))
        apply_codes_in(s, items)
        for i in range(NEW_MEMOS):
            target = rng.choice(new) if i % 2 else rng.choice(sources)[0]
            set_memo_in(s, "code" if i % 2 else "source", target, f"{coder}'s thought number {i}", kid)


def _merge(ctx: BenchContext, n_codings: int) -> tuple[float, float, dict]:
    from workbench.services.handout import hand_out
    from workbench.services.merge import apply_merge, plan_merge
    from workbench.store.project import open_project

    origin = ctx.fresh_project("merge-origin")
    a, b = origin.with_name(origin.stem + "-a.qwb"), origin.with_name(origin.stem + "-b.qwb")
    with open_project(origin) as p:
        hand_out(p, a, "coder 1")
        hand_out(p, b, "coder 2")
    _work_on_copy(a, "coder 1", n_codings, 1)
    _work_on_copy(b, "coder 2", n_codings, 2)
    with open_project(a) as p:
        t = clock()
        plan = plan_merge(p, [b])
        preview = clock() - t
        report = apply_merge(p, plan)
        total = clock() - t
    return preview, total, report.body["counts"]


def _agreement(ctx: BenchContext) -> None:
    from workbench.query.agreement import agreement
    from workbench.store.project import open_project

    with open_project(ctx.project, readonly=True) as p:
        agreement(p, ["coder 1", "coder 2"])


def run(ctx: BenchContext) -> list[Figure]:
    n = ctx.spec.codings // 2  # L: 30,000 new codings in each copy
    preview, total, counts = _merge(ctx, n)
    came = counts["coding"]["new"]
    agree = best_of(lambda: _agreement(ctx), repeat=2)
    return [
        Figure(f"merge preview: two copies each +{n:,} codings, {NEW_CODES} codes, {NEW_MEMOS} memos",
               preview, "s", work=2 * n),
        Figure("merge: preview + backup + apply in one transaction", total, "s",
               target=5.0 if ctx.size == "L" else None, note=f"{came:,} codings came in", work=2 * n),
        # Its table has a row for every code in every source both coded (CLI.md: "sources" of
        # each code), so its work is codes x sources, which grows 16x from L to XL, not 4x.
        Figure("agreement: two coders over the whole project", agree, "s",
               target=2.0 if ctx.size == "L" else None, note="work: codes x sources, the table's cells",
               work=ctx.spec.codes * ctx.spec.sources),
    ]
