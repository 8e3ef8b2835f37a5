"""`workbench import` in-process: a line per file, exit 1 on any failure, bad files leave no trace."""
from __future__ import annotations

import io

import docx
from sqlalchemy import func, select

from workbench.cli.main import main
from workbench.store.models import Source, SpeakerTurn
from workbench.store.project import open_project


def _state(path):
    """Everything an import can add: sources (name, kind, text hash) and speaker turns."""
    project = open_project(path, readonly=True)
    try:
        with project.reading() as s:
            sources = sorted(s.execute(select(Source.name, Source.kind, Source.sha256)).all())
            turns = s.scalar(select(func.count()).select_from(SpeakerTurn))
    finally:
        project.close()
    return sources, turns


def _docx_bytes(*paragraphs: str) -> bytes:
    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _files(tmp_path):
    good_txt = tmp_path / "interview_cpt.txt"
    good_txt.write_bytes(
        "[00:00:01] Interviewer: Which routes?\r\n[00:00:09] Mr Adams: Ten new routes.\r\n"
        "[00:00:20] Interviewer: And Wesgro?\r\n".encode("cp1252"))
    good_docx = tmp_path / "policy.docx"
    good_docx.write_bytes(_docx_bytes("1. Purpose", "The City pursues international relations."))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    fake_pdf = tmp_path / "scan.pdf"
    fake_pdf.write_bytes(_docx_bytes("not a pdf"))
    corrupt = tmp_path / "broken.docx"
    corrupt.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 50)
    missing = tmp_path / "missing.txt"
    return [good_txt, empty, good_docx, fake_pdf, corrupt, missing, tmp_path]


def test_mixed_good_and_bad_files(project_location, tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    files = _files(folder)
    before_sources, before_turns = _state(project_location)
    code = main(["import", str(project_location), *map(str, files), "--coder", "Pieter"])
    out, err = capsys.readouterr()
    assert code == 1
    assert out.splitlines() == [f"imported {files[0]}", f"imported {files[2]}"]
    err_lines = err.splitlines()
    assert len(err_lines) == 5  # one line per bad file, no traceback
    bad_files = [files[1], *files[3:]]
    problems = ["empty", "looks like a Word document", "not a valid .docx", "no such file", "folder"]
    for bad, problem in zip(bad_files, problems, strict=True):
        line = next(line for line in err_lines if str(bad) + ":" in line)
        assert problem in line, line
        assert line.startswith("workbench import: ")
    assert "Traceback" not in err
    after_sources, after_turns = _state(project_location)
    assert len(after_sources) == len(before_sources) + 2
    added = sorted(set(after_sources) - set(before_sources))
    assert [(name, kind) for name, kind, _ in added] == [("interview_cpt.txt", "txt"), ("policy.docx", "docx")]
    assert after_turns == before_turns + 3


def test_only_bad_files_leave_the_project_unchanged(project_location, tmp_path, capsys):
    bad = tmp_path / "notes.txt"
    bad.write_bytes(b"%PDF-1.4\n%binary")
    before = _state(project_location)
    assert main(["import", str(project_location), str(bad)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip() == (f"workbench import: {bad}: is not a text file: it looks like a PDF document; "
                           "rename it to .pdf to import it")
    assert _state(project_location) == before


def test_same_content_twice_warns_and_skips(project_location, tmp_path, capsys):
    first = tmp_path / "a.txt"
    first.write_text("Interviewer: one\nRespondent: two\nInterviewer: three\n", encoding="utf-8")
    # The same text in another encoding and with CRLF: the stored text is identical.
    second = tmp_path / "b.txt"
    second.write_bytes(b"\xef\xbb\xbfInterviewer: one\r\nRespondent: two\r\nInterviewer: three\r\n")
    assert main(["import", str(project_location), str(first)]) == 0
    capsys.readouterr()
    middle = _state(project_location)
    code = main(["import", str(project_location), str(first), str(second)])
    out, err = capsys.readouterr()
    assert code == 0
    assert out == ""
    assert err.splitlines() == [
        f"warning: {first}: the same text is already in the project; skipped",
        f"warning: {second}: the same text is already in the project; skipped",
    ]
    assert _state(project_location) == middle


def test_content_already_in_the_project_under_another_name(project_location, tmp_path, capsys):
    project = open_project(project_location, readonly=True)
    try:
        with project.reading() as s:
            text = s.scalar(select(Source.text).where(Source.name == "policy.txt"))
    finally:
        project.close()
    copy = tmp_path / "policy copy.md"
    copy.write_text(text, encoding="utf-16")
    before = _state(project_location)
    assert main(["import", str(project_location), str(copy)]) == 0
    assert capsys.readouterr().err == f"warning: {copy}: the same text is already in the project; skipped\n"
    assert _state(project_location) == before


def test_import_into_a_file_that_is_not_a_project(tmp_path, capsys):
    not_project = tmp_path / "thesis.qwb"
    not_project.write_text("not a database")
    good = tmp_path / "a.txt"
    good.write_text("hello")
    assert main(["import", str(not_project), str(good)]) == 1
    err = capsys.readouterr().err
    assert str(not_project) in err and "Traceback" not in err
