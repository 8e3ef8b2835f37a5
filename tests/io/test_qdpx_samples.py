"""The eight REFI-QDA samples other tools wrote: counts read independently from their XML, and the
NVivo 12 selections (UTF-16 offsets over a BOM + CRLF + emoji text) landing where NVivo meant."""
from __future__ import annotations

import posixpath
import zipfile

import pytest
from lxml import etree
from refi_helpers import SAMPLES, need_sample, report_body, sample_files, snapshot

from workbench.io.refi.qdpx_import import import_qdpx

SAMPLE_FILES = sample_files("*.qdpx")
NVIVO12 = SAMPLES / "nvivo12win_oltas0517.qdpx"


@pytest.fixture(autouse=True, scope="module")
def _samples_present():
    need_sample(SAMPLES)


def _all(el, name):
    return el.xpath(f'.//*[local-name()="{name}"]')


def _kids(el, name):
    return el.xpath(f'./*[local-name()="{name}"]')


def expected_counts(path) -> dict[str, int]:
    """What a faithful importer must bring in, counted straight from the archive and its XML."""
    z = zipfile.ZipFile(path)
    qde_name = next(n for n in z.namelist() if n.lower().endswith(".qde"))
    root = etree.fromstring(z.read(qde_name))
    files = {posixpath.basename(n).lower() for n in z.namelist() if not n.endswith("/")}

    def has_text(el) -> bool:
        p = el.get("plainTextPath")
        if p:
            return posixpath.basename(p.split("://")[-1]).lower() in files
        return bool(_kids(el, "PlainTextContent"))

    texts = [t for t in _all(root, "TextSource") if t.getparent().xpath('local-name()') == "Sources" and has_text(t)]
    texts += [r for p in _all(root, "PDFSource") for r in _kids(p, "Representation") if has_text(r)]
    paths = {t.get("plainTextPath") for t in texts}
    texts += [t for t in _all(root, "Transcript") if has_text(t) and t.get("plainTextPath") not in paths]
    codings = sum(len(_kids(sel, "Coding")) for t in texts for sel in _kids(t, "PlainTextSelection"))
    codings += sum(len(_kids(t, "Coding")) for t in texts)
    imported = {(t.getparent().get("guid") if t.tag.endswith("Representation") else t.get("guid")).lower()
                for t in texts}
    sets = [s for s in _all(root, "Set")
            if any(m.get("targetGUID", "").lower() in imported for m in _kids(s, "MemberSource"))]
    return {"users": len(_all(root, "User")), "codes": len(_all(root, "Code")), "sources": len(texts),
            "codings": codings, "cases": len(_all(root, "Case")) + len(sets)}


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.stem)
def test_sample_imports_with_the_counts_its_xml_gives(sample, tmp_path):
    need_sample(sample)
    out = tmp_path / "p.qwb"
    rep = import_qdpx(sample, out)
    snap = snapshot(out)
    got = {"users": len(snap["coders"]), "codes": len(snap["codes"]), "sources": len(snap["sources"]),
           "codings": len(snap["codings"]), "cases": len(snap["cases"])}
    assert got == expected_counts(sample)
    assert report_body(out)["imported"]["codings"] == got["codings"] == rep.imported["codings"]


def test_expected_counts_are_not_trivial():
    """The counting above must see the real content of the richer samples."""
    by_name = {p.stem.split("_")[0]: expected_counts(p) for p in SAMPLE_FILES}
    assert by_name["nvivo12win"] == {"users": 2, "codes": 152, "sources": 2, "codings": 303, "cases": 0}
    assert by_name["qc1.3.2"]["codings"] == 205 and by_name["qc1.3.2"]["sources"] == 2
    assert by_name["maxqda24"] == {"users": 1, "codes": 307, "sources": 10, "codings": 0, "cases": 2}
    # ATLAS.ti 8 references 17 internal files, none of which is in its archive.
    assert by_name["atlasti8mac"]["sources"] == 0 and by_name["atlasti8mac"]["codes"] == 14


def test_atlas8_reports_what_it_cannot_carry(tmp_path):
    out = tmp_path / "p.qwb"
    import_qdpx(SAMPLES / "atlasti8mac_spec-example_TestProject.qdpx", out)
    body = report_body(out)
    kinds = {d["kind"] for d in body["not_carried"]}
    assert {"picture source", "PDF region selections", "video source", "audio source", "graph", "set"} <= kinds
    # Six text sources and two PDF representations whose files are missing; three transcripts share their files.
    missing = [d for d in body["skipped"] if d["kind"] == "source"]
    assert len(missing) == 8 and all("not in the archive" in d["reason"] for d in missing)
    assert len([d for d in body["not_carried"] if d["kind"] == "transcript"]) == 3
    snap = snapshot(out)
    # Its two notes come in as project memos, one of them linked to a video selection in ATLAS.ti.
    assert sorted(m[1] for m in snap["memos"]) == ["My favorite Coke ad", "Research Plan"]
    research = next(m for m in snap["memos"] if m[1] == "Research Plan")
    assert research[2].startswith("day to day log about this amazing project")
    assert ("Coke::diet Coke" in {c[0] for c in snap["codes"]})


