"""The Team menu of the window: a copy for a team member, merging it back (with what it gained shown
in the window afterwards), and the agreement panel computing on the open project off the GUI thread."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox
from ui_helpers import codings_in, select_phrase, source_id

from workbench.core.changes import Kind
from workbench.services import coding
from workbench.services.lookup import code_by_path, coder_by_name, source_by_name
from workbench.store.project import open_project

ADDIS = "interview_addis.txt"
PHRASE = "Anything left undone?"


def hand_out_from_menu(qtbot, window, monkeypatch, dest, name="Pieter"):
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (name, True))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(dest), "Projects (*.qwb)"))
    window.team_actions.hand_out.trigger()
    qtbot.waitUntil(lambda: window.team_actions.job is None, timeout=20000)
    assert dest.exists(), window.last_error


def test_team_menu_and_file_menu_hold_the_actions(window):
    ta = window.team_actions
    acts = ta.menu.actions()
    assert acts[:3] == [ta.hand_out, ta.merge, ta.history] and acts[3].isSeparator() and acts[4] is ta.agreement
    file_menu = window.menuBar().actions()[0].menu()
    assert ta.merge in file_menu.actions() and ta.hand_out in file_menu.actions()
    window.close_project()
    assert not any(a.isEnabled() for a in ta.all)


def test_hand_out_then_merge_back_shows_the_new_coding(qtbot, window, project_path, tmp_path, monkeypatch):
    copy = tmp_path / "for-pieter.qwb"
    hand_out_from_menu(qtbot, window, monkeypatch, copy)
    box = window.findChild(QMessageBox, "handOutDone")
    assert box is not None and str(copy) in box.text()
    box.close()
    # Pieter codes a passage in his copy, on his own laptop.
    with open_project(copy) as p:
        with p.reading() as s:
            src, code, coder = source_by_name(s, ADDIS), code_by_path(s, "development outcome/unrealised objective"), \
                coder_by_name(s, "Pieter")
        from workbench.services.sources import source_text

        text_start = source_text(p, ADDIS).index(PHRASE)
        coding.apply_code(p, src, code, coder, text_start, text_start + len(PHRASE))
    # Something on the undo stack before the merge: the merge clears it.
    window.open_source(source_id(window, "policy.txt"))
    select_phrase(window, "1. Purpose")
    assert window.coding_actions.code_selection(next(r.id for r in window.code_model.rows() if r.path == "autonomy"))
    assert window.ctx.undo_stack.count() == 1
    window.open_source(source_id(window, ADDIS))  # open while the merge brings Pieter's coding in
    count_before = next(r.count for r in window.code_model.rows()
                        if r.path == "development outcome/unrealised objective")

    window.team_actions.merge.trigger()
    dialog = window.team_actions.dialog
    assert dialog is not None and dialog.isVisible() and "cannot be undone" in dialog.status.text()
    dialog.files.addItem(str(copy))
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.apply_button.isEnabled, timeout=20000)
    old_ctx = window.ctx
    seen = []
    window.ctx.changed.connect(seen.append)
    with qtbot.waitSignal(dialog.merged, timeout=20000):
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    # The project stays open; the window refreshed from the merge's Changes (issue 13, item 2).
    assert window.ctx is old_ctx and seen and seen[-1].touched(Kind.CODING)
    assert window.ctx.undo_stack.count() == 0
    assert "undo history was cleared" in window.statusBar().currentMessage()
    expected = ("development outcome/unrealised objective", "Pieter", text_start, text_start + len(PHRASE), PHRASE)
    assert expected in codings_in(project_path, ADDIS)
    # The open source and the codebook show it without being opened again.
    assert any((s.row.start, s.row.end) == expected[2:4] for s in window.document_view.layer.spans.values())
    assert next(r.count for r in window.code_model.rows()
                if r.path == "development outcome/unrealised objective") == count_before + 1
    dialog.close()


def test_agreement_panel_computes_on_the_open_project_off_the_gui_thread(qtbot, window):
    window.team_actions.agreement.trigger()
    panel = window.panel_docks.panel("agreementPanel")
    assert panel.project is window.ctx.project
    panel.coder_a.setCurrentText("Thandi")
    panel.coder_b.setCurrentText("Pieter")
    with qtbot.waitSignal(panel.computed, timeout=20000):
        qtbot.mouseClick(panel.compute_button, Qt.MouseButton.LeftButton)
        assert panel.table_data is None and panel.job is not None  # the click returned before the table came
    tree = panel.tree
    jhb = tree.topLevelItem(0).child(0)
    assert (tree.topLevelItem(0).text(0), jhb.text(0), jhb.text(1), jhb.text(2)) == (
        "autonomy", "interview_jhb.txt", "96.69", "0.806")
    before = tree.topLevelItem(0).text(1)
    # Thandi codes more of Pieter's autonomy passage: the table is out of date until Update.
    window.open_source(source_id(window, "interview_jhb.txt"))
    select_phrase(window, "We set our own agenda and fund")
    assert window.coding_actions.code_selection(next(r.id for r in window.code_model.rows() if r.path == "autonomy"))
    qtbot.waitUntil(lambda: window.panel_docks.is_stale("agreementPanel"))
    with qtbot.waitSignal(panel.computed, timeout=20000):
        qtbot.mouseClick(window.panel_docks.slots["agreementPanel"].frame.update_button, Qt.MouseButton.LeftButton)
    assert tree.topLevelItem(0).text(1) != before


def test_merge_history_lists_the_kept_report_and_exports_it(qtbot, window, project_path, tmp_path):
    import json
    import shutil

    from workbench.services.merge import apply_merge, plan_merge

    other = tmp_path / "other.qwb"
    shutil.copy(project_path, other)
    with open_project(other) as p:
        with p.reading() as s:
            src, code, coder = source_by_name(s, ADDIS), code_by_path(s, "autonomy"), coder_by_name(s, "Pieter")
        coding.apply_code(p, src, code, coder, 0, 5)
    plan = plan_merge(window.ctx.project, [str(other)])
    apply_merge(window.ctx.project, plan)

    dialog = window.team_actions.history_dialog()
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "reportHistory" and dialog.list.count() == 1
    text = dialog.text.toPlainText()
    assert "Merged other.qwb" in text and "coding: 1 new, 0 updated, 0 deleted" in text
    assert dialog.export_to(str(tmp_path / "report.txt"))
    assert (tmp_path / "report.txt").read_text(encoding="utf-8") == text
    assert dialog.export_to(str(tmp_path / "report.json"))
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert data["kind"] == "merge" and data["body"]["counts"]["coding"]["new"] == 1
    dialog.close()
