"""Figures of issue 6: QDPX export and re-import of the workload, time and peak memory.

Both stream (issue 11): the export writes its XML as it goes and the import
reads it a source at a time, so peak memory has a target of 300 MB at L and
at XL (4 x L) alike.

Each run happens in a child process that reports its own wall time for the
work and its peak resident memory: VmHWM from /proc/self/status, which
counts from the child's exec and includes the interpreter and imports. (On
Linux, getrusage's ru_maxrss survives fork+exec and would report the parent
runner's peak instead; it is the fallback where /proc is missing.)
"""
from __future__ import annotations

import time
from pathlib import Path

from workbench.bench.core import BenchContext, Figure, in_child


def modules_loaded() -> None:
    """Nothing but the exporter and importer imported: the child the runs' peak memory is read against."""
    import workbench.io.refi.qdpx_export  # noqa: F401
    import workbench.io.refi.qdpx_import  # noqa: F401


def _child(what: str, src: Path | str, out: Path | str) -> dict:
    if what == "export":
        return in_child("workbench.io.refi.qdpx_export", "export_qdpx", src, out)
    if what == "import":
        return in_child("workbench.io.refi.qdpx_import", "import_qdpx", src, out)
    return in_child(__name__, "modules_loaded")


def run(ctx: BenchContext) -> list[Figure]:
    large = ctx.size == "L"
    memory_target = 300.0 if ctx.size in ("L", "XL") else None
    base = _child("baseline", "", "")
    exports, imports = [], []
    for i in range(2):
        qdpx = ctx.tmp / f"bench-{time.monotonic_ns()}.qdpx"
        exports.append(_child("export", ctx.project, qdpx))
        target = ctx.tmp / f"bench-reimport-{time.monotonic_ns()}.qwb"
        imports.append(_child("import", qdpx, target))
        size = qdpx.stat().st_size
        if i == 0:
            qdpx.unlink()
            target.unlink()
    ex_t, im_t = min(r["seconds"] for r in exports), min(r["seconds"] for r in imports)
    ex_m, im_m = max(r["peak_mb"] for r in exports), max(r["peak_mb"] for r in imports)
    note = f"peak RSS (VmHWM) of a child process (interpreter and imports alone: {base['peak_mb']:.0f} MB)"
    return [
        Figure(f"QDPX export of the workload ({exports[0]['result']})", ex_t, "s", 10.0 if large else None,
               f"best of 2; file {size / 2**20:.1f} MiB"),
        Figure("QDPX export peak memory", ex_m, "MB", memory_target, note),
        Figure("QDPX re-import into a new project", im_t, "s", 10.0 if large else None,
               "best of 2; includes the offset check, speaker turns and one transaction"),
        Figure("QDPX re-import peak memory", im_m, "MB", memory_target, note),
    ]
