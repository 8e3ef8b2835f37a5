"""The streamed Word report (issue 11) is the document the plain python-docx way would make:
the same paragraphs, in the same styles, in the same order. The plain writer here is the
test's own, from python-docx's add_paragraph and the layout of docx_report's docstring."""
from __future__ import annotations

import random
from datetime import date

import docx
import pytest
from query_expect import add_source, place_sources_in_reverse

from workbench.io.exporters.docx_report import citation, export_report, heading_style, write_report
from workbench.io.exporters.docx_stream import save_streamed, xml_of
from workbench.io.exporters.docx_xml import BodyWriter
from workbench.io.exporters.excerpts import collect, streamed
from workbench.query.segments import Filters
from workbench.services.cases import link_by_name
from workbench.services.codebook import describe_code, ensure_code_path_in
from workbench.services.coders import ensure_coder
from workbench.services.coding import NewCoding, apply_codes_in
from workbench.services.lookup import code_by_path
from workbench.services.memos import set_memo

WORDS = ("city partnership mayor budget council שלום המדינה المدينة "
         "تتعاون 😀 naïve Zürich — “quoted”").split()


def _grow(project) -> None:
    """Three levels of codes with a definition, five more sources (one with passages of a case),
    multi-line and right-to-left excerpts, memos: 160 more codings in random places."""
    rng = random.Random(11)
    with project.transaction() as s:
        codes = [ensure_code_path_in(s, p, create=True)[0] for p in
                 ("autonomy/own funding/fees", "autonomy/own funding/grants", "networks", "networks/regional")]
        codes += [code_by_path(s, "autonomy"), code_by_path(s, "provincial constraint")]
        coders = [ensure_coder(s, "Thandi"), ensure_coder(s, "Pieter")]
        items, sources = [], []
        for i in range(5):
            lines = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 25))) for _ in range(30)]
            text = "\n".join(line if k % 4 else "" for k, line in enumerate(lines)) + "\n"
            sid = add_source(s, f"extra_{i}.txt", text)
            sources.append((f"extra_{i}.txt", len(text)))
            for _ in range(32):
                a = rng.randrange(len(text) - 120)
                items.append(NewCoding(sid, rng.choice(codes), rng.choice(coders), a, a + rng.randint(5, 120)))
        apply_codes_in(s, items)
    describe_code(project, codes[0], "Paid for by fees.\nSecond line of the definition.")
    link_by_name(project, "Johannesburg", "extra_1.txt", 0, 300)
    link_by_name(project, "Addis Ababa", "extra_1.txt", 200, 900)
    link_by_name(project, "Cape Town", "extra_2.txt")
    data = collect(project)
    for ex in data.excerpts[::7]:
        set_memo(project, "coding", ex.segment.coding_id, f"Memo on {ex.segment.code}\nwith a second line")


def _plain(data, path, group_by: str) -> None:
    """The report through python-docx's own add_paragraph: slow, but python-docx's doing."""
    d = docx.Document()

    def para(style, text, prefix=""):
        p = d.add_paragraph(style=style if style in [s.name for s in d.styles] else None)
        if style not in [s.name for s in d.styles]:
            from docx.enum.style import WD_STYLE_TYPE

            d.styles.add_style(style, WD_STYLE_TYPE.PARAGRAPH)
            p.style = d.styles[style]
        if prefix:
            p.add_run(prefix).bold = True
        if text:
            p.add_run(text)

    def excerpt(ex):
        para("Quote", ex.segment.text)
        para("Citation", citation(ex))
        if ex.memo:
            para("Memo", ex.memo, "Memo: ")

    para("Title", data.project_name)
    para("Normal", "Coded excerpts from the project " + data.project_name)
    para("Normal", data.describe_query(), "Query: ")
    para("Normal", f"by {group_by}; {len(data.excerpts)} excerpts", "Grouped: ")
    para("Normal", date.today().isoformat(), "Date: ")
    if group_by == "code":
        own = {}
        for ex in data.excerpts:
            own.setdefault(ex.segment.code_id, []).append(ex)
        shown = set()
        for cid in own:
            while cid is not None:
                shown.add(cid)
                cid = data.codes[cid].parent
        for cid in data.code_order:
            if cid in shown:
                para(heading_style(data.codes[cid].depth), data.codes[cid].name)
                if data.codes[cid].description.strip():
                    para("Normal", data.codes[cid].description.strip())
                for ex in own.get(cid, []):
                    excerpt(ex)
    else:
        rank = {cid: i for i, cid in enumerate(data.code_order)}
        for case, excerpts in data.by_case():
            para("Heading 1", case or "(no case)")
            groups = {}
            for ex in excerpts:
                groups.setdefault(ex.segment.code_id, []).append(ex)
            for cid in sorted(groups, key=rank.__getitem__):
                para("Heading 2", data.codes[cid].path)
                for ex in groups[cid]:
                    excerpt(ex)
    d.save(str(path))