def test_qc_excerpts_equal_code_point_slices_of_its_files(tmp_path):
    sample = SAMPLES / "qc1.3.2_demo.qdpx"
    out = tmp_path / "p.qwb"
    rep = import_qdpx(sample, out)
    assert rep.offset_model == "codepoints" and rep.offset_confirmed
    z = zipfile.ZipFile(sample)
    root = etree.fromstring(z.read("project.qde"))
    expected = {}
    for ts in _all(root, "TextSource"):
        text = z.read("sources/" + ts.get("plainTextPath")).decode("utf-8")
        for sel in _kids(ts, "PlainTextSelection"):
            s, e = int(sel.get("startPosition")), int(sel.get("endPosition"))
            for c in _kids(sel, "Coding"):
                expected[c.get("guid")] = text[s:e]
    got = {c[0]: c[6] for c in snapshot(out)["codings"]}
    assert got == expected


@pytest.fixture(scope="module")
def nvivo_project(tmp_path_factory):
    out = tmp_path_factory.mktemp("nvivo") / "nvivo.qwb"
    rep = import_qdpx(NVIVO12, out)
    return out, rep


def test_nvivo_model_chosen_and_confirmed(nvivo_project):
    out, rep = nvivo_project
    assert rep.offset_model == "nvivo" and rep.offset_confirmed
    assert rep.offset_scores["nvivo"] == [300, 303]
    assert rep.offset_scores["codepoints"][0] < 60  # the standard's counting lands mid-word most of the time
    assert "NVivo" in report_body(out)["offset_label"]


def test_nvivo_every_selection_equals_the_utf16_slice_nvivo_meant(nvivo_project):
    """Brute force: slice the file's UTF-16 encoding (BOM skipped, CRLF kept) at NVivo's offsets."""
    out, _ = nvivo_project
    z = zipfile.ZipFile(NVIVO12)
    root = etree.fromstring(z.read("project.qde"))
    expected = {}
    for ts in _all(root, "TextSource"):
        raw = z.read("Sources/" + ts.get("plainTextPath").split("://")[1]).decode("utf-8-sig")
        assert raw.count("\r\n") > 100 and sum(ord(ch) > 0xFFFF for ch in raw) > 100
        u16 = raw.encode("utf-16-le")
        for sel in _kids(ts, "PlainTextSelection"):
            s, e = int(sel.get("startPosition")), int(sel.get("endPosition"))
            # strict decoding fails if an offset splits a surrogate pair
            piece = u16[2 * s:2 * e].decode("utf-16-le", errors="strict").replace("\r\n", "\n")
            for c in _kids(sel, "Coding"):
                expected[c.get("guid")] = piece
    got = {c[0]: c[6] for c in snapshot(out)["codings"]}
    assert len(got) == 303 and got == expected


# Checked by eye against the NVivo project: each a whole comment, after 3 to 79 emoji in the text.
BY_EYE = {
    "b8743368-63c2-46c1-9aba-9ae8b1fddb7e": "Nem tehetik kötelezővé! 😡😡",
    "4d8fb0fe-0857-46a3-b488-e3b8eac440fc": "KÖSZÖNJÜK, DE NEM KÉRJÜK! Maradunk az ammónia ellenszernél! OGYI13376",
    "2d7f283b-f80d-4676-93b8-2d55239be735": "Oltás miatt terjed a koronavírus egész földön",
    "c6f025f0-89c8-4cd8-9d29-149e3cbdc141": "Ursula mondjon le!",
    "c5823e67-7526-4997-922c-f3d7c80cc628": "Az oltás erősebb, le is győzi az immunrendszert.",
    "99b49128-f1cd-4003-acbf-e380fc5e962f": "@@szilagyitamas2823 És milyen igazad lett!☝️👌👍👍👍\n",
}
# Three selections the coder started or ended inside a word (NOTES.md §6: 300 of 303 on boundaries).
MID_WORD_IN_NVIVO = 3


def test_nvivo_handful_by_eye_and_boundaries(nvivo_project):
    out, _ = nvivo_project
    snap = snapshot(out)
    got = {c[0]: c[6] for c in snap["codings"]}
    for guid, excerpt in BY_EYE.items():
        assert got[guid] == excerpt
    texts = {s[1]: s[3] for s in snap["sources"]}

    def mid(text, p):
        return 0 < p < len(text) and text[p - 1].isalnum() and text[p].isalnum()

    off = [c for c in snap["codings"] if mid(texts[c[1]], c[4]) or mid(texts[c[1]], c[5])]
    # Codings sharing a selection share its boundaries; count selections.
    assert len({(c[1], c[4], c[5]) for c in off}) == MID_WORD_IN_NVIVO
    assert all(0 <= c[4] < c[5] <= len(texts[c[1]]) for c in snap["codings"])
