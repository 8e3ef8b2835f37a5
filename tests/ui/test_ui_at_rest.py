"""A copy of the `.qwb` taken while the window is open holds what is on screen (issue 9.1)."""
from __future__ import annotations

import shutil
import sqlite3

from ui_helpers import code_id, source_id


def _count(path, sql: str) -> int:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def test_a_copy_taken_while_the_window_is_open_holds_every_edit(window, project_path, tmp_path):
    before = _count(project_path, "SELECT count(*) FROM coding")
    sid, code = source_id(window, "policy.txt"), code_id(window, "autonomy")
    for n in range(3):
        assert window.coding_actions.code_selection(code, (sid, n, n + 2))
    copy = tmp_path / "copy.qwb"
    shutil.copyfile(project_path, copy)  # the window still holds the project open
    assert _count(copy, "SELECT count(*) FROM coding") == before + 3
    window.ctx.undo_stack.undo()
    shutil.copyfile(project_path, copy)
    assert _count(copy, "SELECT count(*) FROM coding") == before + 2
    window.close_project()
    assert sorted(p.name for p in project_path.parent.iterdir() if p.name.startswith("small.qwb-")) == []
