"""RTF import: paragraphs, escapes, Unicode, tables; and files that are not RTF."""
from __future__ import annotations

import pytest

from workbench.core.errors import ImportRefused
from workbench.io.importers.base import read_document

HEADER = r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Arial;}{\f1\fnil\fcharset2 Symbol;}}"
HEADER += r"{\colortbl;\red0\green0\blue0;}{\info{\title Hidden title}{\author Someone}}"


def test_paragraphs_escapes_and_unicode(write):
    rtf = (
        HEADER
        + r"\pard\plain\f0 Interviewer: Caf\'e9 \'93quoted\'94 \'80 5\par" + "\r\n"
        + r"Ms Dlamini: \u8220?Unicode\u8221? and emoji \u-10179?\u-8704? and Cafe\u769? ok\par" + "\n"
        + r"Braces \{ \} and a backslash \\ stay; soft\line break, tab\tab here.\par" + "\n"
        + r"{\*\generator Writer 1.0;}{\footnote dropped note}Last line with a | pipe\par" + "\n"
        + "}"
    )
    doc = read_document(write("t.rtf", rtf))
    assert doc.text == (
        "Interviewer: Café “quoted” € 5\n"
        "Ms Dlamini: “Unicode” and emoji 😀 and Cafe\u0301 ok\n"
        "Braces { } and a backslash \\ stay; soft\nbreak, tab\there.\n"
        "Last line with a | pipe\n"
    )
    assert doc.kind == "rtf"
    assert [t.speaker for t in doc.turns] == []  # each speaks once: not a transcript


def test_table_rows_become_tab_separated_lines(write):
    rtf = (
        HEADER
        + r"\pard Before\par" + "\n"
        + r"\trowd\cellx2000\cellx4000\cellx6000 \intbl City\cell Country\cell Year\cell\row" + "\n"
        + r"\trowd\cellx2000\cellx4000\cellx6000 \intbl Addis Ababa\cell Ethiopia\cell 2006\cell\row" + "\n"
        + r"\pard After the \\cell word\par}"
    )
    assert read_document(write("table.rtf", rtf)).text == (
        "Before\nCity\tCountry\tYear\nAddis Ababa\tEthiopia\t2006\nAfter the \\cell word\n")


def test_raw_8bit_bytes_in_the_code_page(write):
    rtf = (HEADER + r"\pard Gr" + "\u00fc\u00dfe \u201c" + r"x" + "\u201d" + r"\par}").encode("cp1252")
    assert read_document(write("raw.rtf", rtf)).text == "Grüße “x”\n"


def test_rtf_transcript_turns(write):
    rtf = HEADER + r"\pard [00:00:01] A: one\par [00:00:02] B: two\par [00:00:03] A: three\par}"
    doc = read_document(write("tr.rtf", rtf))
    assert [(t.speaker, doc.text[t.start:t.end]) for t in doc.turns] == [
        ("A", "[00:00:01] A: one"), ("B", "[00:00:02] B: two"), ("A", "[00:00:03] A: three")]


def _refused(path) -> str:
    with pytest.raises(ImportRefused) as info:
        read_document(path)
    message = str(info.value)
    assert str(path) in message, message
    return message


def test_text_named_rtf(write):
    assert "does not start with {\\rtf" in _refused(write("plain.rtf", "Just text"))


def test_pdf_named_rtf(write, build):
    assert "looks like a PDF document" in _refused(write("x.rtf", build.pdf([["hi"]])))


def test_rtf_with_no_text(write):
    assert "no text" in _refused(write("blank.rtf", HEADER + r"\pard\par}"))
