"""OpenDocument import: whitespace rules, lists, tables, notes, frames; and bad packages."""
from __future__ import annotations

import pytest

from workbench.core.errors import ImportRefused
from workbench.io.importers.base import read_document

LIST_STYLES = """
<text:list-style style:name="Numbered">
  <text:list-level-style-number text:level="1" style:num-format="1" style:num-suffix="."/>
  <text:list-level-style-number text:level="2" style:num-format="1" style:num-suffix="." text:display-levels="2"/>
  <text:list-level-style-number text:level="3" style:num-format="a" style:num-prefix="(" style:num-suffix=")"/>
</text:list-style>
<text:list-style style:name="Bullets">
  <text:list-level-style-bullet text:level="1" text:bullet-char="•"/>
  <text:list-level-style-bullet text:level="2" text:bullet-char="\uf0b7"/>
</text:list-style>
<text:list-style style:name="Roman">
  <text:list-level-style-number text:level="1" style:num-format="I" style:num-suffix=")" text:start-value="3"/>
</text:list-style>
"""


def test_paragraphs_headings_and_whitespace(write, build):
    body = """
      <text:sequence-decls><text:sequence-decl text:display-outline-level="0" text:name="Table"/></text:sequence-decls>
      <text:h text:outline-level="1">Partnership   review</text:h>
      <text:p>
         Leading and
         wrapped   source   whitespace collapses, <text:span>spans    join</text:span> up.
      </text:p>
      <text:p>Three<text:s text:c="3"/>kept, one<text:s/>kept, tab<text:tab/>kept, break<text:line-break/>kept.</text:p>
      <text:p/>
      <text:p>Emoji 😀 and Cafe\u0301 stay; <text:a xlink:href="http://x"
        xmlns:xlink="http://www.w3.org/1999/xlink">link</text:a>.</text:p>
      <text:p>Comment<office:annotation><dc:creator>A</dc:creator><text:p>not text</text:p>
        </office:annotation> dropped.</text:p>
      <text:soft-page-break/>
      <text:section text:name="S1"><text:p>In a section</text:p></text:section>
    """
    doc = read_document(write("review.odt", build.odt(body)))
    assert doc.text == (
        "Partnership review\n"
        "Leading and wrapped source whitespace collapses, spans join up.\n"
        "Three   kept, one kept, tab\tkept, break\nkept.\n"
        "\n"
        "Emoji 😀 and Cafe\u0301 stay; link.\n"
        "Comment dropped.\n"
        "In a section"
    )
    assert doc.kind == "odt"


def test_lists_with_numbers_and_bullets(write, build):
    body = """
      <text:list text:style-name="Numbered">
        <text:list-item><text:p>Purpose</text:p></text:list-item>
        <text:list-item><text:p>Approval</text:p>
          <text:list>
            <text:list-item><text:p>By council</text:p></text:list-item>
            <text:list-item><text:p>By province</text:p><text:p>continued paragraph</text:p>
              <text:list>
                <text:list-item><text:p>point</text:p></text:list-item>
                <text:list-item><text:p>point</text:p></text:list-item>
              </text:list>
            </text:list-item>
          </text:list>
        </text:list-item>
        <text:list-header><text:p>unnumbered header</text:p></text:list-header>
        <text:list-item><text:p>Reporting</text:p></text:list-item>
      </text:list>
      <text:p>Between lists</text:p>
      <text:list text:style-name="Numbered" text:continue-numbering="true">
        <text:list-item><text:p>Continued</text:p></text:list-item>
      </text:list>
      <text:list text:style-name="Numbered">
        <text:list-item text:start-value="7"><text:p>Restarted at seven</text:p></text:list-item>
      </text:list>
      <text:list text:style-name="Bullets">
        <text:list-item><text:p>bullet</text:p>
          <text:list><text:list-item><text:p>symbol bullet</text:p></text:list-item></text:list>
        </text:list-item>
      </text:list>
      <text:list text:style-name="Roman"><text:list-item><text:p>three</text:p></text:list-item></text:list>
    """
    doc = read_document(write("lists.odt", build.odt(body, automatic_styles=LIST_STYLES)))
    assert doc.text.split("\n") == [
        "1. Purpose", "2. Approval", "2.1. By council", "2.2. By province", "continued paragraph",
        "(a) point", "(b) point", "unnumbered header", "3. Reporting", "Between lists", "4. Continued",
        "7. Restarted at seven", "• bullet", "• symbol bullet", "III) three",
    ]


def test_tables_repeats_and_covered_cells(write, build):
    body = """
      <table:table table:name="T">
        <table:table-column table:number-columns-repeated="3"/>
        <table:table-header-rows>
          <table:table-row><table:table-cell><text:p>City</text:p></table:table-cell>
            <table:table-cell><text:p>Country</text:p></table:table-cell>
            <table:table-cell><text:p>Year</text:p></table:table-cell></table:table-row>
        </table:table-header-rows>
        <table:table-row><table:table-cell table:number-columns-spanned="2"><text:p>Merged</text:p>
          <text:p>two paragraphs</text:p></table:table-cell>
          <table:covered-table-cell/><table:table-cell><text:p>2006</text:p></table:table-cell></table:table-row>
        <table:table-row table:number-rows-repeated="2">
          <table:table-cell table:number-columns-repeated="3"><text:p>x</text:p></table:table-cell></table:table-row>
      </table:table>
      <text:p>After</text:p>
    """
    assert read_document(write("t.odt", build.odt(body))).text == (
        "City\tCountry\tYear\nMerged two paragraphs\t\t2006\nx\tx\tx\nx\tx\tx\nAfter")


