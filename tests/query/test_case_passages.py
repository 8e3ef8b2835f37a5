"""Issue 9, finding 6: a case holds passages, not only whole sources.

The article covers Cape Town (its first paragraph) and Tokyo (its second); a Tokyo interview
is linked whole to Tokyo. Every expectation below is counted by hand from the texts here.
"""
from __future__ import annotations

import json

import docx
import pytest

from workbench.cli.main import main
from workbench.query.agreement import agreement
from workbench.query.cooccur import code_cooccurrence
from workbench.query.frequencies import code_frequencies
from workbench.query.matrix import cell_segments, code_matrix
from workbench.query.segments import Filters, query_segments
from workbench.store.models import CasePassage
from workbench.store.project import create_project

CT = "Cape Town rations water by the household. Its townships wait longest for pipes.\n"
TK = "Tokyo rebuilt its water mains after the earthquake. Every ward now has a reserve.\n"
ARTICLE = CT + TK
INTERVIEW = "Our water reserve lasts three days.\n"

# (code, coder, phrase) in the article; the fourth spans the two cities.
CODINGS = [
    ("water", "Thandi", "Cape Town rations water by the household."),
    ("inequality", "Thandi", "Its townships wait longest for pipes."),
    ("water", "Thandi", "Tokyo rebuilt its water mains after the earthquake."),
    ("water", "Thandi", "wait longest for pipes.\nTokyo rebuilt its water mains"),
    ("water", "Pieter", "Cape Town rations water"),
    ("water", "Pieter", "Tokyo rebuilt its water mains after the earthquake. Every ward"),
    ("inequality", "Pieter", "Its townships wait longest"),
    ("water", "Pieter", "Every ward now has a reserve."),
]


def at(phrase: str, text: str = ARTICLE) -> tuple[int, int]:
    assert text.count(phrase) == 1, phrase
    s = text.index(phrase)
    return s, s + len(phrase)


@pytest.fixture
def cities(tmp_path):
    """The two-cities project; the halves are linked as rows of case_passage (the schema on main)."""
    from workbench.services.cases import import_cases_csv
    from workbench.services.codebook import ensure_code_path_in
    from workbench.services.coders import ensure_coder
    from workbench.services.coding import NewCoding, apply_codes_in
    from workbench.services.lookup import case_by_name, source_by_name
    from workbench.services.sources import import_files

    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "tokyo_interview.txt").write_text(INTERVIEW, encoding="utf-8")
    (tmp_path / "cases.csv").write_text("name,country,sources\nCape Town,South Africa,\n"
                                        "Tokyo,Japan,tokyo_interview.txt\n", encoding="utf-8")
    path = tmp_path / "cities.qwb"
    project = create_project(path, name="Two cities", coder="Thandi")
    import_files(project, [tmp_path / "article.txt", tmp_path / "tokyo_interview.txt"], coder="Thandi")
    import_cases_csv(project, tmp_path / "cases.csv")
    with project.transaction() as s:
        art, itv = source_by_name(s, "article.txt"), source_by_name(s, "tokyo_interview.txt")
        s.add(CasePassage(case_id=case_by_name(s, "Cape Town"), source_id=art, start=0, end=len(CT)))
        s.add(CasePassage(case_id=case_by_name(s, "Tokyo"), source_id=art, start=len(CT), end=len(ARTICLE)))
        codes = {n: ensure_code_path_in(s, n, create=True)[0] for n in ("water", "inequality")}
        items = [NewCoding(art, codes[c], ensure_coder(s, who), *at(p)) for c, who, p in CODINGS]
        items.append(NewCoding(itv, codes["water"], ensure_coder(s, "Thandi"), *at("Our water reserve lasts three days.",
                                                                                  INTERVIEW)))
        apply_codes_in(s, items)
    project.close()
    return path


def run_json(capsys, *argv):
    assert main([str(a) for a in argv]) == 0
    return json.loads(capsys.readouterr().out)


