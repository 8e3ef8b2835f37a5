"""`workbench bench --size S` runs end to end: every module but the window's gives its figures.

Speed is measured by the benchmarks, never by tests: this only checks that the suite runs,
on a fresh workload, and that each figure is a real measurement. The window's module
(bench_document) needs Qt and runs in tests/ui/test_bench_window_smoke.py.
"""
from __future__ import annotations

import json
import math

import pytest

from workbench.cli.main import main

pytestmark = pytest.mark.slow


def test_bench_size_s_gives_every_figure(capsys, tmp_path):
    code = main(["bench", "--size", "S", "--keep", str(tmp_path / "bench"), "--json",
                 "--only", "store", "--only", "query", "--only", "merge", "--only", "qdpx"])
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out)
    assert data["size"] == "S" and set(data["figures"]) == {"bench_store", "bench_query", "bench_merge", "bench_qdpx"}
    for module, figures in data["figures"].items():
        assert figures, module
        for f in figures:
            assert f["name"] and f["unit"] and math.isfinite(f["value"]) and f["value"] >= 0, (module, f)
    names = [f["name"] for f in data["figures"]["bench_query"]]
    assert any(n.startswith("search a common word") for n in names)
    assert any(n.startswith("retrieve the most-used code") for n in names)
