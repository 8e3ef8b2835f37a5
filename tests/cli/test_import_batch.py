"""Issue 12, item 6 and 9.10: every file of an import batch is tried and every refusal named.

A .doc beside a scanned PDF, a file whose importer fails in an unforeseen way, a file name
that is not UTF-8: each gets its own line with its reason, and the files after it are
still imported.
"""
from __future__ import annotations

import os

from workbench.cli.main import main


def ole(stream_names: list[str]) -> bytes:
    """The start of an OLE compound file naming its streams (what sniff.describe reads)."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"".join(n.encode("utf-16-le") for n in stream_names)


def scanned_pdf() -> bytes:
    """A one-page PDF with no text at all (what a scanner writes, minus the image)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
               b"<< /Length 0 >>\nstream\n\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def test_a_doc_beside_a_scanned_pdf_both_named_with_reasons(capsys, project_path, tmp_path):
    doc = tmp_path / "minutes.doc"
    doc.write_bytes(ole(["WordDocument"]))
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(scanned_pdf())
    good = tmp_path / "notes.txt"
    good.write_text("Interviewer: still imported\n", encoding="utf-8")
    code = main(["import", str(project_path), str(doc), str(pdf), str(good)])
    out, err = capsys.readouterr()
    assert code == 1
    assert out.splitlines() == [f"imported {good}"]
    lines = err.splitlines()
    assert len(lines) == 2, err
    assert lines[0].startswith(f"workbench import: {doc}: ") and ".doc" in lines[0]
    assert lines[1].startswith(f"workbench import: {pdf}: ") and "OCR" in lines[1]


def test_a_file_failing_in_an_unforeseen_way_does_not_stop_the_batch(capsys, project_path, tmp_path, monkeypatch):
    from workbench.io import transcript

    real = transcript.find_turns

    def fragile(text):  # a bug met by one file only, after its text was read
        if "trips the bug" in text:
            raise TypeError("'NoneType' object is not subscriptable")
        return real(text)

    monkeypatch.setattr(transcript, "find_turns", fragile)
    bad = tmp_path / "fragile.txt"
    bad.write_text("Interviewer: this one trips the bug\n", encoding="utf-8")
    after = tmp_path / "after.txt"
    after.write_text("Interviewer: after the fragile one\n", encoding="utf-8")
    code = main(["import", str(project_path), str(bad), str(after)])
    out, err = capsys.readouterr()
    assert code == 1
    assert out.splitlines() == [f"imported {after}"]
    assert err.splitlines() == [f"workbench import: {bad}: could not be read (TypeError: 'NoneType' object "
                                "is not subscriptable)"]


def test_a_file_name_that_is_not_utf8_is_imported_under_a_valid_name(capsys, project_path, tmp_path):
    bad = tmp_path / os.fsdecode(b"J\xf6rg.txt")
    bad.write_text("Interviewer: from a Latin-1 disk\n", encoding="utf-8")
    after = tmp_path / "after.txt"
    after.write_text("Interviewer: the next file\n", encoding="utf-8")
    code = main(["import", str(project_path), str(bad), str(after)])
    out, err = capsys.readouterr()
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith(f"imported {tmp_path}/J\\xf6rg.txt (") and "'Jörg.txt'" in lines[0]
    assert lines[1] == f"imported {after}"
    code = main(["text", str(project_path), "Jörg.txt"])
    assert code == 0 and capsys.readouterr().out == "Interviewer: from a Latin-1 disk\n"


def test_a_file_name_with_a_line_break_is_still_one_line(capsys, project_path, tmp_path):
    odd = tmp_path / "two\nlines\x13"  # no extension: refused, and the refusal must stay one line
    odd.write_text("Interviewer: x\n", encoding="utf-8")
    code = main(["import", str(project_path), str(odd)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.splitlines() == [f"workbench import: {tmp_path}/two\\nlines\\x13: cannot import files without an "
                                "extension; the workbench reads .docx, .htm, .html, .md, .odt, .pdf, .rtf, .txt"]
