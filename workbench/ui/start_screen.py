"""The start screen: recent projects, a new project, open one, or the sample study."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget)

from workbench.ui import settings


def sample_project_path() -> Path | None:
    """sample_projects/johannesburg.qwb beside the package (a checkout) or inside it (an install)."""
    here = Path(__file__).resolve().parent.parent  # workbench/
    for base in (here.parent, here, here / "resources"):
        p = base / "sample_projects" / "johannesburg.qwb"
        if p.exists():
            return p
    return None


class StartScreen(QWidget):
    open_requested = Signal(str)
    new_requested = Signal()
    browse_requested = Signal()
    server_requested = Signal()
    sample_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("startScreen")
        title = QLabel("Qualitative Workbench", self)
        f = QFont(title.font())
        f.setPointSizeF(f.pointSizeF() * 2)
        f.setWeight(QFont.Weight.DemiBold)
        title.setFont(f)
        sub = QLabel("Code interviews and documents, compare cases, write it up.", self)
        sub.setEnabled(False)
        self.recent = QListWidget(self)
        self.recent.setObjectName("recentProjects")
        self.recent.itemActivated.connect(lambda item: self.open_requested.emit(item.data(Qt.ItemDataRole.UserRole)))
        new_b = QPushButton("New project…", self)
        new_b.setObjectName("newProject")
        open_b = QPushButton("Open project…", self)
        open_b.setObjectName("openProject")
        server_b = QPushButton("Open server project…", self)
        server_b.setObjectName("openServerProject")
        server_b.setToolTip("A project a team shares on a PostgreSQL server")
        server_b.clicked.connect(self.server_requested)
        self.sample_b = QPushButton("Open the sample project", self)
        self.sample_b.setObjectName("openSample")
        new_b.clicked.connect(self.new_requested)
        open_b.clicked.connect(self.browse_requested)
        self.sample_b.clicked.connect(self.sample_requested)
        buttons = QVBoxLayout()
        for b in (new_b, open_b, server_b, self.sample_b):
            b.setMinimumHeight(34)
            buttons.addWidget(b)
        buttons.addStretch(1)
        hint = QLabel("Tip: drop a .qwb project file anywhere on this window to open it.", self)
        hint.setEnabled(False)
        buttons.addWidget(hint)
        hint.setWordWrap(True)
        body = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(QLabel("<b>Recent projects</b>", self))
        left.addWidget(self.recent, 1)
        body.addLayout(left, 3)
        body.addSpacing(24)
        body.addLayout(buttons, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(48, 40, 48, 40)
        lay.addWidget(title)
        lay.addWidget(sub)
        lay.addSpacing(20)
        lay.addLayout(body, 1)
        self.refresh()

    def refresh(self) -> None:
        self.recent.clear()
        for item in settings.recent_projects():
            exists = settings.is_server(item["path"]) or Path(item["path"]).exists()
            text = f"{item.get('name') or Path(item['path']).stem}\n{item['path']}  ·  last opened " \
                   f"{item.get('opened', '?').replace('T', ' ')}" + ("" if exists else "  ·  missing")
            li = QListWidgetItem(text)
            li.setData(Qt.ItemDataRole.UserRole, item["path"])
            if not exists:
                li.setFlags(li.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.recent.addItem(li)
        if not self.recent.count():
            li = QListWidgetItem("No recent projects yet. Start with the sample project to look around.")
            li.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent.addItem(li)
        self.sample_b.setEnabled(sample_project_path() is not None)
