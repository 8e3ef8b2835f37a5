"""Issue 12, item 11: every code name the program accepts survives .txt and .csv codebook round trips.

Names are made through the codebook service (what the program accepts), exported through
the command line, imported into a new project and read back with plain SQL, so neither
side of the comparison is the code under test. The property version runs in tests/fuzz.
"""
from __future__ import annotations

import sqlite3

import pytest

from workbench.core.changes import Kind
from workbench.cli.main import main
from workbench.services.codebook import create_code, describe_code
from workbench.store.project import create_project

# Each a name the outline or the path syntax gave a meaning before: a comment, a colour,
# a description separator, an escape, a path separator, a trailing backslash.
TRICKY = ["#MeToo", "x [#ff0000]", "a | b", "|", "back\\", "\\#x", "a\\nb", "C:\\temp\\", "[#abc]",
          "a/b", "x\\/y", "name ]", "ünïcode 😀 עברית", "=1+1", "'quoted'", "\\", "\\\\", "a \\| b",
          "[#ff0000] first", "x [#zz]", "  spaced  out  "]


def stored_codebook(path) -> list[tuple[tuple[str, ...], str]]:
    """(names from the top down, description) of every code, read with plain sqlite."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT id, parent_id, name, description FROM code").fetchall()
    finally:
        con.close()
    by_id = {r[0]: r for r in rows}

    def parts(cid):
        out = []
        while cid is not None:
            out.append(by_id[cid][2])
            cid = by_id[cid][1]
        return tuple(reversed(out))

    return sorted((parts(r[0]), r[3]) for r in rows)


def build(path, names, descriptions=None) -> None:
    """Each name at the top, and each again as the child of the one before (a deep path)."""
    project = create_project(path, name="Round trip")
    try:
        parent = None
        for i, name in enumerate(names):
            top = create_code(project, name).created[Kind.CODE][0]
            child = create_code(project, name, parent).created[Kind.CODE][0] if parent else None
            parent = top
            if descriptions:
                describe_code(project, child or top, descriptions[i % len(descriptions)])
    finally:
        project.close()


def round_trip(tmp_path, capsys, suffix: str, source):
    out = tmp_path / f"codebook{suffix}"
    assert main(["codebook", str(source), "--export", str(out)]) == 0, capsys.readouterr().err
    fresh = tmp_path / f"fresh{suffix}.qwb"
    create_project(fresh).close()
    code = main(["codebook", str(fresh), "--import", str(out)])
    assert code == 0, capsys.readouterr().err
    return stored_codebook(fresh), out


@pytest.mark.parametrize("suffix", [".txt", ".csv"])
def test_tricky_names_survive_export_and_import(tmp_path, capsys, suffix):
    source = tmp_path / "source.qwb"
    build(source, TRICKY)
    before = stored_codebook(source)
    assert ("back\\", "\\#x") in [p for p, _ in before]  # a parent ending in a backslash
    after, _ = round_trip(tmp_path, capsys, suffix, source)
    assert [p for p, _ in after] == [p for p, _ in before]


def test_outline_keeps_multi_line_descriptions_and_bars(tmp_path, capsys):
    source = tmp_path / "source.qwb"
    descriptions = ["first line\nsecond | with a bar", "a literal \\n and a backslash at the end \\",
                    "# not a comment", "ends with [#00ff00]"]
    build(source, ["one", "two", "three", "four"], descriptions)
    before = stored_codebook(source)
    after, out = round_trip(tmp_path, capsys, ".txt", source)
    assert after == before
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(before)  # one code a line


def test_hand_written_outline_reads_as_it_looks(tmp_path, capsys):
    outline = tmp_path / "hand.txt"
    outline.write_text("# a comment\nC:\\data | kept \\ as typed\n\tindented by a tab | x\tand a tab\n"
                       "coloured [#AABBCC] | a desc\n", encoding="utf-8")
    project = tmp_path / "p.qwb"
    create_project(project).close()
    assert main(["codebook", str(project), "--import", str(outline)]) == 0, capsys.readouterr().err
    assert stored_codebook(project) == [(("C:\\data",), "kept \\ as typed"),
                                        (("C:\\data", "indented by a tab"), "x\tand a tab"),
                                        (("coloured",), "a desc")]
