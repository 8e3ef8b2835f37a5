"""Figures of issue 11: bulk codings, codebook import and cases from CSV, each beside its floor.

The floor is the same rows written by a bare `executemany` through a connection with the
project's own pragmas, into the same schema, in the same run; a bulk path that keeps its
cost in step with the batch (not with what the table already holds) stays within 2x of it
at every size, so the log-log slopes of the two match.
"""
from __future__ import annotations

import random
import time
from pathlib import Path

from workbench.bench.core import BenchContext, Figure, clock, slope  # noqa: F401 (slope: tests use it here)

BATCH = 1000  # codings a transaction: the measure; every bulk action of the program writes
# its codings in one transaction (code --batch, code all hits, undo), which bench_store times too
CODING_SIZES = {"S": (2000, 6000, 16000), "M": (4000, 12000, 32000), "L": (15000, 45000, 120000),
                "XL": (30000, 90000, 240000)}
CODEBOOK_SIZES = (150, 600, 1200)
CASES, ATTRIBUTES = 300, 5


def _raw_connection(path: Path):
    """A DB-API connection with exactly the pragmas the program's own connections get."""
    from workbench.store.bulk import raw_file_connection

    return raw_file_connection(path)


# -- codings -----------------------------------------------------------------------------------
def _emptied(ctx: BenchContext) -> tuple[Path, list[tuple[int, int]], list[int], list[int]]:
    """A copy of the workload with no codings; its sources (id, length), code ids and coder ids."""
    path = ctx.fresh_project("bulk")
    engine, con = _raw_connection(path)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("DELETE FROM memo WHERE coding_id IS NOT NULL")
        con.execute("DELETE FROM coding")
        con.execute("COMMIT")
        sources = con.execute("SELECT id, length FROM source ORDER BY id").fetchall()
        codes = [r[0] for r in con.execute("SELECT id FROM code ORDER BY id")]
        coders = [r[0] for r in con.execute("SELECT id FROM coder ORDER BY id")]
    finally:
        con.close()
        engine.dispose()
    return path, sources, codes, coders


def _coding_rows(n: int, sources, codes, coders, seed: int) -> list[tuple[int, int, int, int, int]]:
    """n distinct (source, code, coder, start, end) passages."""
    rng = random.Random(seed)
    seen: set[tuple] = set()
    while len(seen) < n:
        sid, length = rng.choice(sources)
        size = rng.randint(20, 400)
        start = rng.randrange(0, max(1, length - size))
        seen.add((sid, rng.choice(codes), rng.choice(coders), start, min(length, start + size)))
    rows = list(seen)
    rng.shuffle(rows)
    return rows


def _through_service(path: Path, rows) -> float:
    from workbench.services.coding import NewCoding, apply_codes
    from workbench.store.project import open_project

    items = [NewCoding(*r) for r in rows]
    project = open_project(path)
    try:
        t = clock()
        for i in range(0, len(items), BATCH):
            apply_codes(project, items[i : i + BATCH])
        return clock() - t
    finally:
        project.close()


def _bare_codings(path: Path, rows) -> float:
    from workbench.core.ids import new_guid
    from workbench.core.timeutil import now_iso

    engine, con = _raw_connection(path)
    sql = 'INSERT INTO coding (guid, source_id, code_id, coder_id, start, "end", created_at) VALUES (?,?,?,?,?,?,?)'
    try:
        t = clock()
        for i in range(0, len(rows), BATCH):
            now = now_iso()
            con.execute("BEGIN IMMEDIATE")
            con.executemany(sql, [(new_guid(), *r, now) for r in rows[i : i + BATCH]])
            con.execute("COMMIT")
        return clock() - t
    finally:
        con.close()
        engine.dispose()


def coding_figures(ctx: BenchContext) -> list[Figure]:
    figures, ours, bare = [], [], []
    for n in CODING_SIZES[ctx.size]:
        path, sources, codes, coders = _emptied(ctx)
        rows = _coding_rows(n, sources, codes, coders, seed=n)
        t_ours = _through_service(path, rows)
        path, *_ = _emptied(ctx)
        t_bare = _bare_codings(path, rows)
        ours.append((n, t_ours))
        bare.append((n, t_bare))
        figures.append(Figure(f"bulk codings {n:,} through apply_codes / bare executemany", t_ours / t_bare, "x",
                              2.0, f"{t_ours:.2f} s against {t_bare:.2f} s, {BATCH:,} a transaction"))
    figures.append(Figure(f"bulk codings log-log slope {ours[0][0]:,} -> {ours[-1][0]:,}", slope(ours), "",
                          note=f"bare executemany: {slope(bare):.2f}"))
    return figures


