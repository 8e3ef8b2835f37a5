"""PDF import: text a page at a time with a blank line between; encrypted, empty and damaged files.

The joining of lines into paragraphs is tested in test_import_pdf_layout.py."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfWriter

from workbench.core.errors import ImportRefused
from workbench.io.importers.base import read_document

PAGES = [
    ["[00:00:05] Interviewer: How does the city choose?",
     "[00:00:12] Ms Dlamini: Caf\u00e9 \u201cown\u201d agenda \u20ac5."],
    ["[00:01:02] Interviewer: And (the) province?", "[00:01:09] Ms Dlamini: Sign-off \\ waits."],
]
# Each turn is a short line ending a sentence, so each is its own paragraph.
EXPECTED = (
    "[00:00:05] Interviewer: How does the city choose?\n\n"
    "[00:00:12] Ms Dlamini: Caf\u00e9 \u201cown\u201d agenda \u20ac5.\n"
    "\n"
    "[00:01:02] Interviewer: And (the) province?\n\n"
    "[00:01:09] Ms Dlamini: Sign-off \\ waits."
)


def _encrypt(data: bytes, user: str, algorithm: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(data))
    writer.encrypt(user, "owner-secret", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_two_pages_parted_by_a_blank_line(write, build):
    data = build.pdf(PAGES)
    doc = read_document(write("interview.pdf", data))
    assert doc.text == EXPECTED
    page_2 = EXPECTED.index("[00:01:02]")
    assert [(p.page, p.label, p.start, p.end) for p in doc.pages] == [(1, "", 0, page_2 - 2),
                                                                      (2, "", page_2, len(EXPECTED))]
    assert doc.kind == "pdf"
    assert doc.original == data
    assert [(t.speaker, doc.text[t.start:t.end]) for t in doc.turns] == [
        ("Interviewer", "[00:00:05] Interviewer: How does the city choose?"),
        ("Ms Dlamini", "[00:00:12] Ms Dlamini: Caf\u00e9 \u201cown\u201d agenda \u20ac5."),
        ("Interviewer", "[00:01:02] Interviewer: And (the) province?"),
        ("Ms Dlamini", "[00:01:09] Ms Dlamini: Sign-off \\ waits."),
    ]


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_encrypted_with_an_empty_password_opens(write, build, algorithm):
    # Restriction-only encryption: viewers open these without asking; so does the import.
    data = _encrypt(build.pdf(PAGES), "", algorithm)
    assert read_document(write("restricted.pdf", data)).text == EXPECTED


def test_page_without_text_warns(write, build):
    doc = read_document(write("partly.pdf", build.pdf([["Typed page"], []])))
    assert doc.text == "Typed page\n\n"
    assert [(p.page, p.start, p.end) for p in doc.pages] == [(1, 0, 10), (2, 12, 12)]
    assert doc.warnings == ["no text on page 2 (scanned images?)"]


def _refused(path) -> str:
    with pytest.raises(ImportRefused) as info:
        read_document(path)
    message = str(info.value)
    assert str(path) in message, message
    return message


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_password_protected(write, build, algorithm):
    data = _encrypt(build.pdf(PAGES), "open-sesame", algorithm)
    assert "is password-protected" in _refused(write("secret.pdf", data))


def test_no_text_at_all(write, build):
    assert "no text could be found (scanned images?" in _refused(write("scan.pdf", build.pdf([[], []])))


def test_corrupt_pdf(write):
    assert "damaged PDF" in _refused(write("corrupt.pdf", b"%PDF-1.4\n" + b"garbage " * 100))


def test_truncated_pdf(write, build):
    data = build.pdf(PAGES)
    assert "damaged PDF" in _refused(write("cut.pdf", data[: len(data) // 2]))


def test_docx_named_pdf(write, build):
    message = _refused(write("report.pdf", build.docx(build.w_p("x"))))
    assert "is not a PDF document: it looks like a Word document (.docx)" in message
    assert "rename it to .docx" in message


def test_text_named_pdf(write):
    assert "does not start with %PDF" in _refused(write("notes.pdf", "plain words"))


def test_empty_pdf(write):
    assert "empty" in _refused(write("empty.pdf", b""))
