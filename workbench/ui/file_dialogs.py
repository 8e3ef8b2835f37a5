"""File dialogs that open in the folder last used for that kind of file (projects, sources, reports...).

Each kind keeps its own folder in the settings, so importing interviews from one folder and
saving reports to another does not send either dialog to the wrong place.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from workbench.ui import settings

PROJECTS = "Projects (*.qwb)"


def open_file(parent: QWidget, kind: str, title: str, filter_: str) -> str:
    """One file to read, or '' when the person cancels."""
    path, _ = QFileDialog.getOpenFileName(parent, title, settings.start_path(kind), filter_)
    if path:
        settings.remember_folder(kind, path)
    return path


def open_files(parent: QWidget, kind: str, title: str, filter_: str) -> list[str]:
    paths, _ = QFileDialog.getOpenFileNames(parent, title, settings.start_path(kind), filter_)
    if paths:
        settings.remember_folder(kind, paths[0])
    return list(paths)


def save_file(parent: QWidget, kind: str, title: str, suggested: str | Path, filter_: str,
              suffix: str = "") -> str:
    """A file to write, or ''. A suggested bare name opens in the kind's last folder; a suggested
    path keeps its own folder. A name typed without an extension gets suffix (or the chosen
    filter's first one)."""
    suggested = str(suggested)
    start = suggested if Path(suggested).is_absolute() else settings.start_path(kind, suggested)
    path, chosen = QFileDialog.getSaveFileName(parent, title, start, filter_)
    if not path:
        return ""
    if not Path(path).suffix:
        if not suffix and "(*." in chosen:
            suffix = chosen[chosen.index("(*.") + 2:].split(")")[0].split()[0]
        path += suffix
    settings.remember_folder(kind, path)
    return path
