"""HTML import: the text a browser shows, in the page's declared or detected encoding."""
from __future__ import annotations

import codecs

import pytest

from workbench.core.errors import ImportRefused
from workbench.io.importers.base import read_document

PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>Page title</title>
<style>p {{ color: red }}</style><script>document.write("<p>no</p>");</script></head>
<body>
<h1>Partnership   review</h1>
<p>First   paragraph with <b>bold</b> and
   wrapped source&nbsp;&amp; entities &#8220;x&#x201D;.<br>After a break</p>
<div>A div</div><div hidden>hidden text</div>
<ul><li>one</li><li><p>two</p><ul><li>nested</li></ul></li></ul>
<ol start="3"><li>three<li>four</ol>
<table><tr><th>City</th><th>Year</th></tr><tr><td>Addis Ababa<td><p>2006</p><p>again</p></tr></table>
<pre>
  keep   this
    spacing</pre>
<p>Caf{e_acute} {quotes} {euro}</p>
<!-- a comment -->
<noscript>enable scripts</noscript>
</body></html>"""

EXPECTED = (
    "Partnership review\n\n"
    "First paragraph with bold and wrapped source\u00a0& entities \u201cx\u201d.\n"
    "After a break\n\n"
    "A div\n\n"
    "• one\n• two\n• nested\n\n"
    "3. three\n4. four\n\n"
    "City\tYear\nAddis Ababa\t2006 again\n\n"
    "  keep   this\n    spacing\n\n"
    "Café “quoted” €"
)


def _page(charset: str) -> str:
    return PAGE.format(charset=charset, e_acute="é", quotes="“quoted”", euro="€")


@pytest.mark.parametrize(("charset", "codec", "encoding"), [
    ("utf-8", "utf-8", "utf-8"),
    ("windows-1252", "cp1252", "cp1252"),
    ("iso-8859-1", "cp1252", "cp1252"),  # browsers read this label as Windows-1252
])
def test_page_text_in_declared_encoding(write, charset, codec, encoding):
    doc = read_document(write("page.html", _page(charset).encode(codec)))
    assert doc.text == EXPECTED
    assert doc.encoding == encoding
    assert doc.kind == "html"


def test_bom_wins_over_meta(write):
    data = codecs.BOM_UTF16_LE + _page("windows-1252").encode("utf-16-le")
    doc = read_document(write("page.htm", data))
    assert doc.text == EXPECTED
    assert doc.kind == "html"


def test_no_declaration_falls_back_to_utf8_then_cp1252(write):
    page = "<p>Caf\u00e9 \u201cx\u201d</p>"
    assert read_document(write("a.html", page.encode("utf-8"))).text == "Café “x”"
    assert read_document(write("b.html", page.encode("cp1252"))).text == "Café “x”"


def test_wrong_declaration_is_guessed_with_a_warning(write):
    doc = read_document(write("c.html", '<meta charset="utf-8"><p>Caf\xe9</p>'.encode("latin-1")))
    assert doc.text == "Café"
    assert doc.warnings and "utf-8" in doc.warnings[0]


def test_unclosed_head_and_fragments(write):
    doc = read_document(write("frag.html", "<html><head><title>T</title><p>Body text<p>Second"))
    assert doc.text == "Body text\n\nSecond"


def test_crlf_in_pre_and_emoji(write):
    data = "<pre>a\r\nb\rc</pre><p>😀 e\u0301</p>".encode("utf-8")
    assert read_document(write("pre.html", data)).text == "a\nb\nc\n\n😀 e\u0301"


def test_html_transcript_turns(write):
    page = "<p>[00:00:01] Interviewer: one</p><p>[00:00:02] Ms Dlamini: two</p><p>[00:00:03] Interviewer: three</p>"
    doc = read_document(write("t.html", page))
    assert [doc.text[t.start:t.end] for t in doc.turns] == [
        "[00:00:01] Interviewer: one", "[00:00:02] Ms Dlamini: two", "[00:00:03] Interviewer: three"]


def _refused(path) -> str:
    with pytest.raises(ImportRefused) as info:
        read_document(path)
    message = str(info.value)
    assert str(path) in message, message
    return message


def test_pdf_named_html(write, build):
    assert "is not an HTML page: it looks like a PDF document" in _refused(write("x.html", build.pdf([["hi"]])))


def test_binary_named_html(write):
    assert "binary" in _refused(write("x.htm", b"<p>\x00\x01\x02\x03\x00\x00\x05</p>" * 20))


def test_page_with_only_script(write):
    assert "no text" in _refused(write("empty.html", "<html><script>var a = 1;</script></html>"))
