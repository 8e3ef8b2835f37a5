"""Figures of issue 11: what a command-line call costs before it starts, in CPU time.

Each call runs in a child process as the `workbench` script runs it; its CPU time (user +
system) is read from resource.getrusage(RUSAGE_CHILDREN) around the wait, so the shared
machine's other load, which stretches wall time, does not count. The floor is the bare
interpreter starting and exiting.
"""
from __future__ import annotations

import resource
import statistics
import subprocess
import sys

from workbench.bench.core import BenchContext, Figure

REPEAT = 5
_SCRIPT = "import sys; from workbench.cli.main import main; sys.exit(main())"


def child_cpu_ms(argv: list[str]) -> float:
    """CPU milliseconds one child process used (user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1000


def median_cpu_ms(argv: list[str]) -> float:
    return statistics.median(child_cpu_ms(argv) for _ in range(REPEAT))


def run(ctx: BenchContext) -> list[Figure]:
    floor = median_cpu_ms([sys.executable, "-c", "pass"])
    workbench = [sys.executable, "-c", _SCRIPT]
    note = f"median of {REPEAT}; a bare `python -c pass` takes {floor:.0f} ms"
    return [
        Figure("start-up CPU of `workbench --help`", median_cpu_ms(workbench + ["--help"]), "ms", 150.0, note),
        Figure("start-up CPU of `workbench info PROJECT --json` (the workload)",
               median_cpu_ms(workbench + ["info", str(ctx.project), "--json"]), "ms", 150.0, note),
    ]
