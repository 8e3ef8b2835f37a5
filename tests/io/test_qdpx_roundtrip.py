"""Round trips through QDPX: our project -> QDPX -> new project keeps everything a researcher made;
each sample -> project -> QDPX -> project keeps what came in; emoji and CRLF texts come back exactly."""
from __future__ import annotations

import io
import zipfile

import pytest
from refi_helpers import assert_valid, make_zip, need_sample, qde, sample_files, snapshot
from sqlalchemy import select

from workbench.core.errors import Cancelled, ProjectError
from workbench.io.importers.base import ImportedDocument
from workbench.io.refi.qdpx_export import export_qdpx
from workbench.io.refi.qdpx_import import import_qdpx
from workbench.services.cases import ensure_attribute, set_value_in
from workbench.services.coders import ensure_coder
from workbench.services.coding import NewCoding, apply_codes_in
from workbench.services.lookup import case_by_name, code_by_path, source_by_name
from workbench.services.memos import set_memo_in
from workbench.services.sources import store_document
from workbench.store.models import Code, Coding, Memo, ProjectInfo
from workbench.store.project import open_project


def _docx_bytes(text: str) -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def enrich(path):
    """Add to the small project what the conftest one lacks: memos of every kind, typed attributes,
    a Word and a PDF source with their originals, a description and odd characters."""
    p = open_project(path)
    try:
        with p.transaction() as s:
            s.scalars(select(ProjectInfo)).one().description = "Twinning study & co <2025>"
            thandi, pieter = ensure_coder(s, "Thandi"), ensure_coder(s, "Pieter")
            docx_text = "Agreement text.\nThe city funds its own office. 👍🏽 Signed.\n"
            did = store_document(s, ImportedDocument("agreement.docx", "docx", docx_text,
                                                     _docx_bytes(docx_text)), thandi)
            pdf_text = "Annual report\n\nInvestment rose; the clinic opened.\n"
            pid = store_document(s, ImportedDocument("report.pdf", "pdf", pdf_text, b"%PDF-1.4 fake"), pieter)
            own = code_by_path(s, "autonomy/own funding")
            dev = code_by_path(s, "development outcome")
            s.get(Code, own).description = "Money the city raises & spends itself.\nSecond line\twith tab"
            s.get(Code, own).color = "#123abc"
            a = docx_text.index("The city funds")
            b = pdf_text.index("the clinic opened")
            apply_codes_in(s, [NewCoding(did, own, pieter, a, a + len("The city funds its own office. 👍🏽")),
                               NewCoding(pid, dev, thandi, b, b + len("the clinic opened")),
                               NewCoding(pid, dev, pieter, b, b + len("the clinic opened"))])
            first = s.scalars(select(Coding.id).order_by(Coding.id)).first()
            set_memo_in(s, "coding", first, "Agenda setting in so many words.", author_id=thandi)
            set_memo_in(s, "project", None, "Research plan: compare cities.", author_id=thandi)
            s.add(Memo(title="Second thoughts", text="A second project memo\r\nwith a CR kept."))
            set_memo_in(s, "source", source_by_name(s, "policy.txt"), "Read against the 2019 policy.")
            set_memo_in(s, "code", own, "Check budget lines.", author_id=pieter)
            jhb = case_by_name(s, "Johannesburg")
            set_memo_in(s, "case", jhb, "The largest unit.", author_id=pieter)
            for name, type_, values in (("online", "bool", {"Johannesburg": "yes", "Addis Ababa": "no"}),
                                        ("first visit", "date", {"Johannesburg": "2003-05-01"}),
                                        ("budget", "number", {"Johannesburg": "2.5", "Addis Ababa": "0.00001"})):
                aid = ensure_attribute(s, name, type_)
                for case, v in values.items():
                    set_value_in(s, case_by_name(s, case), aid, v)
    finally:
        p.close()


