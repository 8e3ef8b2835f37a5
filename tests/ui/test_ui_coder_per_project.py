"""Who is coding is chosen per project (issue 9, finding 5): a hand-out copy codes as the person it
was made for, nothing behind the user's back changes it, and a shared computer asks when a project
several people coded there opens."""
from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt, QTimer
from ui_helpers import code_id, codings_in, select_phrase, source_id

from workbench.ui import settings
from workbench.ui.dialogs.coder import CoderDialog


def project_name(path) -> str:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("SELECT name FROM project").fetchone()[0]
    finally:
        con.close()


def hand_out(qtbot, window, dest, name):
    window.team_actions.hand_out_to(name, str(dest))
    qtbot.waitUntil(lambda: window.team_actions.job is None, timeout=20000)
    assert dest.exists(), window.last_error


def code_purpose(window):
    window.open_source(source_id(window, "policy.txt"))
    select_phrase(window, "1. Purpose")
    assert window.coding_actions.code_selection(code_id(window, "autonomy"))


def open_main_window(qtbot):
    from workbench.ui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    return w


def test_a_hand_out_copy_codes_as_the_person_it_was_made_for(qtbot, project_path, tmp_path):
    settings.set_coder_name("Naledi")  # the person at this computer, who makes the copy
    w = open_main_window(qtbot)
    assert w.open_project(project_path)
    copy = tmp_path / "small - Sipho.qwb"
    hand_out(qtbot, w, copy, "Sipho")
    assert project_name(copy) == "Small study (Sipho)"  # the copy is named for its person
    assert project_name(project_path) == "Small study"
    assert w.open_project(copy)
    assert w.ctx.coder_name == "Sipho"
    assert w.status_coder.text() == "Coder: Sipho"
    assert "Small study (Sipho)" in w.windowTitle()
    code_purpose(w)
    assert ("autonomy", "Sipho") in {r[:2] for r in codings_in(copy, "policy.txt")}
    assert ("autonomy", "Naledi") not in {r[:2] for r in codings_in(copy, "policy.txt")}
    w.close_project()


def test_a_merge_or_another_project_never_changes_who_is_coding(qtbot, project_path, tmp_path):
    settings.set_coder_name("Naledi")
    w = open_main_window(qtbot)
    assert w.open_project(project_path)
    code_purpose(w)  # Naledi codes the original
    copy = tmp_path / "for-sipho.qwb"
    hand_out(qtbot, w, copy, "Sipho")
    # On the same computer the copy is opened, and its person chosen by hand: the computer's last
    # name becomes Sipho, which must not leak into the original.
    assert w.open_project(copy)
    QTimer.singleShot(0, lambda: (w.findChild(CoderDialog, "coderDialog").field.setCurrentText("Sipho"),
                                  w.findChild(CoderDialog, "coderDialog").accept()))
    w.coder_action.trigger()
    select_phrase(w, "2. Approval")
    assert w.coding_actions.code_selection(code_id(w, "provincial constraint"))
    assert settings.coder_name() == "Sipho"
    assert w.open_project(project_path)
    assert w.ctx.coder_name == "Naledi" and w.status_coder.text() == "Coder: Naledi"
    # Merging Sipho's copy: the coder stays Naledi.
    w.team_actions.merge.trigger()
    dialog = w.team_actions.dialog
    dialog.files.addItem(str(copy))
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.apply_button.isEnabled, timeout=20000)
    with qtbot.waitSignal(dialog.merged, timeout=20000):
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert w.ctx.coder_name == "Naledi" and w.status_coder.text() == "Coder: Naledi"
    assert ("provincial constraint", "Sipho") in {r[:2] for r in codings_in(project_path, "policy.txt")}
    select_phrase(w, "The City pursues")
    assert w.coding_actions.code_selection(code_id(w, "development outcome"))
    assert ("development outcome", "Naledi") in {r[:2] for r in codings_in(project_path, "policy.txt")}
    dialog.close()
    w.close_project()


def test_a_shared_computer_asks_who_is_coding_when_the_project_opens(qtbot, project_path):
    settings.set_coder_name("Lerato")
    w = open_main_window(qtbot)
    assert w.open_project(project_path)
    code_purpose(w)
    w.ctx.set_coder("Themba")  # a second person codes the project on this computer
    select_phrase(w, "2. Approval")
    assert w.coding_actions.code_selection(code_id(w, "autonomy"))
    w.close_project()
    seen = []

    def answer():
        dlg = w.findChild(CoderDialog, "coderDialog")
        seen.append([dlg.field.itemText(i) for i in range(dlg.field.count())])
        dlg.field.setCurrentText("Lerato")
        dlg.accept()

    QTimer.singleShot(0, answer)
    assert w.open_project(project_path)
    assert seen and {"Lerato", "Themba"} <= set(seen[0])
    assert w.ctx.coder_name == "Lerato" and w.status_coder.text() == "Coder: Lerato"
    w.close_project()
    # One person only on this computer: no question.
    settings.settings().remove(f"coders_here/{w_guid(project_path)}")
    settings.add_coder_here(w_guid(project_path), "Lerato")
    assert w.open_project(project_path)
    assert w.ctx.coder_name == "Lerato"
    w.close_project()


def w_guid(path) -> str:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("SELECT guid FROM project").fetchone()[0]
    finally:
        con.close()
