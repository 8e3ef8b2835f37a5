"""Issue 12, items 5 and 11: small hostile files cost work bounded by their size, or are refused.

Each hostile file is built here. Time is never measured (no timed tests); what is
checked is the work itself: how many page extractions pypdf is asked for, the characters an
importer produces, and the peak memory Python allocates while reading (tracemalloc), each
against a bound computed from the limits, not from the code's own answer.
"""
from __future__ import annotations

import os
import signal
import tracemalloc
import zlib
from contextlib import contextmanager

import pytest

from workbench.core.errors import ImportRefused
from workbench.io.importers.base import read_document

MiB = 2**20


@contextmanager
def no_hang(seconds: int = 30):
    """Fail instead of hanging the suite if a read blocks (a FIFO) or runs away."""
    def stop(*_):
        raise AssertionError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def peak_mib(fn):
    """(result or exception, peak MiB Python allocated while fn ran)."""
    tracemalloc.start()
    try:
        try:
            result = fn()
        except ImportRefused as exc:
            result = exc
        return result, tracemalloc.get_traced_memory()[1] / MiB
    finally:
        tracemalloc.stop()


# --- PDF -----------------------------------------------------------------------------------------
def pdf(pages: int, content: bytes, shared_page: bool, forms: dict[bytes, bytes] | None = None) -> bytes:
    """`pages` pages drawing one flate-compressed content stream: all the same page object
    (shared_page) or each its own page object; `forms` adds form XObjects by name."""
    comp = zlib.compress(content, 9)
    xobjects = b""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", None,
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               None,
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(comp) + comp + b"\nendstream"]
    for name, body in (forms or {}).items():
        packed = zlib.compress(body, 9)
        objects.append(b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                       b"/Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream")
        xobjects += b"/%s %d 0 R " % (name, len(objects))
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R "
            b"/Resources << /Font << /F1 3 0 R >> /XObject << " + xobjects + b">> >> >>")
    objects[3] = page
    if shared_page:
        kids = b" ".join(b"4 0 R" for _ in range(pages))
    else:
        first = len(objects) + 1
        objects += [page] * pages
        kids = b" ".join(b"%d 0 R" % (first + i) for i in range(pages))
    objects[1] = b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def text_ops(n: int) -> bytes:
    return b"BT /F1 12 Tf 72 720 Td (Hello world) Tj ET\n" * n


@pytest.fixture
def extractions(monkeypatch):
    """Counts the page extractions pypdf is asked to do."""
    from pypdf import PageObject

    calls = []
    real = PageObject.extract_text

    def counted(self, *args, **kwargs):
        calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(PageObject, "extract_text", counted)
    return calls


@pytest.mark.parametrize("shared_page", [True, False])
def test_pages_sharing_one_content_stream_are_read_once(write, extractions, shared_page):
    import io

    from pypdf import PdfReader

    data = pdf(1000, text_ops(40), shared_page)  # the 1,000-page form of the issue, in a few KB
    one_page = PdfReader(io.BytesIO(pdf(1, text_ops(40), True))).pages[0].extract_text()  # pypdf alone
    extractions.clear()
    doc = read_document(write("form.pdf", data))
    assert len(extractions) == 1
    assert doc.text == "\n\n".join([one_page] * 1000)


def test_shared_pages_whose_text_outgrows_the_file_are_refused_in_one_line(write, extractions):
    # 2.6 KB asking for 1,000 copies of a 2,200-character page: far more text than such a file holds.
    data = pdf(1000, text_ops(200), shared_page=True)
    assert len(data) < 8000
    with pytest.raises(ImportRefused) as info:
        read_document(write("tiny.pdf", data))
    assert "text is longer than the workbench imports" in str(info.value) and "\n" not in str(info.value)
    assert len(extractions) == 1


@pytest.fixture
def small_budget(monkeypatch):
    """A PDF work budget of 100 KB + 1 byte a byte, so the tests parse little (the real one is larger)."""
    from workbench.io.importers import pdf as pdf_module

    monkeypatch.setattr(pdf_module, "PDF_WORK_FLOOR", 100_000)
    monkeypatch.setattr(pdf_module, "PDF_WORK_PER_BYTE", 1)
    return lambda data: 100_000 + len(data)


def test_distinct_content_past_the_budget_is_refused_before_it_is_parsed(write, extractions, small_budget):
    content = text_ops(700)  # 30 KB a page, packed to about a hundred bytes
    data = _distinct(200, content)  # each page its own content object: no page can share a reading
    budget = small_budget(data)
    assert 200 * len(content) > budget
    with pytest.raises(ImportRefused) as info:
        read_document(write("many.pdf", data))
    assert "parse more than" in str(info.value) and "\n" not in str(info.value)
    assert len(extractions) <= budget // len(content)  # refused before the page past the budget is parsed


