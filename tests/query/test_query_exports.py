"""The Word report, CSV/XLSX excerpts, matrix files and the codebook document, read back."""
from __future__ import annotations

import csv

import docx
import pytest
from query_expect import add_source, codings_where, span
from xlsx_read import read_rows

from workbench.core.errors import Cancelled, WorkbenchError
from workbench.io.codebook_docx import export_codebook
from workbench.io.exporters.docx_report import export_report
from workbench.io.exporters.excerpts import COLUMNS, collect
from workbench.io.exporters.excerpts_csv import write_csv
from workbench.io.exporters.excerpts_xlsx import write_xlsx
from workbench.io.exporters.matrix_export import write_matrix
from workbench.query.matrix import code_matrix
from workbench.query.segments import Filters, query_segments
from workbench.services.codebook import describe_code
from workbench.services.coders import ensure_coder
from workbench.services.coding import NewCoding, apply_codes_in
from workbench.services.lookup import code_by_path
from workbench.services.memos import set_memo

PARAGRAPH = {  # non-blank line of each coded phrase, counted by hand in tests/conftest.py
    "We set our own agenda": 2, "fund the exchanges ourselves": 2, "We set our own agenda and fund": 2,
    "Every agreement waits for provincial sign-off": 4, "Training for engineers, and a clinic": 2,
    "The bus project never left the drawing board.": 4,
    "Agreements are submitted to the Province before signature.": 4,
}
CASE = {"interview_jhb.txt": "Johannesburg", "policy.txt": "Johannesburg", "interview_addis.txt": "Addis Ababa"}


def paragraphs(path):
    return [(p.style.name, p.text) for p in docx.Document(str(path)).paragraphs]


def test_report_grouped_by_code(project, tmp_path):
    with project.reading() as s:
        autonomy = code_by_path(s, "autonomy")
    describe_code(project, autonomy, "The city acting on its own account abroad.")
    seg = next(x for x in query_segments(project) if x.text == "fund the exchanges ourselves")
    set_memo(project, "coding", seg.coding_id, "Funding is the test of autonomy.")
    out = tmp_path / "report.docx"
    assert export_report(project, out) == 8
    paras = paragraphs(out)
    assert paras[0] == ("Title", "Small study")
    assert any(t == "Query: all coded segments" for _, t in paras)
    headings = [(s, t) for s, t in paras if s.startswith("Heading")]
    assert headings == [("Heading 1", "autonomy"), ("Heading 2", "own funding"),
                        ("Heading 1", "provincial constraint"), ("Heading 1", "development outcome"),
                        ("Heading 2", "unrealised objective")]
    i = paras.index(("Heading 1", "autonomy"))
    assert paras[i + 1] == ("Normal", "The city acting on its own account abroad.")
    heading_of = {"autonomy": "autonomy", "autonomy/own funding": "own funding",
                  "provincial constraint": "provincial constraint", "development outcome": "development outcome",
                  "development outcome/unrealised objective": "unrealised objective"}
    for source, code, coder, phrase in codings_where():
        cite = f"({source}, {CASE[source]}, paragraph {PARAGRAPH[phrase]}, {coder})"
        where = [k for k, p in enumerate(paras) if p == ("Quote", phrase) and paras[k + 1] == ("Citation", cite)]
        assert len(where) == 1, (phrase, cite)
        k = where[0]
        last_heading = [t for s, t in paras[:k] if s.startswith("Heading")][-1]
        assert last_heading == heading_of[code]
    k = paras.index(("Quote", "fund the exchanges ourselves"))
    assert paras[k + 2] == ("Memo", "Memo: Funding is the test of autonomy.")