def _paragraphs(path) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in docx.Document(str(path)).paragraphs]


@pytest.mark.parametrize("group_by", ["code", "case"])
def test_streamed_report_has_the_plain_writers_paragraphs(project, tmp_path, group_by):
    _grow(project)
    data = collect(project)
    assert len(data.excerpts) == 168 and any("\n" in ex.segment.text for ex in data.excerpts)
    _plain(data, tmp_path / "plain.docx", group_by)
    assert export_report(project, tmp_path / "streamed.docx", group_by=group_by) == 168
    expected = _paragraphs(tmp_path / "plain.docx")
    got = _paragraphs(tmp_path / "streamed.docx")
    assert len(got) == len(expected) > 168 * 2
    assert got == expected
    # The same from a ReportData held in memory (the window's path).
    write_report(data, tmp_path / "held.docx", group_by=group_by)
    assert _paragraphs(tmp_path / "held.docx") == expected


def test_streamed_excerpts_come_in_collects_order(project):
    _grow(project)
    filters = Filters(coders=("Pieter",))
    held = collect(project, filters)
    with streamed(project, filters) as (data, total, excerpts):
        got = list(excerpts)
    assert total == len(held.excerpts) == len(got)
    assert got == held.excerpts
    assert data.code_order == held.code_order and data.project_name == held.project_name


def test_streamed_excerpts_come_in_the_source_lists_order_not_id_order(project):
    """Sources placed in the list in the reverse of the order they were added: the streamed
    excerpts (Word, CSV and XLSX exports) go source by source in the list's order, each
    source's passages by position, as the list shows them and as collect gives them."""
    _grow(project)
    listed = place_sources_in_reverse(project)
    with streamed(project, Filters()) as (_data, _total, excerpts):
        got = list(excerpts)
    seen = [ex.segment.source for ex in got]
    firsts = [name for i, name in enumerate(seen) if name not in seen[:i]]
    assert firsts == [name for name in listed if name in seen] and len(firsts) > 5
    assert seen == sorted(seen, key=firsts.index)  # each source's passages together
    for name in firsts:
        spans = [(ex.segment.start, ex.segment.end) for ex in got if ex.segment.source == name]
        assert spans == sorted(spans)
    assert got == collect(project).excerpts


def test_streamed_body_is_the_flushed_body(tmp_path):
    texts = ["plain", "two\nlines\tand a tab", "שלום city", "", "a & b < c"]

    def fill(w):
        for i, t in enumerate(texts):
            w.paragraph(("Quote", "Citation", "Heading 2")[i % 3], t, bold_prefix="Memo: " if i % 2 else "")

    flushed = docx.Document()
    fill(w := BodyWriter(flushed))
    w.flush()
    flushed.save(str(tmp_path / "flushed.docx"))
    streamed_doc = docx.Document()
    w = BodyWriter(streamed_doc)
    fill(w)
    save_streamed(streamed_doc, tmp_path / "streamed.docx", (xml_of(p) for p in w.drain()))
    a, b = (docx.Document(str(tmp_path / n)).element.body for n in ("flushed.docx", "streamed.docx"))
    assert [x.xml for x in b] == [x.xml for x in a] and len(a) == len(texts) + 1  # + the section properties
    assert a[-1].tag.endswith("sectPr")


@pytest.mark.parametrize("text", ["", "plain words", "two\nlines", "tab\there", "\n\nblank lines\n",
                                  "a & b < c > d", "emoji 😀 and naïve", "שלום city", "city שלום 12, ok",
                                  "ctrl\x0bchar", "\t"])
@pytest.mark.parametrize("prefix", ["", "Memo: "])
def test_paragraph_xml_is_the_elements_xml(text, prefix):
    w = BodyWriter(docx.Document())
    for style in ("Quote", "Citation", "Heading 2"):
        fast = w.paragraph_xml(style, text, bold_prefix=prefix)
        element = w.paragraph(style, text, bold_prefix=prefix)
        assert fast == xml_of(element)


def test_streamed_csv_and_xlsx_are_the_held_ones(project, tmp_path):
    from xlsx_read import read_rows

    from workbench.io.exporters.excerpts_csv import export_csv, write_csv
    from workbench.io.exporters.excerpts_xlsx import export_xlsx, write_xlsx

    _grow(project)
    held = collect(project, Filters(coders=("Thandi",)))
    assert write_csv(held, tmp_path / "held.csv") == export_csv(project, tmp_path / "streamed.csv",
                                                                Filters(coders=("Thandi",))) > 50
    assert (tmp_path / "held.csv").read_bytes() == (tmp_path / "streamed.csv").read_bytes()
    write_xlsx(held, tmp_path / "held.xlsx")
    export_xlsx(project, tmp_path / "streamed.xlsx", Filters(coders=("Thandi",)))
    rows = read_rows(tmp_path / "streamed.xlsx")
    assert rows == read_rows(tmp_path / "held.xlsx") and len(rows) == len(held.excerpts) + 1