def _distinct(pages: int, content: bytes) -> bytes:
    """`pages` pages, each with its own copy of `content` as its own stream object."""
    comp = zlib.compress(content, 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", None, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for _ in range(pages):
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(comp) + comp + b"\nendstream")
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 3 0 R >> >> >>" % len(objects))
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % pages
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_a_form_drawn_thousands_of_times_is_charged_each_time(write, small_budget, monkeypatch):
    from pypdf import PageObject

    drawn = []
    real = PageObject.extract_xform_text
    monkeypatch.setattr(PageObject, "extract_xform_text", lambda self, *a, **k: drawn.append(1) or real(self, *a, **k))
    form = text_ops(700)  # 30 KB of content in a form XObject
    page = b"/Fm1 Do\n" * 5000  # drawn 5,000 times by one page: 150 MB to parse
    data = pdf(1, page, True, forms={b"Fm1": form})
    with pytest.raises(ImportRefused) as info:
        read_document(write("forms.pdf", data))
    assert "parse more than" in str(info.value)
    assert len(drawn) <= small_budget(data) // len(form)


def test_an_ordinary_pdf_with_a_form_still_imports(write):
    doc = read_document(write("ok.pdf", pdf(2, b"/Fm1 Do\n", False, forms={b"Fm1": text_ops(3)})))
    assert doc.text.count("Hello world") == 6


# --- list numbering ------------------------------------------------------------------------------
def test_html_list_with_huge_roman_numbering_is_small(write):
    page = b'<ol type="i" start="999999999999999999"><li>a<li>b</ol><ol type=I start=2147483647><li>c</ol>'
    assert len(page) < 120
    doc, peak = peak_mib(lambda: read_document(write("roman.html", page)))
    assert not isinstance(doc, Exception), doc
    # Roman numerals end at 3999; past that, digits. The first list's start is past 32 bits: 1.
    assert doc.text == "i. a\nii. b\n\n2147483647. c"
    assert peak < 20


def _numbered_docx(build, fmt: str, start: str, paragraphs: int) -> bytes:
    numbering = (f'<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="{start}"/>'
                 f'<w:numFmt w:val="{fmt}"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
                 '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>')
    para = ('<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>'
            '<w:r><w:t>item</w:t></w:r></w:p>')
    return build.docx(para * paragraphs, numbering=numbering)


def test_docx_letter_numbering_past_any_real_list_is_written_in_digits(write, build):
    data = _numbered_docx(build, "lowerLetter", "2147483000", 26)
    assert len(data) < 2000  # the 1.4 KB file asked for 2.1 GB
    doc, peak = peak_mib(lambda: read_document(write("letters.docx", data)))
    assert not isinstance(doc, Exception), doc
    lines = doc.text.split("\n")
    assert lines[0] == "2147483000. item" and lines[-1] == "2147483025. item"
    assert peak < 20


def test_docx_numbers_beyond_32_bits_or_not_ascii_digits_fall_back_to_the_default(write, build):
    for start in ("9" * 5000, "\u0663", "-"):
        doc = read_document(write("odd.docx", _numbered_docx(build, "lowerRoman", start, 2)))
        assert doc.text == "i. item\nii. item", start


def test_letter_and_roman_labels_switch_to_digits_at_stated_limits():
    from workbench.io.importers.limits import MAX_LETTERS, MAX_ROMAN
    from workbench.io.importers.listnumbers import letters_repeated, roman

    assert roman(MAX_ROMAN) == "mmmcmxcix" and roman(MAX_ROMAN + 1) == str(MAX_ROMAN + 1)
    assert letters_repeated(26 * MAX_LETTERS) == "z" * MAX_LETTERS
    assert letters_repeated(26 * MAX_LETTERS + 1) == str(26 * MAX_LETTERS + 1)


def test_docx_footnote_cited_many_times_is_written_once(write, build):
    body = '<w:p><w:r><w:t>See</w:t></w:r>' + '<w:r><w:footnoteReference w:id="1"/></w:r>' * 5000 + "</w:p>"
    note = '<w:footnote w:id="1"><w:p><w:r><w:t>' + "long note " * 500 + "</w:t></w:r></w:p></w:footnote>"
    doc = read_document(write("notes.docx", build.docx(body, footnotes=note)))
    assert doc.text.count("long note") == 500  # once, under Notes
    assert doc.text.startswith("See" + "[1]" * 5000)


# --- files that are not files --------------------------------------------------------------------
def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with no_hang(20), pytest.raises(ImportRefused) as info:
        read_document(fifo)
    assert str(fifo) in str(info.value) and "not a regular file" in str(info.value)


def test_a_symlink_to_dev_zero_is_refused_without_reading(tmp_path):
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero on this system")
    link = tmp_path / "zero.txt"
    os.symlink("/dev/zero", link)
    with no_hang(20):
        result, peak = peak_mib(lambda: read_document(link))
    assert isinstance(result, ImportRefused) and "not a regular file" in str(result)
    assert peak < 5


def test_a_file_larger_than_it_said_is_read_only_up_to_the_limit(tmp_path, monkeypatch):
    from workbench.core import files

    big = tmp_path / "grows.txt"
    big.write_bytes(b"x" * 5000)
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 1000)
    with pytest.raises(ImportRefused) as info:
        files.read_regular_file(big, 1000)
    assert "larger than" in str(info.value)
