"""Long work off the GUI thread: a plain function with report/should_stop callables, run on
QThreadPool, its callbacks turned into queued signals. Only the GUI thread touches widgets.

Usage:
    job = Job(import_files, project_path, paths, label="Importing sources")
    job.progressed.connect(bar.update); job.finished.connect(done); job.failed.connect(show)
    JobRunner.instance().start(job)

The function is called as fn(*args, report=..., should_stop=..., **kwargs). Store sessions are not
shared across threads: it opens its own Project from a path, or, to write to the project the window
holds open (whose file lock a second Project of this process could not take), it is given that
Project and opens its own sessions from it (see ui/project_actions.py).
"""
from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class Job(QObject):
    """One unit of long work. Signals arrive on the GUI thread (queued)."""

    progressed = Signal(int, int, str)  # done, total, label
    finished = Signal(object)  # the function's return value
    failed = Signal(str)  # one clear line for the user
    cancelled = Signal()

    def __init__(self, fn: Callable, *args, label: str = "", **kwargs):
        super().__init__()
        self.fn, self.args, self.kwargs, self.label = fn, args, kwargs, label
        self._stop = threading.Event()
        self._last_report = 0.0
        self.started_at = 0.0
        self.done = False

    def cancel(self) -> None:
        self._stop.set()

    def should_stop(self) -> bool:
        return self._stop.is_set()

    def _report(self, done: int, total: int, label: str = "") -> None:
        now = time.monotonic()
        # Throttle: a queued signal per file or row would flood the event loop.
        if done >= total or now - self._last_report > 0.05:
            self._last_report = now
            self.progressed.emit(done, total, label)

    def run(self) -> None:
        from workbench.core.errors import Cancelled, WorkbenchError

        self.started_at = time.monotonic()
        try:
            result = self.fn(*self.args, report=self._report, should_stop=self.should_stop, **self.kwargs)
        except Cancelled:
            self.done = True
            self.cancelled.emit()
            return
        except WorkbenchError as exc:
            self.done = True
            self.failed.emit(str(exc))
            return
        except Exception as exc:  # keep the window alive; say what failed
            traceback.print_exc()
            self.done = True
            self.failed.emit(f"{self.label or 'the job'} failed: {type(exc).__name__}: {exc}")
            return
        self.done = True
        if self.should_stop():
            self.cancelled.emit()
        else:
            self.finished.emit(result)


class _Runnable(QRunnable):
    def __init__(self, job: Job):
        super().__init__()
        self.job = job
        self.setAutoDelete(True)

    def run(self) -> None:
        self.job.run()


class JobRunner(QObject):
    """Runs jobs on a pool with one writer at a time: jobs that write to the store queue behind each other."""

    _instance: "JobRunner | None" = None

    def __init__(self):
        super().__init__()
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(1)  # one job writes to the store at a time
        self._jobs: list[Job] = []

    @classmethod
    def instance(cls) -> "JobRunner":
        if cls._instance is None:
            cls._instance = JobRunner()
        return cls._instance

    def start(self, job: Job) -> Job:
        self._jobs.append(job)  # keep a reference until it ends
        job.finished.connect(lambda *_: self._forget(job))
        job.failed.connect(lambda *_: self._forget(job))
        job.cancelled.connect(lambda *_: self._forget(job))
        self.pool.start(_Runnable(job))
        return job

    def _forget(self, job: Job) -> None:
        if job in self._jobs:
            self._jobs.remove(job)

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)

    def stop_all(self) -> None:
        """Ask every job to stop and wait until none runs, however long: a job writing to a project
        must end before the project closes and its lock goes (issue 13.2). Jobs stop at their next
        should_stop(), between files or rows, so the wait is one step of work at most."""
        for job in list(self._jobs):
            job.cancel()
        self.pool.waitForDone(-1)
