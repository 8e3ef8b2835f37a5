"""The scaling run (issue 11): every benchmark step at three or more sizes, and how its cost grows.

Each timed figure (unit s or ms) of every size is matched across sizes by its step (the
figure's `step`, or its name with the numbers taken out) and set against the work it did
(the figure's `work`, or the workload's codings). The log-log slope of cost over work is
printed beside the target: 1 is linear, 2 quadratic; a step may grow at most at 1.1.
Fixed costs (start-up, a first query plan) make small sizes dear and slopes low, so a
slope under 1 is not a defect; one over 1.1 is.
"""
from __future__ import annotations

import json
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from workbench.bench.core import BenchContext, Figure, slope

TARGET = 1.1
TIMED = {"s": 1.0, "ms": 1e-3}
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def step_of(f: Figure) -> str:
    """The name a figure keeps across sizes: 'import 12 .txt transcripts (0.1 MiB)' ->
    'import N .txt transcripts (N MiB)'."""
    return f.step or _NUMBER.sub("N", f.name)


@dataclass
class Step:
    """One step over the sizes: (size, work, seconds) points and their slope."""

    module: str
    name: str
    points: list[tuple[str, float, float]]

    @property
    def slope(self) -> float | None:
        works = {w for _, w, _ in self.points}
        if len(works) < 2:
            return None
        return slope([(w, t) for _, w, t in self.points])

    @property
    def top(self) -> float | None:
        """The slope between the two largest amounts of work alone: where growth shows first."""
        by_work = sorted(self.points, key=lambda p: p[1])
        if len(by_work) < 3 or by_work[-1][1] == by_work[-2][1]:
            return None
        return slope([(w, t) for _, w, t in by_work[-2:]])

    @property
    def ok(self) -> bool | None:
        s = self.slope
        return None if s is None else s <= TARGET

    def as_dict(self) -> dict:
        return {"module": self.module, "step": self.name, "slope": self.slope, "top": self.top, "target": TARGET,
                "ok": self.ok,
                "points": [{"size": s, "work": w, "seconds": t} for s, w, t in self.points]}


def steps(runs: dict[str, tuple[float, dict[str, list[Figure]]]]) -> list[Step]:
    """Steps from {size: (the workload's codings, {module: figures})}, in first-seen order."""
    found: dict[tuple[str, str], Step] = {}
    for size, (default_work, results) in runs.items():
        for module, figures in results.items():
            for f in figures:
                if f.unit not in TIMED:
                    continue
                key = (module, step_of(f))
                step = found.setdefault(key, Step(module, key[1], []))
                step.points.append((size, f.work if f.work is not None else default_work, f.value * TIMED[f.unit]))
    return list(found.values())


def print_steps(found: list[Step], sizes: list[str]) -> None:
    import os

    from workbench.bench.core import CLOCK_ENV

    clock = "CPU" if os.environ.get(CLOCK_ENV) == "cpu" else "wall"
    print(f"\nscaling over {', '.join(sizes)}: log-log slope of cost ({clock} time, but for the window's own "
          f"timings) over work, fitted to every size (target <= {TARGET:g}); top: between the two largest "
          "sizes alone")
    module = None
    for st in found:
        if st.module != module:
            module = st.module
            print(f"\n[{module.removeprefix('bench_')}]")
        mark = {True: "ok  ", False: "SLOW", None: "    "}[st.ok]
        value = "  -  " if st.slope is None else f"{st.slope:5.2f}"
        if st.top is not None:
            value += f" (top {st.top:4.2f})"
        points = ", ".join(f"{s} {t:.3g} s/{w:,.0f}" for s, w, t in st.points)
        print(f"  {mark} slope {value}  {st.name}  ({points})")
    over = [st for st in found if st.ok is False]
    sloped = [st for st in found if st.ok is not None]
    print(f"\n{len(sloped) - len(over)} of {len(sloped)} steps grow at most at {TARGET:g}"
          + (": over it " + "; ".join(f"{st.name} ({st.slope:.2f})" for st in over) if over else ""))


def run_scaling(sizes: list[str], workdir: Path | None = None, only: list[str] | None = None,
                as_json: bool = False) -> int:
    """Run the selected modules at each size (smallest first) and print every step's slope."""
    from workbench.bench.runner import module_figures, print_figure

    tmp = None
    if workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="workbench-scaling-")
        workdir = Path(tmp.name)
    runs: dict[str, tuple[float, dict[str, list[Figure]]]] = {}
    failed = False
    try:
        for size in sizes:
            ctx = BenchContext(size, workdir)
            if not as_json:
                print(f"\nworkload {ctx.label}", flush=True)
            ctx.project
            results, bad = module_figures(ctx, only)
            failed |= bad
            runs[size] = (float(ctx.spec.codings), results)
            if not as_json:
                for module, figures in results.items():
                    print(f"[{module.removeprefix('bench_')}]")
                    for f in figures:
                        print_figure(f)
                sys.stdout.flush()
        found = steps(runs)
        if as_json:
            print(json.dumps({"sizes": sizes, "target": TARGET, "steps": [s.as_dict() for s in found],
                              "figures": {size: {m: [f.as_dict() for f in fs] for m, fs in res.items()}
                                          for size, (_, res) in runs.items()}}, ensure_ascii=False, indent=2))
        else:
            print_steps(found, sizes)
    finally:
        if tmp is not None:
            tmp.cleanup()
    return 1 if failed else 0
