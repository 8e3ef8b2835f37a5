"""Where the window sits and how big its panels are: fitting the screen on first start and on every
reopen, remembering the layout, and the status bar's project, coder and counts."""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton

from workbench.ui import settings
from workbench.ui.wording import count

FILL = 0.9  # of the screen's free area, on a first start and when a saved size no longer fits
FILL_BELOW = 1366  # screens narrower than this (laptops) get the whole of their free area
# Panel widths as parts of the window's width; heights as parts of its height.
LEFT, RIGHT = 0.21, 0.25
SOURCES_HEIGHT, CODINGS_HEIGHT = 0.36, 0.64


def fitted(saved: QRect, screen: QRect) -> QRect:
    """The saved geometry if it lies on the screen and fits it, else FILL of the screen, centred."""
    if not saved.isNull() and screen.contains(saved.center()) and saved.width() <= screen.width() \
            and saved.height() <= screen.height():
        return saved
    w, h = int(screen.width() * FILL), int(screen.height() * FILL)
    return QRect(screen.x() + (screen.width() - w) // 2, screen.y() + (screen.height() - h) // 2, w, h)


class WindowLayout:
    """Places the main window and its docks; the window calls place() once and save() on close."""

    def __init__(self, window):
        self.w = window
        self.default_state = window.saveState()

    def screen_rect(self) -> QRect:
        screen = self.w.screen() or QGuiApplication.primaryScreen()
        return screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 800)

    def place(self) -> None:
        """Before the window is first shown: the saved geometry, kept on the screen, or a fresh fit."""
        screen = self.screen_rect()
        geom = settings.settings().value("window/geometry") if self.w.remember_layout else None
        if isinstance(geom, QByteArray) and self.w.restoreGeometry(geom):
            if self.w.isMaximized():
                return
            rect = fitted(self.w.geometry(), screen)
        else:
            rect = QRect(screen) if screen.width() < FILL_BELOW else fitted(QRect(), screen)
        self.w.setGeometry(rect)

    def restore_docks(self) -> None:
        """A project opened: the saved panel layout when there is one and it is sane, else the default."""
        state = settings.settings().value("window/state") if self.w.remember_layout else None
        if isinstance(state, QByteArray) and self.w.restoreState(state) and self._sane():
            return
        self.default_docks()

    def _sane(self) -> bool:
        """No panel of the main four squeezed to a sliver or swallowing the window."""
        width = max(self.w.width(), 1)
        for name in ("sourcePanel", "codebookPanel", "codingList", "memoPane"):
            dock = self.w.docks.get(name)
            if dock is None or dock.isHidden() or dock.isFloating():
                continue
            if dock.width() < 120 or dock.width() > width * 0.6 or dock.height() < 60:
                return False
        return True

    def default_docks(self) -> None:
        w, d = self.w, self.w.docks
        w.restoreState(self.default_state)
        width, height = max(w.width(), 800), max(w.height(), 500)
        v, h = Qt.Orientation.Vertical, Qt.Orientation.Horizontal
        w.resizeDocks([d["sourcePanel"], d["codebookPanel"]],
                      [int(height * SOURCES_HEIGHT), int(height * (1 - SOURCES_HEIGHT))], v)
        w.resizeDocks([d["codingList"], d["memoPane"]],
                      [int(height * CODINGS_HEIGHT), int(height * (1 - CODINGS_HEIGHT))], v)
        w.resizeDocks([d["sourcePanel"], d["codingList"]], [int(width * LEFT), int(width * RIGHT)], h)

    def save(self) -> None:
        if not self.w.remember_layout:
            return
        s = settings.settings()
        s.setValue("window/geometry", self.w.saveGeometry())
        if self.w.ctx is not None:
            s.setValue("window/state", self.w.saveState())


class StatusBar:
    """The permanent part of the status bar: project (and read-only), who is coding, counts."""

    def __init__(self, window):
        self.w = window
        from workbench.ui.views.document_area import ElidedLabel

        # Shrinkable, so the status bar never holds the window wider than a small screen.
        self.project = ElidedLabel("", window)
        self.project.setObjectName("statusProject")
        self.project.setMinimumWidth(80)
        self.coder = QPushButton(window, objectName="statusCoder")
        self.coder.setFlat(True)
        self.coder.setToolTip("Who is coding this project; click to change")
        self.coder.clicked.connect(window.change_coder)
        self.counts = ElidedLabel("", window)
        self.counts.setObjectName("statusCounts")
        self.counts.setMinimumWidth(80)
        for widget, stretch in ((self.project, 2), (self.coder, 0), (self.counts, 3)):
            window.statusBar().addPermanentWidget(widget, stretch)
        self.n: dict[str, int] | None = None  # the project's counts as shown

    def update(self) -> None:
        from workbench.query import document as q

        ctx = self.w.ctx
        if ctx is None:
            self.project.set_full_text("")
            self.counts.set_full_text("")
            self.coder.setText("")
            self.coder.setVisible(False)
            self.n = None
            return
        self.n = q.project_counts(ctx.project)
        self.project.set_full_text(ctx.name + ("  (read-only)" if ctx.readonly else ""))
        self.coder.setVisible(True)
        self.coder.setText(f"Coder: {ctx.coder_name or 'not set yet'}")
        self._show_counts()

    def count_codings(self, delta: int) -> None:
        """Codings came or went (an exact Changes said how many): no need to count the project again."""
        if self.n is None:
            self.update()
            return
        self.n["codings"] += delta
        self._show_counts()

    def _show_counts(self) -> None:
        n = self.n
        self.counts.set_full_text(" · ".join(count(n[k], k[:-1]) for k in ("sources", "codes", "codings", "cases")))
