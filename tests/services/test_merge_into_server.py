"""A copy merges back into its project on either engine, and the result is the copy's content.

The merge engine parks names while it moves them between rows (unique name indexes hold after
every statement); a placeholder PostgreSQL's text cannot hold (NUL) made every merge into a server
project that renamed or created a named thing fail. Here Thandi takes a file copy of the project
(a file on SQLite, a checkout of the server project on PostgreSQL), makes each edit of
test_merge_directions in it, and the copy is merged back: the project then shows what her copy
shows, with no conflicts, duplicates or orphaned names.
"""
from __future__ import annotations

import pytest

from merge_support import content
from test_merge_directions import EDITS, _prepare
from workbench.services.handout import hand_out
from workbench.services.merge import apply_merge, plan_merge
from workbench.services.merge_write import PARKED
import store_read
from workbench.store.project import open_project

# Edits that park names (renames, moves, new named rows) and a few that do not.
WHICH = ["rename a code", "move a code under another", "merge codes", "new code and coding", "rename a case",
         "new attribute with a value", "delete a code", "edit a memo", "link a passage", "unlink a passage",
         "new folder with a source", "rename a folder", "delete a folder", "take a source out of a folder"]


@pytest.mark.parametrize("edit", WHICH)
def test_a_copy_merges_back_into_its_project_on_either_engine(project_location, tmp_path, edit):
    copy = tmp_path / "thandi.qwb"
    with open_project(project_location) as p:
        _prepare(p)
        hand_out(p, copy, "Thandi")
    with open_project(copy) as p:
        EDITS[edit](p)
    wanted = content(copy)
    assert wanted != content(project_location), "the edit changed nothing; the test would prove nothing"
    with open_project(project_location) as p:
        plan = plan_merge(p, [copy])
        try:
            report = apply_merge(p, plan, backup=False)
        finally:
            plan.close()
    assert report.body["conflicts"] == []
    assert content(project_location) == wanted
    for table in ("code", "case_", "attribute", "source", "source_folder", "coder", "saved_query"):
        parked = store_read.rows(project_location, f"SELECT name FROM {table} WHERE name LIKE :p",
                                 p=PARKED + "%")
        assert parked == [], f"{table} keeps a parked name"


def test_a_merge_of_copies_with_long_file_names_keeps_a_title_the_column_holds(project_location, tmp_path):
    # Three copies with 204-character file names: "Merged a, b, c" is longer than the
    # report title's 500 characters, which PostgreSQL enforces and SQLite does not.
    copies = []
    with open_project(project_location) as p:
        for who in ("Thandi", "Pieter", "Sipho"):
            copies.append(tmp_path / (who + "x" * (200 - len(who)) + ".qwb"))
            hand_out(p, copies[-1], who)
    with open_project(project_location) as p:
        plan = plan_merge(p, copies)
        try:
            apply_merge(p, plan, backup=False)
        finally:
            plan.close()
    (title,), = store_read.rows(project_location, "SELECT title FROM report WHERE kind = 'merge'")
    assert len(title) == 500 and title.startswith("Merged Thandi") and title.endswith("…")
