"""The dock layout is remembered between sessions, except by --screenshot, which renders the
default layout and leaves the user's saved one alone."""
from __future__ import annotations

from workbench.ui import settings
from workbench.ui.main_window import MainWindow


def _window(qtbot, project_path, remember: bool) -> MainWindow:
    w = MainWindow()
    qtbot.addWidget(w)
    w.remember_layout = remember
    w.resize(1200, 800)
    w.show()
    assert w.open_project(project_path)
    return w


def test_a_hidden_panel_stays_hidden_next_time(qtbot, project_path, coder_name):
    w = _window(qtbot, project_path, remember=True)
    w.docks["sourcePanel"].hide()
    w.close()
    again = _window(qtbot, project_path, remember=True)
    assert not again.docks["sourcePanel"].isVisible()
    again.close()


def test_screenshot_mode_uses_the_default_layout_and_keeps_the_saved_one(qtbot, project_path, coder_name):
    w = _window(qtbot, project_path, remember=True)
    w.docks["sourcePanel"].hide()
    w.close()
    saved = settings.settings().value("window/state")
    shot = _window(qtbot, project_path, remember=False)
    assert shot.docks["sourcePanel"].isVisible()
    shot.docks["codebookPanel"].hide()
    shot.close()
    assert settings.settings().value("window/state") == saved


def test_names_stay_readable_in_a_small_window(qtbot, project_path, coder_name):
    w = _window(qtbot, project_path, remember=False)
    w.resize(800, 500)
    qtbot.waitUntil(lambda: w.width() <= 800)
    for name, tree in (("sourcePanel", w.source_panel.tree), ("codebookPanel", w.codebook_panel.tree)):
        name_col = tree.header().sectionSize(0)
        assert name_col >= tree.fontMetrics().horizontalAdvance("n" * 12), (name, name_col)
    w.close()
