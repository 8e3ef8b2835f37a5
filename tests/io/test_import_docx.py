"""Word import: text in body order with lists, tables, notes, text boxes; and damaged, encrypted, bomb files."""
from __future__ import annotations

import io
import struct
import zipfile

import docx
import pytest

from workbench.core.errors import ImportRefused
from workbench.io.importers.base import read_document


def _python_docx_file() -> bytes:
    d = docx.Document()
    d.add_heading("Partnership review", 1)
    d.add_paragraph("Opening paragraph with “quotes” and 😀.")
    d.add_heading("Findings", 2)
    d.add_paragraph("first bullet", style="List Bullet")
    d.add_paragraph("second bullet", style="List Bullet")
    d.add_paragraph("first step", style="List Number")
    d.add_paragraph("second step", style="List Number")
    table = d.add_table(rows=2, cols=3)
    for r, row in enumerate([["City", "Country", "Year"], ["Addis Ababa", "Ethiopia", "2006"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    p = d.add_paragraph("line one")
    run = p.add_run()
    run.add_break()
    run.add_text("line two\tafter a tab")
    d.add_paragraph("Cafe\u0301 closing words")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_python_docx_document_in_order(write):
    data = _python_docx_file()
    doc = read_document(write("review.docx", data))
    assert doc.text == (
        "Partnership review\n"
        "Opening paragraph with “quotes” and 😀.\n"
        "Findings\n"
        "• first bullet\n"
        "• second bullet\n"
        "1. first step\n"
        "2. second step\n"
        "City\tCountry\tYear\n"
        "Addis Ababa\tEthiopia\t2006\n"
        "line one\n"
        "line two\tafter a tab\n"
        "Cafe\u0301 closing words"
    )
    assert doc.kind == "docx"
    assert doc.original == data


def test_footnotes_and_endnotes_are_appended_under_notes(write, build):
    body = (
        build.w_p("The agreement was signed in 2001.",
                  '<w:r><w:footnoteReference w:id="2"/></w:r>', " It lapsed.",
                  '<w:r><w:endnoteReference w:id="5"/></w:r>')
        + build.w_p("Second paragraph.", '<w:r><w:footnoteReference w:id="3"/></w:r>')
    )
    footnotes = (
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:id="3">' + build.w_p('<w:r><w:footnoteRef/></w:r>', " Second note.") + "</w:footnote>"
        '<w:footnote w:id="2">' + build.w_p('<w:r><w:footnoteRef/></w:r>', " Council minutes, 2001.")
        + build.w_p("A second paragraph of the note.") + "</w:footnote>"
    )
    endnotes = '<w:endnote w:id="5">' + build.w_p('<w:r><w:endnoteRef/></w:r>', " An endnote.") + "</w:endnote>"
    doc = read_document(write("notes.docx", build.docx(body, footnotes=footnotes, endnotes=endnotes)))
    assert doc.text == (
        "The agreement was signed in 2001.[1] It lapsed.[i]\n"
        "Second paragraph.[2]\n"
        "\n"
        "Notes\n"
        "[1]  Council minutes, 2001.\n"
        "A second paragraph of the note.\n"
        "[2]  Second note.\n"
        "[i]  An endnote."
    )


def test_tracked_changes_hidden_text_fields_and_content_controls(write, build):
    body = build.w_p(
        "Kept ",
        '<w:ins w:id="1" w:author="A"><w:r><w:t>inserted </w:t></w:r></w:ins>',
        '<w:del w:id="2" w:author="A"><w:r><w:delText>deleted </w:delText></w:r></w:del>',
        '<w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden </w:t></w:r>',
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
        '<w:hyperlink r:id="rId9"><w:r><w:t> link</w:t></w:r></w:hyperlink>',
        '<w:sdt><w:sdtPr><w:alias w:val="x"/></w:sdtPr><w:sdtContent><w:r><w:t> control</w:t></w:r>'
        "</w:sdtContent></w:sdt>",
        '<w:r><w:t xml:space="preserve"> co</w:t><w:noBreakHyphen/><w:t>operation</w:t><w:softHyphen/></w:r>',
        '<w:r><w:rPr><w:vanish w:val="false"/></w:rPr><w:t> shown</w:t></w:r>',
    )
    block_sdt = '<w:sdt><w:sdtContent>' + build.w_p("In a block control") + "</w:sdtContent></w:sdt>"
    doc = read_document(write("marks.docx", build.docx(body + block_sdt)))
    assert doc.text == "Kept inserted 7 link control co-operation shown\nIn a block control"


def test_text_box_once_after_its_paragraph(write, build):
    box = build.w_p("Text in a box")
    drawing = (
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx>'
        f"<w:txbxContent>{box}</w:txbxContent></wps:txbx></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><v:textbox><w:txbxContent>{box}</w:txbxContent></v:textbox></w:pict>"
        "</mc:Fallback></mc:AlternateContent></w:r>"
    )
    body = build.w_p("Anchor paragraph", drawing) + build.w_p("Next paragraph")
    doc = read_document(write("box.docx", build.docx(body)))
    assert doc.text == "Anchor paragraph\nText in a box\nNext paragraph"


def test_empty_paragraphs_and_breaks_are_kept(write, build):
    body = build.w_p("a") + "<w:p/>" + build.w_p("b", "<w:r><w:br/><w:t>c</w:t><w:cr/><w:t>d</w:t></w:r>")
    assert read_document(write("e.docx", build.docx(body))).text == "a\n\nb\nc\nd"


def test_table_cells_with_paragraphs_stay_on_one_row_line(write, build):
    cell = lambda *ps: "<w:tc>" + "".join(build.w_p(p) for p in ps) + "</w:tc>"  # noqa: E731
    nested = "<w:tc><w:tbl><w:tr>" + cell("n1") + cell("n2") + "</w:tr></w:tbl></w:tc>"
    body = (
        "<w:tbl><w:tr>" + cell("Speaker", "(role)") + cell("Said") + "</w:tr>"
        "<w:tr>" + cell("Ms Dlamini") + cell("First.", "", "Second.") + "</w:tr>"
        "<w:tr>" + cell("") + nested + "</w:tr></w:tbl>"
        + build.w_p("After")
    )
    assert read_document(write("t.docx", build.docx(body))).text == (
        "Speaker (role)\tSaid\nMs Dlamini\tFirst. Second.\n\tn1 n2\nAfter")


NUMBERING = """
<w:abstractNum w:abstractNumId="0">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%3)"/>
    <w:suff w:val="space"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="1">
  <w:lvl w:ilvl="0"><w:start w:val="4"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1)"/></w:lvl>
  <w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/>
    <w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol"/></w:rPr></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="0"/>
  <w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
"""


def _num(num_id: int, ilvl: int) -> str:
    return f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'


def test_multilevel_numbering_as_word_draws_it(write, build):
    p = build.w_p
    body = (
        p("Purpose", ppr=_num(1, 0))
        + p("Scope", ppr=_num(1, 1))
        + p("Definitions", ppr=_num(1, 1))
        + p("a point", ppr=_num(1, 2))
        + p("another point", ppr=_num(1, 2))
        + p("Approval", ppr=_num(1, 0))
        + p("Sub-clause", ppr=_num(1, 1))
        + p("Roman", ppr=_num(2, 0))
        + p("bullet under roman", ppr=_num(2, 1))
        + p("Roman again", ppr=_num(2, 0))
        + p("Not numbered")
        + p("Restarted list", ppr=_num(3, 0))
        + p("Numbering off", ppr=_num(0, 0))
    )
    doc = read_document(write("clauses.docx", build.docx(body, numbering=NUMBERING)))
    assert doc.text.split("\n") == [
        "1. Purpose", "1.1. Scope", "1.2. Definitions", "(a) a point", "(b) another point",
        "2. Approval", "2.1. Sub-clause", "IV) Roman", "• bullet under roman", "V) Roman again",
        "Not numbered", "1. Restarted list", "Numbering off",
    ]


def test_numbering_through_a_paragraph_style(write, build):
    styles = (
        '<w:style w:type="paragraph" w:styleId="Clause"><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr>'
        "</w:style>"
        '<w:style w:type="paragraph" w:styleId="SubClause"><w:basedOn w:val="Clause"/>'
        '<w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="Inherits"><w:basedOn w:val="Clause"/></w:style>'
    )
    p = build.w_p
    body = (p("One", ppr='<w:pStyle w:val="Clause"/>') + p("One.one", ppr='<w:pStyle w:val="SubClause"/>')
            + p("Two", ppr='<w:pStyle w:val="Inherits"/>'))
    doc = read_document(write("styled.docx", build.docx(body, numbering=NUMBERING, styles=styles)))
    assert doc.text == "1. One\n1.1. One.one\n2. Two"


def test_strict_ooxml_namespace(write, build):
    data = build.docx(build.w_p("Strict text"))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members["word/document.xml"] = members["word/document.xml"].replace(
        b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        b"http://purl.oclc.org/ooxml/wordprocessingml/main")
    assert read_document(write("strict.docx", build.zip(members))).text == "Strict text"


# --- bad input ---------------------------------------------------------------------------

def _refused(path) -> str:
    with pytest.raises(ImportRefused) as info:
        read_document(path)
    message = str(info.value)
    assert str(path) in message, message
    return message


def test_corrupt_zip(write):
    good = _python_docx_file()
    message = _refused(write("corrupt.docx", good[:4] + b"\x00garbage" * 100))
    assert "not a valid .docx (damaged or not a Word file)" in message


def test_truncated_docx(write):
    good = _python_docx_file()
    assert "not a valid .docx" in _refused(write("truncated.docx", good[: len(good) // 2]))


def test_damaged_member_data(write, build):
    data = bytearray(build.docx(build.w_p("x" * 5000)))
    start = data.find(b"word/document.xml") + len("word/document.xml")
    data[start + 10:start + 60] = b"\xff" * 50  # scramble the compressed bytes
    assert "not a valid .docx" in _refused(write("scrambled.docx", bytes(data)))


def test_password_protected_docx(write, build):
    message = _refused(write("secret.docx", build.ole(["EncryptionInfo", "EncryptedPackage"])))
    assert "is password-protected" in message


def test_old_doc_renamed_docx(write, build):
    message = _refused(write("old.docx", build.ole(["WordDocument", "1Table", "\x05SummaryInformation"])))
    assert "old Word document (.doc" in message and "save it as .docx" in message


def test_pdf_renamed_docx(write, build):
    message = _refused(write("report.docx", build.pdf([["hello"]])))
    assert "looks like a PDF document" in message and "rename it to .pdf" in message


def test_odt_renamed_docx(write, build):
    message = _refused(write("letter.docx", build.odt("<text:p>hi</text:p>")))
    assert "OpenDocument text (.odt)" in message and "rename it to .odt" in message


def test_zip_without_a_document(write, build):
    assert "not a valid .docx" in _refused(write("other.docx", build.zip({"readme.txt": "hello"})))


def test_plain_text_renamed_docx(write):
    assert "not a valid .docx" in _refused(write("plain.docx", "just some text"))


def test_empty_docx(write):
    assert "empty" in _refused(write("empty.docx", b""))


def test_zip_bomb_by_ratio_is_refused_before_inflating(write, build, monkeypatch):
    # 20 MiB of zeros packs to ~20 KiB: a ratio of ~1000:1, far past any real document.
    data = build.docx(build.w_p("x"))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members["word/media/padding.bin"] = b"\x00" * (20 * 2**20)
    bomb = build.zip(members)
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: opened.append(a) or pytest.fail("inflated"))
    message = _refused(write("bomb.docx", bomb))
    assert "too large" in message and "zip bomb" in message
    assert opened == []


def _set_declared_size(data: bytes, member: str, size: int) -> bytes:
    """Rewrite the uncompressed size of `member` in the zip's central directory."""
    out = bytearray(data)
    pos = out.find(b"PK\x01\x02" + b"", 0)
    while pos != -1:
        name_len = struct.unpack_from("<H", out, pos + 28)[0]
        name = bytes(out[pos + 46:pos + 46 + name_len]).decode()
        if name == member:
            struct.pack_into("<I", out, pos + 24, size)
            return bytes(out)
        pos = out.find(b"PK\x01\x02", pos + 4)
    raise AssertionError(member)


def test_document_declared_past_the_size_limit(write, build):
    data = _set_declared_size(build.docx(build.w_p("x")), "word/document.xml", 150 * 2**20)
    message = _refused(write("huge.docx", data))
    assert "too large" in message and "150 MiB" in message


def test_total_past_the_size_limit(write, build):
    data = build.docx(build.w_p("x"))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    for i in range(4):
        members[f"word/media/image{i}.png"] = b"fake"
    data = build.zip(members)
    for i in range(4):
        data = _set_declared_size(data, f"word/media/image{i}.png", 90 * 2**20)
    assert "too large" in _refused(write("many.docx", data))


def test_xml_with_entities_is_refused(write, build):
    data = build.docx(build.w_p("x"))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members["word/document.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>")
    assert "not readable XML" in _refused(write("lol.docx", build.zip(members)))


def test_a_docx_with_no_text(write, build):
    assert "no text" in _refused(write("blank.docx", build.docx("<w:p/><w:p/>")))
