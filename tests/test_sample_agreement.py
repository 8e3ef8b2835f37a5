"""The sample project's agreement table, checked by hand on interview 1.

Hand calculation (interview01_jhb_ir_unit.docx, code provincial constraint/approval requirements):
every code point of the source is one unit; each coder either coded it with the code or not.
The test counts the units from the codings themselves, one character at a time, and works the
figures out from the 2x2 table, independently of workbench.query.agreement's interval arithmetic.
"""
from __future__ import annotations

import json
from pathlib import Path

import store_read
from workbench.cli.main import main

SAMPLE = Path(__file__).resolve().parents[1] / "sample_projects" / "johannesburg.qwb"
SOURCE = "interview01_jhb_ir_unit.docx"
CODE = "provincial constraint/approval requirements"


def _coded_units(coder: str) -> tuple[int, set[int]]:
    con = store_read.connect(SAMPLE)
    try:
        length = con.execute("SELECT length FROM source WHERE name=?", (SOURCE,)).fetchone()[0]
        rows = con.execute(
            "SELECT c.start, c.end FROM coding c JOIN source s ON s.id=c.source_id JOIN coder k ON k.id=c.coder_id "
            "JOIN code d ON d.id=c.code_id JOIN code p ON p.id=d.parent_id "
            "WHERE s.name=? AND k.name=? AND p.name='provincial constraint' AND d.name='approval requirements'",
            (SOURCE, coder),
        ).fetchall()
    finally:
        con.close()
    units = set()
    for start, end in rows:
        units.update(range(start, end))
    return length, units


def test_sample_agreement_matches_a_hand_count_on_interview_1(capsys):
    n, a_units = _coded_units("Thandi")
    _, b_units = _coded_units("Pieter")
    both = len(a_units & b_units)
    only_a = len(a_units - b_units)
    only_b = len(b_units - a_units)
    neither = n - both - only_a - only_b
    assert both and (only_a or only_b), "interview 1 should show agreement and disagreement"
    po = (both + neither) / n
    pa, pb = len(a_units) / n, len(b_units) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    kappa = (po - pe) / (1 - pe)

    assert main(["agreement", str(SAMPLE), "--coders", "Thandi", "Pieter", "--code", CODE, "--json"]) == 0
    table = json.loads(capsys.readouterr().out)
    row = next(s for s in table["codes"][0]["sources"] if s["source"] == SOURCE)
    assert row["chars"] == n
    assert row["coded"] == [len(a_units), len(b_units)]
    assert row["both"] == both
    assert abs(row["percent"] - 100 * po) < 1e-9
    assert abs(row["kappa"] - kappa) < 1e-9
