"""Excerpts of a PDF cite pages (issue 9.9): the Word report, CSV and XLSX, `workbench query
--json`; other sources keep paragraph numbers. Pages come from the import (source_page)."""
from __future__ import annotations

import csv
import json
import zipfile
from xml.etree import ElementTree as ET

import docx
import pytest
from pdf_policy import PAGE_1, PAGE_2, POLICY, POLICY_TEXT, TEXT_1, TEXT_2
from sqlalchemy import select

from workbench.cli.main import main
from workbench.services.codebook import ensure_code_path_in
from workbench.services.coders import ensure_coder
from workbench.services.coding import NewCoding, apply_codes_in
from workbench.services.lookup import source_by_name
from workbench.services.sources import import_files, source_text
from workbench.store.models import Source, SourcePage
from workbench.store.project import create_project, open_project

NOTES = "First line of the notes.\nSecond line, with the quote.\n"
ANNEX_TEXT = TEXT_2 + "\n\n" + TEXT_1  # the policy's pages swapped
ROMAN_THEN_ARABIC = "<< /Nums [0 << /S /r >> 1 << /S /D >>] >>"
KEYS = {"coding", "source", "case", "code", "coder", "start", "end", "text"}  # CLI.md

# (source, first words, last words) -> the report's citation and the page column, worked out by
# hand from pdf_policy's pages (the annex holds them swapped, its pages labelled i and 1)
CODED = {
    ("policy.pdf", "serve local economic", "development"): ("p. 1", "1"),
    ("policy.pdf", "the delay protects", "the region"): ("p. 2", "2"),
    ("policy.pdf", "shorter route for agreements", "The Province answered"): ("pp. 1-2", "1-2"),
    ("annex.pdf", "the delay protects", "the region"): ("p. i", "i"),
    ("annex.pdf", "budget of the city.", "1. Purpose"): ("pp. i-1", "i-1"),
    ("notes.txt", "Second line", "the quote."): ("paragraph 2", ""),
}
SOURCE_TEXT = {"policy.pdf": POLICY_TEXT, "annex.pdf": ANNEX_TEXT, "notes.txt": NOTES}


def span(source: str, first: str, last: str) -> tuple[int, int]:
    text = SOURCE_TEXT[source]
    start = text.index(first)
    return start, text.index(last, start) + len(last)


def excerpt(key) -> str:
    return SOURCE_TEXT[key[0]][slice(*span(*key))]


@pytest.fixture
def project_path(tmp_path, write, build):
    files = [write("policy.pdf", build.pdf(POLICY)),
             write("annex.pdf", build.pdf([PAGE_2, PAGE_1], page_labels=ROMAN_THEN_ARABIC)),
             write("notes.txt", NOTES)]
    path = tmp_path / "cite.qwb"
    project = create_project(path, name="Citations", coder="Thandi")
    try:
        assert [o.status for o in import_files(project, files)] == ["imported"] * 3
        with project.transaction() as s:
            code, _ = ensure_code_path_in(s, "autonomy", create=True)
            coder = ensure_coder(s, "Thandi")
            apply_codes_in(s, [NewCoding(source_by_name(s, key[0]), code, coder, *span(*key)) for key in CODED])
    finally:
        project.close()
    return path


def test_pages_are_stored_with_the_source(project_path):
    project = open_project(project_path, readonly=True)
    try:
        with project.reading() as s:
            rows = set(s.execute(select(Source.name, SourcePage.page, SourcePage.label, SourcePage.start, SourcePage.end)
                                 .join(Source, Source.id == SourcePage.source_id)))
        texts = {name: source_text(project, name) for name in SOURCE_TEXT}
    finally:
        project.close()
    one, two = len(TEXT_1), len(TEXT_2)
    assert rows == {("policy.pdf", 1, "", 0, one), ("policy.pdf", 2, "", one + 2, one + 2 + two),
                    ("annex.pdf", 1, "i", 0, two), ("annex.pdf", 2, "1", two + 2, two + 2 + one)}
    assert texts == SOURCE_TEXT


def test_word_report_cites_pages(project_path, tmp_path, capsys):
    out = tmp_path / "report.docx"
    assert main(["export", str(project_path), "-o", str(out)]) == 0
    paras = [(p.style.name, p.text) for p in docx.Document(str(out)).paragraphs]
    cited = {(paras[i][1], paras[i + 1][1]) for i in range(len(paras) - 1)
             if paras[i][0] == "Quote" and paras[i + 1][0] == "Citation"}
    assert cited == {(excerpt(key), f"({key[0]}, {cite}, Thandi)") for key, (cite, _) in CODED.items()}
    assert "(policy.pdf, p. 1, Thandi)" in {t for _, t in paras}  # written out once, by hand


def _xlsx_rows(path) -> list[list[str]]:
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with zipfile.ZipFile(path) as z:
        root = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    rows = []
    for r in root.iter(f"{ns}row"):
        cells = {c.get("r").rstrip("0123456789"): "".join(t.text or "" for t in c.iter(f"{ns}t")) or
                 (c.findtext(f"{ns}v") or "") for c in r.findall(f"{ns}c")}
        rows.append([cells.get(col, "") for col in "ABCDEFGHIJK"])
    return rows


def test_csv_and_xlsx_have_a_page_column(project_path, tmp_path, capsys):
    assert main(["export", str(project_path), "-o", str(tmp_path / "x.csv")]) == 0
    assert main(["export", str(project_path), "-o", str(tmp_path / "x.xlsx")]) == 0
    with open(tmp_path / "x.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    xrows = _xlsx_rows(tmp_path / "x.xlsx")
    header = ["coding", "source", "case", "code", "coder", "start", "end", "paragraph", "text", "memo", "page"]
    assert rows[0] == header and xrows[0] == header
    want = {(key[0], *span(*key), page) for key, (_, page) in CODED.items()}
    assert {(r[1], int(r[5]), int(r[6]), r[10]) for r in rows[1:]} == want
    assert {(r[1], int(r[5]), int(r[6]), r[10]) for r in xrows[1:]} == want
    assert [r[7] for r in rows[1:] if r[1] == "notes.txt"] == ["2"]


def test_query_json_names_pages_of_pdf_excerpts(project_path, capsys):
    assert main(["query", str(project_path), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    got = {(r["source"], r["start"], r["end"]): r.get("page") for r in rows}
    assert got == {(key[0], *span(*key)): page or None for key, (_, page) in CODED.items()}
    assert all(set(r) == KEYS | {"page"} if r["source"].endswith(".pdf") else set(r) == KEYS for r in rows)
    assert all(SOURCE_TEXT[r["source"]][r["start"]:r["end"]] == r["text"] for r in rows)


def test_search_finds_phrases_that_wrapped(project_path, capsys):
    phrase = "between the municipalities of the region"  # "munici-" ended a line in the PDF
    assert main(["search", str(project_path), f'"{phrase}"', "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert sorted(h["source"] for h in hits) == ["annex.pdf", "policy.pdf"]
    assert all(SOURCE_TEXT[h["source"]][h["start"]:h["end"]] == phrase for h in hits)


def test_find_in_source_finds_phrases_that_wrapped(project_path):
    from workbench.query.document import find_all

    project = open_project(project_path, readonly=True)
    try:
        text = source_text(project, "policy.pdf")
    finally:
        project.close()
    assert [text[s:e] for s, e in find_all(text, "serve local economic development")] == \
        ["serve local economic development"]
    assert len(find_all(text, "on city-to-city networks")) == 1
