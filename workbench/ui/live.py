"""The window's ear on a server project: other people's changes and presence, as they happen (issue 14).

`LiveFeed` runs a `store.live.Listener` for the open server project and hands what it hears
to the GUI thread as Qt signals: `changed(Changes)`, which the window applies exactly as it
applies the Changes of its own edits, and `presence_changed(list)`, the others in the
project and the source each shows. The window's own writes are not heard twice: the
listener ignores the server processes of the project's own engine.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from workbench.core.changes import Changes
from workbench.core.location import ServerLocation

PRESENCE_EVERY_MS = 5000  # besides when someone says they came, went or opened a source


class LiveFeed(QObject):
    """Listens to one server project; None of it runs for a project file (`for_project`)."""

    changed = Signal(object)  # Changes written by someone else
    presence_changed = Signal(list)  # [store.live.Presence], the others in the project
    _heard = Signal(object)  # from the listener's thread to this one
    _came = Signal(list)

    def __init__(self, project, parent: QObject | None = None):
        super().__init__(parent)
        from workbench.store import live

        self.others: list = []
        self._pending: Changes | None = None
        self._heard.connect(self._collect)
        self._came.connect(self._presence)
        self.listener = live.Listener(project.path, lambda ch, by: self._heard.emit(ch),
                                      on_presence=self._came.emit, ignore=live.own_backends(project.engine),
                                      presence_every=PRESENCE_EVERY_MS / 1000)

    @classmethod
    def for_project(cls, project, parent: QObject | None = None) -> "LiveFeed | None":
        """A feed for a server project; None for a file, or where the server will not listen
        (the window then works as before, without live updates)."""
        from workbench.core.errors import WorkbenchError

        if not isinstance(project.path, ServerLocation):
            return None
        try:
            return cls(project, parent)
        except (OSError, WorkbenchError, _server_errors()):
            return None  # the window works on without live updates

    def _collect(self, ch: Changes) -> None:
        """Batches that queued up while the window was busy are applied as one."""
        if self._pending is None:
            self._pending = ch
            QTimer.singleShot(0, self, self._flush)
        else:
            self._pending.merge(ch)

    def _flush(self) -> None:
        ch, self._pending = self._pending, None
        if ch is not None:
            self.changed.emit(ch)

    def show_source(self, source_id: int | None) -> None:
        self.listener.show_source(source_id)

    def _presence(self, others: list) -> None:
        self.others = others
        self.presence_changed.emit(others)

    def close(self) -> None:
        self.listener.close()


def _server_errors() -> type[BaseException]:
    from workbench.store.live import ServerError

    return ServerError


def presence_text(others: list, source_name) -> tuple[str, str]:
    """The status bar's line and its tooltip: who else is in, and which source each reads."""
    if not others:
        return "", ""
    names = sorted({o.role for o in others})
    lines = [f"{o.role}: {source_name(o.source_id) or 'no source open'}" for o in others]
    return "Also here: " + ", ".join(names), "\n".join(lines)
