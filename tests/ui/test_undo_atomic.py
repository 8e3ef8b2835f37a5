"""Undo and redo are one operation each: all of a command or none, and a failure leaves the stack's
index where it was and says so (issue 13, item 1).

The commands here hold two steps, so a failure of the second shows whether the first was kept.
What the project holds is read back from the file, not from the window.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ui_helpers import code_id, codings_in, source_id
from workbench.services.codebook import delete_code
from workbench.services.coding import remove_codings
from workbench.ui.commands.base import StepCommand
from workbench.ui.commands.coding import ApplyCodings, ids_of, new_codings

POLICY = "policy.txt"


def _two_codings(window):
    """A command coding policy.txt 0-10 with 'autonomy' and 20-30 with 'development outcome'."""
    ctx = window.ctx
    coder = ctx.ensure_coder()
    sid = source_id(window, POLICY)
    first = ApplyCodings(new_codings(sid, code_id(window, "autonomy"), coder, 0, 10), "Thandi")
    second = ApplyCodings(new_codings(sid, code_id(window, "development outcome"), coder, 20, 30), "Thandi")
    cmd = StepCommand(ctx, "Code two passages", [first, second])
    assert ctx.execute(cmd)
    return cmd, first, second


def _mine(project_path):
    return [(path, a, b) for path, _coder, a, b, _t in codings_in(project_path, POLICY) if (a, b) in
            ((0, 10), (20, 30))]


BOTH = [("autonomy", 0, 10), ("development outcome", 20, 30)]


def test_a_failed_undo_changes_nothing_and_keeps_the_index(window, project_path, qtbot):
    cmd, first, second = _two_codings(window)
    stack = window.ctx.undo_stack
    assert (stack.index(), _mine(project_path)) == (1, BOTH)
    # Behind the stack's back, the first passage's coding goes: its undo has nothing to remove.
    remove_codings(window.ctx.project, ids_of(window.ctx.project, first.guids))
    errors = []
    window.ctx.error.connect(errors.append)
    window.undo()  # undoes the second step first (that works), then fails on the first
    assert stack.index() == 1  # still undoable, redo not offered
    assert _mine(project_path) == [("development outcome", 20, 30)]  # the second was not removed
    assert len(errors) == 1 and "Could not undo" in errors[0] and "Nothing was changed" in errors[0]


def test_a_failed_redo_changes_nothing_and_keeps_the_index(window, project_path):
    _two_codings(window)
    stack = window.ctx.undo_stack
    window.undo()
    assert (stack.index(), _mine(project_path)) == (0, [])
    # Behind its back the second passage's code goes: redo cannot put that coding back.
    delete_code(window.ctx.project, code_id(window, "development outcome"), force=True)
    errors = []
    window.ctx.error.connect(errors.append)
    window.redo()  # redoes the first step (works), then fails on the second
    assert stack.index() == 0
    assert _mine(project_path) == []  # the first was not put back on its own
    assert len(errors) == 1 and "Could not redo" in errors[0]


def test_undo_and_redo_that_work_move_the_index_and_write_once(window, project_path):
    _two_codings(window)
    stack = window.ctx.undo_stack
    window.undo()
    assert (stack.index(), _mine(project_path)) == (0, [])
    window.redo()
    assert (stack.index(), _mine(project_path)) == (1, BOTH)


# The child runs the undo of a two-step command through the same classes the window uses, with a
# pause the test injects: a SQLAlchemy hook that, at the second DELETE of a coding (the first step's
# removal is then written, inside the transaction), says so and waits to be killed.
CHILD = '''
import sys, time
from pathlib import Path
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy import select

from workbench.store.models import Code, Coder, Source
from workbench.store.project import open_project
from workbench.ui.commands.base import StepCommand
from workbench.ui.commands.coding import ApplyCodings, new_codings

location, flag = sys.argv[1], Path(sys.argv[2])


class Ctx:
    def __init__(self, project):
        self.project = project


project = open_project(location)
with project.reading() as s:
    sid = s.scalar(select(Source.id).where(Source.name == "policy.txt"))
    a = s.scalar(select(Code.id).where(Code.name == "autonomy"))
    b = s.scalar(select(Code.id).where(Code.name == "development outcome"))
    coder = s.scalar(select(Coder.id).where(Coder.name == "Thandi"))
cmd = StepCommand(Ctx(project), "Code two passages", [ApplyCodings(new_codings(sid, a, coder, 0, 10)),
                                                      ApplyCodings(new_codings(sid, b, coder, 20, 30))])
cmd.do()
print("done", flush=True)
deletes = []


@event.listens_for(Engine, "before_cursor_execute")
def _pause(conn, cursor, statement, *rest):
    if statement.lstrip().upper().startswith("DELETE FROM CODING"):
        deletes.append(statement)
        if len(deletes) == 2:
            flag.write_text("between the steps")
            time.sleep(120)


cmd.run("undo")
print("undone", flush=True)
'''


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_kill_in_the_middle_of_an_undo_leaves_the_project_before_or_after_never_between(project_path, tmp_path):
    flag = tmp_path / "between"
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(root), QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(project_path), str(flag)], env=env, cwd=root,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not flag.exists():
            assert child.poll() is None, child.stderr.read()
            assert time.monotonic() < deadline
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
        out = child.stdout.read()
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL and out.split() == ["done"]  # killed mid-undo
    assert _mine(project_path) in (BOTH, [])  # before the undo, or after it; one coding left is between
    assert _mine(project_path) == BOTH  # and since nothing was committed: before

