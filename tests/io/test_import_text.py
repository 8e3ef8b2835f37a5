"""Plain-text import: encodings, line ends, exact preservation, and every bad input."""
from __future__ import annotations

import codecs
import os

import pytest

from workbench.core.errors import ImportRefused
from workbench.io.importers.base import read_document

SAMPLE = "Interviewer: Café “quoted” – 5 €\nMs Dlamini: naïve façade\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), "utf-16"),
        (SAMPLE.encode("utf-16-le"), "utf-16-le"),  # no BOM: recognised by its NUL pattern
        (codecs.BOM_UTF32_LE + SAMPLE.encode("utf-32-le"), "utf-32"),
        (SAMPLE.encode("cp1252"), "cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le-nobom", "utf32-bom", "cp1252"],
)
def test_encodings_decode_to_the_same_text_without_bom(write, data, encoding):
    doc = read_document(write("t.txt", data))
    assert doc.text == SAMPLE
    assert not doc.text.startswith("\ufeff")
    assert doc.encoding == encoding
    assert doc.original == data  # the original bytes are kept untouched
    assert doc.kind == "txt"


def test_cp1252_curly_quotes_and_euro(write):
    data = b"He said \x93yes\x94 \x96 it cost \x80200, the \x91plan\x92."
    doc = read_document(write("w.txt", data))
    assert doc.text == "He said \u201cyes\u201d \u2013 it cost \u20ac200, the \u2018plan\u2019."
    assert doc.encoding == "cp1252"


def test_latin1_without_windows_characters(write):
    doc = read_document(write("l.txt", "São Tomé, Zürich, garçon".encode("latin-1")))
    assert doc.text == "São Tomé, Zürich, garçon"
    assert doc.encoding == "latin-1"


def test_mixed_utf8_and_cp1252_warns(write):
    # A UTF-8 transcript with a line added in a Windows-1252 editor.
    data = "Interviewer: déjà vu?\n".encode() + b"Respondent: yes, at the caf\xe9 \x93Oasis\x94.\n"
    doc = read_document(write("m.txt", data))
    # The UTF-8 line stays UTF-8 (not "dÃ©jÃ"); only the other bytes are read as Windows-1252.
    assert doc.encoding == "utf-8+cp1252"
    assert doc.text == "Interviewer: d\u00e9j\u00e0 vu?\nRespondent: yes, at the caf\u00e9 \u201cOasis\u201d.\n"
    assert any("mixes UTF-8" in w for w in doc.warnings)


def test_cyrillic_single_byte_asks_the_detector(write):
    text = ("Городское международное сотрудничество требует согласования с провинцией. "
            "Соглашение о побратимстве было подписано в две тысячи первом году.\n") * 3
    doc = read_document(write("ru.txt", text.encode("cp1251")))
    assert doc.text == text


@pytest.mark.parametrize(("raw", "expected"), [
    (b"a\r\nb\r\n\r\nc", "a\nb\n\nc"),
    (b"a\rb\r\rc", "a\nb\n\nc"),
    (b"a\r\nb\rc\nd", "a\nb\nc\nd"),
])
def test_line_ends_become_lf(write, raw, expected):
    assert read_document(write("crlf.txt", raw)).text == expected


def test_emoji_and_combining_accents_are_kept_exactly(write):
    # 'e' + COMBINING ACUTE must not be normalised to 'é'; emoji stay one code point each.
    text = "Cafe\u0301 😀 and the 👩🏽‍💻 team\nZoë: e\u0308\n"
    doc = read_document(write("u.txt", text.encode("utf-8")))
    assert doc.text == text
    assert len(doc.text) == len(text)
    assert "\u0301" in doc.text and "é" not in doc.text


def test_nothing_else_is_normalised(write):
    text = "tabs\tkept  double  spaces \u00a0nbsp\u200b zero-width\f formfeed\n\n\ntrailing   \n"
    assert read_document(write("n.txt", text.encode("utf-8"))).text == text


# --- bad input ---------------------------------------------------------------------------

def _refused(path) -> str:
    with pytest.raises(ImportRefused) as info:
        read_document(path)
    message = str(info.value)
    assert str(path) in message, message  # every message names the file
    return message


def test_empty_file(write):
    assert "empty" in _refused(write("empty.txt", b""))


def test_whitespace_only_file(write):
    assert "empty" in _refused(write("blank.txt", b" \r\n\t\n"))


def test_bom_only_file(write):
    assert "no text" in _refused(write("bom.txt", codecs.BOM_UTF8))


def test_folder(tmp_path):
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    assert "folder" in _refused(folder)


def test_missing_file(tmp_path):
    assert "no such file" in _refused(tmp_path / "missing.txt")


def test_dangling_symlink(tmp_path):
    link = tmp_path / "dangling.txt"
    os.symlink(tmp_path / "gone.txt", link)
    assert "no such file" in _refused(link)


def _fail_opening(monkeypatch, path, error):
    real_open = os.open

    def fake_open(name, *args, **kwargs):
        if os.fspath(name) == os.fspath(path):
            raise error
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)


def test_permission_denied(write, monkeypatch):
    path = write("locked.txt", b"secret")
    _fail_opening(monkeypatch, path, PermissionError(13, "Permission denied", str(path)))
    assert "permission denied" in _refused(path)


def test_other_os_error(write, monkeypatch):
    path = write("io.txt", b"text")
    _fail_opening(monkeypatch, path, OSError(5, "Input/output error"))
    assert "Input/output error" in _refused(path)


def test_unsupported_extension(write):
    message = _refused(write("notes.xyz", b"hello"))
    assert ".xyz" in message and ".docx" in message


def test_binary_with_nul_bytes(write):
    assert "binary" in _refused(write("bin.txt", b"abc\x00\x01\x02\x00\xff" * 50))


def test_binary_control_characters_without_nul(write):
    assert "binary" in _refused(write("ctl.txt", bytes(range(1, 32)) * 20))


@pytest.mark.parametrize(("data", "looks_like", "hint"), [
    (b"%PDF-1.7\n%\xe2\xe3\n1 0 obj", "a PDF document", "rename it to .pdf"),
    (b"PK\x03\x04\x14\x00\x00\x00word/document.xml", "a Word document (.docx)", "rename it to .docx"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image", ""),
    (b"{\\rtf1\\ansi Hello}", "an RTF document", "rename it to .rtf"),
    (b"ID3\x03\x00\x00\x00\x00", "an audio recording (MP3)", ""),
    (b"SQLite format 3\x00" + b"\x00" * 80, "an SQLite database", ""),
])
def test_a_txt_that_is_something_else(write, data, looks_like, hint):
    message = _refused(write("misnamed.txt", data))
    assert f"looks like {looks_like}" in message
    assert hint in message


def test_a_txt_that_is_an_old_word_file(write, build):
    message = _refused(write("old.txt", build.ole(["WordDocument", "1Table"])))
    assert "old Word document" in message and "save it as .docx" in message


def test_invalid_utf16_after_bom(write):
    assert "not valid UTF-16" in _refused(write("bad16.txt", codecs.BOM_UTF16_LE + b"\x00\xd8a"))


def test_invalid_utf8_after_bom(write):
    assert "not valid UTF-8" in _refused(write("bad8.txt", codecs.BOM_UTF8 + b"caf\xe9"))


def test_unexpected_parser_failure_is_one_clear_line(write, monkeypatch):
    from workbench.io.importers import text

    def boom(path, data):
        raise KeyError("internal")

    monkeypatch.setattr(text, "extract", boom)
    message = _refused(write("x.txt", b"hello"))
    assert "not a readable .txt file" in message
