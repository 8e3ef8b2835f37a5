"""Agreement figures against references computed here from raw spans, one character at a time,
and against Krippendorff's published worked examples.

The references know nothing of the code under test: coverage is looked up per character in the
coders' raw codings (overlapping, nested, touching, repeated), Krippendorff's alpha comes from a
coincidence matrix (checked first against his published figures), and the unitizing alpha's
sums are counted term by term over sections found character by character.
"""
from __future__ import annotations

import random
from collections import Counter

import pytest

from workbench.query.agreement import agreement
from workbench.services.coders import ensure_coder
from workbench.services.codebook import ensure_code_path_in
from workbench.services.coding import NewCoding, apply_codes_in
from workbench.services.lookup import source_by_name
from workbench.services.sources import import_files
from workbench.store.project import create_project

# -- references -----------------------------------------------------------------------------------


def coverage(raw, n):
    return [int(any(a <= x < b for a, b in raw)) for x in range(n)]


def ref_alpha(data):
    """Krippendorff's alpha, nominal, from the coincidence matrix (Krippendorff 2011, section C):
    data is one row per coder, None where a coder gave no value."""
    o = Counter()
    for values in zip(*data):
        values = [v for v in values if v is not None]
        for i, c in enumerate(values):
            for j, k in enumerate(values):
                if i != j:
                    o[c, k] += 1 / (len(values) - 1)
    n_c = Counter()
    for (c, _), w in o.items():
        n_c[c] += w
    n = sum(n_c.values())
    expected = sum(n_c[c] * n_c[k] for c in n_c for k in n_c if c != k)
    if expected == 0:
        return None
    return 1 - (n - 1) * sum(w for (c, k), w in o.items() if c != k) / expected


def ref_kappa(x, y):
    n = len(x)
    po = sum(a == b for a, b in zip(x, y)) / n
    pe = (sum(x) / n) * (sum(y) / n) + (1 - sum(x) / n) * (1 - sum(y) / n)
    return None if pe == 1 else (po - pe) / (1 - pe)


def ref_sections(raw, n):
    """A coder's sections found character by character: a unit goes on while one coding covers
    both this character and the one before; codings that only touch start a new unit."""
    out = []
    for x in range(n):
        covered = any(a <= x < b for a, b in raw)
        same_unit = x > 0 and any(a <= x - 1 and x < b for a, b in raw)
        extends = out and out[-1][2] == covered and (same_unit if covered else True)
        if extends:
            out[-1][1] = x + 1
        else:
            out.append([x, x + 1, covered])
    return [tuple(s) for s in out]


def ref_u_sums(per_coder_sections):
    """Σ over coder pairs of δ² (Krippendorff 1995) over sections sharing a character."""
    total = 0
    m = len(per_coder_sections)
    for i in range(m):
        for j in range(i + 1, m):
            for bg, eg, ug in per_coder_sections[i]:
                for bh, eh, uh in per_coder_sections[j]:
                    if not set(range(bg, eg)) & set(range(bh, eh)):
                        continue
                    if ug and uh:
                        total += (bg - bh) ** 2 + (eg - eh) ** 2
                    elif ug and bh <= bg and eg <= eh:
                        total += (eg - bg) ** 2
                    elif uh and bg <= bh and eh <= eg:
                        total += (eh - bh) ** 2
    return total


def ref_u_alpha(per_source_sections, lengths):
    """_u alpha of one code over sources laid end to end (Krippendorff 2004, section 12.4):
    D_o from ref_u_sums; D_e with its sums written out term by term."""
    m = len(per_source_sections[0])
    big_l = sum(lengths)
    observed = sum(ref_u_sums(secs) for secs in per_source_sections)
    units = [e - b for secs in per_source_sections for coder in secs for b, e, u in coder if u]
    gaps = [(b, e) for secs in per_source_sections for coder in secs for b, e, u in coder if not u]
    if not units:
        return None
    d_o = 2 * observed / (m * (m - 1) * big_l ** 2)
    total = 0
    for lu in units:
        shifts = sum(d * d for d in range(-(lu - 1), lu))  # both ends of two equal units shifted by d
        fits = sum(1 for b, e in gaps for p in range(b, e - lu + 1))  # placements of the unit inside a gap
        total += (len(units) - 1) * shifts + lu * lu * fits
    denominator = m * big_l * (m * big_l - 1) - sum(lu * (lu - 1) for lu in units)
    d_e = 2 / big_l * total / denominator
    return d_o, d_e