def test_attr_japan_returns_only_tokyo_text_the_spanning_coding_cut(cities, capsys):
    rows = run_json(capsys, "query", cities, "--attr", "country=Japan", "--json")
    assert [(r["source"], r["text"], r["coder"], r["case"]) for r in rows] == [
        ("article.txt", "Tokyo rebuilt its water mains", "Thandi", "Tokyo"),  # the spanning coding's Tokyo part
        ("article.txt", "Tokyo rebuilt its water mains after the earthquake.", "Thandi", "Tokyo"),
        ("article.txt", "Tokyo rebuilt its water mains after the earthquake. Every ward", "Pieter", "Tokyo"),
        ("article.txt", "Every ward now has a reserve.", "Pieter", "Tokyo"),
        ("tokyo_interview.txt", "Our water reserve lasts three days.", "Thandi", "Tokyo"),
    ]
    assert (rows[0]["start"], rows[0]["end"]) == (len(CT), len(CT) + 29)
    everything = run_json(capsys, "query", cities, "--json")
    spanning = next(r for r in everything if r["text"] == CODINGS[3][2])
    assert rows[0]["coding"] == spanning["coding"]  # the same coding, cut
    assert spanning["case"] == "Cape Town; Tokyo"
    assert {r["text"]: r["case"] for r in everything if r is not spanning} == {
        **{p: "Cape Town" for _, _, p in CODINGS[:2] + CODINGS[4:5] + CODINGS[6:7]},
        **{p: "Tokyo" for _, _, p in CODINGS[2:3] + CODINGS[5:6] + CODINGS[7:]},
        "Our water reserve lasts three days.": "Tokyo"}
    cape = run_json(capsys, "query", cities, "--case", "cape town", "--code", "water", "--json")
    assert [r["text"] for r in cape] == ["Cape Town rations water", "Cape Town rations water by the household.",
                                         "wait longest for pipes.\n"]
    # --case and --attr AND: Cape Town's text that is also Japanese is none.
    assert run_json(capsys, "query", cities, "--case", "Cape Town", "--attr", "country=Japan", "--json") == []


def test_expression_is_restricted_to_the_case(cities):
    segs = query_segments(cities_project(cities), Filters(cases=("Tokyo",)), '"water" AND NOT "inequality"')
    # Tokyo's water in the article is one stretch from its first character to "reserve."; the interview another.
    assert [(x.source, x.text) for x in segs] == [("article.txt", TK[:-1]), ("tokyo_interview.txt", INTERVIEW[:-1])]
    segs = query_segments(cities_project(cities), Filters(cases=("Cape Town",)), '"water" AND "inequality"')
    # Cape Town: water covers 0-41 and "wait longest for pipes.\n"; inequality covers "Its townships ... pipes."
    assert [x.text for x in segs] == ["wait longest for pipes."]
    near = query_segments(cities_project(cities), Filters(cases=("Tokyo",)), '"inequality" NEAR/5 "water"')
    assert near == []  # inequality is coded only in Cape Town's text


def cities_project(path):
    from workbench.store.project import open_project

    p = open_project(path, readonly=True)
    _open.append(p)
    return p


_open: list = []


@pytest.fixture(autouse=True)
def _close_projects():
    yield
    while _open:
        _open.pop().close()


def test_matrix_by_case_and_by_country_count_each_citys_text(cities, capsys):
    m = run_json(capsys, "matrix", cities, "--rows", "codes", "--cols", "cases", "--json")
    # water: Cape Town 3 (two codings there and the spanning one's first part), Tokyo 5 (three in the
    # article, the spanning one's second part, the interview); inequality only in Cape Town.
    assert m == {"rows": ["water", "inequality"], "cols": ["Cape Town", "Tokyo"], "cells": [[3, 5], [2, 0]]}
    chars = run_json(capsys, "matrix", cities, "--rows", "codes", "--cols", "cases", "--count", "chars", "--json")
    # Cape Town water: "Cape Town rations water by the household." (41) + "wait longest for pipes.\n" (24);
    # Tokyo water: the Tokyo paragraph but its line end (81) + the interview's sentence (35);
    # inequality: "Its townships wait longest for pipes." (37).
    assert chars["cells"] == [[41 + 24, 81 + 35], [37, 0]]
    sources = run_json(capsys, "matrix", cities, "--rows", "codes", "--cols", "cases", "--count", "sources", "--json")
    assert sources["cells"] == [[1, 2], [1, 0]]
    country = run_json(capsys, "matrix", cities, "--rows", "codes", "--cols", "attr:country", "--json")
    assert country == {"rows": ["water", "inequality"], "cols": ["Japan", "South Africa"], "cells": [[5, 3], [0, 2]]}
    # With a filter, the cells count what lies in both the column's case and the filter's.
    tokyo = run_json(capsys, "matrix", cities, "--rows", "codes", "--cols", "cases", "--case", "Tokyo",
                     "--count", "chars", "--json")
    assert tokyo["cells"] == [[81 + 35], [0]]
    p = cities_project(cities)
    mat = code_matrix(p, "cases")
    with p.reading() as s:
        assert [x.text for x in cell_segments(s, mat, 0, 0)] == ["Cape Town rations water",
                                                                  "Cape Town rations water by the household.",
                                                                  "wait longest for pipes.\n"]
        assert len(cell_segments(s, mat, 0, 1)) == 5 and cell_segments(s, mat, 1, 1) == []


