"""Markdown import: the file exactly as written, markup included."""
from __future__ import annotations

import codecs

import pytest

from workbench.core.errors import ImportRefused
from workbench.io.importers.base import read_document


def test_markup_is_kept_as_written(write):
    text = "# Heading\r\n\r\n* item with **bold** and [a link](http://x)\r\n> quote\r\n\r\n    code  block\r\n"
    doc = read_document(write("notes.md", codecs.BOM_UTF8 + text.encode("utf-8")))
    assert doc.text == text.replace("\r\n", "\n")
    assert doc.kind == "md"
    assert doc.encoding == "utf-8-sig"


def test_cp1252_markdown(write):
    assert read_document(write("w.md", b"\x93quoted\x94 \x80")).text == "“quoted” €"


def test_markdown_transcript_turns(write):
    text = "**Interviewer:** not a plain label\nInterviewer: one\nRespondent: two\nInterviewer: three\n"
    doc = read_document(write("t.md", text))
    assert [doc.text[t.start:t.label_end] for t in doc.turns] == ["Interviewer:", "Respondent:", "Interviewer:"]


@pytest.mark.parametrize(("data", "looks_like"), [
    (b"%PDF-1.4\n", "a PDF document"),
    (b"PK\x03\x04" + b"\x00" * 26 + b"word/document.xml", "a Word document (.docx)"),
])
def test_a_md_that_is_something_else(write, data, looks_like):
    path = write("x.md", data)
    with pytest.raises(ImportRefused) as info:
        read_document(path)
    assert str(path) in str(info.value) and looks_like in str(info.value)
