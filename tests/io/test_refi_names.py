"""Whatever code name the codebook accepts comes back unchanged through QDC and QDPX, or the export is
refused with a message; characters XML 1.0 cannot hold are reported wherever they are left out."""
from __future__ import annotations

import sqlite3
import zipfile

import pytest
from refi_helpers import assert_valid

from workbench.cli.main import main
from workbench.io.refi.qdpx_export import export_qdpx
from workbench.io.refi.qdpx_import import import_qdpx
from workbench.services.codebook import create_code, describe_code
from workbench.store.models import Memo
from workbench.store.project import create_project, open_project

# Names users type or paste, each with the trap it sets.
NAMES = [
    'say "no"', "it's <&> &amp;", "100% sure", "%s %(x)s",
    "\u05d0\u200f\u05d1 mark", "\u202eoverride", "zero\u200bwidth", "join\u200d\u200cers", "bom\ufeffinside",
    "a/b", "trailing backslash\\", "😀 joy", "👩🏽‍🔬 scientist", "e\u0301 combining", "nbsp-free\u00ad soft hyphen",
    "next\x85line",  # U+0085 is whitespace to Python: the codebook makes it a space when the code is created
]


def tree_of(path) -> list[tuple[str, ...]]:
    """Every code as the tuple of names from the root, read with SQL (names never joined into a path)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = {i: (p, n) for i, p, n in con.execute("SELECT id, parent_id, name FROM code")}
    finally:
        con.close()

    def chain(i):
        parent, name = rows[i]
        return (name,) if parent is None else chain(parent) + (name,)

    return sorted(chain(i) for i in rows)


@pytest.fixture
def named(tmp_path):
    path = tmp_path / "names.qwb"
    p = create_project(path, coder="Ann")
    try:
        ids = {n: create_code(p, n).first_created for n in NAMES}
        create_code(p, "kid", ids["trailing backslash\\"])
        create_code(p, "b", create_code(p, "a").first_created)  # 'a' > 'b' beside a code named 'a/b'
        create_code(p, "inner/most 😀", ids["a/b"])
    finally:
        p.close()
    return path


def test_names_survive_qdc_export_import_and_reimport(named, tmp_path, capsys):
    before = tree_of(named)
    assert ("next line",) in before and len(before) == len(NAMES) + 4
    qdc = tmp_path / "names.qdc"
    assert main(["codebook", str(named), "--export", str(qdc)]) == 0
    assert_valid(qdc.read_bytes(), "Codebook")
    empty = tmp_path / "empty.qwb"
    create_project(empty).close()
    assert main(["codebook", str(empty), "--import", str(qdc)]) == 0
    assert tree_of(empty) == before
    # Into the project it came from: every code is found again, nothing made twice.
    assert main(["codebook", str(named), "--import", str(qdc)]) == 0
    assert "0 codes created, 0 updated" in capsys.readouterr().out
    assert tree_of(named) == before


def test_names_survive_a_qdpx_round_trip(named, tmp_path):
    qdpx = tmp_path / "names.qdpx"
    export_qdpx(named, qdpx)
    assert_valid(zipfile.ZipFile(qdpx).read("project.qde"))
    back = tmp_path / "back.qwb"
    rep = import_qdpx(qdpx, back)
    assert rep.warnings == [] and rep.skipped == []
    assert tree_of(back) == tree_of(named)


@pytest.mark.parametrize("bad,char", [("bell\x07", "U+0007"), ("esc\x1b[0m", "U+001B"), ("\ufffe", "U+FFFE")])
def test_a_code_name_xml_cannot_hold_refuses_both_exports(named, tmp_path, capsys, bad, char):
    # However it got into the file (an older version, another tool, a script), the export must not
    # change it silently: written with SQL, whatever the codebook's own name rule says today.
    with open_project(named) as p:
        create_code(p, "placeholder", None)
    con = sqlite3.connect(named)
    with con:
        con.execute("UPDATE code SET name = ? WHERE name = 'placeholder'", (bad,))
    con.close()
    assert (bad,) in tree_of(named)
    for out, args in ((tmp_path / "x.qdc", ["codebook", str(named), "--export"]),
                      (tmp_path / "x.qdpx", ["qdpx", "export", str(named), "-o"])):
        assert main([*args, str(out)]) == 1
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and str(out) in err, err
        assert char in err and "rename" in err
        assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("names.qwb")] == []  # no temporaries


def test_control_characters_left_out_of_texts_are_reported(named, tmp_path, capsys):
    with open_project(named) as p:
        describe_code(p, p_code(p, "100% sure"), "Line one\x0cpage two\x07")
        with p.transaction() as s:
            s.add(Memo(title="Plan", text="Plan\x0bwith a vertical tab"))
    qdpx, qdc = tmp_path / "t.qdpx", tmp_path / "t.qdc"
    assert main(["qdpx", "export", str(named), "-o", str(qdpx)]) == 0
    printed = capsys.readouterr().out
    assert "left out of 2 values" in printed
    assert "code '100% sure' description: U+0007, U+000C" in printed and "memo 'Plan' text: U+000B" in printed
    assert main(["codebook", str(named), "--export", str(qdc)]) == 0
    assert "code '100% sure' description: U+0007, U+000C" in capsys.readouterr().out
    assert_valid(zipfile.ZipFile(qdpx).read("project.qde"))


def p_code(p, name: str) -> int:
    from workbench.core.paths import join_path
    from workbench.services.lookup import code_by_path

    with p.reading() as s:
        return code_by_path(s, join_path([name]))
