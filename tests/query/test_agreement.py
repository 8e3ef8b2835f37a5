"""Inter-coder agreement against hand-worked examples and the krippendorff package.

References from raw spans and Krippendorff's published examples: test_agreement_reference.py.
"""
from __future__ import annotations

import json
import random

import krippendorff
import pytest

from workbench.query.agreement import agreement, comparison_spans
from workbench.query.agreement_math import (
    nominal_alpha,
    observed_u,
    sections,
    segment_matches,
    sweep,
    u_alpha,
    union,
)


def _text(project, name):
    from workbench.services.sources import source_text

    return source_text(project, name)


def test_small_project_autonomy_in_the_johannesburg_interview_by_hand(project):
    # Thandi coded "We set our own agenda" (21 characters), Pieter "We set our own agenda and fund" (30),
    # both from the same start, in a source of 272 characters: 9 characters differ.
    text = _text(project, "interview_jhb.txt")
    n, a, b, both = len(text), 21, 30, 21
    assert n == 272
    table = agreement(project, ["Thandi", "Pieter"], ["autonomy"]).to_json()
    assert table["compared_sources"] == ["interview_jhb.txt", "interview_addis.txt"]
    (code,) = table["codes"]
    jhb = code["sources"][0]
    assert jhb["source"] == "interview_jhb.txt"
    assert (jhb["chars"], jhb["coded"], jhb["both"]) == (n, [a, b], both)
    assert jhb["percent"] == pytest.approx(100 * 263 / 272)
    # kappa = (po - pe) / (1 - pe), po = 263/272, pe = (21*30 + 251*242) / 272^2 = 61372/73984
    assert jhb["kappa"] == pytest.approx((263 * 272 - 61372) / (73984 - 61372))
    # alpha = 1 - (N-1) d / (n0 n1): N = 544 values, d = 9, n1 = 51, n0 = 493
    assert jhb["alpha"] == pytest.approx(1 - 543 * 9 / (493 * 51))
    # unitizing alpha: the only overlapping units differ at their ends by 9: D_o = 2 * 81 / (2 * 1 * 272^2)
    s = text.index("We set our own agenda")
    gaps = [s, n - s - a, s, n - s - b]
    fit = lambda lu: sum(g - lu + 1 for g in gaps if g >= lu)  # noqa: E731
    d_e = 2 / n * sum((2 - 1) * (2 * lu**3 - 3 * lu**2 + lu) / 3 + lu * lu * fit(lu) for lu in (a, b)) / (
        2 * n * (2 * n - 1) - (a * (a - 1) + b * (b - 1)))
    assert jhb["u_alpha"] == pytest.approx(1 - (81 / n**2) / d_e)
    # Addis Ababa: neither coded autonomy there; all 251 characters agree and kappa is undefined.
    addis = code["sources"][1]
    assert (addis["percent"], addis["kappa"], addis["alpha"]) == (100.0, None, None)
    # The code over both sources pools the characters: 9 of 523 differ.
    assert code["percent"] == pytest.approx(100 * (523 - 9) / 523)
    assert code["segments"] == {"count": [1, 1], "matched": [0, 0], "percent": 0.0}  # 21/30 = 70% < 90%


def test_the_sources_compared_are_those_both_coders_coded(project):
    table = agreement(project, ["Thandi", "Pieter"]).to_json()
    assert "policy.txt" not in table["compared_sources"]  # only Thandi coded it
    assert [c["code"] for c in table["codes"]] == [
        "autonomy", "autonomy/own funding", "provincial constraint", "development outcome",
        "development outcome/unrealised objective"]
    pc = table["codes"][2]
    assert (pc["percent"], pc["kappa"], pc["alpha"]) == (100.0, 1.0, 1.0)
    assert pc["segments"]["percent"] == 100.0


