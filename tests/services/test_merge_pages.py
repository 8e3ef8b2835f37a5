"""A merged PDF keeps its pages, and sources keep their folders (issue 9, finding 9): merging a
copy that holds a PDF source into a project without it, excerpts still cite pages."""
from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import store_read
from merge_support import canonical
from workbench.cli.main import main
from workbench.services import sources as sources_service
from workbench.services.codebook import ensure_code_path_in
from workbench.services.coders import ensure_coder
from workbench.services.coding import NewCoding, apply_codes_in
from workbench.services.lookup import source_by_name
from workbench.services.merge import merge_files
from workbench.store.project import create_project, open_project

_spec = importlib.util.spec_from_file_location("io_builders", Path(__file__).parents[1] / "io" / "conftest.py")
_builders = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_builders)

PAGE_ONE = "Partnerships serve local economic development."
PAGE_TWO = "The province signs every agreement first."


def _project(path: Path, tmp: Path, with_pdf: bool) -> Path:
    project = create_project(path, name="Study", coder="Thandi")
    try:
        notes = tmp / "notes.txt"
        notes.write_text("Notes of the first meeting.\n", encoding="utf-8")
        files = [notes]
        if with_pdf:
            pdf = tmp / "policy.pdf"
            pdf.write_bytes(_builders.build_pdf([[PAGE_ONE], [PAGE_TWO]]))
            files.append(pdf)
        assert {o.status for o in sources_service.import_files(project, files)} == {"imported"}
        if with_pdf:
            text = sources_service.source_text(project, "policy.pdf")
            with project.transaction() as s:
                code, _ = ensure_code_path_in(s, "autonomy", create=True)
                who, sid = ensure_coder(s, "Thandi"), source_by_name(s, "policy.pdf")
                apply_codes_in(s, [NewCoding(sid, code, who, text.index(p), text.index(p) + len(p))
                                   for p in (PAGE_ONE, PAGE_TWO)])
            sources_service.create_folder(project, "Policy texts")
            folder = sources_service.folder_rows(project)[0].id
            sources_service.move_to_folder(project, [sid], folder)
    finally:
        project.close()
    return path


def _cited(path, capsys) -> dict[str, str | None]:
    capsys.readouterr()
    assert main(["query", str(path), "--json"]) == 0
    return {r["text"]: r.get("page") for r in json.loads(capsys.readouterr().out)}


def test_merged_pdf_keeps_its_pages_and_folder(tmp_path, capsys):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    other = _project(tmp_path / "other.qwb", tmp_path / "a", with_pdf=True)
    into = _project(tmp_path / "into.qwb", tmp_path / "b", with_pdf=False)
    assert _cited(other, capsys) == {PAGE_ONE: "1", PAGE_TWO: "2"}
    merge_files(into, [other])
    assert _cited(into, capsys) == {PAGE_ONE: "1", PAGE_TWO: "2"}
    assert store_read.rows(into, "SELECT f.name FROM source s JOIN source_folder f ON f.id = s.folder_id "
                                 "WHERE s.name = 'policy.pdf'") == [("Policy texts",)]
    pages = 'SELECT p.page, p.label, p.start, p."end" FROM source_page p JOIN source s ON s.id = p.source_id'
    assert store_read.rows(into, pages) == store_read.rows(other, pages)
    once = canonical(into)
    merge_files(into, [other])  # again: nothing changes, no second folder
    assert canonical(into) == once and store_read.count(into, "source_folder") == 1


def test_folders_made_in_both_copies_are_one(project_path, tmp_path):
    a, b = tmp_path / "a.qwb", tmp_path / "b.qwb"
    shutil.copy(project_path, a)
    shutil.copy(project_path, b)
    for path, name, source in ((a, "Interviews", "interview_jhb.txt"), (b, " interviews", "interview_addis.txt")):
        with open_project(path) as p:
            sources_service.create_folder(p, name)
            with p.reading() as s:
                sid = source_by_name(s, source)
            sources_service.move_to_folder(p, [sid], sources_service.folder_rows(p)[0].id)
    merge_files(a, [b])
    assert store_read.count(a, "source_folder") == 1
    assert sorted(store_read.rows(a, "SELECT s.name FROM source s JOIN source_folder f ON f.id = s.folder_id")) == [
        ("interview_addis.txt",), ("interview_jhb.txt",)]
