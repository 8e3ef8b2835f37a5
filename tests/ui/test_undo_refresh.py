"""The window refreshes from each operation's typed Changes (issue 13.3, issue 11.5): after coding,
uncoding, undo and redo, what the views show equals what a full reload of the project shows.

The reference is computed apart from the incremental path: a fresh CodingListModel reloaded from the
layer, and the project's counts read again from the file.
"""
from __future__ import annotations

import random

from ui_helpers import code_id, source_id

from workbench.query import document as q
from workbench.ui.models.codings import CodingListModel

JHB = "interview_jhb.txt"


def _rows(model) -> list[tuple]:
    return [model.span_at(r).key() for r in range(model.rowCount())]


def _reference(window) -> list[tuple]:
    fresh = CodingListModel(window.document_view.layer)
    fresh.reload()
    return _rows(fresh)


def _counted_again(window) -> dict:
    return q.project_counts(window.ctx.project)


def test_the_coding_list_and_counts_follow_coding_undo_and_redo(qtmodeltester, window):
    window.open_source(source_id(window, JHB))
    view, model = window.document_view, window.coding_model
    text = view.source.text
    rnd = random.Random(5)
    codes = [code_id(window, p) for p in ("autonomy", "development outcome", "provincial constraint")]
    done = 0
    for _ in range(6):
        a = rnd.randrange(len(text) - 60)
        view.select_cp(a, a + rnd.randint(5, 50))
        done += bool(window.coding_actions.code_selection(rnd.choice(codes)))
        assert _rows(model) == _reference(window)
    assert done == 6
    qtmodeltester.check(model)
    for _ in range(4):
        window.undo()
        assert _rows(model) == _reference(window)
    window.redo()
    window.redo()
    assert _rows(model) == _reference(window)
    qtmodeltester.check(model)
    # The status bar counted codings by the Changes' ids; the file says the same.
    assert window.status.n == _counted_again(window)
    assert window.code_model.row(codes[0]).count == q.code_counts(window.ctx.project, [codes[0]]).get(codes[0], 0)
