"""A GUI edit while a background job holds the project's write transaction: the user is told the
project is busy, in one line; nothing raises, nothing changes, the undo stack stays where it was
(issue 13, item 3)."""
from __future__ import annotations

import threading

from store_read import rows
from ui_helpers import code_id, select_phrase

from workbench.services.codebook import create_code_in
from workbench.ui.jobs import Job, JobRunner


def _hold_the_writer(window, qtbot):
    """Start a job that writes a code and keeps its transaction open until released."""
    project = window.ctx.project
    holding, release = threading.Event(), threading.Event()

    def work(report, should_stop):
        with project.transaction() as s:
            create_code_in(s, "written by the job")
            s.flush()  # the write is sent: the job now holds the file's write lock
            holding.set()
            release.wait(30)

    job = JobRunner.instance().start(Job(work, label="a long write"))
    assert holding.wait(10)
    return job, release


def test_an_edit_while_a_job_writes_is_a_busy_message(window, qtbot, project_path):
    codes_before = rows(project_path, "SELECT id, name FROM code ORDER BY id")
    errors = []
    window.ctx.error.connect(errors.append)
    job, release = _hold_the_writer(window, qtbot)
    try:
        assert window.codebook_actions.rename_code(code_id(window, "autonomy"), "self-rule") is False
        assert window.ctx.undo_stack.count() == 0
    finally:
        release.set()
        with qtbot.waitSignal(job.finished, timeout=20000):
            pass
    assert len(errors) == 1 and "busy" in errors[0] and str(project_path) in errors[0]
    assert "Traceback" not in errors[0] and "OperationalError" not in errors[0]
    assert window.last_error == errors[0]
    after = rows(project_path, "SELECT id, name FROM code ORDER BY id")
    assert [r for r in after if r[1] != "written by the job"] == codes_before  # the rename did not happen
    # The job is done: the same edit now goes through.
    assert window.codebook_actions.rename_code(code_id(window, "autonomy"), "self-rule") is True
    assert "self-rule" in {r[1] for r in rows(project_path, "SELECT id, name FROM code")}


def test_coding_and_undo_while_a_job_writes_are_busy_messages(window, qtbot, project_path, coder_name):
    window.open_source(next(s for s in window.source_model.source_ids()
                            if window.source_model.source(s).name == "policy.txt"))
    select_phrase(window, "1. Purpose")
    assert window.coding_actions.code_selection(code_id(window, "autonomy"))
    codings = rows(project_path, "SELECT count(*) FROM coding")
    errors = []
    window.ctx.error.connect(errors.append)
    job, release = _hold_the_writer(window, qtbot)
    try:
        assert window.ctx.undo() is False  # the undo could not write: the stack stays where it was
        assert window.ctx.undo_stack.index() == 1
    finally:
        release.set()
        with qtbot.waitSignal(job.finished, timeout=20000):
            pass
    assert len(errors) == 1 and "busy" in errors[0]
    assert rows(project_path, "SELECT count(*) FROM coding") == codings
    assert window.ctx.undo() is True and window.ctx.undo_stack.index() == 0
