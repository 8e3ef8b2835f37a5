"""scripts/screenshots.py renders the window with the analysis panels open; the Qt message filter
drops only the offscreen platform's propagateSizeHints note."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QtMsgType
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]


def test_screenshot_script_writes_the_panels(tmp_path, project_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "screenshots.py"), str(tmp_path / "shots"),
                        str(project_path)], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "propagateSizeHints" not in r.stderr
    for name in ("matrix", "query", "search", "agreement"):
        image = QImage(str(tmp_path / "shots" / f"{name}.png"))
        assert (image.width(), image.height()) >= (1400, 900), name
    assert not (tmp_path / "cfg").exists() or not list((tmp_path / "cfg").rglob("*.conf"))  # settings kept apart


def test_message_filter_passes_other_messages_on(monkeypatch):
    from workbench.ui import app

    seen = []
    monkeypatch.setattr(app, "_previous_handler", lambda mode, context, message: seen.append(message))
    app._filter_qt_messages(QtMsgType.QtWarningMsg, None, "This plugin does not support propagateSizeHints()")
    app._filter_qt_messages(QtMsgType.QtWarningMsg, None, "QPainter::begin: Paint device returned engine == 0")
    app._filter_qt_messages(QtMsgType.QtWarningMsg, None, "This plugin does not support setParent()")
    assert seen == ["QPainter::begin: Paint device returned engine == 0", "This plugin does not support setParent()"]
