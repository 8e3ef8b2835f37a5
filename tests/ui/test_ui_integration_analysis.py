"""The Analysis menu of the window: each panel opened through its real QAction, docked once, wired
to the document view and the undo stack, marked stale by edits and closed with the project."""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from sqlalchemy import func, select
from ui_helpers import code_id, codings_in, select_phrase, source_id

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "query"))
from query_expect import codings_where, span  # noqa: E402

from workbench.store.models import Coding  # noqa: E402
from workbench.ui.panels.common import ID_ROLE  # noqa: E402

Bottom = Qt.DockWidgetArea.BottomDockWidgetArea


def check_code(panel, name: str) -> None:
    (item,) = panel.codes.findItems(name, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
    item.setCheckState(0, Qt.CheckState.Checked)


def count_codings(window) -> int:
    with window.ctx.project.reading() as s:
        return s.scalar(select(func.count()).select_from(Coding))


def double_click_row(qtbot, view, row: int) -> None:
    view.scrollTo(view.model().index(row, 0))
    rect = view.visualRect(view.model().index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_menu_holds_the_actions_with_their_shortcuts(window):
    aa = window.analysis_actions
    assert aa.menu.actions()[:3] == [aa.query, aa.matrix, aa.cooccurrence]
    assert aa.search in aa.menu.actions() and aa.frequencies in aa.menu.actions()
    assert aa.query.shortcut() == QKeySequence("Ctrl+Shift+Q")
    assert aa.search.shortcut() == QKeySequence("Ctrl+Shift+F")
    assert all(a.isEnabled() for a in aa.all)


def test_query_docks_once_and_double_click_selects_the_passage(qtbot, window):
    window.analysis_actions.query.trigger()
    panel = window.panel_docks.panel("queryPanel")
    assert panel is not None and panel.handle.project is window.ctx.project  # the window's own, no 2nd writer
    dock = window.panel_docks.slots["queryPanel"].dock
    assert window.dockWidgetArea(dock) == Bottom and dock.isVisible()
    assert dock.toggleViewAction() in window.view_menu.actions()
    n_docks = len(window.docks)
    window.analysis_actions.query.trigger()  # again: the same panel, raised
    assert window.panel_docks.panel("queryPanel") is panel and len(window.docks) == n_docks

    check_code(panel, "development outcome")
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    assert panel.model.rowCount() == 1
    expected = panel.model.data(panel.model.index(0, 0), ID_ROLE)
    window.open_source(source_id(window, "policy.txt"))  # somewhere else first
    qtbot.waitExposed(panel.table)
    double_click_row(qtbot, panel.table, 0)
    qtbot.waitUntil(lambda: window.selected_coding() == expected)
    assert window.document_view.source.name == "interview_addis.txt"
    assert window.document_view.selection_cp() == span("interview_addis.txt", "Training for engineers, and a clinic")


def test_search_code_all_hits_is_one_step_of_the_window_undo(qtbot, window, project_path):
    window.analysis_actions.search.trigger()
    panel = window.panel_docks.panel("searchPanel")
    assert panel.handle.project is window.ctx.project
    qtbot.keyClicks(panel.text, "agree*")
    qtbot.keyClick(panel.text, Qt.Key.Key_Return)
    assert panel.model.rowCount() == 2
    panel.code.setCurrentIndex(panel.code.findData(code_id(window, "development outcome")))
    before = count_codings(window)
    depth = window.ctx.undo_stack.count()
    qtbot.mouseClick(panel.code_all, Qt.MouseButton.LeftButton)
    assert count_codings(window) == before + 2
    assert window.ctx.undo_stack.count() == depth + 1
    assert "search hit" in window.undo_action.text()
    hits = {(r[0], r[2], r[3]) for r in codings_in(project_path) if r[0] == "development outcome" and r[1] == "Thandi"}
    assert ("development outcome", *span("interview_jhb.txt", "agreement")) in hits
    assert ("development outcome", *span("policy.txt", "Agreements")) in hits
    window.undo_action.trigger()
    assert count_codings(window) == before
    window.redo_action.trigger()
    assert count_codings(window) == before + 2
    assert "Undo" in panel.status.text()

    # A double-click on a hit opens its source with the hit selected.
    row = next(r for r in range(2) if panel.model.data(panel.model.index(r, 0)) == "policy.txt")
    qtbot.waitExposed(panel.table)
    double_click_row(qtbot, panel.table, row)
    qtbot.waitUntil(lambda: window.document_view.source is not None
                    and window.document_view.source.name == "policy.txt")
    assert window.document_view.selection_cp() == span("policy.txt", "Agreements")


def test_matrix_and_cooccurrence_tab_together_and_open_codings(qtbot, window):
    window.analysis_actions.matrix.trigger()
    window.analysis_actions.cooccurrence.trigger()
    matrix = window.panel_docks.panel("matrixView")
    cooccur = window.panel_docks.panel("cooccurrencePanel")
    docks = window.panel_docks.slots
    assert window.tabifiedDockWidgets(docks["matrixView"].dock) == [docks["cooccurrencePanel"].dock]
    assert matrix.model.rowCount() == 3 and cooccur.model.rowCount() > 0  # computed on opening
    window.analysis_actions.matrix.trigger()  # raise the matrix tab
    qtbot.waitUntil(lambda: matrix.isVisible())
    cell = matrix.model.index(1, 1)  # provincial constraint x Johannesburg
    assert matrix.model.data(cell) == "3"
    matrix.show_cell(cell)
    assert sorted(matrix.excerpts_model.segment(r).text for r in range(3)) == sorted(
        p for *_, p in codings_where(code="provincial constraint"))
    expected = matrix.excerpts_model.data(matrix.excerpts_model.index(0, 0), ID_ROLE)
    qtbot.waitExposed(matrix.excerpts)
    double_click_row(qtbot, matrix.excerpts, 0)
    qtbot.waitUntil(lambda: window.selected_coding() == expected)


def test_edits_mark_panels_stale_and_update_brings_them_up_to_date(qtbot, window):
    aa = window.analysis_actions
    aa.query.trigger()
    query = window.panel_docks.panel("queryPanel")
    check_code(query, "provincial constraint")
    query.run_query()
    assert query.model.rowCount() == 3
    aa.frequencies.trigger()  # the current tab: it updates itself
    freq = window.panel_docks.panel("frequenciesPanel")

    def freq_count(name):
        return next(f.segments for f in freq.model.rows if f.code == name)

    assert freq_count("provincial constraint") == 3
    window.open_source(source_id(window, "interview_jhb.txt"))
    select_phrase(window, "How does the city choose its partners?")
    assert window.coding_actions.code_selection(code_id(window, "provincial constraint"))
    qtbot.waitUntil(lambda: freq_count("provincial constraint") == 4)
    qtbot.waitUntil(lambda: window.panel_docks.is_stale("queryPanel"))
    assert query.model.rowCount() == 3  # the results under the person's eyes did not change by themselves
    frame = window.panel_docks.slots["queryPanel"].frame
    aa.query.trigger()  # its tab comes to the front
    qtbot.waitUntil(frame.update_button.isVisible)
    qtbot.mouseClick(frame.update_button, Qt.MouseButton.LeftButton)
    assert query.model.rowCount() == 4 and not window.panel_docks.is_stale("queryPanel")
    window.undo()
    qtbot.waitUntil(lambda: window.panel_docks.is_stale("queryPanel"))
    assert freq_count("provincial constraint") == 4  # behind the query tab: updated when it is shown
    aa.frequencies.trigger()
    qtbot.waitUntil(lambda: freq_count("provincial constraint") == 3)


def test_panels_close_with_the_project(qtbot, window, project_path):
    aa = window.analysis_actions
    for action in aa.all:
        if action is not aa.report:  # the report asks its options in a dialog, not in a panel
            action.trigger()
    names = {"queryPanel", "matrixView", "cooccurrencePanel", "searchPanel", "frequenciesPanel"}
    assert names <= set(window.panel_docks.slots)
    panel = window.panel_docks.panel("queryPanel")
    import shiboken6

    window.close_project()
    qtbot.waitUntil(lambda: not shiboken6.isValid(panel), timeout=5000)
    assert not window.panel_docks.slots
    assert not [n for n in window.docks if n.endswith("Frame")]
    assert not any(a.isEnabled() for a in aa.all)
    assert window.open_project(project_path)
    assert all(a.isEnabled() for a in aa.all)
    aa.query.trigger()
    assert window.panel_docks.panel("queryPanel").handle.project is window.ctx.project
