"""QDPX import and export that stream: a large `.qde` gives the rows a whole-tree parse says it holds,
each source is written while the rest of the file is still unread, a file that lists its users and
codebook after its sources (against the schema) or whose selections fit another counting than its
origin's is built again and comes out the same, and the exported XML is the same written in pieces."""
from __future__ import annotations

import random
import sqlite3
import xml.etree.ElementTree as ET
import zipfile

import pytest
from refi_helpers import assert_valid, make_zip, snapshot

from workbench.io.refi import qde_stream, qdpx_build, qdpx_load, qdpx_xml
from workbench.io.refi.qdpx_export import export_qdpx
from workbench.io.refi.qdpx_import import import_qdpx

NS = "urn:QDA-XML:project:1.0"
USERS = [f"aaaaaaaa-0000-0000-0000-{i:012d}" for i in range(1, 4)]
CODES = [f"cccccccc-0000-0000-0000-{i:012d}" for i in range(1, 21)]
WORDS = ["alpha", "beta", "gamma", "delta", "omega", "kappa", "sigma", "\U0001F600"]


def _guid(kind: int, n: int) -> str:
    return f"{kind:08x}-0000-0000-0000-{n:012d}"


def _large_qdpx(path, n_sources=40, n_selections=80, seed=7, header_last=False, origin="Test tool 1.0",
                named=False, words=WORDS, ascii_first=0):
    """A project of `n_sources` texts with words (some outside the BMP, so the countings differ) and
    selections on word boundaries in code points, each with one to three codings, some of them repeats
    of the same code by the same coder (the importer keeps one); `named`: each selection carries its
    text in @name, as QualCoder and ATLAS.ti write, and is drawn again where the same positions read as
    UTF-16 units would cover that text too (so the text fits code points only); the first `ascii_first`
    sources are of ASCII words only, which every counting reads alike."""
    rng = random.Random(seed)
    entries, sources = {}, []
    n_coding = 0
    for s in range(n_sources):
        vocabulary = [w for w in words if w.isascii()] if s < ascii_first else words
        tokens = [rng.choice(vocabulary) for _ in range(400)]
        text = " ".join(tokens)
        units = text.encode("utf-16-le")
        entries[f"sources/{_guid(2, s)}.txt"] = text.encode("utf-8")
        starts = [0]
        for w in tokens[:-1]:
            starts.append(starts[-1] + len(w) + 1)
        sels = []
        for k in range(n_selections):
            while True:
                i = rng.randrange(len(tokens) - 5)
                j = i + rng.randrange(1, 5)
                start, end = starts[i], starts[j] + len(tokens[j])
                as_units = units[2 * start:2 * end].decode("utf-16-le", errors="replace")
                if not named or as_units != text[start:end] or text[:end].isascii():
                    break
            user = rng.choice(USERS)
            codings = []
            for _ in range(rng.randrange(1, 4)):
                n_coding += 1
                by = f' creatingUser="{rng.choice(USERS)}"' if rng.random() < 0.3 else ""
                codings.append(f'<Coding guid="{_guid(4, n_coding)}"{by}>'
                               f'<CodeRef targetGUID="{rng.choice(CODES[:4])}"/></Coding>')
            label = f' name="{text[start:end]}"' if named else ""
            sels.append(f'<PlainTextSelection guid="{_guid(3, s * 1000 + k)}"{label} startPosition="{start}" '
                        f'endPosition="{end}" creatingUser="{user}">{"".join(codings)}</PlainTextSelection>')
        sources.append(f'<TextSource guid="{_guid(2, s)}" name="text {s:03d}" '
                       f'plainTextPath="internal://{_guid(2, s)}.txt">{"".join(sels)}</TextSource>')
    users = "<Users>" + "".join(f'<User guid="{u}" name="coder {i}"/>' for i, u in enumerate(USERS)) + "</Users>"
    codes = "<CodeBook><Codes>" + "".join(f'<Code guid="{c}" name="code {i:02d}" isCodable="true"/>'
                                          for i, c in enumerate(CODES)) + "</Codes></CodeBook>"
    body = f"<Sources>{''.join(sources)}</Sources>"
    body = body + users + codes if header_last else users + codes + body
    xml = f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="{NS}" name="Large" origin="{origin}">{body}</Project>'
    return make_zip(path, entries, xml)


def _expected_codings(qdpx) -> list[tuple]:
    """Brute force over the whole tree: (source, code, coder, start, end) of each coding, a repeat of
    the same code by the same coder on the same span of a source counted once."""
    root = ET.fromstring(zipfile.ZipFile(qdpx).read("project.qde"))
    q = f"{{{NS}}}"
    user_name = {u.get("guid"): u.get("name") for u in root.iter(f"{q}User")}
    code_name = {c.get("guid"): c.get("name") for c in root.iter(f"{q}Code")}
    out = set()
    for src in root.iter(f"{q}TextSource"):
        for sel in src.iter(f"{q}PlainTextSelection"):
            for c in sel.iter(f"{q}Coding"):
                coder = user_name[c.get("creatingUser") or sel.get("creatingUser")]
                out.add((src.get("name"), code_name[c.find(f"{q}CodeRef").get("targetGUID")], coder,
                         int(sel.get("startPosition")), int(sel.get("endPosition"))))
    return sorted(out)


