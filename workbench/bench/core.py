"""What every benchmark module shares: the context with the workload, figures, timing."""
from __future__ import annotations

import math
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from workbench.bench.workload import SIZES, WorkloadSpec, build_workload


@dataclass
class Figure:
    """One measured figure; `target` is the issue's bound in the same unit (lower is better)."""

    name: str
    value: float
    unit: str
    target: float | None = None
    note: str = ""
    # For the scaling run (workbench bench --scaling): how much work this figure's step did
    # (codings, excerpts, bytes...; None: the workload's codings) and a name that stays the
    # same across sizes (None: the name with its numbers taken out).
    work: float | None = None
    step: str | None = None

    @property
    def ok(self) -> bool | None:
        return None if self.target is None else self.value <= self.target

    def as_dict(self) -> dict:
        d = asdict(self)
        d["ok"] = self.ok
        return d


class BenchContext:
    """The workload of one size, built once into `root` and copied for each benchmark that writes."""

    def __init__(self, size: str, root: Path):
        self.size = size
        self.spec: WorkloadSpec = SIZES[size]
        self.root = root
        self.tmp = root / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)
        self._built: tuple[Path, Path] | None = None

    def _build(self) -> tuple[Path, Path]:
        if self._built is None:
            self._built = build_workload(self.spec, self.root / f"workload-{self.size}")
        return self._built

    @property
    def sources_dir(self) -> Path:
        """The generated .txt transcripts."""
        return self._build()[1]

    @property
    def project(self) -> Path:
        """The generated project (read it, do not write it: use fresh_project for that)."""
        return self._build()[0]

    def fresh_project(self, name: str = "copy") -> Path:
        """A new copy of the workload project to write to."""
        src = self.project
        dest = self.tmp / f"{name}-{time.monotonic_ns()}.qwb"
        shutil.copy(src, dest)
        return dest

    @property
    def label(self) -> str:
        s = self.spec
        return (f"{self.size}: {s.sources} transcripts x ~{s.words} words, {s.codes} codes, "
                f"{s.codings} codings by {s.coders} coders, {s.cases} cases x {s.attributes} attributes")


CLOCK_ENV = "WORKBENCH_BENCH_CLOCK"


def clock() -> float:
    """The bench's clock, in seconds: wall time, or with WORKBENCH_BENCH_CLOCK=cpu this process's
    CPU time (the scaling run's: on a shared machine the other load stretches wall time, not
    CPU time; waits on the disk count only in wall time). Child processes inherit the choice."""
    return time.process_time() if os.environ.get(CLOCK_ENV) == "cpu" else time.perf_counter()


def slope(points: list[tuple[float, float]]) -> float:
    """The least-squares slope of log(cost) over log(work): 1 is linear, 2 quadratic."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(max(t, 1e-9)) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        raise ValueError("a slope needs at least two different amounts of work")
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """The fastest of `repeat` runs, in seconds: the least disturbed by the other core's noise."""
    times = []
    for _ in range(repeat):
        t = clock()
        fn()
        times.append(clock() - t)
    return min(times)


_CHILD = r"""
import importlib, json, os, resource, sys, time
module, name, *args = sys.argv[1:]
work = getattr(importlib.import_module(module), name) if module else None
clock = time.process_time if os.environ.get("WORKBENCH_BENCH_CLOCK") == "cpu" else time.perf_counter
t = clock()
result = work(*args) if work else None
elapsed = clock() - t
try:
    with open("/proc/self/status") as fh:
        peak_mb = next(int(l.split()[1]) / 1024 for l in fh if l.startswith("VmHWM:"))
except (OSError, StopIteration):
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB elsewhere
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20
print(json.dumps({"seconds": elapsed, "peak_mb": peak_mb, "result": str(result)}))
"""


def in_child(module: str, name: str, *args: str) -> dict:
    """Run module.name(*args) in a fresh interpreter: {"seconds" (the call alone), "peak_mb" (peak
    resident memory, VmHWM: it counts from the child's exec, interpreter and imports included),
    "result" (str of what it returned)}. An empty module name measures the bare interpreter."""
    import json
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", _CHILD, module, name, *map(str, args)], capture_output=True,
                          text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{module}.{name} failed: {proc.stderr.strip()[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def rss_mb() -> float:
    """Resident memory of this process now, in MB (Linux; 0 where unknown)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
