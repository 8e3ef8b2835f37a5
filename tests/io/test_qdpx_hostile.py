"""Hostile QDPX files, each built here: refused with one clear line and nothing written,
or (bad selections, dangling references) skipped, reported, and the rest imported."""
from __future__ import annotations

import sqlite3
import struct
import zipfile

import pytest
from refi_helpers import assert_valid, make_zip, qde, report_body, snapshot

from workbench.cli.main import main
from workbench.io.refi.qdpx_export import export_qdpx
from workbench.io.refi.safezip import Limits
from workbench.io.refi.qdpx_import import import_qdpx

GOOD_QDE = qde('<Users><User guid="11111111-1111-1111-1111-111111111111" name="Ann"/></Users>')


def refused(tmp_path, capsys, archive, *needles):
    """Run the CLI import; expect exit 1, one stderr line naming the file, and no file written."""
    out = tmp_path / "out" / "new.qwb"
    out.parent.mkdir()
    rc = main(["qdpx", "import", str(archive), "-o", str(out)])
    err = capsys.readouterr().err.strip()
    assert rc == 1
    assert len(err.splitlines()) == 1, err
    assert str(archive) in err
    for n in needles:
        assert n in err, err
    assert list(out.parent.iterdir()) == []
    return err


def test_zip_slip_entry_refused(tmp_path, capsys):
    a = make_zip(tmp_path / "slip.qdpx", {"sources/../../x.txt": b"boo"}, GOOD_QDE)
    refused(tmp_path, capsys, a, "climbs out", "../")


def test_absolute_entry_refused(tmp_path, capsys):
    a = make_zip(tmp_path / "abs.qdpx", {"/etc/cron.d/x": b"boo"}, GOOD_QDE)
    refused(tmp_path, capsys, a, "absolute path")


def test_windows_drive_entry_refused(tmp_path, capsys):
    a = make_zip(tmp_path / "drive.qdpx", {"C:\\Windows\\x.txt": b"boo"}, GOOD_QDE)
    refused(tmp_path, capsys, a, "absolute path")


def test_symlink_entry_refused(tmp_path, capsys):
    a = tmp_path / "link.qdpx"
    with zipfile.ZipFile(a, "w") as zf:
        zf.writestr("project.qde", GOOD_QDE)
        info = zipfile.ZipInfo("sources/passwd.txt")
        info.create_system = 3
        info.external_attr = (0o120777 << 16)  # a symbolic link
        zf.writestr(info, "/etc/passwd")
    refused(tmp_path, capsys, a, "symbolic link")


def test_zip_bomb_by_ratio_refused(tmp_path, capsys):
    a = make_zip(tmp_path / "bomb.qdpx", {"sources/zeros.txt": b"\0" * (3 << 20)}, GOOD_QDE)
    info = zipfile.ZipFile(a).getinfo("sources/zeros.txt")
    assert info.file_size / info.compress_size > 100  # the test file really is a bomb by ratio
    refused(tmp_path, capsys, a, "100:1", "zip bomb")


def test_total_size_over_limit_refused_with_small_limit(tmp_path):
    a = make_zip(tmp_path / "big.qdpx", {"sources/a.txt": b"x" * 3000, "sources/b.txt": b"y" * 3000}, GOOD_QDE)
    out = tmp_path / "new.qwb"
    with pytest.raises(Exception, match="expands to more than 5,000 bytes"):
        import_qdpx(a, out, limits=Limits(max_total=5000))
    assert not out.exists()


def test_total_size_declared_in_crafted_central_directory_refused(tmp_path, capsys):
    """An entry whose central directory claims 3.75 GiB: refused before reading a byte."""
    a = make_zip(tmp_path / "huge.qdpx", {"sources/a.txt": b"small"}, GOOD_QDE)
    data = bytearray(a.read_bytes())
    cd = data.index(b"PK\x01\x02", data.index(b"sources/a.txt") + 1)
    while cd != -1:
        name_len = struct.unpack_from("<H", data, cd + 28)[0]
        if bytes(data[cd + 46:cd + 46 + name_len]) == b"sources/a.txt":
            struct.pack_into("<I", data, cd + 24, 0xF0000000)  # uncompressed size
        cd = data.find(b"PK\x01\x02", cd + 4)
    a.write_bytes(bytes(data))
    assert zipfile.ZipFile(a).getinfo("sources/a.txt").file_size == 0xF0000000
    refused(tmp_path, capsys, a, "zip bomb")