# -- codebook ----------------------------------------------------------------------------------
def _outline(n: int) -> str:
    from workbench.bench.workload import code_paths

    lines = []
    for path in code_paths(n):
        parts = path.split("/")
        lines.append("  " * (len(parts) - 1) + f"{parts[-1]} | what '{parts[-1]}' covers")
    return "\n".join(lines) + "\n"


def _codebook_import(ctx: BenchContext, n: int) -> float:
    from workbench.io.codebook_outline import import_codebook
    from workbench.store.project import create_project

    outline = ctx.tmp / f"codebook-{n}.txt"
    outline.write_text(_outline(n), encoding="utf-8")
    project = create_project(ctx.tmp / f"codebook-{n}-{time.monotonic_ns()}.qwb", name="codebook bench")
    try:
        t = clock()
        summary = import_codebook(project, outline)
        elapsed = clock() - t
    finally:
        project.close()
    assert summary.startswith(f"{n} codes created"), summary
    return elapsed


def codebook_figures(ctx: BenchContext) -> list[Figure]:
    points = [(n, _codebook_import(ctx, n)) for n in CODEBOOK_SIZES]
    figures = [Figure(f"codebook import, {n:,} codes in three levels (.txt outline)", t, "s",
                      0.5 if n == 1200 else None, f"{t / n * 1000:.2f} ms a code",
                      work=n, step="codebook import in three levels (.txt outline)") for n, t in points]
    figures.append(Figure(f"codebook import log-log slope {points[0][0]:,} -> {points[-1][0]:,}", slope(points), ""))
    return figures


# -- cases -------------------------------------------------------------------------------------
def _case_rows() -> list[list[str]]:
    regions = ["Africa", "Asia", "Europe", "Latin America", "North America"]
    return [[f"case {i + 1:04d}", f"country {i % 40}", regions[i % 5], str(1990 + i % 35),
             f"20{10 + i % 15}-0{1 + i % 9}-1{i % 9}", "yes" if i % 3 else "no"] for i in range(CASES)]


def _cases_csv(ctx: BenchContext) -> float:
    import csv

    from workbench.services.cases import import_cases_csv
    from workbench.store.project import create_project

    path = ctx.tmp / "cases.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["case", "country", "region", "year signed", "first visit", "active"])
        w.writerows(_case_rows())
    project = create_project(ctx.tmp / f"cases-{time.monotonic_ns()}.qwb", name="cases bench")
    try:
        t = clock()
        result = import_cases_csv(project, path).result
        elapsed = clock() - t
    finally:
        project.close()
    assert result.created == CASES, result.summary()
    return elapsed


def _bare_cases(ctx: BenchContext) -> float:
    """The same cases, attributes and values by executemany, one transaction."""
    from workbench.core.ids import new_guid
    from workbench.core.names import name_key
    from workbench.core.timeutil import now_iso
    from workbench.store.project import create_project

    path = ctx.tmp / f"cases-bare-{time.monotonic_ns()}.qwb"
    create_project(path, name="cases floor").close()
    rows = _case_rows()
    names = ["country", "region", "year signed", "first visit", "active"]
    types = ["text", "text", "number", "date", "bool"]
    engine, con = _raw_connection(path)
    try:
        t = clock()
        now = now_iso()
        con.execute("BEGIN IMMEDIATE")
        con.executemany("INSERT INTO attribute (id, guid, name, name_key, type, position, created_at, updated_at) "
                        "VALUES (?,?,?,?,?,?,?,?)",
                        [(i + 1, new_guid(), n, name_key(n), ty, i, now, now) for i, (n, ty) in enumerate(zip(names, types))])
        con.executemany("INSERT INTO case_ (id, guid, name, name_key, description, position, created_at, updated_at) "
                        "VALUES (?,?,?,?,?,?,?,?)",
                        [(i + 1, new_guid(), r[0], name_key(r[0]), "", i, now, now) for i, r in enumerate(rows)])
        con.executemany("INSERT INTO attribute_value (case_id, attribute_id, value, updated_at) VALUES (?,?,?,?)",
                        [(i + 1, a + 1, v, now) for i, r in enumerate(rows) for a, v in enumerate(r[1:])])
        con.execute("COMMIT")
        return clock() - t
    finally:
        con.close()
        engine.dispose()


def cases_figures(ctx: BenchContext) -> list[Figure]:
    ours = min(_cases_csv(ctx) for _ in range(2))
    floor = min(_bare_cases(ctx) for _ in range(2))
    return [Figure(f"cases from CSV, {CASES} cases x {ATTRIBUTES} attributes", ours, "s", 0.2,
                   f"{ours / floor:.0f}x the same rows by executemany ({floor:.3f} s)", work=CASES)]


def run(ctx: BenchContext) -> list[Figure]:
    return coding_figures(ctx) + codebook_figures(ctx) + cases_figures(ctx)
