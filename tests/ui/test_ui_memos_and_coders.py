"""Memo editing in the memo pane (kept as typed, undoable) and the coder prompt."""
from __future__ import annotations

import sqlite3

from PySide6.QtCore import QTimer
from ui_helpers import code_id, codings_in, select_phrase, source_id

from workbench.ui import settings
from workbench.ui.dialogs.coder import CoderDialog


def memos(project_path):
    con = sqlite3.connect(f"file:{project_path}?mode=ro", uri=True)
    try:
        return {(r[0], r[1], r[2]): r[3] for r in con.execute(
            "SELECT code_id, coding_id, source_id, text FROM memo")}
    finally:
        con.close()


def coding_memo(project_path, coding_id):
    return {k[1]: v for k, v in memos(project_path).items() if k[1] is not None}.get(coding_id)


def test_memo_on_a_coding_is_kept_as_typed_and_undoable(window, project_path, qtbot):
    window.open_source(source_id(window, "interview_jhb.txt"))
    cid = next(iter(window.document_view.layer.spans))
    window.edit_coding_memo(cid)
    editor = window.memo_pane.editor
    assert editor.isEnabled() and "coding" in window.memo_pane.title.text()
    qtbot.keyClicks(editor, "Strong claim")
    qtbot.waitUntil(lambda: coding_memo(project_path, cid) == "Strong claim")  # no Save button: it is written
    qtbot.keyClicks(editor, " of autonomy")
    window.memo_pane.flush()
    assert coding_memo(project_path, cid) == "Strong claim of autonomy"
    assert window.ctx.undo_stack.count() == 1  # typing in pauses merges into one edit
    assert "Strong claim of autonomy" in window.document_view.tooltip_for([window.document_view.layer.spans[cid]])
    window.undo()
    assert coding_memo(project_path, cid) is None
    assert editor.toPlainText() == ""
    window.redo()
    assert coding_memo(project_path, cid) == "Strong claim of autonomy"
    assert editor.toPlainText() == "Strong claim of autonomy"


def test_memo_of_a_coding_survives_uncode_and_undo(window, project_path, qtbot):
    window.open_source(source_id(window, "interview_jhb.txt"))
    cid = next(iter(window.document_view.layer.spans))
    window.edit_coding_memo(cid)
    qtbot.keyClicks(window.memo_pane.editor, "keep me")
    window.memo_pane.flush()
    assert window.coding_actions.remove_coding(cid)
    assert not any(v == "keep me" for v in memos(project_path).values())
    window.undo()  # the coding comes back with a new id and its memo
    assert list(memos(project_path).values()).count("keep me") == 1
    window.undo()  # then the memo edit is undone on the restored coding, found by its GUID
    assert "keep me" not in memos(project_path).values()
    window.redo()
    assert "keep me" in memos(project_path).values()


def test_code_memo_follows_the_code_selected(window, project_path, qtbot):
    cid = code_id(window, "provincial constraint")
    window.codebook_panel.select_code(cid)
    assert "provincial constraint" in window.memo_pane.title.text()
    qtbot.keyClicks(window.memo_pane.editor, "Approvals and sign-offs")
    window.codebook_panel.select_code(code_id(window, "autonomy"))  # switching target writes the pending edit
    assert memos(project_path)[(cid, None, None)] == "Approvals and sign-offs"
    assert window.memo_pane.editor.toPlainText() == ""


def test_first_coding_asks_the_coders_name(qtbot, project_path):
    """No name in the settings: the real dialog appears; the name is kept and recorded in the project."""
    from workbench.ui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    w.open_project(project_path)
    w.open_source(source_id(w, "policy.txt"))
    a, b = select_phrase(w, "Purpose")
    seen = []

    def answer():
        dlg = w.findChild(CoderDialog, "coderDialog")
        seen.append(dlg is not None and dlg.isVisible())
        dlg.field.setCurrentText("  Nomsa   Dube ")
        dlg.accept()

    QTimer.singleShot(0, answer)
    assert w.coding_actions.code_selection(code_id(w, "autonomy"))
    assert seen == [True]
    assert ("autonomy", "Nomsa Dube", a, b, "Purpose") in codings_in(project_path, "policy.txt")
    assert settings.coder_name() == "Nomsa Dube"
    assert "Nomsa Dube" in w.status_coder.text()
    # The next coding does not ask again.
    select_phrase(w, "Approval")
    assert w.coding_actions.code_selection(code_id(w, "autonomy"))
    assert ("autonomy", "Nomsa Dube") in {r[:2] for r in codings_in(project_path, "policy.txt")}
    w.close_project()


def test_declining_the_prompt_codes_nothing(qtbot, project_path, monkeypatch):
    from workbench.ui.main_window import MainWindow

    monkeypatch.setattr(CoderDialog, "ask", classmethod(lambda cls, *a, **k: None))
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    w.open_project(project_path)
    before = codings_in(project_path)
    select_phrase(w, "the")
    assert not w.coding_actions.code_selection(code_id(w, "autonomy"))
    assert codings_in(project_path) == before
    w.close_project()


def test_coder_filter_shows_only_one_coders_codings(window):
    window.open_source(source_id(window, "interview_jhb.txt"))
    combo = window.area.coder_filter
    assert {s.row.coder for s in window.document_view.layer.ordered()} == {"Thandi", "Pieter"}
    combo.setCurrentIndex(combo.findText("Pieter"))
    assert {s.row.coder for s in window.document_view.layer.ordered()} == {"Pieter"}
    assert window.coding_model.rowCount() == 2
    combo.setCurrentIndex(1)  # only mine (Thandi)
    assert {s.row.coder for s in window.document_view.layer.ordered()} == {"Thandi"}
    assert window.coding_model.rowCount() == 3
    combo.setCurrentIndex(0)
    assert window.coding_model.rowCount() == 5
