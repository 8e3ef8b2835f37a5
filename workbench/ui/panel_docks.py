"""Panels the menus open on the window's project (queries, matrix, agreement, import report): docked
once and raised after, told when the project changes, closed with the project."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from workbench.core.changes import Changes, Kind

Bottom = Qt.DockWidgetArea.BottomDockWidgetArea
# What most analyses read: an edit to any of these can change their results.
ANALYSED = frozenset({Kind.CODING, Kind.CODE, Kind.SOURCE, Kind.CASE, Kind.ATTRIBUTE, Kind.PROJECT, Kind.LINK,
                      Kind.VALUE, Kind.PASSAGE})
DEBOUNCE_MS = 300  # a burst of edits (undo held down, a code-all-hits) refreshes once
STALE_STYLE = ("QFrame#staleBar { background: #fff4ce; border-bottom: 1px solid #e5cf7a; }"
               " QFrame#staleBar QLabel { color: #4d3a00; }")


@dataclass(frozen=True)
class PanelSpec:
    """How to make one kind of panel and keep it current.

    name is the panel's objectName (the dock's too); build(ctx) makes it; update(panel) recomputes it;
    a change touching one of `kinds` makes it stale. With `auto`, a visible stale panel updates
    itself (cheap panels); otherwise it shows a bar offering Update (results the person is
    reading do not change under their eyes)."""

    name: str
    title: str
    build: Callable[[object], QWidget]
    update: Callable[[QWidget], None] | None = None
    kinds: frozenset[Kind] = ANALYSED
    auto: bool = False
    area: Qt.DockWidgetArea = Bottom


class PanelFrame(QWidget):
    """The panel under a bar that appears when the project has changed since it was computed."""

    def __init__(self, panel: QWidget, update: Callable[[], None] | None):
        super().__init__()
        self.setObjectName(f"{panel.objectName()}Frame")
        self.panel = panel
        self.bar = QFrame(self, objectName="staleBar")
        self.bar.setStyleSheet(STALE_STYLE)
        self.note = QLabel("The project has changed since these results were made.", self.bar)
        self.update_button = QPushButton("Update", self.bar, objectName="staleUpdate")
        row = QHBoxLayout(self.bar)
        row.setContentsMargins(8, 3, 8, 3)
        row.addWidget(self.note, 1)
        row.addWidget(self.update_button)
        if update is not None:
            self.update_button.clicked.connect(lambda _=False: update())
        self.bar.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.bar)
        layout.addWidget(panel, 1)

    def set_stale(self, on: bool) -> None:
        self.bar.setVisible(on)


@dataclass
class _Slot:
    spec: PanelSpec
    panel: QWidget
    frame: PanelFrame
    dock: QDockWidget
    stale: bool = False
    shown: bool = True
    pending: Changes = field(default_factory=Changes)


class PanelDocks(QObject):
    """The open analysis panels of the window, by the panel's objectName."""

    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.slots: dict[str, _Slot] = {}
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self._apply_pending)
        window.project_opened.connect(self._opened)
        window.project_closing.connect(self.close_all)

    def _opened(self) -> None:
        self.w.ctx.changed.connect(self._changed)

    # -- opening ---------------------------------------------------------------------------
    def panel(self, name: str) -> QWidget | None:
        slot = self.slots.get(name)
        return slot.panel if slot else None

    def open(self, spec: PanelSpec) -> QWidget | None:
        """The panel made by spec on the open project, docked (once) and raised; None without a project."""
        ctx = self.w.ctx
        if ctx is None:
            return None
        name = spec.name
        slot = self.slots.get(name)
        if slot is None:
            panel = spec.build(ctx)
            panel.setObjectName(name)
            frame = PanelFrame(panel, lambda n=name: self.update(n))
            dock = self._dock(frame, spec)
            slot = self.slots[name] = _Slot(spec, panel, frame, dock)
            dock.visibilityChanged.connect(lambda on, n=name: self._visibility(n, on))
        slot.dock.show()
        slot.dock.raise_()
        return slot.panel

    def _dock(self, frame: PanelFrame, spec: PanelSpec) -> QDockWidget:
        w = self.w
        siblings = [s.dock for s in self.slots.values()
                    if w.dockWidgetArea(s.dock) == spec.area and not s.dock.isFloating() and not s.dock.isHidden()]
        dock = w.add_panel(frame, spec.title, spec.area)
        if siblings:
            w.tabifyDockWidget(siblings[-1], dock)
        elif spec.area == Bottom:
            w.resizeDocks([dock], [int(w.height() * 0.42)], Qt.Orientation.Vertical)
        return dock

    # -- keeping current -------------------------------------------------------------------
    def _changed(self, ch: Changes) -> None:
        hit = False
        for slot in self.slots.values():
            if any(ch.touched(k) for k in slot.spec.kinds):
                slot.pending.merge(ch)
                hit = True
        if hit:
            self._timer.start()

    def _apply_pending(self) -> None:
        for name, slot in list(self.slots.items()):
            if slot.pending.created or slot.pending.updated or slot.pending.deleted:
                slot.pending = Changes()
                slot.stale = True
                if slot.spec.auto and slot.shown:
                    self.update(name)
                else:
                    slot.frame.set_stale(slot.spec.update is not None)

    def _visibility(self, name: str, on: bool) -> None:
        slot = self.slots.get(name)
        if slot is None:
            return
        slot.shown = on
        if on and slot.stale and slot.spec.auto:
            self.update(name)

    def update(self, name: str) -> None:
        """Recompute a panel now (its Update button)."""
        slot = self.slots.get(name)
        if slot is None or self.w.ctx is None:
            return
        slot.stale = False
        slot.frame.set_stale(False)
        if slot.spec.update is not None:
            slot.spec.update(slot.panel)

    def is_stale(self, name: str) -> bool:
        slot = self.slots.get(name)
        return bool(slot and not slot.frame.bar.isHidden())

    # -- closing ---------------------------------------------------------------------------
    def close_all(self) -> None:
        """The project is closing: every panel on it goes (their own jobs read from a path of their own)."""
        self._timer.stop()
        for name in list(self.slots):
            slot = self.slots.pop(name)
            slot.panel.close()  # its closeEvent stops an export it runs
            self.w.remove_panel(slot.dock)
