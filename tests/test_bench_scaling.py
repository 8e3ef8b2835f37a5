"""`workbench bench --scaling`: the slope arithmetic against hand-worked examples, and a run at
tiny sizes end to end. (Speed itself is the bench's business: no bounds on times here.)"""
from __future__ import annotations

import json
import math

import pytest

from workbench.bench import workload
from workbench.bench.core import Figure, slope
from workbench.bench.scaling import TARGET, Step, step_of, steps
from workbench.cli.main import main


def test_slope_worked_by_hand():
    # ln-work 0, a, 2a and ln-cost ln 0.5 + (0, 2a, 3a) with a = ln 2: means a and 5a/3 above the
    # constant, Sxy = (-a)(-5a/3) + 0 + a(4a/3) = 3a^2, Sxx = 2a^2, slope 3/2.
    assert math.isclose(slope([(100, 0.5), (200, 2.0), (400, 4.0)]), 1.5, rel_tol=1e-12)


def test_slope_of_linear_cost_with_a_fixed_part_is_below_one():
    # 1 s of start-up plus 1 ms a unit: 1.1, 2, 11 s over 100, 1,000, 10,000 units.
    # ln(11/1.1) / ln(100) = 0.5 between the ends; the middle point bends it the same way.
    s = slope([(100, 1.1), (1000, 2.0), (10000, 11.0)])
    assert 0.45 < s < 0.55


def test_slope_needs_two_amounts_of_work():
    with pytest.raises(ValueError):
        slope([(10, 1.0), (10, 2.0)])


def test_step_names_lose_their_numbers():
    assert step_of(Figure("import 12 .txt transcripts (0.1 MiB)", 1, "s")) == "import N .txt transcripts (N MiB)"
    assert step_of(Figure("all 60,000 excerpts to CSV", 1, "s")) == "all N excerpts to CSV"
    assert step_of(Figure("whatever 3", 1, "s", step="fixed")) == "fixed"


def test_steps_match_across_sizes_and_use_the_work_given():
    runs = {
        "A": (600.0, {"bench_x": [Figure("all 600 excerpts to CSV", 10.0, "ms", work=500),
                                  Figure("open", 0.1, "s"), Figure("ratio", 3.0, "x")]}),
        "B": (6000.0, {"bench_x": [Figure("all 6,000 excerpts to CSV", 200.0, "ms", work=5000),
                                   Figure("open", 0.1, "s"), Figure("ratio", 3.0, "x")]}),
    }
    found = {s.name: s for s in steps(runs)}
    assert set(found) == {"all N excerpts to CSV", "open"}  # the ratio is not a cost
    csv = found["all N excerpts to CSV"]
    assert csv.points == [("A", 500, 0.01), ("B", 5000, 0.2)]
    # 0.01 -> 0.2 s is 20x the cost for 10x the work: log(20)/log(10) = 1.301...
    assert math.isclose(csv.slope, math.log(20) / math.log(10), rel_tol=1e-12)
    assert csv.ok is False and TARGET == 1.1
    assert found["open"].slope == 0.0 and found["open"].ok is True
    assert found["open"].points[1][1] == 6000.0  # no work given: the workload's codings


def test_a_step_at_one_amount_of_work_has_no_slope():
    st = Step("bench_x", "cases", [("A", 300, 0.1), ("B", 300, 0.12)])
    assert st.slope is None and st.ok is None


@pytest.mark.parametrize("arg", ["S", "S,S", "S,Q"])
def test_scaling_wants_two_known_sizes(arg, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["bench", "--scaling", arg])
    assert exc.value.code == 2
    assert "size" in capsys.readouterr().err


@pytest.mark.slow
def test_scaling_at_tiny_sizes_prints_a_slope_for_every_step(tmp_path, monkeypatch, capsys):
    for name, n in (("T1", 2), ("T2", 4), ("T3", 8)):
        monkeypatch.setitem(workload.SIZES, name, workload.WorkloadSpec(
            sources=n, words=300, codes=10, codings=40 * n, coders=2, cases=n, largest_source_codings=10))
    code = main(["bench", "--scaling", "T1,T2,T3", "--keep", str(tmp_path), "--json",
                 "--only", "store", "--only", "query", "--only", "qdpx"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["sizes"] == ["T1", "T2", "T3"] and data["target"] == 1.1
    names = {(s["module"], s["step"]) for s in data["steps"]}
    assert ("bench_store", "import the .txt transcripts") in names
    assert ("bench_query", "all N excerpts to CSV (query included)") in names
    assert any(m == "bench_qdpx" for m, _ in names)
    for s in data["steps"]:
        assert [p["size"] for p in s["points"]] == ["T1", "T2", "T3"], s
        if len({p["work"] for p in s["points"]}) > 1:
            assert math.isfinite(s["slope"]), s
    # The text table prints the same steps with their slopes.
    code = main(["bench", "--scaling", "T1,T2", "--keep", str(tmp_path), "--only", "store"])
    out = capsys.readouterr().out
    assert code == 0 and "target <= 1.1" in out and "slope" in out and "import the .txt transcripts" in out


def test_top_slope_is_the_last_two_points():
    # 1, 2, 8 s over 100, 200, 400: the fit is pulled down by the first step; the top is log2(4) = 2.
    st = Step("bench_x", "grows late", [("A", 100, 1.0), ("B", 200, 2.0), ("C", 400, 8.0)])
    assert math.isclose(st.top, 2.0, rel_tol=1e-12)
    assert st.slope < st.top
    assert Step("bench_x", "two", [("A", 100, 1.0), ("B", 200, 2.0)]).top is None