def test_report_grouped_by_case_and_filtered(project, tmp_path):
    out = tmp_path / "cases.docx"
    export_report(project, out, Filters(coders=("Pieter",)), group_by="case")
    paras = paragraphs(out)
    headings = [(s, t) for s, t in paras if s.startswith("Heading")]
    assert headings == [("Heading 1", "Johannesburg"), ("Heading 2", "autonomy"),
                        ("Heading 2", "provincial constraint"), ("Heading 1", "Addis Ababa"),
                        ("Heading 2", "development outcome/unrealised objective")]
    quotes = [t for s, t in paras if s == "Quote"]
    assert sorted(quotes) == sorted(p for *_, p in codings_where(coder="Pieter"))
    assert ("Normal", "Query: coders: Pieter") in paras


def test_report_of_an_expression(project, tmp_path):
    out = tmp_path / "expr.docx"
    export_report(project, out, expr='"autonomy" AND "autonomy/own funding"')
    paras = paragraphs(out)
    k = paras.index(("Quote", "fund"))
    assert paras[k + 1] == ("Citation", "(interview_jhb.txt, Johannesburg, paragraph 2, Pieter; Thandi)")
    assert ("Heading 1", '"autonomy" AND "autonomy/own funding"') in paras


def test_emoji_and_right_to_left_text_survive(project, tmp_path):
    line = "المدينة تتعاون 😀 with שלום partners\x0b here & <there>"
    text = "Field notes\n" + line + "\n"
    with project.transaction() as s:
        sid = add_source(s, "notes.txt", text)
        cid = code_by_path(s, "autonomy")
        apply_codes_in(s, [NewCoding(sid, cid, ensure_coder(s, "Thandi"), text.index(line),
                                     text.index(line) + len(line))])
    out = tmp_path / "rtl.docx"
    export_report(project, out, Filters(sources=("notes.txt",)))
    paras = paragraphs(out)
    assert ("Quote", line.replace("\x0b", "")) in paras
    assert ("Citation", "(notes.txt, paragraph 2, Thandi)") in paras
    body = docx.Document(str(out)).element.body.xml
    assert "<w:rtl/>" in body and "<w:bidi/>" in body


def test_multi_line_excerpts_keep_their_line_breaks(project, tmp_path):
    jhb = "interview_jhb.txt"
    start = span(jhb, "We set our own agenda")[0]
    end = span(jhb, "And the province?")[1]
    with project.transaction() as s:
        from workbench.services.lookup import source_by_name

        apply_codes_in(s, [NewCoding(source_by_name(s, jhb), code_by_path(s, "provincial constraint"),
                                     ensure_coder(s, "Thandi"), start, end)])
    out = tmp_path / "lines.docx"
    export_report(project, out, Filters(codes=("provincial constraint",)))
    paras = paragraphs(out)
    quote = [t for s, t in paras if s == "Quote" and "\n" in t]
    assert len(quote) == 1 and quote[0].startswith("We set our own agenda") and quote[0].endswith("And the province?")
    assert ("Citation", "(interview_jhb.txt, Johannesburg, paragraphs 2-3, Thandi)") in paras


def test_template_lends_its_styles(project, tmp_path):
    from docx.shared import Pt

    tpl = docx.Document()
    tpl.add_paragraph("Template boilerplate to drop")
    tpl.styles["Quote"].font.size = Pt(17)
    tpl.save(str(tmp_path / "tpl.docx"))
    out = tmp_path / "styled.docx"
    export_report(project, out, template=tmp_path / "tpl.docx")
    d = docx.Document(str(out))
    assert d.styles["Quote"].font.size == Pt(17)
    assert "Template boilerplate to drop" not in [p.text for p in d.paragraphs]


def test_unwritable_output_leaves_nothing(project, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    with pytest.raises(WorkbenchError, match="cannot write"):
        export_report(project, blocker / "report.docx")
    folder = tmp_path / "is_a_folder.docx"
    folder.mkdir()
    with pytest.raises(WorkbenchError, match="cannot write"):
        export_report(project, folder)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("small.qwb")) == \
        ["a_file", "is_a_folder.docx"]
    assert not [p for p in tmp_path.rglob("*.part")]


