"""REFI-QDA codebooks (.qdc) through `workbench codebook`: export validates, round-trips, and the
ATLAS.ti sample and the namespace variants seen in the wild import."""
from __future__ import annotations

import pytest
from refi_helpers import SAMPLES, assert_valid, need_sample

import store_read
from workbench.cli.main import main
from workbench.store.project import create_project

ATLAS_QDC = SAMPLES / "atlasti23.4win_codebook_requal-test.qdc"


def codes(path) -> list[tuple]:
    con = store_read.connect(path)
    rows = {r[0]: r[1:] for r in con.execute("SELECT id, parent_id, name, guid, color, description FROM code")}
    con.close()

    def path_of(i):
        parent, name = rows[i][0], rows[i][1]
        return name if parent is None else f"{path_of(parent)}/{name}"

    return sorted((path_of(i), r[2], r[3], r[4]) for i, r in rows.items())


@pytest.fixture
def empty_path(tmp_path):
    p = tmp_path / "empty.qwb"
    create_project(p, name="Empty", coder="Ann").close()
    return p


def test_qdc_export_validates_and_round_trips(project_location, tmp_path, empty_path, capsys):
    qdc = tmp_path / "book.qdc"
    assert main(["codebook", str(project_location), "--export", str(qdc)]) == 0
    assert_valid(qdc.read_bytes(), "Codebook")
    assert main(["codebook", str(empty_path), "--import", str(qdc)]) == 0
    assert "5 codes created, 0 updated" in capsys.readouterr().out
    assert codes(empty_path) == codes(project_location)
    # Importing again changes nothing.
    assert main(["codebook", str(empty_path), "--import", str(qdc)]) == 0
    assert "0 codes created, 0 updated" in capsys.readouterr().out


def test_qdc_export_of_empty_codebook_refused(empty_path, tmp_path, capsys):
    qdc = tmp_path / "none.qdc"
    assert main(["codebook", str(empty_path), "--export", str(qdc)]) == 1
    assert "at least one code" in capsys.readouterr().err
    assert not qdc.exists()


def test_atlas_sample_qdc_imports(empty_path, capsys):
    need_sample(ATLAS_QDC)
    assert main(["codebook", str(empty_path), "--import", str(ATLAS_QDC)]) == 0
    out = capsys.readouterr().out
    assert "1 codes created" in out and "1 code set not carried" in out
    assert codes(empty_path) == [("code1", "1ff58b12-6f6f-4b0c-8be5-bbdc91f55294", "#46aa00", "description")]


@pytest.mark.parametrize("ns", ["urn:QDA-XML:codebook:1.0", "urn:QDA-XML:codebook:1:0", "urn:QDA-XML:codebook:0:4",
                                None])
def test_namespace_variants_import(ns, empty_path, tmp_path, capsys):
    xmlns = f' xmlns="{ns}"' if ns else ""
    qdc = tmp_path / "v.qdc"
    qdc.write_text(
        f'<?xml version="1.0" encoding="utf-8"?><CodeBook{xmlns} origin="NVivo 12 For Mac"><Codes>'
        '<Code guid="{0A0A0A0A-0000-0000-0000-000000000001}" name="parent" isCodable="false" color="#ABC">'
        '<Description>folder</Description>'
        '<Code guid="0a0a0a0a-0000-0000-0000-000000000002" name="child" isCodable="true" color="rgb(255,0,16)"/>'
        "</Code></Codes></CodeBook>", encoding="utf-8")
    assert main(["codebook", str(empty_path), "--import", str(qdc)]) == 0
    assert codes(empty_path) == [
        ("parent", "0a0a0a0a-0000-0000-0000-000000000001", "#aabbcc", "folder"),
        ("parent/child", "0a0a0a0a-0000-0000-0000-000000000002", "#ff0010", ""),
    ]
    out = capsys.readouterr().out
    assert ("read anyway" in out) == (ns != "urn:QDA-XML:codebook:1.0")


def test_qdc_with_entities_or_garbage_refused(empty_path, tmp_path, capsys):
    bad = tmp_path / "bad.qdc"
    bad.write_text('<!DOCTYPE CodeBook [<!ENTITY x "y">]><CodeBook><Codes><Code guid="0a0a0a0a-0000-0000-0000-'
                   '000000000001" name="&x;" isCodable="true"/></Codes></CodeBook>')
    assert main(["codebook", str(empty_path), "--import", str(bad)]) == 1
    assert "declares entities" in capsys.readouterr().err
    bad.write_text("not xml")
    assert main(["codebook", str(empty_path), "--import", str(bad)]) == 1
    assert "not well-formed" in capsys.readouterr().err
    assert codes(empty_path) == []


def test_qdc_import_merges_into_existing_codes(project_location, tmp_path, capsys):
    qdc = tmp_path / "m.qdc"
    qdc.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
                   '<Code guid="0a0a0a0a-0000-0000-0000-000000000009" name="Autonomy" isCodable="true" '
                   'color="#000000"><Description>acting alone</Description>'
                   '<Code guid="0a0a0a0a-0000-0000-0000-00000000000a" name="mayor as ambassador" isCodable="true"/>'
                   "</Code></Codes></CodeBook>")
    before = {c[0]: c for c in codes(project_location)}
    assert main(["codebook", str(project_location), "--import", str(qdc)]) == 0
    assert "1 codes created, 1 updated" in capsys.readouterr().out
    after = {c[0]: c for c in codes(project_location)}
    assert after["autonomy"] == ("autonomy", before["autonomy"][1], "#000000", "acting alone")
    assert after["autonomy/mayor as ambassador"][1] == "0a0a0a0a-0000-0000-0000-00000000000a"
