"""Starting the program: the start screen, recent projects, dropping a project, layout memory, screenshots."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtGui import QImage
from ui_helpers import drop_urls

from workbench.ui import settings
from workbench.ui.main_window import MainWindow

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def make_window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1000, 700)
    w.show()
    return w


def test_start_screen_lists_recent_projects(qtbot, project_path):
    w = make_window(qtbot)
    assert w.stack.currentWidget() is w.start_screen
    assert not w.docks["codebookPanel"].isVisible()
    assert w.open_project(project_path)
    assert w.stack.currentWidget() is w.area and w.docks["codebookPanel"].isVisible()
    w.close_project()
    recent = settings.recent_projects()
    assert recent[0]["path"] == str(project_path.resolve()) and recent[0]["name"] == "Small study"
    item = w.start_screen.recent.item(0)
    assert str(project_path.resolve()) in item.text() and "last opened" in item.text()
    w.start_screen.recent.itemActivated.emit(item)
    assert w.ctx is not None and w.ctx.path == project_path
    w.close_project()


def test_dropping_a_project_file_opens_it(qtbot, project_path):
    w = make_window(qtbot)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(project_path))])
    drop_urls(w, data)
    assert w.ctx is not None and w.ctx.name == "Small study"
    w.close_project()


def test_a_file_that_is_not_a_project_is_refused_with_a_clear_line(qtbot, tmp_path):
    w = make_window(qtbot)
    bad = tmp_path / "notes.qwb"
    bad.write_text("hello")
    assert not w.open_project(bad)
    assert "not a workbench project" in w.last_error and str(bad) in w.last_error
    assert w.ctx is None


def test_new_project_from_the_window(qtbot, tmp_path, coder_name):
    w = make_window(qtbot)
    assert w.project_actions.create_project_at(str(tmp_path / "fresh"))
    assert w.ctx.path == tmp_path / "fresh.qwb"
    assert w.code_model.rowCount() == 0
    w.close_project()


def test_dock_layout_is_remembered(qtbot, project_path):
    w = make_window(qtbot)
    w.open_project(project_path)
    w.docks["memoPane"].hide()
    w.close_project()
    w2 = make_window(qtbot)
    w2.open_project(project_path)
    assert not w2.docks["memoPane"].isVisible()
    assert w2.docks["codebookPanel"].isVisible()
    w2.reset_layout()
    assert w2.docks["memoPane"].isVisible()
    w2.close_project()


def test_add_panel_docks_another_widget(window):
    from PySide6.QtWidgets import QLabel

    label = QLabel("query results")
    label.setObjectName("queryPanel")
    dock = window.add_panel(label, "Query", Qt.DockWidgetArea.BottomDockWidgetArea)
    assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert dock.objectName() == "dock_queryPanel"
    assert dock.toggleViewAction() in window.view_menu.actions()


def test_open_sample_project_uses_a_working_copy(qtbot, tmp_path, monkeypatch, project_path):
    import workbench.ui.project_actions as pa

    monkeypatch.setattr(pa, "sample_project_path", lambda: project_path)
    w = make_window(qtbot)
    assert w.project_actions.open_sample_project()
    assert w.ctx.path != project_path and w.ctx.path.name == "johannesburg-sample.qwb"
    w.close_project()


def test_run_app_screenshot_in_process(tmp_path, project_path):
    from workbench.ui.app import run_app

    out = tmp_path / "shot.png"
    assert run_app(str(project_path), screenshot=str(out)) == 0
    image = QImage(str(out))
    assert image.width() >= 1400 and image.height() >= 900
    assert out.read_bytes()[:8] == PNG_MAGIC


def test_screenshot_command_line(tmp_path, project_path):
    """`workbench open P --screenshot out.png` in a fresh process, offscreen, with its own settings."""
    out = tmp_path / "cli.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "cfg"),
               HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"))
    r = subprocess.run([sys.executable, "-m", "workbench.cli.main", "open", str(project_path), "--screenshot",
                        str(out)], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "propagateSizeHints" not in r.stderr  # the offscreen platform's note is filtered out
    assert out.stat().st_size > 10_000 and out.read_bytes()[:8] == PNG_MAGIC
    assert list((tmp_path / "cfg").rglob("*.conf"))  # its settings went to the folder it was given


def test_screenshot_of_a_missing_project_fails_cleanly(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "cfg"), HOME=str(tmp_path))
    r = subprocess.run([sys.executable, "-m", "workbench.cli.main", "open", str(tmp_path / "none.qwb"),
                        "--screenshot", str(tmp_path / "x.png")], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "no such file" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "x.png").exists()


@pytest.mark.server_only
def test_screenshot_command_line_of_a_server_project(tmp_path, project_location):
    """`workbench open URL --screenshot` opens a server project as PROJECT is named anywhere (issue 14.1):
    the URL is not taken for a file path (it once became 'postgresql:/wb@...: no such file')."""
    out = tmp_path / "server.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "cfg"),
               HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"))
    r = subprocess.run([sys.executable, "-m", "workbench.cli.main", "open", project_location, "--screenshot",
                        str(out)], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert out.stat().st_size > 10_000 and out.read_bytes()[:8] == PNG_MAGIC