def test_cancel_leaves_no_file(project, tmp_path):
    data = collect(project)
    data.excerpts = data.excerpts * 100  # enough excerpts to reach a check
    from workbench.io.exporters.docx_report import write_report

    seen = []
    with pytest.raises(Cancelled):
        write_report(data, tmp_path / "r.docx", report=lambda *a: seen.append(a), should_stop=lambda: True)
    with pytest.raises(Cancelled):
        write_xlsx(data, tmp_path / "r.xlsx", should_stop=lambda: True)
    with pytest.raises(Cancelled):
        write_csv(data, tmp_path / "r.csv", should_stop=lambda: True)
    assert not list(tmp_path.glob("r.*")) and not list(tmp_path.glob(".r.*"))


def test_csv_and_xlsx_read_back(project, tmp_path):
    set_memo(project, "coding", query_segments(project)[0].coding_id, "A memo, with \"quotes\"\nand lines")
    data = collect(project)
    write_csv(data, tmp_path / "x.csv")
    write_xlsx(data, tmp_path / "x.xlsx")
    with open(tmp_path / "x.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    xrows = read_rows(tmp_path / "x.xlsx")
    assert rows[0] == COLUMNS and xrows[0] == COLUMNS
    want = [[s.coding, s.source, s.case or "", s.code, s.coder, s.start, s.end, s.text] for s in query_segments(project)]
    got_csv = [[r[0], r[1], r[2], r[3], r[4], int(r[5]), int(r[6]), r[8]] for r in rows[1:]]
    got_xlsx = [[r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[8]] for r in xrows[1:]]
    assert got_csv == want and got_xlsx == want
    assert rows[1][9] == "A memo, with \"quotes\"\nand lines" and xrows[1][9] == rows[1][9]
    assert [r[7] for r in rows[1:]] == [str(PARAGRAPH[r[8]]) for r in rows[1:]]


def test_matrix_files(project, tmp_path):
    m = code_matrix(project, "cases", with_children=True)
    for suffix in (".csv", ".xlsx", ".docx"):
        write_matrix(m, tmp_path / f"m{suffix}", title="Codes by case")
    with open(tmp_path / "m.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["code"] + m.cols
    assert [[r[0]] + [int(x) for x in r[1:]] for r in rows[1:]] == [[p] + c for p, c in zip(m.rows, m.cells)]
    assert read_rows(tmp_path / "m.xlsx")[1:] == [[p] + c for p, c in zip(m.rows, m.cells)]
    table = docx.Document(str(tmp_path / "m.docx")).tables[0]
    assert table.style.name == "Table Grid"
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0] == ["code", "Johannesburg", "Addis Ababa"]
    assert cells[2] == ["    own funding", "1", "0"]
    assert [[int(x) for x in r[1:]] for r in cells[1:]] == m.cells
    with pytest.raises(WorkbenchError, match="cannot write a matrix"):
        write_matrix(m, tmp_path / "m.pdf")


def test_codebook_document(project, tmp_path):
    with project.reading() as s:
        cid = code_by_path(s, "provincial constraint")
    describe_code(project, cid, "Limits set by the province or national government.")
    out = tmp_path / "codebook.docx"
    assert export_codebook(project, out) == "5 codes"
    d = docx.Document(str(out))
    paras = [(p.style.name, p.text) for p in d.paragraphs]
    k = paras.index(("Heading 1", "provincial constraint"))
    assert paras[k + 1][1].startswith("\u25a0\u25a0 #") and "3 codings in 2 sources and 1 cases by 2 coders" in paras[k + 1][1]
    assert paras[k + 2] == ("Normal", "Limits set by the province or national government.")
    assert ("Heading 2", "own funding") in paras
    rows = [[c.text for c in r.cells] for r in d.tables[0].rows]
    assert rows[1][0] == "autonomy" and rows[1][2:] == ["2", "1", "3"]
