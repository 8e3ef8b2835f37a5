"""Review findings: the memo pane must never write to a memo other than the one it names."""
from __future__ import annotations

import sqlite3

from ui_helpers import source_id


def all_memos(project_path):
    con = sqlite3.connect(f"file:{project_path}?mode=ro", uri=True)
    try:
        return sorted(con.execute("SELECT guid, source_id, code_id, case_id, coding_id, text FROM memo").fetchall())
    finally:
        con.close()


def test_typing_a_memo_on_a_removed_coding_touches_no_other_memo(window, project_path, qtbot):
    window.memos.show_project()
    window.memo_pane.editor.setPlainText("the project memo")
    window.memo_pane.flush()
    window.open_source(source_id(window, "interview_jhb.txt"))
    cid = next(iter(window.document_view.layer.spans))
    window.edit_coding_memo(cid)
    assert window.coding_actions.remove_coding(cid)
    before = all_memos(project_path)
    assert any(m[5] == "the project memo" for m in before)
    editor = window.memo_pane.editor
    assert not editor.isEnabled()  # the pane no longer offers to write on a coding that is gone
    editor.setEnabled(True)  # and even if something typed there, no other memo (the project's) is overwritten
    qtbot.keyClicks(editor, "lost words")
    window.memo_pane.flush()
    assert all_memos(project_path) == before


def test_set_memo_step_refuses_a_target_that_is_gone(window, project_path):
    import pytest

    from workbench.core.errors import ValidationError
    from workbench.ui.commands.memos import SetMemo

    before = all_memos(project_path)
    step = SetMemo("coding", lambda p: None, "text", None, key=("coding", "no-such-guid"))
    with pytest.raises(ValidationError):
        step.do(window.ctx.project)
    assert all_memos(project_path) == before


def test_no_project_actions_are_off_until_a_project_opens(qtbot, project_path, coder_name):
    from PySide6.QtGui import QAction

    from workbench.ui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    names = ["codeWithPicker", "inVivo", "removeCoding", "quickCode1", "nextCoding", "newCode", "renameCode",
             "deleteCode", "mergeCodes", "importCodebook", "newCase", "importCases", "undo", "redo", "find",
             "projectMemo", "changeCoder"]

    def enabled():
        return {n: w.findChild(QAction, n).isEnabled() for n in names}

    assert not any(enabled().values()), enabled()
    dock_toggles = [d.toggleViewAction() for d in w.docks.values()]
    assert not any(a.isEnabled() for a in dock_toggles)  # a panel shown over the start screen is empty
    assert w.open_project(project_path)
    on = enabled()
    assert all(v for n, v in on.items() if n not in ("undo", "redo")), on
    assert all(a.isEnabled() for a in dock_toggles)
    w.close_project()
    assert not any(enabled().values()), enabled()


def test_undoing_a_removal_brings_back_the_same_memo_guid_author_and_dates(window, project_path, qtbot):
    window.open_source(source_id(window, "interview_jhb.txt"))
    cid = next(iter(window.document_view.layer.spans))
    window.edit_coding_memo(cid)
    qtbot.keyClicks(window.memo_pane.editor, "a memo with an identity")
    window.memo_pane.flush()

    def memo_row():
        con = sqlite3.connect(f"file:{project_path}?mode=ro", uri=True)
        try:
            return con.execute("SELECT m.guid, m.author_id, m.created_at, m.updated_at, m.text, g.guid FROM memo m "
                               "JOIN coding g ON g.id = m.coding_id WHERE m.text = 'a memo with an identity'").fetchall()
        finally:
            con.close()

    before = memo_row()
    assert len(before) == 1
    assert window.coding_actions.remove_coding(cid)
    assert memo_row() == []
    window.undo()
    assert memo_row() == before  # merging with a colleague's copy must see the same memo, not a new one
    window.redo()
    window.undo()
    assert memo_row() == before


def test_clearing_a_memo_then_undoing_keeps_its_identity_and_leaves_no_tombstone(window, project_path):
    """A cleared memo that comes back by undo is the same memo (same GUID), so a merge does not
    read the undo as 'deleted here, and a new memo made'."""
    from workbench.ui.commands.memos import SetMemo

    code_id = next(r.id for r in window.code_model.rows() if r.path == "autonomy")
    project = window.ctx.project
    SetMemo("code", lambda p: code_id, "acting alone", None, key=("code", code_id)).do(project)
    (guid,) = [m[0] for m in all_memos(project_path) if m[2] == code_id]
    clear = SetMemo("code", lambda p: code_id, "", None, key=("code", code_id))
    clear.do(project)
    assert [m for m in all_memos(project_path) if m[2] == code_id] == []
    clear.undo(project)
    assert [(m[0], m[5]) for m in all_memos(project_path) if m[2] == code_id] == [(guid, "acting alone")]
    con = sqlite3.connect(f"file:{project_path}?mode=ro", uri=True)
    assert con.execute("SELECT count(*) FROM tombstone WHERE guid=?", (guid,)).fetchone()[0] == 0
    con.close()
    clear.redo(project)
    clear.undo(project)
    assert [m[0] for m in all_memos(project_path) if m[2] == code_id] == [guid]
