"""A process killed with SIGKILL mid-import or mid-coding leaves a sound project holding every commit."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from workbench.store import sqlite as wsqlite
from workbench.store.project import open_project

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from sqlalchemy import select
    from workbench.store.project import open_project
    from workbench.services.sources import import_files
    from workbench.services.coding import apply_code
    from workbench.store.models import Source, Code, Coder

    mode, project_path, folder = sys.argv[1:4]
    project = open_project(project_path)
    if mode == "import":
        for p in sorted(Path(folder).glob("*.txt")):
            out = import_files(project, [p])
            assert out[0].status == "imported", out[0].message
            print("committed", p.name, flush=True)
    else:
        with project.reading() as s:
            sid, length = s.execute(select(Source.id, Source.length)).first()
            code = s.scalar(select(Code.id))
            coder = s.scalar(select(Coder.id))
        n = 0
        while True:
            start = n % (length - 5)
            apply_code(project, sid, code, coder, start, start + 1 + n % 4)
            n += 1
            print("committed", start, start + 1 + (n - 1) % 4, flush=True)
    """
)


def _run_and_kill(args: list[str], after: int) -> list[str]:
    """Run the child until it reports `after` commits, then SIGKILL it; the lines it printed."""
    proc = subprocess.Popen([sys.executable, "-c", CHILD, *args], stdout=subprocess.PIPE, text=True)
    lines = []
    try:
        for line in proc.stdout:
            lines.append(line.split(maxsplit=1)[1].strip())
            if len(lines) >= after:
                os.kill(proc.pid, signal.SIGKILL)
                break
    finally:
        proc.wait(timeout=30)
        rest = proc.stdout.read()
        proc.stdout.close()
    # A line may have been written and read after the kill was sent: all of them committed.
    lines += [l.split(maxsplit=1)[1].strip() for l in rest.splitlines() if l.startswith("committed")]
    assert proc.returncode == -signal.SIGKILL
    return lines


def test_kill_during_import_keeps_every_committed_file(project_path, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(400):
        (folder / f"doc{i:03d}.txt").write_text(f"Transcript {i}\n" + "Words of the interview. " * 400)
    committed = _run_and_kill(["import", str(project_path), str(folder)], after=25)
    assert wsqlite.integrity_problems(project_path) == []
    project = open_project(project_path)
    try:
        with project.reading() as s:
            from sqlalchemy import select

            from workbench.store.models import Source

            names = set(s.scalars(select(Source.name)))
    finally:
        project.close()
    assert set(committed) <= names
    assert len(names) - 3 < 400  # the kill really came mid-way


def test_kill_during_a_run_of_codings_keeps_every_committed_coding(project_path, tmp_path):
    committed = _run_and_kill(["code", str(project_path), str(tmp_path)], after=300)
    assert wsqlite.integrity_problems(project_path) == []
    project = open_project(project_path)
    try:
        with project.reading() as s:
            from sqlalchemy import select

            from workbench.store.models import Coding

            spans = {f"{a} {b}" for a, b in s.execute(select(Coding.start, Coding.end))}
    finally:
        project.close()
    assert set(committed) <= spans