def test_repeats_that_expand_past_the_budget_are_refused(write, build):
    table = ('<table:table><table:table-row table:number-rows-repeated="1000">'
             '<table:table-cell table:number-columns-repeated="1000"><text:p>x</text:p></table:table-cell>'
             "</table:table-row></table:table>")
    path = write("expanding.odt", build.odt(table * 30))
    with pytest.raises(ImportRefused) as info:
        read_document(path)
    assert str(path) in str(info.value) and "too large" in str(info.value)


def test_huge_repeat_counts_are_capped(write, build):
    body = ('<table:table><table:table-row table:number-rows-repeated="1048576">'
            '<table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table>'
            "<text:p>end</text:p>")
    text = read_document(write("sheetlike.odt", build.odt(body))).text
    assert text.endswith("end") and len(text) < 1_100_000


def test_footnotes_endnotes_and_frames(write, build):
    body = """
      <text:p>Signed in 2001<text:note text:id="n1"
        text:note-class="footnote"><text:note-citation>1</text:note-citation>
        <text:note-body><text:p>Council minutes.</text:p><text:p>Second note paragraph.</text:p></text:note-body>
        </text:note>, lapsed<text:note text:id="n2"
        text:note-class="endnote"><text:note-citation>i</text:note-citation>
        <text:note-body><text:p>An endnote.</text:p></text:note-body></text:note>.</text:p>
      <text:p>Anchor<draw:frame draw:name="F1"><draw:text-box><text:p>Boxed text</text:p></draw:text-box>
        </draw:frame> paragraph</text:p>
      <text:p>Picture<draw:frame><draw:image xlink:href="Pictures/a.png" xmlns:xlink="http://www.w3.org/1999/xlink">
        <svg:title>alt</svg:title></draw:image></draw:frame> only</text:p>
    """
    assert read_document(write("notes.odt", build.odt(body))).text == (
        "Signed in 2001[1], lapsed[i].\n"
        "Anchor paragraph\n"
        "Boxed text\n"
        "Picture only\n"
        "\n"
        "Notes\n"
        "[1] Council minutes.\nSecond note paragraph.\n"
        "[i] An endnote."
    )


def test_tracked_deletions_are_not_text(write, build):
    body = """
      <text:tracked-changes><text:changed-region text:id="ct1"><text:deletion>
        <office:change-info><dc:creator>A</dc:creator></office:change-info><text:p>deleted words</text:p>
      </text:deletion></text:changed-region></text:tracked-changes>
      <text:p>Kept<text:change text:change-id="ct1"/> text</text:p>
    """
    assert read_document(write("tracked.odt", build.odt(body))).text == "Kept text"


def test_table_of_contents_body_but_not_its_template(write, build):
    body = """
      <text:table-of-content text:name="TOC">
        <text:table-of-content-source><text:index-title-template>Contents</text:index-title-template>
        </text:table-of-content-source>
        <text:index-body><text:index-title><text:p>Table of contents</text:p></text:index-title>
          <text:p>Introduction<text:tab/>1</text:p></text:index-body>
      </text:table-of-content>
      <text:h>Introduction</text:h>
    """
    assert read_document(write("toc.odt", build.odt(body))).text == "Table of contents\nIntroduction\t1\nIntroduction"


# --- bad input ---------------------------------------------------------------------------

def _refused(path) -> str:
    with pytest.raises(ImportRefused) as info:
        read_document(path)
    message = str(info.value)
    assert str(path) in message, message
    return message


def test_password_protected_odt(write, build):
    extra = ('<manifest:encryption-data manifest:checksum-type="SHA1" manifest:checksum="x">'
             '<manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="y"/>'
             "</manifest:encryption-data>")
    assert "password-protected" in _refused(write("secret.odt", build.odt("<text:p>x</text:p>", manifest_extra=extra)))


def test_spreadsheet_named_odt(write, build):
    data = build.odt("<text:p>x</text:p>", mimetype="application/vnd.oasis.opendocument.spreadsheet")
    assert "OpenDocument spreadsheet" in _refused(write("sheet.odt", data))


def test_docx_named_odt(write, build):
    message = _refused(write("word.odt", build.docx(build.w_p("hi"))))
    assert "looks like a Word document (.docx)" in message and "rename it to .docx" in message


def test_corrupt_odt(write, build):
    data = build.odt("<text:p>x</text:p>")
    assert "not a valid .odt" in _refused(write("corrupt.odt", data[:40] + b"\x00" * 40))


def test_broken_content_xml(write, build):
    data = build.zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office:doc"},
                     stored_first="mimetype")
    assert "not readable XML" in _refused(write("broken.odt", data))


def test_zip_bomb_odt(write, build):
    data = build.zip({"mimetype": "application/vnd.oasis.opendocument.text",
                      "content.xml": " " * (30 * 2**20)}, stored_first="mimetype")
    assert "zip bomb" in _refused(write("bomb.odt", data))


def test_pdf_named_odt(write, build):
    assert "looks like a PDF document" in _refused(write("x.odt", build.pdf([["hi"]])))