def test_cooccurrence_and_frequencies_with_a_case(cities):
    p = cities_project(cities)
    # In Tokyo's text water and inequality never meet; in Cape Town's they share "wait longest for pipes.".
    assert code_cooccurrence(p, Filters(cases=("Tokyo",))).cells == [[2, 0], [0, 0]]
    assert code_cooccurrence(p, Filters(cases=("Cape Town",))).cells == [[2, 1], [1, 1]]
    freq = {f.code: (f.segments, f.sources, f.cases, f.coders) for f in code_frequencies(p)}
    assert freq == {"water": (7, 2, 2, 2), "inequality": (2, 1, 1, 2)}
    freq = {f.code: (f.segments, f.sources, f.cases, f.coders) for f in code_frequencies(p, Filters(cases=("Tokyo",)))}
    assert freq == {"water": (5, 2, 1, 2), "inequality": (0, 0, 0, 0)}


def test_frequencies_by_coder_count_each_coders_codings_in_the_cases_text(cities):
    """Counted by hand from CODINGS: the article's codings are counted through the cut to case
    text (the article is held in part by both cities), the interview's whole."""
    p = cities_project(cities)

    def by_coder(filters=None):
        return {f.code: f.by_coder for f in code_frequencies(p, filters, by_coder=True)}

    assert by_coder() == {"water": {"Pieter": 3, "Thandi": 4}, "inequality": {"Pieter": 1, "Thandi": 1}}
    # Tokyo's text: Thandi's Tokyo coding, the Tokyo piece of her spanning one, the interview;
    # Pieter's two that lie in Tokyo. No inequality there.
    assert by_coder(Filters(cases=("Tokyo",))) == {"water": {"Pieter": 2, "Thandi": 3},
                                                   "inequality": {"Pieter": 0, "Thandi": 0}}
    assert by_coder(Filters(coders=("Thandi",))) == {"water": {"Thandi": 4}, "inequality": {"Thandi": 1}}
    assert by_coder(Filters(codes=("inequality",), cases=("Cape Town",))) == {"inequality": {"Pieter": 1, "Thandi": 1}}


def test_word_report_by_case_puts_each_quote_under_its_city(cities, tmp_path, capsys):
    out = tmp_path / "by_case.docx"
    assert main(["export", str(cities), "-o", str(out), "--group-by", "case"]) == 0
    capsys.readouterr()
    paras = [(p.style.name, p.text) for p in docx.Document(str(out)).paragraphs]
    under: dict[str, list[str]] = {}
    case = None
    for style, text in paras:
        if style == "Heading 1":
            case = text
        elif style == "Quote":
            under.setdefault(case, []).append(text)
    assert sorted(under) == ["Cape Town", "Tokyo"]
    assert sorted(under["Cape Town"]) == sorted([
        "Cape Town rations water by the household.", "Its townships wait longest for pipes.",
        "wait longest for pipes.\n", "Cape Town rations water", "Its townships wait longest"])
    assert sorted(under["Tokyo"]) == sorted([
        "Tokyo rebuilt its water mains after the earthquake.", "Tokyo rebuilt its water mains",
        "Tokyo rebuilt its water mains after the earthquake. Every ward", "Every ward now has a reserve.",
        "Our water reserve lasts three days."])
    k = paras.index(("Quote", "Tokyo rebuilt its water mains"))
    assert paras[k + 1] == ("Citation", "(article.txt, Tokyo, paragraph 2, Thandi)")
    k = paras.index(("Quote", "wait longest for pipes.\n"))
    assert paras[k + 1] == ("Citation", "(article.txt, Cape Town, paragraph 1, Thandi)")


