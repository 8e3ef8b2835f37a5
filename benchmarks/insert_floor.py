"""Where the cost of inserting codings 1,000 a commit grows faster than the rows: the floor, index by index.

Issue 11 asks every bench step to grow at a log-log slope of at most 1.1, and bulk codings to
stay within 2x of a bare executemany into the same schema. The bench's step "insert N codings,
1,000 a transaction" grows at about 1.2 while staying within 2x of that floor, because the floor
itself grows faster than the rows. This script takes the floor apart: the same bare executemany
of the same rows, into a fresh project file made by the program (its schema and its pragmas),
with one thing changed at a time, at three sizes, and prints each variant's slope.

    .venv/bin/python benchmarks/insert_floor.py               # M, L, XL: 15,000 to 240,000 codings
    .venv/bin/python benchmarks/insert_floor.py --sizes 2000,4000,8000 --json

Each size is a fresh file with as many sources and codes as the bench's workload of that size
(one source per 200 codings, one code per 400), and rows spread over all of them in random
order, as the bench's step writes them. Foreign keys are off (the parent rows are not made);
their checks are lookups into tables of at most a few thousand rows. CPU seconds, best of
--runs; the slope, measured in one run, is the figure.
"""
from __future__ import annotations

import argparse
import json
import math
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

BATCH = 1000
SIZES = (15_000, 60_000, 240_000)
LOOKUP_INDEXES = ("ix_coding_code_source", "ix_coding_source_start")


def _variants() -> list[tuple[str, dict]]:
    """(label, how) pairs: how says what differs from the program's own file and step."""
    return [
        ("the program's schema, 1,000 a commit", {}),
        ("the same, all in one transaction", {"batch": None}),
        ("the same, 1,000 a commit in source order", {"order": "source"}),
        ("without ix_coding_code_source", {"drop": ("ix_coding_code_source",)}),
        ("without ix_coding_source_start", {"drop": ("ix_coding_source_start",)}),
        ("without either lookup index", {"drop": LOOKUP_INDEXES}),
        ("16 KiB pages (the program's are 4 KiB)", {"page_size": 16384}),
        ("1 KiB pages", {"page_size": 1024}),
        ("WAL journal (the program's is DELETE)", {"journal": "WAL"}),
    ]


def _rows(n: int, seed: int) -> list[tuple]:
    """n (source, code, coder, start, end) passages, spread over the sources and codes."""
    rng = random.Random(seed)
    sources, codes = max(1, n // 200), max(1, n // 400)
    rows = []
    for _ in range(n):
        start = rng.randrange(50_000)
        rows.append((rng.randrange(1, sources + 1), rng.randrange(1, codes + 1),
                     rng.randrange(1, 4), start, start + rng.randint(20, 400)))
    return rows


def _fresh_file(folder: Path, how: dict) -> Path:
    """A new project file as the program makes it, rebuilt at another page size if asked."""
    import sqlite3

    from workbench.store.project import create_project

    path = folder / f"floor-{time.monotonic_ns()}.qwb"
    create_project(path, "floor").close()
    con = sqlite3.connect(path, isolation_level=None)
    try:
        for name in how.get("drop", ()):
            con.execute(f"DROP INDEX {name}")
        if "page_size" in how:
            con.execute(f"PRAGMA page_size={how['page_size']}")
            con.execute("VACUUM")
    finally:
        con.close()
    return path


def _insert(path: Path, rows: list[tuple], how: dict) -> float:
    import sqlite3

    from workbench.core.ids import new_guid
    from workbench.store.sqlite import apply_pragmas

    con = sqlite3.connect(path)
    apply_pragmas(con, foreign_keys=False)
    if "journal" in how:
        con.execute(f"PRAGMA journal_mode={how['journal']}")
    if how.get("order") == "source":
        rows = sorted(rows, key=lambda r: (r[0], r[3]))
    # GUIDs in the order of writing, as the program makes them (time-ordered), made before the clock
    stamp = "2026-12-03T20:00:00.000000+00:00"
    rows = [(new_guid(), *r, stamp) for r in rows]
    batch = how.get("batch", BATCH) or len(rows)
    sql = 'INSERT INTO coding (guid, source_id, code_id, coder_id, start, "end", created_at) VALUES (?, ?, ?, ?, ?, ?, ?)'
    try:
        t = time.process_time()
        for i in range(0, len(rows), batch):
            con.execute("BEGIN IMMEDIATE")
            con.executemany(sql, rows[i : i + batch])
            con.execute("COMMIT")
        return time.process_time() - t
    finally:
        con.close()


def measure(sizes=SIZES, runs: int = 1, folder: Path | None = None, variants=None) -> list[dict]:
    """Each variant's best CPU seconds at each size, and the slope through them (the bench's own)."""
    from workbench.bench.core import slope

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        base = folder or Path(tmp)
        for label, how in variants or _variants():
            times = []
            for n in sizes:
                rows = _rows(n, seed=n)
                best = math.inf
                for _ in range(runs):
                    path = _fresh_file(base, how)
                    try:
                        best = min(best, _insert(path, rows, how))
                    finally:
                        path.unlink()
                times.append(best)
            commits = [-(-n // (how.get("batch", BATCH) or n)) for n in sizes]
            out.append({"variant": label, "sizes": list(sizes), "seconds": times,
                        "ms_per_commit": [t / c * 1000 for t, c in zip(times, commits)],
                        "slope": slope(list(zip(sizes, times)))})
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)), help="codings at each size, comma-separated")
    ap.add_argument("--runs", type=int, default=1, help="best of this many runs at each size")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    sizes = tuple(int(s) for s in args.sizes.split(","))
    results = measure(sizes, args.runs)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    head = "  ".join(f"{n:>9,}" for n in sizes)
    print(f"{'bare executemany of the same rows':44} {head}   slope (target 1.1)")
    for r in results:
        cells = "  ".join(f"{t:>8.3f}s" for t in r["seconds"])
        print(f"{r['variant']:44} {cells}   {r['slope']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
