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
    phrase = next(f for f in data["figures"]["bench_query"] if f["name"] == "search a phrase")
    assert phrase["work"] >= 1


def test_a_phrase_search_s_work_is_the_text_of_the_sources_holding_it(tmp_path):
    """The scaling run divides the phrase search's time by the characters it reads; those are the
    texts where the two words follow each other, found here by a plain scan of every text."""
    import re
    import shutil
    import sqlite3

    from workbench.bench.bench_query import phrase_reads
    from workbench.bench.core import BenchContext
    from workbench.query.search import search
    from workbench.store.project import open_project

    ctx = BenchContext("S", tmp_path)
    copy = tmp_path / "copy.qwb"
    shutil.copy(ctx.project, copy)
    con = sqlite3.connect(copy)
    try:
        texts = [t for (t,) in con.execute("SELECT text FROM source ORDER BY id")]
    finally:
        con.close()
    spoken = texts[0][texts[0].index("Interviewer:") + len("Interviewer:"):]
    first, second = re.search(r"\b([a-z]+) ([a-z]+)\b", spoken).groups()  # two words one after the other
    holding = [t for t in texts if re.search(rf"\b{first}[^a-z0-9]+{second}\b", t, re.I)]
    assert holding, (first, second)
    project = open_project(copy)
    try:
        search(project, "city")  # builds the index
        assert phrase_reads(project, f'"{first} {second}"') == (sum(len(t) for t in holding), len(holding))
    finally:
        project.close()


def _codings(path) -> list[tuple]:
    """Every coding's (source, code, coder, start, end) in a project file, read read-only."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
        return con.execute('SELECT source_id, code_id, coder_id, start, "end" FROM coding '
                           "ORDER BY 1, 2, 3, 4, 5").fetchall()


@pytest.mark.parametrize("batch", [None, 250])
def test_the_insert_step_puts_back_every_coding_in_its_transactions(tmp_path, monkeypatch, batch):
    """The store module's insert step empties a copy of the workload and codes every passage again
    through apply_codes: in one call (one transaction) when batch is None, else ceil(n / batch);
    afterwards the copy holds the workload's codings, each once. The workload is S with 2,500
    codings, more than the 1,000 a transaction of the other figure."""
    from dataclasses import replace

    import workbench.services.coding as coding
    from workbench.bench import bench_store, workload
    from workbench.bench.core import BenchContext

    monkeypatch.setitem(workload.SIZES, "S", replace(workload.SIZES["S"], codings=2500))
    ctx = BenchContext("S", tmp_path)
    made = []
    fresh = ctx.fresh_project

    def kept_fresh(label):
        made.append(fresh(label))
        return made[-1]

    monkeypatch.setattr(ctx, "fresh_project", kept_fresh)
    calls: list[int] = []
    real = coding.apply_codes

    def counted(project, items):
        calls.append(len(items))
        return real(project, items)

    monkeypatch.setattr(coding, "apply_codes", counted)
    before = _codings(ctx.project)
    _elapsed, n = bench_store._insert_codings(ctx, batch)
    assert n == len(before) == ctx.spec.codings
    assert calls == ([n] if batch is None else [min(batch, n - i) for i in range(0, n, batch)])
    assert _codings(made[0]) == before
