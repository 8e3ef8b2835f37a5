"""Passages of cases through QDPX (issue 9, finding 6): a passage link goes out as a
PlainTextSelection without codings on its source and a SelectionRef in its Case, and comes back
as the same passage link; a whole-source link stays a SourceRef."""
from __future__ import annotations

import zipfile
from xml.etree import ElementTree as ET

import store_read
from refi_helpers import assert_valid, make_zip, qde

from workbench.io.refi.qdpx_export import export_qdpx
from workbench.io.refi.qdpx_import import import_qdpx
from workbench.services import cases
from workbench.services.lookup import case_by_name, source_by_name
from workbench.services.sources import source_text
from workbench.store.project import open_project

NS = {"q": "urn:QDA-XML:project:1.0"}
# (case, source, phrase) linked as passages; a phrase is found in the text by hand below
PASSAGES = [("Johannesburg", "interview_jhb.txt", "We set our own agenda"),
            ("Addis Ababa", "interview_jhb.txt", "Every agreement waits for provincial sign-off"),
            ("Addis Ababa", "policy.txt", "Agreements are submitted to the Province")]


def _link_passages(path) -> dict[tuple[str, str, str], tuple[int, int]]:
    spans = {}
    with open_project(path) as p:
        for case, source, phrase in PASSAGES:
            text = source_text(p, source)
            start = text.index(phrase)
            with p.reading() as s:
                cid, sid = case_by_name(s, case), source_by_name(s, source)
            cases.link_passage(p, cid, sid, start, start + len(phrase))
            spans[(case, source, phrase)] = (start, start + len(phrase))
    return spans


def _passages(path) -> list[tuple]:
    return sorted(store_read.rows(path, 'SELECT p.guid, c.name, s.name, p.start, p."end", substr(s.text, '
                                        'p.start + 1, p."end" - p.start) FROM case_passage p '
                                        "JOIN case_ c ON c.id = p.case_id JOIN source s ON s.id = p.source_id"))


def _whole(path) -> list[tuple]:
    return sorted(store_read.rows(path, "SELECT c.name, s.name FROM case_source l JOIN case_ c ON c.id = l.case_id "
                                        "JOIN source s ON s.id = l.source_id"))


def test_passage_links_round_trip_through_qdpx(project_location, tmp_path):
    _link_passages(project_location)
    before = _passages(project_location)
    assert sorted((c, s, text) for _, c, s, _, _, text in before) == sorted(PASSAGES)
    qdpx = tmp_path / "out.qdpx"
    export_qdpx(project_location, qdpx)
    assert_valid(zipfile.ZipFile(qdpx).read("project.qde"))
    back = tmp_path / "back.qwb"
    rep = import_qdpx(qdpx, back)
    assert rep.skipped == [] and rep.not_carried == []
    assert rep.imported["passages"] == 3
    assert _passages(back) == before  # same GUIDs, cases, sources, offsets and text
    assert _whole(back) == _whole(project_location)


def test_exported_case_refers_to_a_selection_holding_the_passage(project_location, tmp_path):
    spans = _link_passages(project_location)
    guids = {(c, s, a, b): g for g, c, s, a, b, _ in _passages(project_location)}
    qdpx = tmp_path / "out.qdpx"
    export_qdpx(project_location, qdpx)
    with zipfile.ZipFile(qdpx) as z:
        root = ET.fromstring(z.read("project.qde"))
        texts = {}
        for src in root.iter(f"{{{NS['q']}}}TextSource"):
            guid = src.get("plainTextPath").removeprefix("internal://").removesuffix(".txt")
            texts[src.get("name")] = z.read(f"sources/{guid}.txt").decode("utf-8")
    selections = {}
    for src in root.iter(f"{{{NS['q']}}}TextSource"):
        for sel in src.findall("q:PlainTextSelection", NS):
            selections[sel.get("guid")] = (src.get("name"), int(sel.get("startPosition")),
                                           int(sel.get("endPosition")), sel.findall("q:Coding", NS))
    found = set()
    for case in root.iter(f"{{{NS['q']}}}Case"):
        for ref in case.findall("q:SelectionRef", NS):
            source, start, end, codings = selections[ref.get("targetGUID")]
            assert codings == []  # a passage of a case is no coding
            found.add((case.get("name"), source, texts[source][start:end]))
            assert ref.get("targetGUID") == guids[(case.get("name"), source, start, end)].upper()
    assert found == set(PASSAGES)
    assert len(found) == len(spans)
    # whole-source links are still SourceRefs: Johannesburg holds two sources, Addis Ababa one
    refs = {c.get("name"): len(c.findall("q:SourceRef", NS)) for c in root.iter(f"{{{NS['q']}}}Case")}
    assert refs == {"Johannesburg": 2, "Addis Ababa": 1}


def test_selection_ref_of_another_tool_is_placed_by_its_counting(tmp_path):
    # NVivo counts UTF-16 units: the emoji before the passage counts two, so the file's offsets
    # are one more than the code points; the passage must land on the same words.
    raw = "Intro 😀 then the Tokyo part.\n"
    words = "the Tokyo part"
    start16 = len(raw[: raw.index(words)].encode("utf-16-le")) // 2
    sel = "e0000000-0000-0000-0000-0000000000e1"
    code = "c0000000-0000-0000-0000-0000000000c1"
    body = (f'<CodeBook><Codes><Code guid="{code}" name="theme" isCodable="true"/></Codes></CodeBook>'
            '<Cases><Case guid="ca000000-0000-0000-0000-0000000000ca" name="Tokyo">'
            f'<SelectionRef targetGUID="{sel}"/><SelectionRef targetGUID="ffffffff-0000-0000-0000-000000000000"/>'
            '</Case></Cases>'
            '<Sources><TextSource guid="5a000000-0000-0000-0000-0000000000aa" name="city.txt" '
            'plainTextPath="internal://city.txt">'
            f'<PlainTextSelection guid="{sel}" startPosition="{start16}" endPosition="{start16 + len(words)}"/>'
            '<PlainTextSelection guid="e0000000-0000-0000-0000-0000000000e2" startPosition="0" endPosition="5">'
            '<Coding guid="c1000000-0000-0000-0000-000000000001"><CodeRef targetGUID="' + code + '"/></Coding>'
            '</PlainTextSelection></TextSource></Sources>')
    qdpx = make_zip(tmp_path / "in.qdpx", {"sources/city.txt": b"\xef\xbb\xbf" + raw.encode("utf-8")},
                    qde(body, origin="NVivo for Windows 14"))
    out = tmp_path / "in.qwb"
    rep = import_qdpx(qdpx, out)
    assert rep.offset_model == "nvivo"
    assert [(c, s, text) for _, c, s, _, _, text in _passages(out)] == [("Tokyo", "city.txt", words)]
    assert [s["kind"] for s in rep.skipped] == ["case passage"]  # the reference to no selection is named
