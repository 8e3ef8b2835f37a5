"""Undo undoes only this window's own actions, and not over someone else's later change (issue 14).

A window on a team project on the test cluster, and a second client (its own Project, as
another program would be) changing or deleting what the window's last command touched. The
window's undo is then refused with a message naming what happened, the project is as the
second client left it, and the stack's index stays; undo that nobody interfered with still works.
"""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import text

from store_read import rows
from workbench.services import codebook as cb
from workbench.services import coding as coding_service
from workbench.store.project import open_project
from workbench.store.team import mark_team

pytestmark = pytest.mark.server_only


@pytest.fixture
def team_window(qtbot, project_location, coder_name, monkeypatch):
    """(window, other): the main window on the small project made a team project, and a second client."""
    import workbench.store.project as store_project
    from workbench.ui.main_window import MainWindow

    with open_project(project_location) as p, p.engine.begin() as conn:
        mark_team(conn, conn.execute(text("SELECT current_schema()")).scalar())
    real = store_project.open_project
    from workbench.ui import settings

    monkeypatch.setattr(settings, "remember_project", lambda *a, **k: None)  # recent files are paths today
    # The window opens the project by its URL (File -> Open of a server location is another helper's).
    monkeypatch.setattr(store_project, "open_project", lambda _path, readonly=False: real(project_location,
                                                                                           readonly=readonly))
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    assert w.open_project("server-project")
    monkeypatch.setattr(store_project, "open_project", real)
    other = open_project(project_location)
    yield w, other
    other.close()
    w.close_project()


def _code(window, path):
    return next(r.id for r in window.code_model.rows() if r.path == path)


def _errors(window):
    errors = []
    window.ctx.error.connect(errors.append)
    return errors


def test_undo_of_a_rename_someone_else_changed_since_is_refused(team_window, project_location):
    window, other = team_window
    cid = _code(window, "autonomy")
    assert window.codebook_actions.rename_code(cid, "self-rule")
    stack = window.ctx.undo_stack
    assert stack.index() == 1
    cb.rename_code(other, cid, "fiscal autonomy")  # the second client, after the window's rename
    errors = _errors(window)
    window.undo()
    assert stack.index() == 1  # still there, nothing undone
    assert rows(project_location, "SELECT name FROM code WHERE id = :i", i=cid) == [("fiscal autonomy",)]
    assert errors == ["Could not undo “Rename code to “self-rule””: the code 'self-rule' was changed by someone "
                      "else since (it is now 'fiscal autonomy'). Nothing was changed."]


def test_undo_of_a_new_code_someone_else_deleted_since_is_refused_naming_them(team_window, project_location):
    window, other = team_window
    assert window.codebook_actions.create("fresh", None) is not False
    cid = _code(window, "fresh")
    cb.delete_code(other, cid, deleted_by="bob")
    errors = _errors(window)
    index = window.ctx.undo_stack.index()
    window.undo()
    assert window.ctx.undo_stack.index() == index
    assert len(errors) == 1 and "the code 'fresh' was deleted by bob since. Nothing was changed." in errors[0]


def test_undo_of_a_coding_someone_else_merged_away_is_refused(team_window, project_location):
    window, other = team_window
    from ui_helpers import source_id
    from workbench.ui.commands.base import StepCommand
    from workbench.ui.commands.coding import ApplyCodings, new_codings

    ctx = window.ctx
    gone = _code(window, "autonomy/own funding")
    cmd = StepCommand(ctx, "Code a passage", [ApplyCodings(new_codings(source_id(window, "policy.txt"), gone,
                                                                       ctx.ensure_coder(), 0, 10), "Thandi")])
    assert ctx.execute(cmd)
    cb.merge_codes(other, [gone], _code(window, "autonomy"), deleted_by="bob")
    errors = _errors(window)
    window.undo()
    assert ctx.undo_stack.index() == 1
    assert rows(project_location, "SELECT count(*) FROM coding WHERE start = 0 AND \"end\" = 10") == [(1,)]
    assert len(errors) == 1 and "a coding was changed by someone else since" in errors[0]


def test_undo_and_redo_nobody_interfered_with_still_work(team_window, project_location):
    window, other = team_window
    cid = _code(window, "autonomy")
    assert window.codebook_actions.rename_code(cid, "self-rule")
    assert window.codebook_actions.recolor_code(cid, "#123456")
    # The second client works elsewhere in the codebook meanwhile: that does not stand in the way.
    cb.rename_code(other, _code(window, "provincial constraint"), "province")
    coding_service.remove_codings(other, [rows(project_location, "SELECT min(id) FROM coding")[0][0]])
    stack = window.ctx.undo_stack
    window.undo()
    window.undo()
    assert stack.index() == 0
    assert rows(project_location, "SELECT name, color FROM code WHERE id = :i", i=cid)[0][0] == "autonomy"
    window.redo()
    assert stack.index() == 1
    assert rows(project_location, "SELECT name FROM code WHERE id = :i", i=cid) == [("self-rule",)]