def test_doctype_refused(tmp_path, capsys):
    x = GOOD_QDE.replace("<Project", "<!DOCTYPE Project>\n<Project", 1)
    a = make_zip(tmp_path / "dtd.qdpx", {}, x)
    refused(tmp_path, capsys, a, "DOCTYPE")


def test_entity_declaration_refused(tmp_path, capsys):
    x = GOOD_QDE.replace("<Project", '<!DOCTYPE Project [<!ENTITY who "Ann">]>\n<Project', 1)
    a = make_zip(tmp_path / "ent.qdpx", {}, x.replace('name="Ann"', 'name="&who;"'))
    refused(tmp_path, capsys, a, "declares entities")


def test_billion_laughs_refused(tmp_path, capsys):
    ents = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    x = (f'<?xml version="1.0"?>\n<!DOCTYPE Project [{ents}]>\n'
         f'<Project xmlns="urn:QDA-XML:project:1.0" name="&lol9;"/>')
    a = make_zip(tmp_path / "lol.qdpx", {}, x)
    refused(tmp_path, capsys, a, "declares entities")


def test_external_entity_refused(tmp_path, capsys):
    x = ('<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
         '<Project xmlns="urn:QDA-XML:project:1.0" name="&xxe;"/>')
    a = make_zip(tmp_path / "xxe.qdpx", {}, x)
    refused(tmp_path, capsys, a, "external resource")


def test_qde_not_xml_refused(tmp_path, capsys):
    a = make_zip(tmp_path / "junk.qdpx", {}, b"\x89PNG\r\n\x1a\nnot xml at all")
    refused(tmp_path, capsys, a, "XML is not well-formed")


def test_qde_of_another_root_refused(tmp_path, capsys):
    a = make_zip(tmp_path / "html.qdpx", {}, "<html><body/></html>")
    refused(tmp_path, capsys, a, "not a REFI-QDA project", "<html>")


def test_not_a_zip_and_no_qde_refused(tmp_path, capsys):
    a = tmp_path / "plain.qdpx"
    a.write_text("hello")
    refused(tmp_path, capsys, a, "not a zip archive")
    b = make_zip(tmp_path / "empty.qdpx", {"sources/a.txt": b"x"})
    (tmp_path / "out").rmdir()
    refused(tmp_path, capsys, b, "no .qde")


TEXT = "Alpha beta gamma.\nDelta epsilon.\n"
CODES = ('<CodeBook><Codes><Code guid="c0000000-0000-0000-0000-000000000001" name="greek" isCodable="true"/>'
         "</Codes></CodeBook>")
USERS = '<Users><User guid="11111111-1111-1111-1111-111111111111" name="Ann"/></Users>'


def _sel(guid: str, start: int, end: int, code: str, coding: str) -> str:
    return (f'<PlainTextSelection guid="{guid}" startPosition="{start}" endPosition="{end}">'
            f'<Coding guid="{coding}" creatingUser="11111111-1111-1111-1111-111111111111">'
            f'<CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>')