def ref_matched_each(per, n, threshold):
    """ref_matched for each coder of `per` against all the others' segments."""
    return [ref_matched(mine, [s for j, spans in enumerate(per) if j != k for s in spans], n, threshold)
            for k, mine in enumerate(per)]


def ref_matched(mine, theirs, n, threshold):
    def chars(s):
        return set(range(*s))

    return sum(1 for s in set(mine) if any(
        len(chars(s) & chars(t)) / len(chars(s) | chars(t)) >= threshold - 1e-12 for t in set(theirs)))


# -- Krippendorff's published examples for the reference itself ------------------------------------

def test_the_reference_alpha_gives_krippendorffs_published_figures():
    # Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
    # Communication, University of Pennsylvania. Section A (binary data, two observers, no missing
    # data): alpha = 1 - (n-1) o01 / (n0 n1) = 1 - 19 * 4 / (14 * 6) = 0.095.
    binary = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
    assert ref_alpha(binary) == pytest.approx(1 - 19 * 4 / (14 * 6))
    assert round(ref_alpha(binary), 3) == 0.095
    # Section C (nominal data, any number of observers, missing data): four observers, twelve
    # units, values 1-5; alpha = 0.743.
    four = [[1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
            [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]]
    assert round(ref_alpha(four), 3) == 0.743


# -- projects built from raw spans -----------------------------------------------------------------

def _project(tmp_path, name, lengths, coders, codings):
    """A project with sources of the given lengths and codings (source index, code, coder, a, b)."""
    folder = tmp_path / name
    folder.mkdir()
    files = []
    for i, n in enumerate(lengths):
        f = folder / f"s{i:02d}.txt"
        text = (f"source {i} " + "abcdefghijklmnopqrstuvwxyz" * (n // 26 + 1))[:n]
        if n < 12:  # too short to hold its number: letters counting i, so no two texts are the same
            text = "".join(chr(97 + i // 26 ** k % 26) for k in range(n))
        f.write_text(text, encoding="utf-8")
        files.append(f)
    project = create_project(folder / "p.qwb", coder=coders[0])
    import_files(project, files)
    with project.transaction() as s:
        kid = {c: ensure_coder(s, c) for c in coders}
        sid = [source_by_name(s, f.name) for f in files]
        items = [NewCoding(sid[i], ensure_code_path_in(s, code, create=True)[0], kid[coder], a, b)
                 for i, code, coder, a, b in codings]
        apply_codes_in(s, items)
    return project


def _random_case(rng, n, m):
    """Raw codings of m coders on one source of length n, rich in touching, nested, repeated and
    whole-source spans; every coder has at least one so the source is compared."""
    per = []
    for _ in range(m):
        spans = []
        for _ in range(rng.randrange(1, 6)):
            kind = rng.random()
            if kind < 0.15 and spans:  # touching the previous one
                a = spans[-1][1] if spans[-1][1] < n else 0
                spans.append((a, min(n, a + rng.randrange(1, 8))))
            elif kind < 0.3 and spans:  # nested in (or equal to) the previous one
                a, b = spans[-1]
                c = rng.randrange(a, b)
                spans.append((c, rng.randrange(c + 1, b + 1)))
            elif kind < 0.35:
                spans.append((0, n))
            else:
                a = rng.randrange(n - 1)
                spans.append((a, min(n, a + rng.randrange(1, 10))))
        per.append(spans)
    return per


@pytest.mark.parametrize("m", [2, 3, 4])
def test_figures_per_source_and_pooled_match_character_references(tmp_path, m):
    rng = random.Random(m)
    coders = ["Ana", "Ben", "Cato", "Dee"][:m]
    lengths = [rng.randrange(12, 40) for _ in range(12)]
    cases = [_random_case(rng, n, m) for n in lengths]
    codings = [(i, "c", coders[k], a, b) for i, per in enumerate(cases) for k, spans in enumerate(per)
               for a, b in spans]
    project = _project(tmp_path, f"m{m}", lengths, coders, codings)
    try:
        table = agreement(project, coders, ["c"], threshold=0.8).to_json()
    finally:
        project.close()
    (code,) = table["codes"]
    _check_sources(code, lengths, cases, m)
    # The code over all sources pools their characters; unitizing lays the sources end to end.
    pooled = [sum((coverage(per[k], n) for per, n in zip(cases, lengths)), []) for k in range(m)]
    assert code["alpha"] == pytest.approx(ref_alpha(pooled))
    if m == 2:
        assert code["kappa"] == pytest.approx(ref_kappa(*pooled))
    d_o, d_e = ref_u_alpha([[ref_sections(spans, n) for spans in per] for per, n in zip(cases, lengths)], lengths)
    assert code["u_alpha"] == pytest.approx(1 - d_o / d_e)


def _check_sources(code, lengths, cases, m, threshold=0.8):
    """Each source's row of one code's table against the character-by-character references."""
    assert len(code["sources"]) == len(lengths)
    for row, n, per in zip(code["sources"], lengths, cases):
        cov = [coverage(spans, n) for spans in per]
        assert row["chars"] == n and row["coded"] == [sum(c) for c in cov]
        expected_alpha = ref_alpha(cov)
        assert (row["alpha"] is None) == (expected_alpha is None)
        if expected_alpha is not None:
            assert row["alpha"] == pytest.approx(expected_alpha)
        if m == 2:
            assert row["both"] == sum(x & y for x, y in zip(*cov))
            assert row["percent"] == pytest.approx(100 * sum(x == y for x, y in zip(*cov)) / n)
            expected_kappa = ref_kappa(*cov)
            if expected_kappa is None:
                assert row["kappa"] is None
            else:
                assert row["kappa"] == pytest.approx(expected_kappa)
        secs = [ref_sections(spans, n) for spans in per]
        ref = ref_u_alpha([secs], [n])
        assert (row["u_alpha"] is None) == (ref is None or ref[1] == 0)
        if row["u_alpha"] is not None:
            assert row["u_alpha"] == pytest.approx(1 - ref[0] / ref[1])
        assert row["segments"]["matched"] == ref_matched_each(per, n, threshold)
        assert row["segments"]["count"] == [len(set(spans)) for spans in per]


def test_one_and_two_character_sources_match_character_references(tmp_path):
    """Every way two coders can code a source of two characters (each a non-empty set of the
    spans 0-1, 1-2, 0-2), and a source of one character both coded whole: percent agreement
    on one unit, expected disagreement nil (no room for chance), kappa with no chance left."""
    from itertools import combinations

    coders = ["Ana", "Ben"]
    spans = [(0, 1), (1, 2), (0, 2)]
    choices = [list(c) for r in (1, 2, 3) for c in combinations(spans, r)]
    cases = [[[(0, 1)], [(0, 1)]]] + [[x, y] for x in choices for y in choices]
    lengths = [1] + [2] * (len(cases) - 1)
    codings = [(i, "c", coders[k], a, b) for i, per in enumerate(cases) for k, coded in enumerate(per)
               for a, b in coded]
    project = _project(tmp_path, "tiny", lengths, coders, codings)
    try:
        table = agreement(project, coders, ["c"], threshold=0.5).to_json()
    finally:
        project.close()
    (code,) = table["codes"]
    _check_sources(code, lengths, cases, 2, threshold=0.5)
    one = code["sources"][0]
    assert one["percent"] == 100.0 and one["kappa"] is None and one["u_alpha"] is None  # by hand


@pytest.mark.parametrize("m", [2, 3])
def test_a_code_some_coders_left_out_of_a_source(tmp_path, m):
    """Code 'd' is used in a source by some coders only (the source is compared: everyone coded
    it with 'c'): whoever used it matches no segment of the others where they have none."""
    rng = random.Random(40 + m)
    coders = ["Ana", "Ben", "Cato"][:m]
    lengths = [rng.randrange(12, 40) for _ in range(8)]
    cases = [_random_case(rng, n, m) for n in lengths]
    used = [[spans if k == i % m or (m == 3 and k == (i + 1) % m and i % 2) else []
             for k, spans in enumerate(_random_case(rng, n, m))] for i, n in enumerate(lengths)]
    codings = [(i, code, coders[k], a, b) for code, all_cases in (("c", cases), ("d", used))
               for i, per in enumerate(all_cases) for k, spans in enumerate(per) for a, b in spans]
    project = _project(tmp_path, f"some{m}", lengths, coders, codings)
    try:
        table = agreement(project, coders, ["c", "d"], threshold=0.5).to_json()
    finally:
        project.close()
    by_code = {c["code"]: c for c in table["codes"]}
    for row, n, per in zip(by_code["d"]["sources"], lengths, used):
        assert row["segments"]["matched"] == ref_matched_each(per, n, 0.5)
        assert row["segments"]["count"] == [len(set(spans)) for spans in per]
        assert row["coded"] == [sum(coverage(spans, n)) for spans in per]
    assert any(sum(r["segments"]["count"]) and not sum(r["segments"]["matched"])
               for r in by_code["d"]["sources"])  # a coder alone on a source: nothing to match


# -- Krippendorff's published examples through the program ------------------------------------------

def test_binary_example_of_computing_krippendorffs_alpha(tmp_path):
    # Krippendorff (2011), section A, as ten one-character units of one source: coder A coded units
    # 2 and 9, coder B units 1, 2, 3 and 6. Published: alpha = 0.095.
    project = _project(tmp_path, "k2011", [10], ["A", "B"],
                       [(0, "c", "A", 1, 2), (0, "c", "A", 8, 9), (0, "c", "B", 0, 3), (0, "c", "B", 5, 6)])
    try:
        row = agreement(project, ["A", "B"], ["c"]).to_json()["codes"][0]["sources"][0]
    finally:
        project.close()
    assert round(row["alpha"], 3) == 0.095 and row["alpha"] == pytest.approx(1 - 19 * 4 / (14 * 6))
    assert row["percent"] == pytest.approx(60.0)  # 6 of the 10 units agree


def test_unitizing_example_of_krippendorff_2004(tmp_path):
    # Krippendorff, K. (2004). Content Analysis: An Introduction to Its Methodology, 2nd ed., p. 254:
    # a continuum from 150 to 450, two observers, categories c and k (begin, length):
    # observer i: c (225, 70), (370, 30); k (180, 60), (300, 50);
    # observer j: c (220, 80), (355, 20), (400, 20); k (180, 60), (300, 50).
    # Published: c: D_o = 0.0144, D_e = 0.0532, alpha = 0.7286; k: D_o = 0, alpha = 1.
    # (Observer i's c unit (370, 30) ends where j's (400, 20) begins: touching across coders.)
    units = {"i": {"c": [(225, 70), (370, 30)], "k": [(180, 60), (300, 50)]},
             "j": {"c": [(220, 80), (355, 20), (400, 20)], "k": [(180, 60), (300, 50)]}}
    codings = [(0, code, who, b - 150, b - 150 + length) for who, by_code in units.items()
               for code, spans in by_code.items() for b, length in spans]
    project = _project(tmp_path, "k2004", [300], ["i", "j"], codings)
    try:
        table = agreement(project, ["i", "j"], ["c", "k"]).to_json()
    finally:
        project.close()
    c, k = table["codes"]
    assert round(c["u_alpha"], 4) == 0.7286 and k["u_alpha"] == pytest.approx(1.0)
    secs = [ref_sections([(a, b) for _, code, who, a, b in codings if code == "c" and who == w], 300) for w in "ij"]
    d_o, d_e = ref_u_alpha([secs], [300])
    assert (round(d_o, 4), round(d_e, 4)) == (0.0144, 0.0532)


# Krippendorff, K. (1995). On the reliability of unitizing continuous data. Sociological Methodology
# 25, 47-76, the four pairs of observers of p. 57 on a continuum of 24 (units as begin, end).
# The figure as transcribed in DKPro Statistics' Krippendorff1995Test, which also gives the
# published figures used here. D_o is published exactly; alpha is for the continuous case, so the
# discrete program is run on the example stretched 1000-fold and compared within 0.02 (as DKPro).
KRIPPENDORFF_1995 = {
    "A": ([(2, 10), (14, 20)], [(4, 8), (15, 17)], 0.03125, 0.553),
    # B: Jill marks seven abutting units where John marks one.
    "B": ([(0, 18)], [(0, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 9), (9, 10)], 2.26736, -0.926),
    "C": ([(2, 8), (10, 12), (14, 18), (20, 22)], [(0, 2), (4, 8), (10, 14), (16, 18), (20, 22)], 0.02777, 0.679),
    # D: both cover the whole continuum, cut into abutting units at different places.
    "D": ([(0, 2), (2, 10), (10, 14), (14, 20), (20, 24)], [(0, 4), (4, 8), (8, 15), (15, 17), (17, 24)],
          0.38715, 0.066),
}


@pytest.mark.parametrize("example", list(KRIPPENDORFF_1995))
def test_unitizing_examples_of_krippendorff_1995(tmp_path, example):
    first, second, published_d_o, published_alpha = KRIPPENDORFF_1995[example]
    secs = [ref_sections(first, 24), ref_sections(second, 24)]
    assert ref_u_sums(secs) / 24 ** 2 == pytest.approx(published_d_o, abs=1e-5)
    stretch = 1000
    codings = [(0, "c", who, a * stretch, b * stretch) for who, spans in (("x", first), ("y", second))
               for a, b in spans]
    project = _project(tmp_path, f"k1995{example}", [24 * stretch], ["x", "y"], codings)
    try:
        row = agreement(project, ["x", "y"], ["c"]).to_json()["codes"][0]
    finally:
        project.close()
    assert row["u_alpha"] == pytest.approx(published_alpha, abs=0.02)


def test_touching_nested_and_equal_length_boundaries_by_hand(tmp_path):
    # One source of 20 characters. A codes 0-5 and 5-10 (touching: two units of 5) and 12-14 inside
    # 12-16 (nested: one unit of 4); B codes 0-10 (one unit) and 12-16.
    project = _project(tmp_path, "hand", [20], ["A", "B"],
                       [(0, "c", "A", 0, 5), (0, "c", "A", 5, 10), (0, "c", "A", 12, 16), (0, "c", "A", 12, 14),
                        (0, "c", "B", 0, 10), (0, "c", "B", 12, 16)])
    try:
        row = agreement(project, ["A", "B"], ["c"]).to_json()["codes"][0]["sources"][0]
    finally:
        project.close()
    # Coverage is the same for both: every figure on characters agrees fully.
    assert (row["percent"], row["kappa"], row["alpha"], row["both"]) == (100.0, 1.0, 1.0, 14)
    # Unitizing: A's units 0-5, 5-10, 12-16; B's 0-10, 12-16. Pairs of overlapping units:
    # (0-5, 0-10): 0 + 25; (5-10, 0-10): 25 + 0; (12-16, 12-16): 0. Units inside gaps: none.
    # D_o = 50 / 20^2. Gaps: A 10-12, 16-20; B 10-12, 16-20 (lengths 2, 4, 2, 4).
    # D_e: units 5, 5, 4, 10, 4 (N = 5); the unit of 4 fits the gaps of 4 once each (equal length).
    shifts = {5: 2 * (1 + 4 + 9 + 16), 4: 2 * (1 + 4 + 9), 10: 2 * sum(d * d for d in range(10))}
    fits = {5: 0, 4: 2, 10: 0}
    total = sum(4 * shifts[lu] + lu * lu * fits[lu] for lu in (5, 5, 4, 10, 4))
    d_e = 2 / 20 * total / (2 * 20 * 39 - (20 + 20 + 12 + 90 + 12))
    assert row["u_alpha"] == pytest.approx(1 - (50 / 400) / d_e)