def test_a_rename_from_what_the_window_showed_is_refused_when_someone_changed_it(team_window, project_location):
    window, other = team_window
    cid = _code(window, "autonomy")
    cb.recolor_code(other, cid, "#123456")  # the window's codebook still shows the code as it was
    errors = _errors(window)
    assert not window.codebook_actions.rename_code(cid, "self-rule")
    assert window.ctx.undo_stack.count() == 0  # nothing pushed
    assert rows(project_location, "SELECT name, color FROM code WHERE id = :i", i=cid) == [("autonomy", "#123456")]
    assert len(errors) == 1 and ("this code was changed by someone else meanwhile (it is now 'autonomy'); "
                                 "your rename was not made") in errors[0]


def test_a_memo_saved_over_someone_elses_newer_save_is_refused_and_the_typing_kept(team_window, project_location,
                                                                                    qtbot):
    from workbench.services import memos

    window, other = team_window
    cid = _code(window, "autonomy")
    window.memos.show_code(cid)  # the pane loads the code's memo: none yet
    memos.set_memo(other, "code", cid, "bob's memo")  # the second client writes it first
    errors = _errors(window)
    qtbot.keyClicks(window.memo_pane.editor, "alice's memo")
    window.memo_pane.flush()
    assert rows(project_location, "SELECT text FROM memo WHERE code_id = :i", i=cid) == [("bob's memo",)]
    assert window.memo_pane.editor.toPlainText() == "alice's memo" and window.memo_pane.pending()
    assert len(errors) == 1 and "the memo on this code was written by someone else meanwhile" in errors[0]


def _answer_after(monkeypatch, meanwhile, answer: str):
    """The rename dialog, answered with `answer` after `meanwhile` ran while it stood open."""
    import workbench.ui.case_actions as case_actions

    def ask(parent, title, label, done, text=""):
        meanwhile()
        return done(answer)

    monkeypatch.setattr(case_actions, "ask_name", ask)


def test_a_case_renamed_by_someone_else_while_the_dialog_was_open_is_not_overwritten(team_window, project_location,
                                                                                     monkeypatch):
    from workbench.services import cases as cs

    window, other = team_window
    cid = rows(project_location, "SELECT id FROM case_ WHERE name = 'Johannesburg'")[0][0]
    monkeypatch.setattr(window.case_actions, "current_case", lambda quiet=False: cid)
    _answer_after(monkeypatch, lambda: cs.rename_case(other, cid, "City of Johannesburg"), "Joburg")
    errors = _errors(window)
    index = window.ctx.undo_stack.index()
    window.case_actions.rename_case_dialog()
    assert rows(project_location, "SELECT name FROM case_ WHERE id = :i", i=cid) == [("City of Johannesburg",)]
    assert len(errors) == 1 and "changed by someone else meanwhile" in errors[0] and "not made" in errors[0]
    assert window.ctx.undo_stack.index() == index  # nothing on the stack to undo
    # With nobody in between, the same dialog renames, and undo and redo work over its own version.
    _answer_after(monkeypatch, lambda: None, "Joburg")
    window.case_actions.rename_case_dialog()
    assert rows(project_location, "SELECT name FROM case_ WHERE id = :i", i=cid) == [("Joburg",)]
    window.undo()
    assert rows(project_location, "SELECT name FROM case_ WHERE id = :i", i=cid) == [("City of Johannesburg",)]
    window.redo()
    assert rows(project_location, "SELECT name FROM case_ WHERE id = :i", i=cid) == [("Joburg",)]


def test_an_attribute_renamed_by_someone_else_while_the_dialog_was_open_is_not_overwritten(team_window,
                                                                                          project_location,
                                                                                          monkeypatch):
    from workbench.services import cases as cs

    window, other = team_window
    aid = rows(project_location, "SELECT id FROM attribute WHERE name = 'region'")[0][0]
    _answer_after(monkeypatch, lambda: cs.rename_attribute(other, aid, "world region"), "area")
    errors = _errors(window)
    window.case_actions.rename_attribute_dialog(aid)
    assert rows(project_location, "SELECT name FROM attribute WHERE id = :i", i=aid) == [("world region",)]
    assert len(errors) == 1 and "changed by someone else meanwhile" in errors[0]


