"""A window-modal progress dialog with Cancel for one background Job (exports, imports, hand-outs)."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

from workbench.ui.jobs import Job, JobRunner

SHOW_AFTER_MS = 500  # STYLE.md: show progress only for jobs that run past about half a second


class JobProgress(QObject):
    """Runs a Job and mirrors it in a QProgressDialog shown after half a second; Cancel asks the job
    to stop (it stops at its next check). Exactly one of done/failed/cancelled is called, on the GUI
    thread, after the dialog has closed."""

    def __init__(self, parent: QWidget, job: Job, title: str, done: Callable[[object], None],
                 failed: Callable[[str], None] | None = None, cancelled: Callable[[], None] | None = None,
                 cancellable: bool = True):
        super().__init__(parent)
        self.job = job
        self.ended = False
        self.dialog = QProgressDialog(job.label or title, "Cancel", 0, 0, parent)
        self.dialog.setObjectName("jobProgress")
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(SHOW_AFTER_MS)
        self.dialog.setAutoReset(False)
        self.dialog.setAutoClose(False)
        if cancellable:
            self.dialog.canceled.connect(self._cancel)
        else:
            self.dialog.setCancelButton(None)
        self._done, self._failed, self._cancelled = done, failed, cancelled
        job.progressed.connect(self._progress)
        job.finished.connect(lambda result: self._end(self._done, result))
        job.failed.connect(lambda message: self._end(self._failed, message))
        job.cancelled.connect(lambda: self._end(self._cancelled))
        self.dialog.setValue(0)

    def start(self) -> "JobProgress":
        JobRunner.instance().start(self.job)
        return self

    def cancel_button(self) -> QPushButton | None:
        return self.dialog.findChild(QPushButton)

    def _cancel(self) -> None:
        self.job.cancel()
        self.dialog.setLabelText("Stopping…")

    def _progress(self, done: int, total: int, label: str) -> None:
        if self.ended:
            return
        self.dialog.setMaximum(max(total, 1))
        self.dialog.setValue(min(done, max(total, 1)))  # a shown modal dialog processes events here
        if label and not self.ended:
            self.dialog.setLabelText(f"{self.job.label}: {label}" if self.job.label else label)

    def _end(self, callback, *args) -> None:
        if self.ended:
            return
        self.ended = True
        self.dialog.reset()  # stops the timer that would show it later
        self.dialog.hide()
        self.dialog.deleteLater()
        if callback is not None:
            callback(*args)
        self.deleteLater()


def run_job(parent: QWidget, fn, *args, label: str, title: str, done, failed=None, cancelled=None,
            cancellable: bool = True, **kwargs) -> JobProgress:
    """Start fn(*args, report=, should_stop=, **kwargs) on the job runner with a progress dialog."""
    job = Job(fn, *args, label=label, **kwargs)
    return JobProgress(parent, job, title, done, failed, cancelled, cancellable).start()
