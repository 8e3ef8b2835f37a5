"""Selections as other tools read them: one PlainTextSelection per span and coder on export (QualCoder
takes a coding's coder from its selection), and on import the counting model chosen per selection
from the text it carries in @name (QualCoder mixes UTF-16 and code-point offsets in one file)."""
from __future__ import annotations

import shutil
import sqlite3
import zipfile
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st
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


# --- the counting model chosen per selection -------------------------------------------------------
# As QualCoder writes a transcript: a BOM, '\n' line ends, an emoji in the first line. Codings made in
# its view count UTF-16 units; codings it imported earlier kept their code-point offsets.
QC_TEXT = ("Interview 😀 with the mayor\nThe city funds its own office abroad.\n"
           "Partners wait for the province to sign.\nWe set our own agenda.\n")
ANN, BEN = "aaaaaaaa-0000-4000-8000-000000000001", "bbbbbbbb-0000-4000-8000-000000000002"
# (phrase, counting the offsets are written in, what @name holds, coder)
QC_SELECTIONS = [
    ("Interview", "codepoints", "text", ANN),  # before the emoji: every counting agrees
    ("funds its own office", "utf16", "text", ANN),
    ("own agenda", "utf16", "text", BEN),
    ("Partners wait", "codepoints", "text", BEN),
    ("the province", "codepoints", "text", ANN),
    ("set our own", "codepoints", "text", ANN),
    ("abroad.\nPartners", "codepoints", "text", BEN),  # a literal line break: XML reads it as a space
    ("mayor", "codepoints", "", BEN),  # no text carried: the file's counting
]


def _units(text: str, i: int, counting: str) -> int:
    return len(text[:i].encode("utf-16-le")) // 2 if counting == "utf16" else i


def _qualcoder_qdpx(path: Path) -> Path:
    code = "c0000000-0000-4000-8000-0000000000c1"
    sels = ""
    for n, (phrase, counting, name, user) in enumerate(QC_SELECTIONS):
        a = QC_TEXT.index(phrase)
        start, end = _units(QC_TEXT, a, counting), _units(QC_TEXT, a + len(phrase), counting)
        shown = f' name="{phrase}"' if name else ""  # QualCoder html-escapes @name but keeps line breaks
        sels += (f'<PlainTextSelection guid="e0000000-0000-4000-8000-{n:012d}" startPosition="{start}" '
                 f'endPosition="{end}"{shown} creatingUser="{user}" creationDateTime="2024-03-01T10:00:00Z">'
                 f'<Coding guid="c1000000-0000-4000-8000-{n:012d}" creatingUser="{user}">'
                 f'<CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>')
    body = (f'<Users><User guid="{ANN}" name="Ann"/><User guid="{BEN}" name="Ben"/></Users>'
            f'<CodeBook><Codes><Code guid="{code}" name="theme" isCodable="true" color="#aabbcc"/></Codes></CodeBook>'
            '<Sources><TextSource guid="5a000000-0000-4000-8000-0000000000aa" name="mayor.txt" '
            f'plainTextPath="internal://5a000000-0000-4000-8000-0000000000aa.txt">{sels}</TextSource></Sources>')
    data = b"\xef\xbb\xbf" + QC_TEXT.encode("utf-8")
    return make_zip(path, {"sources/5a000000-0000-4000-8000-0000000000aa.txt": data},
                    qde(body, origin="QualCoder 3.6"))


