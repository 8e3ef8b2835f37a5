"""Issue 12, items 6 and 11: text that is not valid Unicode, and encodings the import has to guess.

Lone surrogates (from a PDF's broken ToUnicode map, a page declaring unicode_escape, a file
name that is not UTF-8) are repaired with a warning, never stored. A guessed encoding is
named in the import report with its confidence, and the user can read the source again in
another encoding until it is coded.
"""
from __future__ import annotations

import os

import pytest

from workbench.core.errors import WorkbenchError
from workbench.io.importers.base import read_document
from workbench.services.sources import import_files, source_text

GREEK = "Η επαρχία καθυστερεί τις συμφωνίες της πόλης.\n"


def _valid_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def pdf_with_tounicode(target_hex: str) -> bytes:
    """One page showing 'ABBA' in a font whose ToUnicode map sends 'A' to the UTF-16 unit target_hex."""
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def "
            b"1 begincodespacerange <00> <FF> endcodespacerange 2 beginbfchar <41> <" + target_hex.encode()
            + b"> <42> <0042> endbfchar endcmap CMapName currentdict /CMap defineresource pop end end")
    content = b"BT /F1 12 Tf 72 720 Td (ABBA) Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
               b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_with_a_broken_tounicode_map_is_repaired_with_a_warning(write):
    doc = read_document(write("broken-map.pdf", pdf_with_tounicode("D800")))
    assert _valid_unicode(doc.text)
    assert doc.text == "\ufffdBB\ufffd"
    assert any("not valid Unicode" in w and "2 characters" in w for w in doc.warnings)


def test_html_declaring_unicode_escape_is_not_decoded_with_it(write):
    # unicode_escape would turn the text's \ud800 into a lone surrogate; browsers know no such charset.
    page = b'<html><head><meta charset="unicode_escape"></head><body><p>caf\\ud800 and \\u00e9</p></body></html>'
    doc = read_document(write("escape.html", page))
    assert doc.text == "caf\\ud800 and \\u00e9"
    assert doc.encoding == "utf-8"


def test_a_file_name_that_is_not_utf8_becomes_a_valid_source_name(tmp_path, empty_project):
    name = os.fsdecode(b"caf\xe9 interview.txt")  # what Python makes of the byte 0xE9 in a name
    bad = tmp_path / name
    bad.write_text("Interviewer: first\n", encoding="utf-8")
    good = tmp_path / "after.txt"
    good.write_text("Interviewer: second\n", encoding="utf-8")
    outcomes = import_files(empty_project, [bad, good])
    assert [o.status for o in outcomes] == ["imported", "imported"]
    assert "not valid UTF-8" in outcomes[0].message and _valid_unicode(outcomes[0].message)
    assert source_text(empty_project, "café interview.txt") == "Interviewer: first\n"


@pytest.mark.parametrize(("text", "codec"), [
    (GREEK * 2, "iso8859-7"),
    ("Le maire a déclaré que la coopération était très importante.\n", "mac-roman"),
    ("Die Stadt München hat über die Zusammenarbeit mit Zürich gesprochen. Größer!\n", "cp437"),
])
def test_guessed_encodings_are_named_with_their_confidence(write, text, codec):
    doc = read_document(write("legacy.txt", text.encode(codec)))
    assert doc.text == text  # these are read right ...
    note = next(w for w in doc.warnings if "encoding" in w)
    assert "%" in note and ("sure" in note or "confidence" in note)  # ... and the report says it was a guess


def test_an_unsure_guess_says_so_and_names_a_rival(write):
    # Two bytes that several code pages read as plausible letters: there is no telling.
    doc = read_document(write("zurich.txt", "Zürich\n".encode("cp1252")))
    note = next(w for w in doc.warnings if "encoding" in w)
    assert note.startswith("unsure of the encoding") and "would also fit" in note


def test_utf7_is_read_as_utf7_with_a_note(write):
    text = "Le maire a déclaré que la coopération était très importante.\n"
    doc = read_document(write("utf7.txt", text.encode("utf-7")))
    assert doc.text == text and doc.encoding == "utf-7"
    assert any("UTF-7" in w for w in doc.warnings)


def test_plain_ascii_with_plus_signs_is_not_taken_for_utf7(write):
    text = "Call +27 11 555 0100 or C++ users-group at 5+3-1.\n"
    doc = read_document(write("plus.txt", text.encode("ascii")))
    assert doc.text == text and doc.encoding == "utf-8" and doc.warnings == []


def test_choosing_another_encoding_rereads_the_source_until_it_is_coded(tmp_path, empty_project):
    from workbench.services.codebook import ensure_code_path_in
    from workbench.services.coders import ensure_coder
    from workbench.services.coding import NewCoding, apply_codes_in
    from workbench.services.sources import redecode_source

    f = tmp_path / "athens.txt"
    f.write_bytes(GREEK.encode("iso8859-7"))
    sid = import_files(empty_project, [f], encoding="cp1251")[0].source_id  # the user's wrong pick
    assert source_text(empty_project, sid) == GREEK.encode("iso8859-7").decode("cp1251")
    redecode_source(empty_project, sid, "iso8859-7")
    assert source_text(empty_project, sid) == GREEK
    with empty_project.transaction() as s:
        cid, _ = ensure_code_path_in(s, "province", create=True)
        apply_codes_in(s, [NewCoding(sid, cid, ensure_coder(s, "Thandi"), 0, 10)])
    with pytest.raises(WorkbenchError, match="already has 1 coding"):
        redecode_source(empty_project, sid, "cp1253")
    assert source_text(empty_project, sid) == GREEK


def test_an_encoding_that_does_not_fit_is_refused_and_changes_nothing(tmp_path, empty_project):
    from workbench.services.sources import redecode_source

    f = tmp_path / "plain.txt"
    f.write_text("Interviewer: only ASCII here\n", encoding="utf-8")
    sid = import_files(empty_project, [f])[0].source_id
    with pytest.raises(WorkbenchError, match="is not UTF-16 text"):
        redecode_source(empty_project, sid, "utf-16")
    assert source_text(empty_project, sid) == "Interviewer: only ASCII here\n"