def _codings(project) -> list[tuple]:
    con = sqlite3.connect(project)
    try:
        return sorted(con.execute(
            'SELECT s.name, k.name, c.name, d.start, d."end" FROM coding d JOIN source s ON s.id = d.source_id '
            "JOIN code k ON k.id = d.code_id JOIN coder c ON c.id = d.coder_id"))
    finally:
        con.close()


def test_a_large_qde_imports_the_codings_a_whole_tree_parse_finds(tmp_path):
    qdpx = _large_qdpx(tmp_path / "large.qdpx")
    expected = _expected_codings(qdpx)
    rep = import_qdpx(qdpx, tmp_path / "large.qwb")
    got = _codings(tmp_path / "large.qwb")
    assert len(expected) > 3000  # several batches of the builder's 5,000 rows are not needed: many sources
    assert got == expected
    assert rep.imported["codings"] == len(expected) and rep.imported["sources"] == 40
    n_file = sum(1 for _ in ET.fromstring(zipfile.ZipFile(qdpx).read("project.qde")).iter(f"{{{NS}}}Coding"))
    assert any(f"{n_file - len(expected)} codings repeated" in w for w in rep.warnings)
    assert rep.offset_model == "codepoints" and rep.offset_confirmed


def test_each_source_is_written_before_the_rest_of_the_file_is_read(tmp_path, monkeypatch):
    qdpx = _large_qdpx(tmp_path / "large.qdpx", n_sources=30)
    size = zipfile.ZipFile(qdpx).getinfo("project.qde").file_size
    read = {"bytes": 0}
    original_read = qde_stream._Rejoined.read

    def counting_read(self, n=-1):
        data = original_read(self, n)
        read["bytes"] += len(data)
        return data

    roots = []
    original_project_of = qdpx_load.project_of

    def keeping_root(root):
        roots.append(root)
        return original_project_of(root)

    seen = []
    original_read_source = qdpx_build.read_source

    def watching(doc, el):
        root = roots[-1]
        # Only the <Sources> being read is held under the root; in it the source handed over comes first
        # (those before it are gone) and after it only what the parser's last block of 64 KiB began.
        seen.append((read["bytes"], [c.tag for c in root], len(root[-1]), root[-1][0] is el))
        return original_read_source(doc, el)

    monkeypatch.setattr(qde_stream._Rejoined, "read", counting_read)
    monkeypatch.setattr(qdpx_load, "project_of", keeping_root)
    monkeypatch.setattr(qdpx_build, "read_source", watching)
    monkeypatch.setattr(qdpx_build, "_BATCH", 1)  # every source's codings written before the next is read
    written = []
    original_source = qdpx_build.Builder._source

    def counting_rows(self, pos, lt):
        written.append(self.counts["codings"])
        return original_source(self, pos, lt)

    monkeypatch.setattr(qdpx_build.Builder, "_source", counting_rows)
    import_qdpx(qdpx, tmp_path / "large.qwb")
    assert len(seen) == 30
    assert seen[0][0] < size / 4  # the first source came long before the parser reached the end
    assert all(tags == ["Sources"] and current and held <= 4 for _, tags, held, current in seen), seen
    assert [b for b, *_ in seen] == sorted(b for b, *_ in seen) and seen[-1][0] > size / 2
    assert written[0] == 0 and all(a < b for a, b in zip(written, written[1:]))  # rows went in as it read


def test_a_header_listed_after_the_sources_is_built_again_and_comes_out_the_same(tmp_path, monkeypatch):
    in_order = _large_qdpx(tmp_path / "ordered.qdpx", n_sources=6, n_selections=20)
    late = _large_qdpx(tmp_path / "late.qdpx", n_sources=6, n_selections=20, header_last=True)
    passes = []
    run = qdpx_build.Builder.run

    def counting(self):
        passes.append(self.header is not None)
        return run(self)

    monkeypatch.setattr(qdpx_build.Builder, "run", counting)
    import_qdpx(in_order, tmp_path / "ordered.qwb")
    assert passes == [False]
    rep = import_qdpx(late, tmp_path / "late.qwb")
    assert passes == [False, False, True]  # the first pass met the users and codes too late
    assert snapshot(tmp_path / "late.qwb") == snapshot(tmp_path / "ordered.qwb")
    assert _codings(tmp_path / "late.qwb") == _expected_codings(late)
    assert not any("not among the file's users" in w for w in rep.warnings)
    assert not rep.skipped