def test_agreement_cli_json_shape(project_path, capsys):
    from workbench.cli.main import main

    assert main(["agreement", str(project_path), "--coders", "Thandi", "Pieter", "--code", "autonomy", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["coders"] == ["Thandi", "Pieter"]
    assert {"percent", "kappa", "alpha"} <= set(data["overall"])
    (code,) = data["codes"]
    assert code["code"] == "autonomy" and {"percent", "kappa", "alpha", "sources"} <= set(code)
    assert {"source", "percent", "kappa"} <= set(code["sources"][0])
    assert main(["agreement", str(project_path), "--coders", "Thandi", "Nobody", "--json"]) == 1
    assert "Nobody" in capsys.readouterr().err


def test_agreement_exports_csv_and_word(project_path, tmp_path):
    import csv

    from docx import Document

    from workbench.cli.main import main

    out_csv, out_docx = tmp_path / "a.csv", tmp_path / "a.docx"
    assert main(["agreement", str(project_path), "--coders", "Thandi", "Pieter", "--csv", str(out_csv)]) == 0
    assert main(["agreement", str(project_path), "--coders", "Thandi", "Pieter", "--docx", str(out_docx)]) == 0
    rows = list(csv.reader(out_csv.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][:3] == ["code", "source", "characters"]
    assert rows[-1][0] == "(all codes)" and len(rows) == 1 + 5 * 3 + 1
    tables = Document(str(out_docx)).tables  # per code over all sources, then per code and source
    cells = [c.text for c in tables[0].rows[1].cells]
    assert cells[:2] == ["autonomy", "523"]
    per_source = [[c.text for c in r.cells][:2] for r in tables[1].rows[1:]]
    assert per_source == [r[:2] for r in rows[1:-1] if r[1] != "(all compared sources)"]


def _random_spans(rng, length, k):
    out = []
    for _ in range(k):
        a = rng.randrange(length - 1)
        out.append((a, min(length, a + rng.randrange(1, 12))))
    return out


@pytest.mark.parametrize("seed", range(8))
def test_nominal_alpha_matches_the_krippendorff_package(seed):
    rng = random.Random(seed)
    length, coders = 60, 2 + seed % 3
    raw = [_random_spans(rng, length, rng.randrange(1, 5)) for _ in range(coders)]
    # The package's data come from the raw, overlapping spans character by character; ours from
    # the program's own joining of them.
    data = [[1 if any(a <= i < b for a, b in spans) else 0 for i in range(length)] for spans in raw]
    k_sum, dis = sweep([union(spans) for spans in raw])
    ours = nominal_alpha(length, coders, k_sum, dis)
    theirs = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert ours == pytest.approx(theirs)


def test_unitizing_alpha_is_one_for_identical_units_and_falls_with_shifted_boundaries():
    def ua(x, y, n=100):
        parts = [sections(union(x), n), sections(union(y), n)]
        units = [b - a for p in parts for a, b, u in p if u]
        gaps = [b - a for p in parts for a, b, u in p if not u]
        d_o, d_e = u_alpha(observed_u(parts), units, gaps, 2, n)
        return 1 - d_o / d_e

    assert ua([(10, 20)], [(10, 20)]) == pytest.approx(1.0)
    assert 1.0 > ua([(10, 20)], [(11, 20)]) > ua([(10, 20)], [(14, 20)]) > ua([(10, 20)], [(40, 50)])


def test_segment_matching_by_hand():
    a = [(0, 10), (20, 30)]
    b = [(0, 9), (25, 30)]
    assert segment_matches(a, b, 0.9) == 1  # 9/10 overlap; 5/10 is not enough
    assert segment_matches(b, a, 0.9) == 1
    assert segment_matches(a, b, 0.5) == 2


def test_comparison_spans_by_hand(project):
    from workbench.services.lookup import source_by_name

    with project.reading() as s:
        sid = source_by_name(s, "interview_jhb.txt")
    text = _text(project, "interview_jhb.txt")
    s0 = text.index("We set our own agenda")
    f0 = text.index("fund the exchanges ourselves")
    p0 = text.index("Every agreement")
    spans = comparison_spans(project, sid, ["Thandi", "Pieter"])
    assert spans == [
        (s0, s0 + 21, "both"),  # autonomy by both
        (s0 + 21, f0, "b"),  # Pieter's autonomy runs on
        (f0, s0 + 30, "mixed"),  # Pieter's autonomy and Thandi's own funding overlap
        (s0 + 30, f0 + 28, "a"),  # Thandi's own funding alone
        (p0, p0 + 45, "both"),  # provincial constraint by both
    ]


def test_coders_with_no_source_in_common_give_null_figures_not_a_crash(project):
    # A third coder who coded only policy.txt, which Pieter never coded.
    from workbench.services.coders import ensure_coder
    from workbench.services.coding import NewCoding, apply_codes_in
    from workbench.services.lookup import code_by_path, source_by_name

    with project.transaction() as s:
        kid = ensure_coder(s, "Lerato")
        apply_codes_in(s, [NewCoding(source_by_name(s, "policy.txt"), code_by_path(s, "autonomy"), kid, 0, 5)])
    # Lerato and Pieter share no source: nothing to compare, every figure undefined.
    for codes in (None, ["autonomy"]):
        table = agreement(project, ["Lerato", "Pieter"], codes).to_json()
        assert table["compared_sources"] == []
        assert table["overall"]["percent"] is None and table["overall"]["kappa"] is None
        assert table["overall"]["coded"] == [0, 0] and table["overall"]["chars"] == 0
    assert [c["code"] for c in agreement(project, ["Lerato", "Pieter"], ["autonomy"]).to_json()["codes"]] \
        == ["autonomy"]


def test_two_names_for_one_coder_are_refused(project):
    from workbench.core.errors import ValidationError

    # 'thandi' finds Thandi (names are matched ignoring case when no exact match exists).
    with pytest.raises(ValidationError, match="same coder"):
        agreement(project, ["Thandi", "thandi"])
