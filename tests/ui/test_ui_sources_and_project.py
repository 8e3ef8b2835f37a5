"""Sources and the project itself in the window (issue 10, items 2-4): rename and delete with undo,
properties, folders, the project's name and description, read-only opening. Checked in the file."""
from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMessageBox, QPushButton
from ui_helpers import codings_in, source_id

from workbench.ui.dialogs.ask import NameDialog


def rows(path, sql, *args):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def select_source_row(window, name):
    tree, proxy = window.source_panel.tree, window.source_panel.proxy
    for r in range(proxy.rowCount()):
        group = proxy.index(r, 0)
        for k in range(proxy.rowCount(group)):
            if proxy.index(k, 0, group).data() == name:
                tree.setCurrentIndex(proxy.index(k, 0, group))
                tree.setFocus()
                return
    raise AssertionError(name)


def shown(window, cls, name):
    """The dialog on screen now (one closed a moment ago may wait to be deleted)."""
    found = [d for d in window.findChildren(cls, name) if d.isVisible()]
    assert len(found) == 1, found
    return found[0]


def answer_name(window, text):
    dlg = shown(window, NameDialog, "nameDialog")
    dlg.field.setText(text)
    dlg.accept()


def click_confirm(expect: str, seen: list):
    def click():
        box = QApplication.activeModalWidget()
        seen.append(box.text())
        assert expect in box.text(), box.text()
        box.findChild(QPushButton, "confirmYes").click()
    QTimer.singleShot(0, click)


def test_f2_renames_a_source_and_undo_renames_it_back(window, project_path, qtbot):
    select_source_row(window, "policy.txt")
    qtbot.keyClick(window.source_panel.tree, Qt.Key.Key_F2)
    answer_name(window, "Johannesburg IR policy.txt")
    assert rows(project_path, "SELECT count(*) FROM source WHERE name = 'Johannesburg IR policy.txt'") == [(1,)]
    select_source_row(window, "Johannesburg IR policy.txt")
    qtbot.keyClick(window.source_panel.tree, Qt.Key.Key_F2)
    answer_name(window, "INTERVIEW_JHB.TXT")  # equal to another source's name by the one name rule
    assert "already exists" in window.last_error and "interview_jhb.txt" in window.last_error
    window.undo()
    assert rows(project_path, "SELECT count(*) FROM source WHERE name = 'policy.txt'") == [(1,)]


def test_delete_key_deletes_a_source_saying_how_many_codings_go_and_undo_restores_it(window, project_path, qtbot):
    before = codings_in(project_path)
    guid, sid = rows(project_path, "SELECT guid, id FROM source WHERE name = 'interview_jhb.txt'")[0]
    coding_guids = {g for (g,) in rows(project_path, "SELECT guid FROM coding WHERE source_id = ?", sid)}
    assert len(coding_guids) == 5
    select_source_row(window, "interview_jhb.txt")
    seen = []
    click_confirm("Its 5 codings go with it", seen)
    qtbot.keyClick(window.source_panel.tree, Qt.Key.Key_Delete)
    assert seen
    assert rows(project_path, "SELECT count(*) FROM source WHERE id = ?", sid) == [(0,)]
    assert not [r for r in codings_in(project_path) if r in before and "Ms Dlamini" in r[4]]
    dead = {g for (g,) in rows(project_path, "SELECT guid FROM tombstone")}
    assert guid in dead and coding_guids <= dead
    assert "interview_jhb.txt" not in [window.source_model.source(i).name for i in window.source_model.source_ids()]
    window.undo()
    assert rows(project_path, "SELECT guid, id FROM source WHERE name = 'interview_jhb.txt'") == [(guid, sid)]
    assert sorted(codings_in(project_path)) == sorted(before)
    assert {g for (g,) in rows(project_path, "SELECT guid FROM coding WHERE source_id = ?", sid)} == coding_guids
    assert not (coding_guids | {guid}) & {g for (g,) in rows(project_path, "SELECT guid FROM tombstone")}
    assert sorted(rows(project_path, "SELECT c.name FROM case_source l JOIN case_ c ON c.id = l.case_id "
                                     "WHERE l.source_id = ?", sid)) == [("Johannesburg",)]


