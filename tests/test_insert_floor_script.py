"""benchmarks/insert_floor.py times the bare insert of codings into variants of the program's file:
each variant must be the file and the writing it says it is, or its slope means nothing."""
from __future__ import annotations

import importlib.util
import math
import sqlite3
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _script():
    spec = importlib.util.spec_from_file_location("insert_floor", ROOT / "benchmarks" / "insert_floor.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _coding_indexes(path: Path) -> set[str]:
    with sqlite3.connect(path) as con:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                                          "AND tbl_name = 'coding' AND sql IS NOT NULL")}


def test_each_variant_is_the_program_file_with_one_thing_changed(tmp_path):
    floor = _script()
    from workbench.store.project import create_project

    create_project(tmp_path / "plain.qwb", "plain").close()
    program = _coding_indexes(tmp_path / "plain.qwb")
    assert set(floor.LOOKUP_INDEXES) <= program  # the indexes it drops are the program's own
    for label, how in floor._variants():
        path = floor._fresh_file(tmp_path, how)
        assert _coding_indexes(path) == program - set(how.get("drop", ())), label
        with sqlite3.connect(path) as con:
            assert con.execute("PRAGMA page_size").fetchone()[0] == how.get("page_size", 4096), label
        rows = floor._rows(2500, seed=7)
        floor._insert(path, rows, how)
        with sqlite3.connect(path) as con:
            stored = con.execute('SELECT source_id, code_id, coder_id, start, "end" FROM coding ORDER BY id').fetchall()
            guids = [r[0] for r in con.execute("SELECT guid FROM coding ORDER BY id")]
            journal = con.execute("PRAGMA journal_mode").fetchone()[0]
        assert sorted(stored) == sorted(rows), label  # every row written, once
        # the GUIDs are made in the order the rows are written, as the program makes them
        assert guids == sorted(guids), label
        if how.get("order") == "source":
            assert stored == sorted(rows, key=lambda r: (r[0], r[3])), label
        else:
            assert stored == rows, label
        assert journal == how.get("journal", "delete").lower(), label


def test_rows_spread_over_as_many_sources_and_codes_as_the_bench_workload():
    floor = _script()
    rows = floor._rows(8000, seed=3)
    assert len(rows) == 8000
    assert {r[0] for r in rows} <= set(range(1, 41)) and len({r[0] for r in rows}) > 35  # 8000 / 200
    assert {r[1] for r in rows} <= set(range(1, 21)) and len({r[1] for r in rows}) == 20  # 8000 / 400
    assert all(20 <= e - s <= 400 for *_, s, e in rows)


def test_the_slope_of_a_power_law_is_its_exponent():
    from workbench.bench.core import slope  # the one measure() reports

    sizes = (1000, 4000, 16000)
    assert math.isclose(slope([(n, 3e-6 * n ** 1.5) for n in sizes]), 1.5)
    assert math.isclose(slope([(n, 0.5) for n in sizes]), 0.0, abs_tol=1e-12)


def test_measure_gives_a_figure_for_every_variant(tmp_path):
    floor = _script()
    variants = floor._variants()[:2]
    results = floor.measure((1000, 2000, 3000), folder=tmp_path, variants=variants)
    assert [r["variant"] for r in results] == [label for label, _ in variants]
    for r in results:
        assert all(t > 0 for t in r["seconds"]) and math.isfinite(r["slope"])
    assert results[1]["ms_per_commit"] == [t * 1000 for t in results[1]["seconds"]]  # one commit each
    assert list(tmp_path.iterdir()) == []  # each variant's file is removed after its run
