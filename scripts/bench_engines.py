"""Store and query figures on a project file and on a PostgreSQL project over loopback, side by side.

    .venv/bin/python scripts/bench_engines.py --size M [--keep DIR]

Starts a throwaway cluster as the test suite does (tests/pg_server.py), uploads the benchmark
workload into a server project (store.postgres.copy_file_to_server) and runs the query figures
of `workbench bench --only query` and the open/insert figures of `--only store` on both.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from pg_server import Cluster  # noqa: E402

from workbench.bench import bench_query, bench_store  # noqa: E402
from workbench.bench.core import BenchContext, Figure, best_of  # noqa: E402
from workbench.core.location import parse_server_location  # noqa: E402
from workbench.store.postgres import copy_file_to_server  # noqa: E402


class ServerContext(BenchContext):
    """The workload, uploaded into a server project; each fresh project is another upload."""

    def __init__(self, size: str, root: Path, cluster: Cluster):
        super().__init__(size, root)
        self.cluster = cluster
        self._url: str | None = None
        self._n = 0

    def _upload(self, name: str) -> str:
        url = self.cluster.url("bench", name)
        copy_file_to_server(super().project, parse_server_location(url))
        return url

    @property
    def project(self) -> str:
        if self._url is None:
            self._url = self._upload("workload")
        return self._url

    def fresh_project(self, name: str = "copy") -> str:
        self._n += 1
        return self._upload(f"{name}_{self._n}")


def store_figures(ctx: BenchContext) -> list[Figure]:
    opened = best_of(lambda: bench_store._open(ctx.project), 5)
    elapsed, n = bench_store._insert_codings(ctx, batch=1000)
    single, m = bench_store._insert_codings_single(ctx, 200)
    return [Figure("open the project (source list, codebook)", opened * 1000, "ms"),
            Figure(f"insert {n} codings, 1,000 a transaction", elapsed, "s"),
            Figure(f"apply one coding as one user action (mean of {m})", single * 1000, "ms")]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="M", choices=("S", "M", "L"))
    ap.add_argument("--keep", type=Path)
    args = ap.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="workbench-bench-engines-"))
    cluster = Cluster().start()
    try:
        cluster.sql("postgres", "CREATE DATABASE bench")
        file_ctx = BenchContext(args.size, root)
        t = time.perf_counter()
        file_ctx.project  # build the workload once
        print(f"workload {file_ctx.label} built in {time.perf_counter() - t:.0f} s", flush=True)
        server_ctx = ServerContext(args.size, root, cluster)
        results = {}
        for label, ctx in (("sqlite", file_ctx), ("postgresql", server_ctx)):
            results[label] = store_figures(ctx) + bench_query.run(ctx)
            print(f"{label} done", flush=True)
        print(f"{'figure':<72} {'SQLite':>10} {'PostgreSQL':>11} {'ratio':>6}")
        for a, b in zip(results["sqlite"], results["postgresql"]):
            ratio = b.value / a.value if a.value else float("nan")
            print(f"{a.name[:72]:<72} {a.value:>8.1f}{a.unit:<2} {b.value:>9.1f}{b.unit:<2} {ratio:>5.1f}x")
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
