"""GUI test fixtures: offscreen Qt, settings in a temporary folder, a window on the small project."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, QSettings, QStandardPaths  # noqa: E402

# The offscreen platform says this whenever a top-level window's size hints change; it is no fault of ours.
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/ui" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture(autouse=True)
def isolated_settings(qapp, tmp_path):
    """Every test gets empty settings of its own; the user's are never read or written."""
    QCoreApplication.setOrganizationName("WorkbenchTests")
    QCoreApplication.setApplicationName("workbench-tests")
    QStandardPaths.setTestModeEnabled(True)
    folder = tmp_path / "settings"
    folder.mkdir()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(folder))
    QSettings().clear()
    yield folder
    QSettings().clear()


@pytest.fixture
def coder_name():
    """A coder already known to the settings, so coding does not prompt."""
    from workbench.ui import settings

    settings.set_coder_name("Thandi")
    return "Thandi"


@pytest.fixture
def window(qtbot, project_path, coder_name):
    """The main window on a copy of the small project, coder Thandi."""
    from workbench.ui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    assert w.open_project(project_path)
    yield w
    w.close_project()
