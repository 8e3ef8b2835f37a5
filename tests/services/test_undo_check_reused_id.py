"""The window's undo check (services.versions.check_rows_left) knows a row by its GUID, not by its id.

A window made a case; someone else (the command line on the same file, a colleague on the
server) deleted it and made another. On a file the new case takes the deleted one's id (SQLite
hands out the largest id plus one again) at version 1, as the window's case had: by id and
version alone the check passed, and undoing "New case" deleted the colleague's case.
"""
from __future__ import annotations

import pytest
from sqlalchemy import text

from workbench.core.changes import Kind
from workbench.core.errors import ConflictError
from workbench.services import cases as cs
from workbench.services import codebook as cb
from workbench.services.versions import check_rows_left, rows_left


def test_a_case_deleted_and_another_made_under_its_id_refuses_the_undo(project, engine):
    made = cs.create_case(project, "Kisumu")
    left = rows_left(project, made)  # what the window keeps of its action
    (kisumu,) = made.ids("created", Kind.CASE)
    cs.delete_case(project, kisumu)  # someone else, then a case of their own
    (eldoret,) = cs.create_case(project, "Eldoret").ids("created", Kind.CASE)
    if engine == "sqlite":
        assert eldoret == kisumu  # the id handed out again, at the same version
        with project.reading() as s:
            assert s.execute(text("SELECT version FROM case_ WHERE id = :i"), {"i": eldoret}).scalar() == 1
    with pytest.raises(ConflictError, match="^the case 'Kisumu' was deleted"):
        check_rows_left(project, left)


def test_a_code_deleted_and_another_made_under_its_id_refuses_the_undo(project, engine):
    made = cb.create_code(project, "fresh")
    left = rows_left(project, made)
    (fresh,) = made.ids("created", Kind.CODE)
    cb.delete_code(project, fresh, deleted_by="bob")
    (other,) = cb.create_code(project, "other").ids("created", Kind.CODE)
    assert engine != "sqlite" or other == fresh
    with pytest.raises(ConflictError, match="^the code 'fresh' was deleted by bob"):
        check_rows_left(project, left)


def test_a_row_still_there_at_its_version_passes(project):
    made = cs.create_case(project, "Kisumu")
    check_rows_left(project, rows_left(project, made))  # nobody interfered: no error
