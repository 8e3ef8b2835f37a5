"""The window's side of a lost connection to a server project (issue 14, item 6).

A status-bar label (objectName "connectionStatus") says how the connection is. Every few
seconds a heartbeat asks the server, on a thread of its own, whether it answers; when it
does not, or an action fails for a lost connection, the label says "Reconnecting…" and the
window tries again
with backoff (half a second, then doubling up to ten seconds) until the server answers,
then says the connection is back. While it is lost, edits are refused with a message
(`refusal`), never queued to run later without the user knowing; what an action that was
cut off became ("saved" / "NOT saved: try again") is said by the project context.
Memos typed meanwhile are kept as drafts on this computer (ui/memo_drafts.py).
"""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel

HEARTBEAT_MS = 5000
BACKOFF_MS = (500, 1000, 2000, 4000, 8000, 10000)
RECONNECTING = "Reconnecting…"


class ConnectionWatch(QObject):
    """Watches the open server project's connection; idle for a project file."""

    lost_changed = Signal(bool)  # True when the connection is lost, False when it is back
    _answered = Signal(object, bool)  # (project, whether it answered), from the asking thread

    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.project = None
        self.lost = False
        self.attempts = 0
        self.label = QLabel("", window)
        self.label.setObjectName("connectionStatus")
        self.label.setVisible(False)
        window.statusBar().addPermanentWidget(self.label, 0)
        self.heartbeat = QTimer(self)
        self.heartbeat.setInterval(HEARTBEAT_MS)
        self.heartbeat.timeout.connect(self._ask)
        self.retry = QTimer(self)
        self.retry.setSingleShot(True)
        self.retry.timeout.connect(self._ask)
        self._asking: threading.Thread | None = None
        self._answered.connect(self._answer)

    def watch(self, project) -> None:
        """Start watching project (only a server project is watched)."""
        self.stop()
        if getattr(project.backend, "kind", "") != "postgresql":
            return
        self.project = project
        self.label.setText("Connected")
        self.label.setToolTip(f"Connected to {project.path}")
        self.label.setVisible(True)
        self.heartbeat.start()

    def stop(self) -> None:
        self.heartbeat.stop()
        self.retry.stop()
        self.project = None
        if self._asking is not None:  # a question in flight ends within the ping's timeout
            self._asking.join()
            self._asking = None
        if self.lost:
            self.lost = False
            self.lost_changed.emit(False)
        self.label.setVisible(False)

    def _ask(self) -> None:
        """Ask the server on a thread of its own (an unreachable host may take seconds to say
        so, and the window must not freeze meanwhile); the answer comes back as _answered."""
        project = self.project
        if project is None or (self._asking is not None and self._asking.is_alive()):
            return
        self._asking = threading.Thread(target=lambda: self._answered.emit(project, project.ping()),
                                        name="connection-heartbeat", daemon=True)
        self._asking.start()

    def _answer(self, project, ok: bool) -> None:
        if project is not self.project:
            return  # the project was closed (or another opened) meanwhile
        if not self.lost:
            if not ok:
                self.connection_lost()
        elif ok:
            self._back()
        else:
            self.attempts += 1
            delay = self.next_delay()
            self.label.setText(f"{RECONNECTING} (next try in {delay // 1000 or 1} s)")
            self.retry.start(delay)

    def check(self) -> bool:
        """Ask the server now; start reconnecting if it does not answer. True if it answered."""
        if self.project is None or self.lost:
            return not self.lost
        if self.project.ping():
            return True
        self.connection_lost()
        return False

    def connection_lost(self) -> None:
        """The connection is gone (an action failed, or the heartbeat had no answer)."""
        if self.project is None or self.lost:
            return
        self.lost = True
        self.attempts = 0
        self.heartbeat.stop()
        self.label.setText(RECONNECTING)
        self.label.setToolTip("The connection to the server was lost; the window keeps trying. "
                              "Nothing is changed until it is back.")
        self.label.setStyleSheet("color: #b00020; font-weight: 600")
        self.w.statusBar().showMessage("The connection to the server was lost; reconnecting…", 10000)
        self.lost_changed.emit(True)
        self.retry.start(BACKOFF_MS[0])

    def next_delay(self) -> int:
        return BACKOFF_MS[min(self.attempts, len(BACKOFF_MS) - 1)]

    def _back(self) -> None:
        self.lost = False
        self.attempts = 0
        self.label.setText("Connected")
        self.label.setStyleSheet("")
        self.label.setToolTip(f"Connected to {self.project.path}")
        self.w.statusBar().showMessage("The connection to the server is back", 6000)
        self.heartbeat.start()
        self.lost_changed.emit(False)

    def refusal(self, what: str) -> str | None:
        """The message refusing an action while the connection is lost; None when it may run."""
        if not self.lost:
            return None
        return (f"{what}: not done: the connection to the server is lost and the window is reconnecting. "
                "Nothing was changed; try again once the status bar says Connected")


def lost_connection_hook(window, previous=None):
    """An excepthook for the running program: a read that met a lost connection inside a Qt slot
    (a list refreshing, a source shown) starts "Reconnecting…" with one line in the status bar
    instead of a traceback; every other exception goes on to `previous`."""
    import sys

    from workbench.core.errors import ConnectionLost

    previous = previous or sys.excepthook

    def hook(kind, value, tb):  # noqa: ANN001
        if isinstance(value, ConnectionLost):
            window.connection.connection_lost()
            window.statusBar().showMessage(str(value), 10000)
            return
        previous(kind, value, tb)

    return hook
