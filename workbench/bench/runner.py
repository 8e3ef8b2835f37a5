"""Runs the benchmark modules on one workload and prints their figures."""
from __future__ import annotations

import importlib
import json
import sys
import tempfile
import traceback
from pathlib import Path

from workbench.bench import BENCH_MODULES
from workbench.bench.core import BenchContext, Figure


def print_figure(f: Figure) -> None:
    mark = {True: "ok  ", False: "SLOW", None: "    "}[f.ok]
    target = f" (target < {f.target:g} {f.unit})" if f.target is not None else ""
    print(f"  {mark} {f.name}: {f.value:.3f} {f.unit}{target}" + (f" — {f.note}" if f.note else ""))


def module_figures(ctx: BenchContext, only: list[str] | None = None, echo: bool = False
                   ) -> tuple[dict[str, list[Figure]], bool]:
    """{module: its figures} for the selected modules on ctx's workload, and whether any failed."""
    results: dict[str, list[Figure]] = {}
    failed = False
    for name in BENCH_MODULES:
        if only and name.removeprefix("bench_") not in only and name not in only:
            continue
        try:
            module = importlib.import_module(f"workbench.bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"workbench.bench.{name}":
                continue
            raise
        try:
            figures: list[Figure] = module.run(ctx)
        except Exception:
            failed = True
            traceback.print_exc()
            continue
        results[name] = figures
        if echo:
            print(f"\n[{name.removeprefix('bench_')}]")
            for f in figures:
                print_figure(f)
            sys.stdout.flush()
    return results, failed


def run_benchmarks(size: str, workdir: Path | None = None, only: list[str] | None = None,
                   as_json: bool = False) -> int:
    tmp = None
    if workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="workbench-bench-")
        workdir = Path(tmp.name)
    ctx = BenchContext(size, workdir)
    if not as_json:
        print(f"workload {ctx.label}")
        print("building the workload...", flush=True)
    ctx.project  # build before timing anything
    results, failed = module_figures(ctx, only, echo=not as_json)
    if as_json:
        figures = {m: [f.as_dict() for f in fs] for m, fs in results.items()}
        print(json.dumps({"size": size, "workload": ctx.label, "figures": figures}, ensure_ascii=False, indent=2))
    if tmp is not None:
        tmp.cleanup()
    return 1 if failed else 0
