"""Selections as other tools read them: one PlainTextSelection per span and coder on export (QualCoder
takes a coding's coder from its selection), and on import the counting model chosen per selection
from the text it carries in @name (QualCoder mixes UTF-16 and code-point offsets in one file)."""
from __future__ import annotations

import shutil
import sqlite3
import zipfile
from pathlib import Path

from lxml import etree
from refi_helpers import assert_valid, make_zip, qde, report_body, snapshot

from workbench.cli.main import main
from workbench.io.refi.qdpx_export import export_qdpx
from workbench.store.project import open_project

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_projects" / "johannesburg.qwb"


def _local(el) -> str:
    return etree.QName(el).localname


def test_every_coding_of_the_sample_project_is_under_a_selection_by_its_own_coder(tmp_path):
    copy = tmp_path / "jhb.qwb"
    shutil.copy(SAMPLE, copy)
    open_project(copy).close()  # brings an older schema up to date
    qdpx = tmp_path / "jhb.qdpx"
    export_qdpx(copy, qdpx)
    con = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        expected = {g.upper(): (k.upper(), s.upper(), a, b, c.upper()) for g, k, s, a, b, c in con.execute(
            'SELECT d.guid, k.guid, s.guid, d.start, d."end", c.guid FROM coding d JOIN coder k ON k.id=d.coder_id '
            "JOIN source s ON s.id=d.source_id JOIN code c ON c.id=d.code_id")}
    finally:
        con.close()
    xml = zipfile.ZipFile(qdpx).read("project.qde")
    assert_valid(xml)
    root = etree.fromstring(xml)
    got, selections = {}, []
    for sel in root.iter("{*}PlainTextSelection"):
        owner = sel.getparent()
        source = (owner.getparent() if _local(owner) == "Representation" else owner).get("guid")
        user = sel.get("creatingUser")
        selections.append((source, sel.get("startPosition"), sel.get("endPosition"), user))
        for coding in sel.findall("{*}Coding"):
            assert coding.get("creatingUser") == user, (source, sel.get("startPosition"))
            got[coding.get("guid")] = (user, source, int(sel.get("startPosition")), int(sel.get("endPosition")),
                                       coding.find("{*}CodeRef").get("targetGUID"))
    assert len(got) == 294 and got == expected
    assert len(selections) == len(set(selections))  # one selection per span and coder
    # The sample does code spans by two coders: the case the finding is about.
    coders = {}
    for k, s, a, b, _ in expected.values():
        coders.setdefault((s, a, b), set()).add(k)
    assert sum(1 for v in coders.values() if len(v) > 1) >= 20
