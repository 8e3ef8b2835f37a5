"""A memo draft belongs to its target, not to an id (ui/memo_drafts.py): a draft left on a code
that was then deleted is not offered on the next code made, which SQLite gives the same id, and is
offered again when undo brings the code back (with its GUID)."""
from __future__ import annotations

import sqlite3


def _ids(path):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return dict(con.execute("SELECT name, id FROM code"))
    finally:
        con.close()


def test_a_draft_left_on_a_deleted_code_is_not_offered_on_the_code_that_takes_its_id(window, project_path):
    w, pane = window, window.memo_pane
    fresh = w.codebook_actions.create("fresh", None)
    assert fresh == max(_ids(project_path).values())
    w.memos.show_code(fresh)
    pane.offline = lambda: True  # the write cannot happen: the text stays a draft
    pane.editor.setPlainText("Half a thought about fresh")
    pane.clear_target()
    pane.offline = lambda: False
    assert w.codebook_actions.delete_code(fresh)
    other = w.codebook_actions.create("other", None)
    assert other == fresh  # the id was given again (the premise: an id names two codes in turn)
    w.memos.show_code(other)
    assert not pane.draft_bar.isVisible()
    assert pane.editor.toPlainText() == ""
    # Undo the new code and the deletion: "fresh" is back, and so is its draft.
    w.memos.show_project()
    assert w.ctx.undo() and w.ctx.undo()
    assert _ids(project_path).get("fresh") == fresh
    w.memos.show_code(fresh)
    assert pane.draft_bar.isVisible()
    pane.restore_b.click()
    assert pane.editor.toPlainText() == "Half a thought about fresh"
