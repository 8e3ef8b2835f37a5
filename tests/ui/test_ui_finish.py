"""The small things that make the program feel finished (issue 10, item 10): the window fits the
screen, each shortcut does one thing, file dialogs remember their folder, plurals are right."""
from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog

from workbench.ui import settings
from workbench.ui.main_window import MainWindow


def test_first_start_fits_the_screen_and_a_saved_size_too_big_is_fitted(qtbot, project_path, coder_name):
    w = MainWindow()
    qtbot.addWidget(w)
    screen = w.screen().availableGeometry()
    assert screen.contains(w.geometry())
    assert w.width() >= 0.85 * screen.width() and w.height() >= 0.85 * screen.height()
    w.show()
    assert w.open_project(project_path)
    left, right = w.docks["sourcePanel"].width(), w.docks["codingList"].width()
    assert 0.12 * w.width() <= left <= 0.4 * w.width() and 0.12 * w.width() <= right <= 0.4 * w.width()
    w.setGeometry(QRect(-3000, -3000, screen.width() * 3, screen.height() * 3))  # another monitor, once
    w.close()
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.screen().availableGeometry().contains(again.geometry())


def test_each_shortcut_is_bound_to_one_action(window):
    seen: dict[str, str] = {}
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            text = key.toString()
            assert text not in seen or seen[text] == action.objectName(), (text, seen.get(text), action.objectName())
            seen[text] = action.objectName()
    assert seen["Del"] == "deleteSelected" and seen["F2"] == "renameSelected"


def test_file_dialogs_open_in_the_last_folder_of_their_kind(window, tmp_path, monkeypatch):
    interviews, reports = tmp_path / "interviews", tmp_path / "reports"
    interviews.mkdir()
    reports.mkdir()
    asked = []

    def open_files(parent, title, start, filter_):
        asked.append(("open", start))
        return [str(interviews / "missing.txt")], filter_

    def save_file(parent, title, start, filter_):
        asked.append(("save", start))
        return str(reports / "codebook.txt"), filter_

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", open_files)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_file)
    window.project_actions.import_sources.trigger()
    window.project_actions.cancel_job(wait=True)
    window.codebook_actions.export_codebook.trigger()
    assert str(reports / "codebook.txt") in window.statusBar().currentMessage()  # the export says where
    window.project_actions.import_sources.trigger()
    window.project_actions.cancel_job(wait=True)
    window.codebook_actions.export_codebook.trigger()
    assert asked[2] == ("open", str(interviews)) and asked[3] == ("save", str(reports / "codebook.txt"))


def test_counts_are_said_with_the_right_plural(qtbot, tmp_path, coder_name):
    from workbench.services.sources import import_files
    from workbench.store.project import create_project

    src = tmp_path / "one.txt"
    src.write_text("A single note.\n", encoding="utf-8")
    path = tmp_path / "one.qwb"
    with create_project(path, name="One") as p:
        import_files(p, [src])
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    assert w.open_project(path)
    assert w.status.counts.full == "1 source · 0 codes · 0 codings · 0 cases"
    m = w.source_model
    assert m.index(0, 0).data(__import__("PySide6.QtCore").QtCore.Qt.ItemDataRole.ToolTipRole).endswith("1 source")
    assert "15 characters" in w.area.subtitle.full and "0 codings" in w.area.subtitle.full
    w.close_project()
    assert settings.recent_projects()[0]["name"] == "One"
