"""Benchmarks: a reproducible workload and the figures the issues ask for (`workbench bench`)."""

# Each module defines run(ctx) -> list[Figure]; a module not written yet is skipped.
BENCH_MODULES = ["bench_store", "bench_document", "bench_query", "bench_merge", "bench_qdpx", "bench_bulk",
                 "bench_cli"]