def test_source_properties_show_where_it_came_from_and_edit_folder_cases_and_memo(window, project_path, qtbot):
    from workbench.ui.dialogs.source_properties import SourcePropertiesDialog

    acts = window.source_actions
    acts.new_folder.trigger()
    answer_name(window, "Interviews")
    assert rows(project_path, "SELECT name FROM source_folder") == [("Interviews",)]
    acts.new_folder.trigger()
    answer_name(window, "interviews")  # the one name rule
    assert "already exists" in window.last_error
    sid = source_id(window, "interview_addis.txt")
    dialog = acts.properties_dialog(sid)
    assert isinstance(dialog, SourcePropertiesDialog)
    texts = {w.objectName(): w.text() for w in dialog.findChildren(QLabel) if w.objectName().startswith("sourceProp")}
    assert texts["sourcePropOriginalFile"] == "interview_addis.txt"
    assert texts["sourcePropEncodingDetected"] == "utf-8"
    assert "by Thandi" in texts["sourcePropImported"]
    # Four turns by two speakers, found at import (conftest's transcript).
    assert texts["sourcePropSpeakerTurnsFound"].startswith("4 turns") and "Mr Bekele" in texts[
        "sourcePropSpeakerTurnsFound"]
    assert texts["sourcePropCodings"] == "2 codings"
    dialog.folder.setCurrentIndex(dialog.folder.findText("Interviews"))
    for i in range(dialog.cases.count()):
        item = dialog.cases.item(i)
        item.setCheckState(Qt.CheckState.Checked)  # Addis Ababa (already) and Johannesburg
    dialog.memo.setPlainText("Recorded in Addis Ababa, 2019")
    dialog.accept()
    folder = rows(project_path, "SELECT id FROM source_folder WHERE name = 'Interviews'")[0][0]
    assert rows(project_path, "SELECT folder_id FROM source WHERE id = ?", sid) == [(folder,)]
    assert sorted(rows(project_path, "SELECT c.name FROM case_source l JOIN case_ c ON c.id = l.case_id "
                                     "WHERE l.source_id = ?", sid)) == [("Addis Ababa",), ("Johannesburg",)]
    assert rows(project_path, "SELECT text FROM memo WHERE source_id = ?", sid) == [("Recorded in Addis Ababa, 2019",)]
    # The source list, grouped by folder, shows it there; the query panel's folder ticks its sources.
    window.source_panel.set_grouping("folder")
    m = window.source_model
    groups = {m.index(r, 0).data(): m.rowCount(m.index(r, 0)) for r in range(m.rowCount())}
    assert groups == {"Interviews": 1, "Not in a folder": 2}
    window.analysis_actions.query.trigger()
    query = window.panel_docks.panel("queryPanel")
    query.folder.setCurrentIndex(query.folder.findText("Interviews"))
    query.folder.activated.emit(query.folder.currentIndex())
    assert query.filters().sources == ("interview_addis.txt",)
    assert query.run_query() and {query.model.data(query.model.index(r, 2)) for r in range(query.model.rowCount())} \
        == {"interview_addis.txt"}
    window.undo()  # the whole properties edit is one step
    assert rows(project_path, "SELECT folder_id FROM source WHERE id = ?", sid) == [(None,)]
    assert rows(project_path, "SELECT count(*) FROM case_source WHERE source_id = ?", sid) == [(1,)]
    assert rows(project_path, "SELECT count(*) FROM memo WHERE source_id = ?", sid) == [(0,)]