def test_csv_case_column_follows_the_text(cities, tmp_path, capsys):
    import csv

    out = tmp_path / "japan.csv"
    assert main(["export", str(cities), "-o", str(out), "--attr", "country=Japan"]) == 0
    capsys.readouterr()
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {(r["case"], r["text"]) for r in rows} == {
        ("Tokyo", "Tokyo rebuilt its water mains"), ("Tokyo", "Tokyo rebuilt its water mains after the earthquake."),
        ("Tokyo", "Tokyo rebuilt its water mains after the earthquake. Every ward"),
        ("Tokyo", "Every ward now has a reserve."), ("Tokyo", "Our water reserve lasts three days.")}
    out = tmp_path / "all.csv"
    assert main(["export", str(cities), "-o", str(out)]) == 0
    capsys.readouterr()
    with open(out, encoding="utf-8-sig", newline="") as fh:
        spanning = [r for r in csv.DictReader(fh) if r["text"] == CODINGS[3][2]]
    assert [r["case"] for r in spanning] == ["Cape Town; Tokyo"]


def _kappa(n: int, a: set[int], b: set[int]) -> tuple[float, float]:
    """Percent and Cohen's kappa over n characters, counted character by character."""
    agree = n - len(a ^ b)
    pa, pb = len(a) / n, len(b) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return 100.0 * agree / n, (agree / n - pe) / (1 - pe)


def test_agreement_per_case_uses_only_that_cases_characters(cities, capsys):
    def chars(coder: str, lo: int, hi: int) -> set[int]:
        out: set[int] = set()
        for code, who, phrase in CODINGS:
            if code == "water" and who == coder:
                s, e = at(phrase)
                out |= set(range(s, e))
        return {c for c in out if lo <= c < hi}

    for case, (lo, hi) in {"Cape Town": (0, len(CT)), "Tokyo": (len(CT), len(ARTICLE))}.items():
        table = run_json(capsys, "agreement", cities, "--coders", "Thandi", "Pieter", "--code", "water",
                         "--case", case, "--json")
        # The interview (Tokyo's too) has only Thandi's coding: not compared.
        assert table["compared_sources"] == ["article.txt"]
        (src,) = table["codes"][0]["sources"]
        a, b = chars("Thandi", lo, hi), chars("Pieter", lo, hi)
        pct, kappa = _kappa(hi - lo, a, b)
        assert (src["chars"], src["coded"], src["both"]) == (hi - lo, [len(a), len(b)], len(a & b))
        assert src["percent"] == pytest.approx(pct) and src["kappa"] == pytest.approx(kappa)
    whole = agreement(cities_project(cities), ["Thandi", "Pieter"], ["water"]).to_json()
    assert whole["codes"][0]["sources"][0]["chars"] == len(ARTICLE)
    japan = agreement(cities_project(cities), ["Thandi", "Pieter"], ["water"], attrs=["country=Japan"]).to_json()
    assert japan["codes"][0]["sources"][0]["chars"] == len(TK)


def test_touching_passages_of_a_case_are_one_stretch(cities, capsys):
    """Cape Town also takes the article's word "Tokyo", which touches its first paragraph: the
    coding that spans the two cities is cut to one piece, up to the end of "Tokyo", not two
    meeting at the paragraph break (membership.union_spans joins touching stretches); her Tokyo
    coding now lies in Cape Town for its first word."""
    n = len(CT) + len("Tokyo")
    assert main(["cases", str(cities), "--link", "Cape Town", "--source", "article.txt",
                 "--start", str(len(CT)), "--end", str(n)]) == 0
    capsys.readouterr()
    got = run_json(capsys, "query", cities, "--case", "Cape Town", "--code", "water", "--coder", "Thandi", "--json")
    start = at("wait longest for pipes.")[0]
    assert [(s["start"], s["end"], s["text"]) for s in got] == [
        (*at("Cape Town rations water by the household."), "Cape Town rations water by the household."),
        (start, n, "wait longest for pipes.\nTokyo"), (len(CT), n, "Tokyo")]


def test_regions_that_only_touch_share_no_text():
    from workbench.query.membership import clip, meet, meet_regions, union_spans

    assert union_spans([(5, 10), (0, 5), (12, 14)]) == ((0, 10), (12, 14))
    assert meet(((0, 5),), ((5, 10),)) == ()
    assert meet(((0, 5), (7, 9)), ((4, 8),)) == ((4, 5), (7, 8))
    assert meet_regions({1: ((0, 5),), 2: ((0, 3),)}, {1: ((5, 10),), 2: ((2, 6),)}) == {2: ((2, 3),)}
    assert clip(3, 12, ((0, 5), (7, 9), (11, 20))) == [(3, 5), (7, 9), (11, 12)]