def _passes(monkeypatch):
    """[(counting a pass began with, countings its sources were placed by)] of each pass of the import."""
    passes = []
    run, source = qdpx_build.Builder.run, qdpx_build.Builder._source

    def counting_run(self):
        passes.append((self.model.name, set()))
        return run(self)

    def counting_source(self, pos, lt):
        passes[-1][1].add(self.model.name)
        return source(self, pos, lt)

    monkeypatch.setattr(qdpx_build.Builder, "run", counting_run)
    monkeypatch.setattr(qdpx_build.Builder, "_source", counting_source)
    return passes


def _one_report(project, n=6):
    con = sqlite3.connect(project)
    try:
        assert con.execute("SELECT count(*) FROM report").fetchone() == (1,)  # a first pass left nothing
        assert con.execute("SELECT count(*) FROM source").fetchone() == (n,)
    finally:
        con.close()


def test_selections_that_fit_another_counting_than_the_origins_are_placed_by_it(tmp_path, monkeypatch):
    """NVivo's counting (UTF-16) suggested, code points fitting from the first sources on: the one pass
    places by code points, the counting the first sources' selections fit."""
    qdpx = _large_qdpx(tmp_path / "large.qdpx", n_sources=6, n_selections=30, origin="NVivo 14")
    passes = _passes(monkeypatch)
    rep = import_qdpx(qdpx, tmp_path / "large.qwb")
    assert passes == [("nvivo", {"codepoints"})]
    assert rep.offset_model == "codepoints" and not rep.offset_confirmed
    assert any("suggested" in w and "that was used" in w for w in rep.warnings)
    assert _codings(tmp_path / "large.qwb") == _expected_codings(qdpx)
    _one_report(tmp_path / "large.qwb")


def test_a_counting_the_first_sources_do_not_show_is_built_again(tmp_path, monkeypatch):
    """The first sources ASCII (every counting alike, so the origin's NVivo stands), the later ones
    fitting code points: the pass placed by NVivo's counting is rolled back and built again."""
    first = qdpx_build._EARLY_SOURCES
    qdpx = _large_qdpx(tmp_path / "late.qdpx", n_sources=first + 4, n_selections=30, origin="NVivo 14",
                       ascii_first=first)
    passes = _passes(monkeypatch)
    rep = import_qdpx(qdpx, tmp_path / "late.qwb")
    assert passes == [("nvivo", {"nvivo"}), ("codepoints", {"codepoints"})]
    assert rep.offset_model == "codepoints" and not rep.offset_confirmed
    assert _codings(tmp_path / "late.qwb") == _expected_codings(qdpx)
    _one_report(tmp_path / "late.qwb", first + 4)


def test_selections_carrying_their_text_need_no_second_pass_when_another_counting_is_picked(tmp_path, monkeypatch):
    """Each selection's @name fits code points only, so it is placed there whichever counting is the
    file's: the tally's pick at the end (code points, not NVivo's counting, which the first sources,
    ASCII, left standing) changes the report, not a row."""
    first = qdpx_build._EARLY_SOURCES
    qdpx = _large_qdpx(tmp_path / "named.qdpx", n_sources=first + 4, n_selections=30, origin="NVivo 14",
                       named=True, ascii_first=first)
    passes = _passes(monkeypatch)
    rep = import_qdpx(qdpx, tmp_path / "named.qwb")
    assert passes == [("nvivo", {"nvivo"})]
    assert rep.offset_model == "codepoints" and not rep.offset_confirmed
    assert _codings(tmp_path / "named.qwb") == _expected_codings(qdpx)
    # As the whole-file importer counted them, placing by code points from the start.
    n = (first + 4) * 30
    assert rep.selection_models == {"codepoints": n}
    assert rep.selection_texts == {"carried": n, "fit_file_model": n, "fit_other_model": 0, "fit_none": 0}


def test_selections_of_texts_every_counting_reads_alike_are_counted_by_the_files_counting(tmp_path):
    qdpx = _large_qdpx(tmp_path / "ascii.qdpx", n_sources=5, n_selections=20, origin="ATLAS.ti 23", named=True,
                       words=WORDS[:-1])
    rep = import_qdpx(qdpx, tmp_path / "ascii.qwb")
    assert rep.offset_model == "codepoints-crlf1" and rep.offset_confirmed  # ASCII, no CRLF: all alike
    assert rep.selection_models == {"codepoints-crlf1": 100}
    assert rep.selection_texts == {"carried": 100, "fit_file_model": 100, "fit_other_model": 0, "fit_none": 0}
    assert _codings(tmp_path / "ascii.qwb") == _expected_codings(qdpx)