def _listing(folder) -> list[str]:
    """Files in folder, leaving out SQLite's own -wal/-shm companions of the source project."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("small.qwb-"))


def test_our_project_round_trips_through_qdpx(project_location, tmp_path):
    enrich(project_location)
    before = snapshot(project_location)
    assert len(before["memos"]) == 6 and len(before["codings"]) == 11
    qdpx = tmp_path / "out.qdpx"
    summary = export_qdpx(project_location, qdpx)
    assert (summary.sources, summary.codings, summary.memos) == (5, 11, 6)
    z = zipfile.ZipFile(qdpx)
    xml = z.read("project.qde")
    assert_valid(xml)
    after_path = tmp_path / "back.qwb"
    rep = import_qdpx(qdpx, after_path)
    assert rep.offset_model == "codepoints" and rep.offset_confirmed
    assert rep.skipped == [] and rep.not_carried == []
    assert snapshot(after_path) == before


def test_export_file_layout(project_path, tmp_path):
    enrich(project_path)
    snap = snapshot(project_path)
    qdpx = tmp_path / "out.qdpx"
    export_qdpx(project_path, qdpx)
    z = zipfile.ZipFile(qdpx)
    names = sorted(z.namelist())
    assert names[0] == "project.qde" and all(n == "project.qde" or n.startswith("sources/") for n in names)
    texts = {g.upper(): t for g, _, _, t, _ in snap["sources"]}
    for guid, text in texts.items():
        data = z.read(f"sources/{guid}.txt")
        assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
        assert data.decode("utf-8") == text
    xml = z.read("project.qde").decode("utf-8")
    docx_guid = next(g for g, n, *_ in snap["sources"] if n == "agreement.docx").upper()
    pdf_guid = next(g for g, n, *_ in snap["sources"] if n == "report.pdf").upper()
    assert f'richTextPath="internal://{docx_guid}.docx"' in xml
    assert xml.count("richTextPath") == 1
    assert f"sources/{docx_guid}.docx" in names and z.read(f"sources/{pdf_guid}.pdf") == b"%PDF-1.4 fake"
    assert f'<PDFSource guid="{pdf_guid}"' in xml
    for guid, *_ in snap["codings"]:
        assert f'guid="{guid.upper()}"' in xml
    assert "&#13;" in xml  # the CR of a memo survives XML parsing


def test_export_is_deterministic_and_atomic(project_location, tmp_path):
    qdpx = tmp_path / "out.qdpx"
    export_qdpx(project_location, qdpx)
    first = zipfile.ZipFile(qdpx).read("project.qde")
    export_qdpx(project_location, tmp_path / "again.qdpx")
    assert zipfile.ZipFile(tmp_path / "again.qdpx").read("project.qde") == first
    qdpx.write_text("precious")
    with pytest.raises(Cancelled):
        export_qdpx(project_location, qdpx, should_stop=lambda: True)
    assert qdpx.read_text() == "precious"
    # nothing left beside the outputs (the project itself is a file only on SQLite)
    assert [n for n in _listing(tmp_path) if n not in ("small.qwb", "template-sources")] == ["again.qdpx", "out.qdpx"]


def test_import_refuses_existing_project_and_leaves_nothing_when_cancelled(project_path, tmp_path):
    qdpx = tmp_path / "out.qdpx"
    export_qdpx(project_path, qdpx)
    existing = tmp_path / "taken.qwb"
    existing.write_text("precious")
    with pytest.raises(ProjectError, match="already exists"):
        import_qdpx(qdpx, existing)
    assert existing.read_text() == "precious"
    calls = []
    with pytest.raises(Cancelled):
        import_qdpx(qdpx, tmp_path / "new.qwb", should_stop=lambda: calls.append(1) or len(calls) >= 3)
    assert _listing(tmp_path) == ["out.qdpx", "small.qwb", "taken.qwb"]


@pytest.mark.parametrize("sample", sample_files("*.qdpx"), ids=lambda p: p.stem)
def test_sample_round_trips(sample, tmp_path):
    need_sample(sample)
    first = tmp_path / "first.qwb"
    import_qdpx(sample, first)
    qdpx = tmp_path / "again.qdpx"
    export_qdpx(first, qdpx)
    assert_valid(zipfile.ZipFile(qdpx).read("project.qde"))
    second = tmp_path / "second.qwb"
    rep = import_qdpx(qdpx, second)
    assert rep.skipped == []
    assert snapshot(second) == snapshot(first)


RAW = "Intro 😀 line\r\nShe said: autonomy matters 👍🏽\r\nEnd 🎉 of text\r\n"
PHRASES = ["autonomy matters", "End", "text"]


def _crlf_emoji_qdpx(tmp_path, name, origin, bom, count):
    """A QDPX whose text has BOM/CRLF/emoji and whose offsets are counted by `count(raw, index)`."""
    code = "c0000000-0000-0000-0000-0000000000c1"
    sels = ""
    for i, phrase in enumerate(PHRASES):
        start = RAW.index(phrase)
        sels += (f'<PlainTextSelection guid="e0000000-0000-0000-0000-00000000000{i}" '
                 f'startPosition="{count(RAW, start)}" endPosition="{count(RAW, start + len(phrase))}">'
                 f'<Coding guid="c1000000-0000-0000-0000-00000000000{i}"><CodeRef targetGUID="{code}"/></Coding>'
                 "</PlainTextSelection>")
    body = (f'<CodeBook><Codes><Code guid="{code}" name="theme" isCodable="true"/></Codes></CodeBook>'
            '<Sources><TextSource guid="5a000000-0000-0000-0000-0000000000aa" name="crlf.txt" '
            f'plainTextPath="internal://crlf.txt">{sels}</TextSource></Sources>')
    data = (b"\xef\xbb\xbf" if bom else b"") + RAW.encode("utf-8")
    return make_zip(tmp_path / name, {"sources/crlf.txt": data}, qde(body, origin=origin))


@pytest.mark.parametrize("origin,bom,count,model", [
    ("Generic tool 2", False, lambda raw, i: i, "codepoints"),  # code points of the file, CRLF as two
    ("NVivo for Windows 14", True, lambda raw, i: len(raw[:i].encode("utf-16-le")) // 2, "nvivo"),
    ("ATLAS.ti 23", False, lambda raw, i: len(raw[:i].replace("\r\n", "\n")), "codepoints-crlf1"),
])
def test_emoji_and_crlf_sources_round_trip_exactly(tmp_path, origin, bom, count, model):
    qdpx = _crlf_emoji_qdpx(tmp_path, "in.qdpx", origin, bom, count)
    first = tmp_path / "first.qwb"
    rep = import_qdpx(qdpx, first)
    assert rep.offset_model == model and rep.offset_confirmed
    snap = snapshot(first)
    assert snap["sources"][0][3] == RAW.replace("\r\n", "\n")
    assert sorted(c[6] for c in snap["codings"]) == sorted(PHRASES)
    export_qdpx(first, tmp_path / "out.qdpx")
    z = zipfile.ZipFile(tmp_path / "out.qdpx")
    txt = [n for n in z.namelist() if n.endswith(".txt")]
    assert z.read(txt[0]) == RAW.replace("\r\n", "\n").encode("utf-8")
    second = tmp_path / "second.qwb"
    import_qdpx(tmp_path / "out.qdpx", second)
    assert snapshot(second) == snap
