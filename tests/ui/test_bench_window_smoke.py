"""`workbench bench --size S --only document`: the coding window's figures (drives the window)."""
from __future__ import annotations

import json
import math

import pytest

from workbench.cli.main import main

pytestmark = pytest.mark.slow


def test_bench_document_module_gives_its_figures(capsys, tmp_path):
    code = main(["bench", "--size", "S", "--keep", str(tmp_path / "bench"), "--json", "--only", "document"])
    out = capsys.readouterr().out
    assert code == 0
    figures = json.loads(out)["figures"]["bench_document"]
    assert figures and all(math.isfinite(f["value"]) and f["value"] >= 0 for f in figures)
    # issue 11, item 5: a source with 32,000 codings opened, beside its 300 ms target
    dense = next(f for f in figures if f["name"] == "document.open_32k_codings")
    assert dense["target"] == 300 and "32,000 codings" in dense["note"]
