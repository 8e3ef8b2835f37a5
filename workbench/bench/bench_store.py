"""Figures of issue 2: import, open, inserting codings, file size."""
from __future__ import annotations

import time
from pathlib import Path

from workbench.bench.bench_bulk import BATCH
from workbench.bench.core import BenchContext, Figure, best_of, clock


def _import_all(ctx: BenchContext, paths: list[Path]) -> float:
    from workbench.services.sources import import_files
    from workbench.store.project import create_project

    target = ctx.tmp / f"import-{time.monotonic_ns()}.qwb"
    project = create_project(target, name="import bench", coder="bench")
    t = clock()
    outcomes = import_files(project, paths, coder="bench")
    elapsed = clock() - t
    project.close()
    assert all(o.status == "imported" for o in outcomes), [o.message for o in outcomes if o.status != "imported"]
    return elapsed


def _read_only(paths: list[Path]) -> float:
    """The floor: reading and decoding the files, nothing else."""
    t = clock()
    for p in paths:
        p.read_bytes().decode("utf-8")
    return clock() - t


def _open(path: Path) -> None:
    """What opening a project costs before the window can show it: the file, the source list, the codebook."""
    from sqlalchemy import select

    from workbench.services.lookup import CodeTree
    from workbench.store.models import Source
    from workbench.store.project import open_project

    project = open_project(path)
    with project.reading() as s:
        s.execute(select(Source.id, Source.name, Source.length)).all()
        CodeTree(s).in_order()
    project.close()


def _insert_codings(ctx: BenchContext, batch: int | None) -> tuple[float, int]:
    """Re-insert every workload coding through services.coding.apply_codes, `batch` a transaction
    (None: all in one, as `code --batch`, "code all hits" and undo of a bulk removal write them).

    The rows come in the workload's own order, spread over the whole project: a batch of 1,000
    touches about 280 sources and 130 codes at L, 670 and 280 at XL, so a commit writes a page
    of the source index and one of the code index for most of its codings, more as the indexes
    grow, until they have many more pages than a batch touches (then it stays level)."""
    from sqlalchemy import delete, select

    from workbench.services.coding import NewCoding, apply_codes
    from workbench.store.models import Coding
    from workbench.store.project import open_project

    path = ctx.fresh_project("codings")
    project = open_project(path)
    with project.transaction() as s:
        rows = s.execute(select(Coding.source_id, Coding.code_id, Coding.coder_id, Coding.start, Coding.end)).all()
        s.execute(delete(Coding))
    items = [NewCoding(*r) for r in rows]
    t = clock()
    step = batch or len(items)
    for i in range(0, len(items), step):
        apply_codes(project, items[i : i + step])
    elapsed = clock() - t
    project.close()
    return elapsed, len(items)


def run(ctx: BenchContext) -> list[Figure]:
    paths = sorted(ctx.sources_dir.glob("*.txt"))
    raw = sum(p.stat().st_size for p in paths)
    figures = []
    imp = min(_import_all(ctx, paths) for _ in range(2))
    floor = _read_only(paths)
    figures.append(Figure(f"import {len(paths)} .txt transcripts ({raw / 2**20:.1f} MiB)", imp, "s",
                          1.5 if ctx.size == "L" else None,
                          f"{imp / max(floor, 1e-9):.0f}x the bare read+decode of the same files ({floor:.3f} s)",
                          work=raw, step="import the .txt transcripts"))
    opened = best_of(lambda: _open(ctx.project), 5)
    figures.append(Figure("open the project (file, source list, codebook)", opened, "s",
                          0.3 if ctx.size == "L" else None))
    elapsed, n = _insert_codings(ctx, batch=BATCH)
    figures.append(Figure(f"insert {n} codings through apply_codes, {BATCH:,} a transaction", elapsed, "s",
                          5.0 if ctx.size == "L" else None,
                          f"{n / elapsed:,.0f} codings/s; {elapsed / -(-n // BATCH) * 1000:.1f} ms a commit of up "
                          f"to {BATCH:,} spread over the project", work=n))
    whole, n = _insert_codings(ctx, batch=None)
    figures.append(Figure(f"insert {n} codings through apply_codes in one transaction", whole, "s",
                          None, f"{n / whole:,.0f} codings/s; as code --batch, code all hits and undo write them",
                          work=n))
    single, m = _insert_codings_single(ctx, 500)
    figures.append(Figure(f"apply one coding as one user action (mean of {m})", single * 1000, "ms", 50.0,
                          "one transaction each, as the window does"))
    size = ctx.project.stat().st_size
    figures.append(Figure("project file size / raw text size", size / raw, "x", 3.0,
                          f"{size / 2**20:.1f} MiB for {raw / 2**20:.1f} MiB of text, originals kept"))
    return figures


def _insert_codings_single(ctx: BenchContext, n: int) -> tuple[float, int]:
    import random

    from sqlalchemy import select

    from workbench.services.coding import apply_code
    from workbench.store.models import Code, Coder, Source
    from workbench.store.project import open_project

    path = ctx.fresh_project("single")
    project = open_project(path)
    with project.reading() as s:
        sources = s.execute(select(Source.id, Source.length)).all()
        codes = s.scalars(select(Code.id)).all()
        coder = s.scalar(select(Coder.id))
    rng = random.Random(7)
    t = clock()
    for _ in range(n):
        sid, length = rng.choice(sources)
        start = rng.randrange(0, length - 50)
        apply_code(project, sid, rng.choice(codes), coder, start, start + 1 + rng.randrange(49))
    elapsed = (clock() - t) / n
    project.close()
    return elapsed, n