def test_a_file_broken_after_its_first_sources_leaves_no_project(tmp_path):
    qdpx = _large_qdpx(tmp_path / "large.qdpx", n_sources=5, n_selections=5)
    xml = zipfile.ZipFile(qdpx).read("project.qde").decode("utf-8")
    cut = xml.index('<TextSource guid="00000002-0000-0000-0000-000000000004"')
    broken = make_zip(tmp_path / "broken.qdpx", {n: zipfile.ZipFile(qdpx).read(n) for n in
                                                 zipfile.ZipFile(qdpx).namelist() if n != "project.qde"},
                      xml[:cut] + "<TextSource></Project>")
    from workbench.core.errors import ImportRefused

    with pytest.raises(ImportRefused, match="not well-formed"):
        import_qdpx(broken, tmp_path / "out.qwb")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.qdpx", "large.qdpx"]


@pytest.mark.parametrize("flush_every", [1, 7, 10**9])
def test_the_exported_xml_is_the_same_written_in_pieces(project_path, tmp_path, monkeypatch, flush_every):
    whole = tmp_path / "whole.qdpx"
    monkeypatch.setattr(qdpx_xml, "_FLUSH_PARTS", 10**9)
    export_qdpx(project_path, whole)
    monkeypatch.setattr(qdpx_xml, "_FLUSH_PARTS", flush_every)
    writes = []
    original_flush = qdpx_xml.XmlOut.flush

    def counting_flush(self):
        writes.append(len(self._parts))
        return original_flush(self)

    monkeypatch.setattr(qdpx_xml.XmlOut, "flush", counting_flush)
    pieces = tmp_path / "pieces.qdpx"
    export_qdpx(project_path, pieces)
    a, b = zipfile.ZipFile(whole), zipfile.ZipFile(pieces)
    assert a.namelist() == b.namelist() and a.namelist()[-1] == "project.qde"
    assert all(a.read(n) == b.read(n) for n in a.namelist())
    assert_valid(b.read("project.qde"))
    if flush_every == 1:
        assert len(writes) > 20  # written out as it went, not at the end


def test_a_link_to_a_coding_finds_the_first_coding_of_its_guid_even_one_stored_under_a_new_guid(tmp_path):
    """Memos find their codings by the GUIDs they need (no map of every coding): a GUID two codings share
    names the first, and a malformed one (stored under a fresh GUID) still names its coding."""
    from refi_helpers import qde

    user, code, dup = USERS[0], CODES[0], "dddddddd-0000-0000-0000-000000000001"
    text = "one two three four five"
    sel = ('<PlainTextSelection guid="{g}" startPosition="{a}" endPosition="{b}" creatingUser="' + user + '">'
           '<Coding guid="{c}"><CodeRef targetGUID="' + code + '"/></Coding></PlainTextSelection>')
    body = (f'<Users><User guid="{user}" name="Ann"/></Users>'
            f'<CodeBook><Codes><Code guid="{code}" name="c" isCodable="true"/></Codes></CodeBook>'
            f'<Sources><TextSource guid="{_guid(2, 1)}" name="t" plainTextPath="internal://t.txt">'
            + sel.format(g=_guid(3, 1), a=0, b=3, c=dup) + sel.format(g=_guid(3, 2), a=4, b=7, c=dup)
            + sel.format(g=_guid(3, 3), a=8, b=13, c="not-a-guid")
            + f'<NoteRef targetGUID="{_guid(5, 3)}"/></TextSource></Sources>'
            f'<Notes><Note guid="{_guid(5, 3)}" name="on the text"><PlainTextContent>text</PlainTextContent></Note>'

            f'<Note guid="{_guid(5, 1)}" name="on the first"><PlainTextContent>first</PlainTextContent></Note>'
            f'<Note guid="{_guid(5, 2)}" name="on the odd one"><PlainTextContent>odd</PlainTextContent></Note></Notes>'
            f'<Links><Link guid="{_guid(6, 1)}" originGUID="{_guid(5, 1)}" targetGUID="{dup}"/>'
            f'<Link guid="{_guid(6, 2)}" originGUID="{_guid(5, 2)}" targetGUID="not-a-guid"/></Links>')
    qdpx = make_zip(tmp_path / "links.qdpx", {"sources/t.txt": text.encode()}, qde(body))
    import_qdpx(qdpx, tmp_path / "links.qwb")
    con = sqlite3.connect(tmp_path / "links.qwb")
    try:
        memos = dict(con.execute('SELECT m.text, d.start || "-" || d."end" FROM memo m JOIN coding d '
                                 "ON d.id = m.coding_id"))
        guids = dict(con.execute('SELECT start, guid FROM coding'))
    finally:
        con.close()
    assert memos == {"first": "0-3", "odd": "8-13"}  # as the whole-tree importer attached them
    assert guids[0] == dup and guids[4] != dup and guids[8] != "not-a-guid"
