"""What a reader and a coder get out of a team project is what its owner gets (issue 14, item 7).

Row-level security must hide nothing that a query, a report or an exchange file needs: the
Word report, the CSV of excerpts, the QDPX export, agreement, search and the matrix, run on
the command line as a reader (carol) and as a coder (alice), equal the same commands run by
the schema's owner (wb, whom no policy touches), byte for byte where the output holds no
time, and by content where it does.
"""
from __future__ import annotations

import json
import zipfile

import pytest
from test_roles_policies import team  # noqa: F401 - the fixture: the small project, members alice, bob, carol, dave

from workbench.cli.main import main


def _run(capsys, *args) -> str:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def _docx_text(path) -> list[str]:
    from docx import Document

    return [p.text for p in Document(str(path)).paragraphs]


def _qdpx_guids(path) -> tuple[set[str], int]:
    import re

    with zipfile.ZipFile(path) as z:
        xml = z.read("project.qde").decode("utf-8")
    return set(re.findall(r'guid="([0-9a-fA-F-]{36})"', xml)), xml.count("<Coding ")


@pytest.mark.parametrize("who", ["carol", "alice"])
def test_a_reader_and_a_coder_get_what_the_owner_gets(team, tmp_path, capsys, who):  # noqa: F811
    owner, member = team.url(), team.url(user=who)
    for what in (["query", "--json"], ["search", "city", "--json"], ["search", '"provincial sign-off"', "--json"],
                 ["agreement", "--coders", "Thandi", "Pieter", "--json"],
                 ["matrix", "--rows", "codes", "--cols", "cases", "--json"],
                 ["frequencies", "--json"], ["codes", "list", "--json"]):
        command, rest = what[0], what[1:]  # workbench COMMAND PROJECT ...
        ours = json.loads(_run(capsys, command, owner, *rest))
        theirs = json.loads(_run(capsys, command, member, *rest))
        assert theirs == ours, what
        assert ours, what  # something to compare: the small project has codings, hits and cells
    for suffix in ("docx", "csv"):
        mine, their = tmp_path / f"owner.{suffix}", tmp_path / f"{who}.{suffix}"
        _run(capsys, "export", owner, "-o", mine)
        _run(capsys, "export", member, "-o", their)
        if suffix == "docx":
            assert _docx_text(their) == _docx_text(mine) and len(_docx_text(mine)) > 8
        else:
            assert their.read_bytes() == mine.read_bytes()
    _run(capsys, "qdpx", "export", owner, "-o", tmp_path / "owner.qdpx")
    _run(capsys, "qdpx", "export", member, "-o", tmp_path / f"{who}.qdpx")
    ours, n = _qdpx_guids(tmp_path / "owner.qdpx")
    assert _qdpx_guids(tmp_path / f"{who}.qdpx") == (ours, n) and n == 8  # the small project's 8 codings