def test_selection_outside_text_and_dangling_refs_skipped_and_reported(tmp_path, capsys):
    good = "c0000000-0000-0000-0000-000000000001"
    missing = "deadbeef-0000-0000-0000-000000000000"
    body = (USERS + CODES +
            '<Variables><Variable guid="a0000000-0000-0000-0000-000000000001" name="role" typeOfVariable="Text"/>'
            "</Variables>"
            '<Cases><Case guid="ca000000-0000-0000-0000-000000000001" name="One">'
            f'<VariableValue><VariableRef targetGUID="{missing}"/><TextValue>x</TextValue></VariableValue>'
            '<VariableValue><VariableRef targetGUID="A0000000-0000-0000-0000-000000000001"/>'
            "<TextValue>mayor</TextValue></VariableValue>"
            f'<SourceRef targetGUID="{missing}"/><SourceRef targetGUID="{{5A000000-0000-0000-0000-000000000001}}"/>'
            "</Case></Cases>"
            '<Sources><TextSource guid="5a000000-0000-0000-0000-000000000001" name="t.txt" '
            'plainTextPath="internal://t.txt">'
            + _sel("e0000000-0000-0000-0000-000000000001", 0, 5, good.upper(), "c1000000-0000-0000-0000-000000000001")
            + _sel("e0000000-0000-0000-0000-000000000002", 6, 999, good, "c1000000-0000-0000-0000-000000000002")
            + _sel("e0000000-0000-0000-0000-000000000003", 6, 10, missing, "c1000000-0000-0000-0000-000000000003")
            + _sel("e0000000-0000-0000-0000-000000000004", 18, 23, "{" + good + "}",
                   "c1000000-0000-0000-0000-000000000004")
            + f'<NoteRef targetGUID="{missing}"/></TextSource></Sources>')
    a = make_zip(tmp_path / "dangling.qdpx", {"sources/t.txt": TEXT.encode()}, qde(body))
    out = tmp_path / "p.qwb"
    assert main(["qdpx", "import", str(a), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "run past the end of the text" in printed and missing in printed
    snap = snapshot(out)
    assert [(c[2], c[6]) for c in snap["codings"]] == [("greek", "Alpha"), ("greek", "Delta")]
    assert snap["cases"] == [("ca000000-0000-0000-0000-000000000001", "One", "", ("t.txt",))]
    assert snap["values"] == [("One", "role", "mayor")]
    body = report_body(out)
    reasons = " | ".join(d["reason"] for d in body["skipped"])
    assert "run past the end" in reasons
    assert f"code GUID {missing}" in reasons
    assert f"source GUID {missing}" in reasons
    assert f"variable GUID {missing}" in reasons
    assert "refers to a note that is not in the file" in reasons
    assert len(body["skipped"]) == 5
    assert body["imported"]["codings"] == 2


def test_dates_out_of_range_are_taken_as_unknown_and_reported(tmp_path, capsys):
    """One out-of-range date refused the whole archive; now it is unknown, reported, and the rest comes in."""
    good = "c0000000-0000-0000-0000-000000000001"
    body = (USERS + CODES +
            '<Sources><TextSource guid="5a000000-0000-0000-0000-000000000001" name="t.txt" '
            'plainTextPath="internal://t.txt" creationDateTime="9999-12-31T23:59:59-05:00" '
            'modifiedDateTime="2020-13-45T00:00:00Z">'
            '<PlainTextSelection guid="e0000000-0000-0000-0000-000000000001" startPosition="0" endPosition="5">'
            '<Coding guid="c1000000-0000-0000-0000-000000000001" creationDateTime="0001-01-01T00:00:00+01:00">'
            f'<CodeRef targetGUID="{good}"/></Coding></PlainTextSelection>'
            '<PlainTextSelection guid="e0000000-0000-0000-0000-000000000002" startPosition="18" endPosition="23">'
            '<Coding guid="c1000000-0000-0000-0000-000000000002" creationDateTime="0001-01-01T00:00:00Z">'
            f'<CodeRef targetGUID="{good}"/></Coding></PlainTextSelection></TextSource></Sources>')
    a = make_zip(tmp_path / "dates.qdpx", {"sources/t.txt": TEXT.encode()}, qde(body))
    out = tmp_path / "p.qwb"
    assert main(["qdpx", "import", str(a), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "3 dates" in printed and "9999-12-31T23:59:59-05:00" in printed and "2020-13-45" in printed
    con = sqlite3.connect(f"file:{out}?mode=ro", uri=True)
    try:
        dates = dict(con.execute("SELECT guid, created_at FROM coding"))
        imported_at, updated_at = con.execute("SELECT imported_at, updated_at FROM source").fetchone()
    finally:
        con.close()
    assert dates["c1000000-0000-0000-0000-000000000002"] == "0001-01-01T00:00:00.000000Z"  # year 1 is a year
    # Unknown: the import time stands in, in the stored form (sorts with the rest).
    for value in (dates["c1000000-0000-0000-0000-000000000001"], imported_at, updated_at):
        assert value[:2] == "20" and value.endswith("Z") and len(value) == len("2025-01-01T00:00:00.000000Z")
    assert any("3 dates" in w for w in report_body(out)["warnings"])
    # The project exports as valid REFI-QDA again, year 1 included.
    export_qdpx(out, tmp_path / "again.qdpx")
    xml = zipfile.ZipFile(tmp_path / "again.qdpx").read("project.qde")
    assert_valid(xml)
    assert b'creationDateTime="0001-01-01T00:00:00Z"' in xml
