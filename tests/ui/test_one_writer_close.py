"""Closing a project waits for every job that writes to it: nothing writes after its lock is released
(issue 13, item 2)."""
from __future__ import annotations

import threading
import time

from workbench.services.codebook import create_code
from workbench.ui.jobs import Job, JobRunner


def test_closing_waits_for_a_job_writing_to_the_project(window, qtbot):
    project = window.ctx.project
    running, ended = threading.Event(), []

    def work(report, should_stop):
        running.set()
        give_up = time.monotonic() + 5  # so a window that does not wait leaves no job running for ever
        while not should_stop() and time.monotonic() < give_up:  # a long job: it stops when asked
            time.sleep(0.01)
        time.sleep(0.3)  # its last step, still under way when Close is asked
        create_code(project, "written by the job's last step")
        ended.append(time.monotonic())

    JobRunner.instance().start(Job(work, label="a long write"))
    assert running.wait(10)
    window.close_project()
    closed = time.monotonic()
    try:
        assert ended and ended[0] <= closed  # the job ended, and wrote, before the project closed
        assert window.ctx is None
    finally:
        JobRunner.instance().wait()
