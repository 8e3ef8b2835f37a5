"""workbench bench: the benchmark suite on a reproducible workload."""
from __future__ import annotations

NAME = "bench"
HELP = "run the benchmarks and print their figures"
EPILOG = ("Sizes: S (12 transcripts), M (60), L (300 transcripts of ~8,000 words, 150 codes,\n"
          "60,000 codings by 3 coders, 300 cases with 5 attributes), XL (4 x L: 1,200 transcripts,\n"
          "600 codes, 240,000 codings, 1,200 cases).\n"
          "--scaling runs the same modules at each size and prints every step's log-log slope\n"
          "of cost over work beside the target 1.1 (1 is linear, 2 quadratic).\n"
          "Example: workbench bench --size L --keep /tmp/bench-L   (reuses the built workload next time)\n"
          "         workbench bench --scaling S,M,L --only query --keep /tmp/bench\n"
          "--server measures a team project on PostgreSQL (issue 14): publish and checkout of the\n"
          "workload, four client processes coding at once (none lost or doubled, p95 latency), how\n"
          "soon another client's coding is seen, and queries on the server beside the file. Without\n"
          "--url it starts a throwaway cluster on loopback (Debian's postgresql package).\n"
          "Example: workbench bench --server --size L\n"
          "         workbench bench --server --url postgresql://wb@127.0.0.1:5432/scratch")

SIZE_NAMES = ("S", "M", "L", "XL")


def add_arguments(p):
    p.add_argument("--size", choices=SIZE_NAMES, default="S")
    p.add_argument("--scaling", metavar="SIZES", type=_sizes,
                   help="comma-separated sizes, smallest first (e.g. S,M,L): run each and print the slopes")
    p.add_argument("--clock", choices=("wall", "cpu"),
                   help="time by the wall clock or by CPU time (default: wall for --size, cpu for --scaling, "
                        "whose slopes the shared machine's other load would bend)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.add_argument("--only", action="append", metavar="NAME",
                   help="run only this benchmark module (store, document, query, merge, qdpx, bulk, cli); repeatable")
    p.add_argument("--keep", metavar="DIR", help="build (or reuse) the workload in DIR instead of a temporary folder")
    p.add_argument("--server", action="store_true",
                   help="the team-server figures (publish, checkout, four clients coding at once, live, queries)")
    p.add_argument("--url", metavar="URL",
                   help="with --server: a database to use, postgresql://user@host[:port]/database "
                        "(default: a throwaway cluster); a new project is made in it")
    p.add_argument("--codings", metavar="N", type=int,
                   help="with --server: codings each client makes (default 1,000 for L, fewer below)")


def _sizes(text: str) -> list[str]:
    import argparse

    from workbench.bench.workload import SIZES

    sizes = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown size {unknown[0]!r} (sizes: {', '.join(SIZES)})")
    if len(set(sizes)) < 2:
        raise argparse.ArgumentTypeError("a slope needs at least two different sizes, e.g. S,M,L")
    return sizes


def run(args) -> int:
    from pathlib import Path

    import os

    from workbench.bench.core import CLOCK_ENV

    keep = Path(args.keep) if args.keep else None
    if args.server:
        from workbench.bench.bench_server import run_server_bench

        return run_server_bench(args.size, args.url, keep, args.json, args.codings)
    if args.url or args.codings:
        args._parser.error("--url and --codings go with --server")
    before = os.environ.get(CLOCK_ENV)
    os.environ[CLOCK_ENV] = args.clock or ("cpu" if args.scaling else "wall")
    try:
        if args.scaling:
            from workbench.bench.scaling import run_scaling

            return run_scaling(args.scaling, keep, args.only, args.json)
        from workbench.bench.runner import run_benchmarks

        return run_benchmarks(args.size, keep, args.only, args.json)
    finally:
        if before is None:
            os.environ.pop(CLOCK_ENV, None)
        else:
            os.environ[CLOCK_ENV] = before