def _cell(panel, case_name, column_name):
    """The source-model index of a case's cell in the Cases panel's table."""
    m = panel.model
    row = next(i for i, c in enumerate(m.cases) if c.name == case_name)
    col = next(c for c in range(m.columnCount()) if m.headerData(c, Qt.Orientation.Horizontal) == column_name)
    return m.index(row, col)


def _type(panel, index, text):
    """What the table's editor does when Enter is pressed (setData), and the queued edit made."""
    assert panel.model.setData(index, text)
    QApplication.processEvents()


def test_cells_of_the_cases_table_edited_over_a_colleagues_change_are_refused(team_window, project_location):
    """The table passes what each cell showed: a value, a description or a name a colleague
    changed after the table read it stays the colleague's, with one message, and nothing goes on
    the stack (docs/team.md); with nobody in between each edit is made."""
    from workbench.services import cases as cs

    window, other = team_window
    window.case_actions.open_panel.trigger()
    panel = window.case_actions.panel()
    cid = rows(project_location, "SELECT id FROM case_ WHERE name = 'Johannesburg'")[0][0]
    aid = rows(project_location, "SELECT id FROM attribute WHERE name = 'region'")[0][0]
    region, description = _cell(panel, "Johannesburg", "region"), _cell(panel, "Johannesburg", "Description")
    name = _cell(panel, "Johannesburg", "Case")
    assert panel.model.data(region) == "Africa"
    stack = window.ctx.undo_stack
    index = stack.index()
    # The colleague's three changes land after the table read the row, before the edits reach the
    # project: the table's edits are typed (setData) before the window's event loop can hear them.
    cs.set_attribute_value(other, cid, aid, "Southern Africa")
    cs.describe_case(other, cid, "Gauteng's metropolitan municipality")
    cs.rename_case(other, cid, "City of Johannesburg")
    errors = _errors(window)
    for cell, typed in ((region, "Sub-Saharan Africa"), (description, "The city"), (name, "Joburg")):
        assert panel.model.setData(cell, typed)
    QApplication.processEvents()  # the queued edits reach the project
    assert rows(project_location, "SELECT value FROM attribute_value WHERE case_id = :c AND attribute_id = :a",
                c=cid, a=aid) == [("Southern Africa",)]
    assert rows(project_location, "SELECT name, description FROM case_ WHERE id = :i", i=cid) == [
        ("City of Johannesburg", "Gauteng's metropolitan municipality")]
    assert len(errors) == 3, errors
    assert "'region' of the case 'City of Johannesburg' was changed by someone else meanwhile (it is now 'Southern Africa')" \
        in errors[0]
    assert all("changed by someone else meanwhile" in e and "not made" in e for e in errors)
    assert stack.index() == index
    # The table shows the colleague's work now; edits from it are made.
    panel.model.reload()
    _type(panel, _cell(panel, "City of Johannesburg", "region"), "Sub-Saharan Africa")
    _type(panel, _cell(panel, "City of Johannesburg", "Description"), "The city")
    assert rows(project_location, "SELECT value FROM attribute_value WHERE case_id = :c AND attribute_id = :a",
                c=cid, a=aid) == [("Sub-Saharan Africa",)]
    assert rows(project_location, "SELECT description FROM case_ WHERE id = :i", i=cid) == [("The city",)]
    assert stack.index() == index + 2


def test_undo_of_a_value_a_colleague_changed_since_is_refused_and_own_chains_undo(team_window, project_location):
    """Undo and redo of a value check that the cell still holds what this window left there; two
    edits of one cell by the window undo in turn; a colleague's later change is not undone."""
    from workbench.services import cases as cs

    window, other = team_window
    window.case_actions.open_panel.trigger()
    panel = window.case_actions.panel()
    cid = rows(project_location, "SELECT id FROM case_ WHERE name = 'Johannesburg'")[0][0]
    aid = rows(project_location, "SELECT id FROM attribute WHERE name = 'year_signed'")[0][0]

    def value():
        return rows(project_location, "SELECT value FROM attribute_value WHERE case_id = :c AND attribute_id = :a",
                    c=cid, a=aid)

    stack = window.ctx.undo_stack
    _type(panel, _cell(panel, "Johannesburg", "year_signed"), "2002")
    panel.model.reload()
    _type(panel, _cell(panel, "Johannesburg", "year_signed"), "")
    assert value() == []
    window.undo()
    assert value() == [("2002",)]
    window.undo()
    assert value() == [("2001",)]
    window.redo()
    assert value() == [("2002",)]
    index = stack.index()
    cs.set_attribute_value(other, cid, aid, "2004")  # the colleague, after the window's redo
    errors = _errors(window)
    window.undo()
    assert value() == [("2004",)] and stack.index() == index
    assert len(errors) == 1 and "it is now '2004'" in errors[0]