def test_each_selection_of_a_mixed_qualcoder_file_lands_on_the_text_it_carries(tmp_path, capsys):
    qdpx = _qualcoder_qdpx(tmp_path / "qc.qdpx")
    out = tmp_path / "qc.qwb"
    assert main(["qdpx", "import", str(qdpx), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    by_guid = {c[0]: c for c in snapshot(out)["codings"]}
    for n, (phrase, _, _, user) in enumerate(QC_SELECTIONS):
        coding = by_guid[f"c1000000-0000-4000-8000-{n:012d}"]
        assert coding[6] == phrase and coding[3] == ("Ann" if user == ANN else "Ben"), coding
    # Counts from how the file was built: two selections in UTF-16 units, the rest (with the one before
    # the emoji, where all countings agree, and the one carrying no text) by the file's code points.
    body = report_body(out)
    assert body["offset_model"] == "codepoints"
    assert body["selection_models"] == {"codepoints": 6, "utf16": 2}
    assert body["selection_texts"] == {"carried": 7, "fit_file_model": 5, "fit_other_model": 2, "fit_none": 0}
    assert "codepoints 6, utf16 2" in printed and "2 fit only another counting" in printed
    assert any("2 selections" in w and "UTF-16" in w for w in body["warnings"])


def test_names_that_are_not_the_text_fall_back_to_the_files_counting(tmp_path):
    """qc writes labels ('line:6') into @name: no text to compare, the file's counting, reported as such."""
    code = "c0000000-0000-4000-8000-0000000000c1"
    text = "Alpha 😀 beta gamma.\n"
    a = text.index("beta")
    body = (f'<CodeBook><Codes><Code guid="{code}" name="greek" isCodable="true"/></Codes></CodeBook>'
            '<Sources><TextSource guid="5a000000-0000-4000-8000-0000000000ab" name="g.txt" '
            'plainTextPath="internal://g.txt">'
            f'<PlainTextSelection guid="e0000000-0000-4000-8000-000000000001" startPosition="{a}" '
            f'endPosition="{a + 4}" name="line:1"><Coding guid="c1000000-0000-4000-8000-000000000001">'
            f'<CodeRef targetGUID="{code}"/></Coding></PlainTextSelection></TextSource></Sources>')
    qdpx = make_zip(tmp_path / "qc.qdpx", {"sources/g.txt": text.encode()}, qde(body, origin="qc 1.3.2"))
    out = tmp_path / "qc.qwb"
    from workbench.io.refi.qdpx_import import import_qdpx

    rep = import_qdpx(qdpx, out)
    assert [c[6] for c in snapshot(out)["codings"]] == ["beta"]
    assert rep.selection_models == {"codepoints": 1}
    assert rep.selection_texts == {"carried": 1, "fit_file_model": 0, "fit_other_model": 0, "fit_none": 1}


@settings(max_examples=300, deadline=None)
@example(" " * 300 + "word")
@example("a" + "\n" * 250 + "b " * 40)
@given(st.text(alphabet=st.sampled_from(["a", "b", " ", "\n", "\t", "\x07", "😀", "…"]), max_size=400))
def test_the_selection_label_reads_only_the_head_of_a_long_passage_but_says_the_same(text):
    import re

    from workbench.io.refi.qdpx_export import _excerpt

    flat = re.sub(r"\s+", " ", re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text)).strip()  # the whole passage
    expected = flat if len(flat) <= 60 else flat[:59].rstrip() + "…"
    assert _excerpt(text) == expected


@settings(max_examples=300, deadline=None)
@example(text="a" * 10 + " " * 300 + "b", cut=40, shifted=False)
@given(st.text(alphabet=st.sampled_from(["a", "b", " ", "\n", "\x07", "😀"]), max_size=300),
       st.integers(min_value=0, max_value=80), st.booleans())
def test_a_name_cut_with_an_ellipsis_matches_as_if_the_whole_passage_were_read(text, cut, shifted):
    """same_text reads only the head of a long passage; it must answer as a comparison of the whole."""
    import re

    from workbench.io.refi.offsets import same_text

    def flat(s):
        return " ".join(re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", "", s).split())

    passage = text[1:] if shifted else text
    name = flat(text)[:cut].rstrip() + "…"
    head = name[:-1].rstrip()
    whole = flat(passage) == flat(name) or (bool(head) and flat(passage).startswith(head))
    assert same_text(name, passage) == whole
