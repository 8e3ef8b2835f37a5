"""The figures of issue 11 in `workbench bench`: each beside its target, with the floor it is
compared with measured in the same run. (What they measure is speed: no bounds asserted here.)"""
from __future__ import annotations

import math

import pytest

from workbench.bench import BENCH_MODULES, bench_bulk, bench_cli
from workbench.bench.core import BenchContext


@pytest.mark.parametrize("power", [0.5, 1.0, 1.42, 2.0])
def test_slope_of_a_power_law_is_its_power(power):
    points = [(n, 3e-5 * n ** power) for n in (15_000, 45_000, 120_000)]
    assert math.isclose(bench_bulk.slope(points), power, rel_tol=1e-9)


def test_the_suite_runs_the_new_modules():
    assert {"bench_bulk", "bench_cli"} <= set(BENCH_MODULES)


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    return BenchContext("S", tmp_path_factory.mktemp("bench"))


def test_bulk_figures_name_their_targets_and_floors(ctx, monkeypatch):
    monkeypatch.setitem(bench_bulk.CODING_SIZES, "S", (300, 600, 1200))
    monkeypatch.setattr(bench_bulk, "CODEBOOK_SIZES", (15, 60, 1200))
    monkeypatch.setattr(bench_bulk, "CASES", 30)
    figures = {f.name: f for f in bench_bulk.run(ctx)}
    ratios = [f for name, f in figures.items() if name.startswith("bulk codings") and f.unit == "x"]
    assert [f.target for f in ratios] == [2.0, 2.0, 2.0] and all(f.value > 0 for f in ratios)
    assert all("against" in f.note for f in ratios)  # both times, from the same run
    assert figures["codebook import, 1,200 codes in three levels (.txt outline)"].target == 0.5
    cases = figures["cases from CSV, 30 cases x 5 attributes"]
    assert cases.target == 0.2 and "executemany" in cases.note
    assert sum(1 for name in figures if "slope" in name) == 2


def test_cli_figures_are_child_cpu_times(ctx, monkeypatch):
    monkeypatch.setattr(bench_cli, "REPEAT", 1)
    figures = bench_cli.run(ctx)
    assert [f.target for f in figures] == [150.0, 150.0] and all(f.unit == "ms" and f.value > 0 for f in figures)
