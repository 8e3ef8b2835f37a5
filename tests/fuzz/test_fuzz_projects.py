"""Fuzzing the project file: damaged pages, then a command. Every command answers in one line.

The small project is copied and bytes are overwritten at random places (page headers, cell
contents, the file header), as a bad copy or a failing disk leaves a file.
"""
from __future__ import annotations

import itertools
import shutil

from hypothesis import given
from hypothesis import strategies as st

from .harness import fuzz_settings, run_cli

COMMANDS = [
    ["info", "{p}", "--json"], ["query", "{p}", "--json"], ["query", "{p}", "--code", "autonomy", "--with-children",
                                                            "--json"],
    ["query", "{p}", "--expr", '"autonomy" OR "provincial constraint"', "--json"],
    ["matrix", "{p}", "--rows", "codes", "--cols", "attr:region", "--json"], ["cooccur", "{p}", "--json"],
    ["search", "{p}", "province*", "--json"], ["text", "{p}", "policy.txt"], ["export", "{p}", "-o", "{out}.docx"],
    ["export", "{p}", "-o", "{out}.csv"], ["codebook", "{p}", "--export", "{out}.txt"],
    ["agreement", "{p}", "--coders", "Thandi", "Pieter", "--json"],
    ["code", "{p}", "--source", "policy.txt", "--code", "new/code", "--start", "0", "--end", "5", "--create"],
    ["uncode", "{p}", "00000000-0000-0000-0000-000000000000"],
]
_serial = itertools.count()
damage = st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=64)), min_size=1, max_size=8)


@fuzz_settings(12)
@given(plan=damage, command=st.sampled_from(COMMANDS), header=st.booleans())
def test_commands_on_damaged_project_files(_small_template, tmp_path_factory, plan, command, header):
    folder = tmp_path_factory.mktemp("damaged")
    path = folder / f"damaged-{next(_serial)}.qwb"
    shutil.copy(_small_template, path)
    data = bytearray(path.read_bytes())
    for where, junk in plan:
        at = int(where * (len(data) - len(junk))) if not header else int(where * 100)
        data[at:at + len(junk)] = junk
    path.write_bytes(bytes(data))
    argv = [a.replace("{p}", str(path)).replace("{out}", str(folder / "out")) for a in command]
    outcome = run_cli(f"damaged project: {command[0]}", argv)
    assert outcome.category == "clean", str(outcome)
