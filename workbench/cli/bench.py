"""workbench bench: the benchmark suite on a reproducible workload."""
from __future__ import annotations

NAME = "bench"
HELP = "run the benchmarks and print their figures"
EPILOG = ("Sizes: S (12 transcripts), M (60), L (300 transcripts of ~8,000 words, 150 codes,\n"
          "60,000 codings by 3 coders, 300 cases with 5 attributes).\n"
          "Example: workbench bench --size L --keep /tmp/bench-L   (reuses the built workload next time)")


def add_arguments(p):
    p.add_argument("--size", choices=["S", "M", "L"], default="S")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.add_argument("--only", action="append", metavar="NAME",
                   help="run only this benchmark module (store, document, query, merge, qdpx, bulk, cli); repeatable")
    p.add_argument("--keep", metavar="DIR", help="build (or reuse) the workload in DIR instead of a temporary folder")


def run(args) -> int:
    from pathlib import Path

    from workbench.bench.runner import run_benchmarks

    return run_benchmarks(args.size, Path(args.keep) if args.keep else None, args.only, args.json)