def test_new_project_asks_name_and_description_and_properties_edit_them(qtbot, tmp_path, monkeypatch, coder_name):
    from workbench.ui.dialogs.project_details import ProjectDetailsDialog
    from workbench.ui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    dest = tmp_path / "Tokyo and Cape Town.qwb"
    seen = []

    def save(parent, title, start, filter_):
        seen.append(start)
        return str(dest), filter_

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save)
    w.project_actions.new.trigger()
    dialog = shown(w, ProjectDetailsDialog, "projectDialog")
    dialog.accept()  # no name yet: refused, the dialog stays
    assert dialog.isVisible() and "needs a name" in dialog.problem.text()
    dialog.name_field.setText("  Cities  abroad ")
    dialog.description_field.setPlainText("Cape Town and Tokyo on the international stage")
    dialog.accept()
    assert seen and seen[0].endswith("Cities abroad.qwb")
    assert rows(dest, "SELECT name, description FROM project") == [
        ("Cities abroad", "Cape Town and Tokyo on the international stage")]
    assert w.windowTitle().startswith("Cities abroad")
    w.project_actions.properties.trigger()
    dialog = shown(w, ProjectDetailsDialog, "projectDialog")
    assert dialog.name_field.text() == "Cities abroad"
    dialog.name_field.setText("Cities on the world stage")
    dialog.accept()
    assert rows(dest, "SELECT name FROM project") == [("Cities on the world stage",)]
    assert w.windowTitle().startswith("Cities on the world stage") and "Cities on the world stage" in \
        w.status.project.full
    w.undo()
    assert rows(dest, "SELECT name FROM project") == [("Cities abroad",)]
    w.close_project()


def test_a_locked_project_is_offered_read_only_and_nothing_can_be_changed(qtbot, project_path, coder_name, monkeypatch):
    from workbench.store.project import open_project
    from workbench.ui.main_window import MainWindow

    other = open_project(project_path)  # another program holds it open for writing
    try:
        w = MainWindow()
        qtbot.addWidget(w)
        w.show()
        offered = []

        def accept():
            box = QApplication.activeModalWidget()
            offered.append(box.objectName())
            assert isinstance(box, QMessageBox) and "open for writing in another program" in box.text()
            box.findChild(QPushButton, "openReadOnlyButton").click()

        QTimer.singleShot(0, accept)
        assert w.open_project(project_path)
        assert offered == ["readOnlyOffer"]
        assert w.ctx.readonly and "(read-only)" in w.windowTitle()
        for name in ("codeWithPicker", "newCode", "deleteSelected", "newCase", "renameSource", "importSources",
                     "handOut", "mergeProjects"):
            assert not w.findChild(type(w.undo_action), name).isEnabled(), name
        assert w.findChild(type(w.undo_action), "analysisQuery").isEnabled()  # reading still works
        w.close_project()
        # File → Open read-only asks no question.
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(project_path), ""))
        w.project_actions.open_read_only.trigger()
        assert w.ctx is not None and w.ctx.readonly
        w.close_project()
    finally:
        other.close()


def test_deleting_a_folder_names_who_deleted_it_and_undo_brings_it_back(window, project_path):
    from workbench.ui.models.sources import ID_ROLE, KIND_ROLE

    acts = window.source_actions
    fid = acts.create_folder("Policy texts")
    sid = source_id(window, "interview_addis.txt")
    assert acts.move_to_folder([sid], fid)
    tree = window.source_panel.tree
    found = tree.model().match(tree.model().index(0, 0), ID_ROLE, fid, -1, Qt.MatchFlag.MatchRecursive)
    folder = next(i for i in found if i.data(KIND_ROLE) == "folder")
    tree.setCurrentIndex(folder)
    assert acts.delete_current_folder()
    assert rows(project_path, "SELECT count(*) FROM source_folder") == [(0,)]
    assert rows(project_path, "SELECT deleted_by FROM tombstone WHERE kind = 'folder'") == [(window.ctx.coder_name,)]
    assert window.ctx.coder_name  # a name, not "someone"
    window.undo()
    assert rows(project_path, "SELECT name FROM source_folder") == [("Policy texts",)]
    assert rows(project_path, "SELECT count(*) FROM tombstone WHERE kind = 'folder'") == [(0,)]
    assert rows(project_path, "SELECT count(*) FROM source WHERE folder_id IS NOT NULL") == [(1,)]
