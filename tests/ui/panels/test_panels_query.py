"""The query panel and matrix view driven with pytest-qt on the small project; the search,
co-occurrence and frequencies panels more briefly."""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "query"))

import docx  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from query_expect import codings_where, span  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from workbench.core.changes import Kind
from workbench.store.models import Coding  # noqa: E402
from workbench.ui.panels.common import ID_ROLE  # noqa: E402
from workbench.ui.panels.cooccurrence_panel import CooccurrencePanel  # noqa: E402
from workbench.ui.panels.frequencies_panel import FrequenciesPanel  # noqa: E402
from workbench.ui.panels.matrix_view import MatrixView  # noqa: E402
from workbench.ui.panels.query_panel import QueryPanel  # noqa: E402
from workbench.ui.panels.search_panel import SearchPanel  # noqa: E402


# Showing a top-level window under the offscreen platform logs this; it is not our widget's doing.
SHOWN = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def check(panel, name: str, on: bool = True) -> None:
    """Tick a code (by name) in the panel's code tree."""
    items = panel.codes.findItems(name, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
    assert len(items) == 1, name
    items[0].setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)


def tick(listwidget, name: str) -> None:
    (item,) = listwidget.findItems(name, Qt.MatchFlag.MatchExactly)
    item.setCheckState(Qt.CheckState.Checked)


def column(model, col: int) -> list[str]:
    return [model.data(model.index(r, col)) for r in range(model.rowCount())]


@pytest.fixture
def query_panel(qtbot, project):
    panel = QueryPanel(project)
    qtbot.addWidget(panel)
    return panel


def test_query_panel_runs_codes_and_filters(qtbot, query_panel, qtmodeltester):
    panel = query_panel
    assert panel.objectName() == "queryPanel"
    check(panel, "autonomy")
    panel.with_children.setChecked(True)
    tick(panel.coders, "Thandi")
    with qtbot.waitSignal(panel.results_changed) as blocker:
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [2]
    assert sorted(column(panel.model, 0)) == sorted(
        p for *_, p in codings_where(code={"autonomy", "autonomy/own funding"}, coder="Thandi"))
    assert set(column(panel.model, 4)) == {"Thandi"}
    assert set(column(panel.model, 3)) == {"Johannesburg"}
    start, end = span("interview_jhb.txt", "We set our own agenda")
    assert f"{start}-{end}" in column(panel.model, 5)
    qtmodeltester.check(panel.model)
    panel.attrs.setText("country=Ethiopia")
    assert panel.run_query() and panel.model.rowCount() == 0


@SHOWN
def test_double_click_opens_the_coding(qtbot, query_panel):
    panel = query_panel
    check(panel, "development outcome")
    panel.run_query()
    index = panel.model.index(0, 0)
    expected = panel.model.data(index, ID_ROLE)
    assert expected == panel.model.segment(0).coding_id
    panel.resize(900, 500)
    panel.show()
    qtbot.waitExposed(panel)
    rect = panel.table.visualRect(index)
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(panel.coding_activated) as blocker:
        qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [expected]


def test_expression_and_its_errors(qtbot, query_panel):
    panel = query_panel
    check(panel, "provincial constraint")  # ignored while an expression is given
    qtbot.keyClicks(panel.expr, '"autonomy" AND "autonomy/own funding"')
    qtbot.keyClick(panel.expr, Qt.Key.Key_Return)
    assert column(panel.model, 0) == ["fund"]
    panel.expr.setText('"autonomy" AND')
    assert not panel.run_query()
    assert "at the end" in panel.status.text()
    panel.expr.setText('"autonomie"')
    assert not panel.run_query() and "autonomy" in panel.status.text()
    assert "AND NOT" in panel.help.text() and "NEAR/50" in panel.help.text()


def test_save_and_rerun_a_named_query(qtbot, query_panel):
    panel = query_panel
    check(panel, "provincial constraint")
    tick(panel.sources, "policy.txt")
    panel.save_name.setText("constraint in policy")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert panel.saved.findText("constraint in policy") >= 0
    check(panel, "provincial constraint", on=False)
    panel.run_query()
    assert panel.model.rowCount() == 1  # only the source filter: policy.txt's one coding
    panel.saved.setCurrentText("constraint in policy")
    qtbot.mouseClick(panel.rerun_button, Qt.MouseButton.LeftButton)
    assert column(panel.model, 0) == ["Agreements are submitted to the Province before signature."]
    assert panel.filters().codes == ("provincial constraint",)


def test_export_to_word_runs_as_a_job(qtbot, query_panel, tmp_path):
    from workbench.ui.jobs import JobRunner

    panel = query_panel
    check(panel, "autonomy")
    out = tmp_path / "panel.docx"
    with qtbot.waitSignal(panel.export_finished, timeout=20000) as blocker:
        panel.export_report(out, group_by="code")
    assert blocker.args == [str(out), 2]
    JobRunner.instance().wait()
    paras = [(p.style.name, p.text) for p in docx.Document(str(out)).paragraphs]
    assert ("Heading 1", "autonomy") in paras
    assert sorted(t for s, t in paras if s == "Quote") == sorted(p for *_, p in codings_where(code="autonomy"))
    assert panel.export_button.isEnabled() and "wrote 2 excerpts" in panel.status.text()


def test_export_can_be_cancelled(qtbot, query_panel, tmp_path, monkeypatch):
    from workbench.ui import jobs

    panel = query_panel
    started = []
    monkeypatch.setattr(jobs.JobRunner, "start", lambda self, job: started.append(job) or job)
    job = panel.export_report(tmp_path / "never.docx")
    assert not panel.cancel_button.isHidden() and not panel.export_button.isEnabled()
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(job.cancelled, timeout=20000):
        job.run()  # run here, already cancelled
    assert not (tmp_path / "never.docx").exists()
    assert "cancelled" in panel.status.text()


@SHOWN
def test_matrix_view_cells_fold_and_list_excerpts(qtbot, project, qtmodeltester, tmp_path):
    view = MatrixView(project)
    qtbot.addWidget(view)
    assert view.objectName() == "matrixView"
    view.cols.setCurrentText("cases")
    view.with_children.setChecked(True)
    qtbot.mouseClick(view.run_button, Qt.MouseButton.LeftButton)
    model = view.model
    qtmodeltester.check(model)
    tops = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert tops == ["autonomy", "provincial constraint", "development outcome"]
    autonomy = model.index(0, 0)
    assert model.rowCount(autonomy) == 1 and model.data(model.index(0, 0, autonomy)) == "own funding"
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == ["code", "Johannesburg", "Addis Ababa"]
    assert model.data(model.index(0, 1)) == "3" and model.data(model.index(2, 2)) == "2"
    # Shading: the largest value is the darkest, an empty cell has none.
    dark = model.data(model.index(0, 1), Qt.ItemDataRole.BackgroundRole).color().lightness()
    light = model.data(model.index(2, 2), Qt.ItemDataRole.BackgroundRole).color().lightness()
    assert dark < light and model.data(model.index(0, 2), Qt.ItemDataRole.BackgroundRole) is None
    view.tree.collapseAll()
    assert not view.tree.isExpanded(autonomy)
    view.resize(900, 600)
    view.show()
    qtbot.waitExposed(view)
    view.tree.expandAll()
    cell = model.index(0, 1)
    qtbot.mouseClick(view.tree.viewport(), Qt.MouseButton.LeftButton, pos=view.tree.visualRect(cell).center())
    texts = sorted(column(view.excerpts_model, 0))
    assert texts == sorted(p for *_, p in codings_where(code={"autonomy", "autonomy/own funding"}))
    view.cols.setCurrentText("attr:year_signed")
    view.count.setCurrentText("sources")
    assert view.refresh()
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == ["code", "2001", "2006"]
    assert view.export_to(tmp_path / "m.docx") and (tmp_path / "m.docx").exists()
    assert not view.export_to(tmp_path / "m.pdf") and "cannot write a matrix" in view.status.text()


def test_cooccurrence_panel(qtbot, project, qtmodeltester):
    panel = CooccurrencePanel(project)
    qtbot.addWidget(panel)
    assert panel.refresh()
    qtmodeltester.check(panel.model)
    panel.show_cell(panel.model.index(0, 2))  # autonomy x own funding
    assert column(panel.excerpts_model, 0) == ["fund"]


def test_search_panel_codes_hits_in_one_step(qtbot, project):
    calls = []
    panel = SearchPanel(project, code_hits_callback=lambda *a: calls.append(a))
    qtbot.addWidget(panel)
    assert panel.run_search("agree*")
    assert panel.model.rowCount() == 2
    assert [panel.model.data(panel.model.index(r, 2)) for r in range(2)] == ["agreement", "Agreements"]
    panel.code.setCurrentText("provincial constraint")
    panel.extend.setCurrentIndex(1)
    panel.code_hits()
    (hits, code_id, extend), = calls
    assert len(hits) == 2 and extend == "sentence" and code_id == panel.code.currentData()
    direct = SearchPanel(project, coder="Pieter")
    qtbot.addWidget(direct)
    direct.run_search("clinic")
    direct.code.setCurrentText("development outcome")
    with qtbot.waitSignal(direct.codings_changed) as blocker:
        direct.code_hits()
    (new_id,) = blocker.args[0].created[Kind.CODING]
    with project.reading() as s:
        assert s.scalar(select(func.count()).select_from(Coding).where(Coding.id == new_id)) == 1
    assert not direct.run_search('"open') and "never closed" in direct.status.text()


def test_panels_in_the_window_open_codings_and_undo_coded_hits(qtbot, window):
    """The main window docks the panels: a double-click shows the coding, and coding search
    hits is one step its Undo takes back."""
    from workbench.services.lookup import code_by_path
    from workbench.ui.panels.code_hits_command import code_hits_command

    ctx = window.ctx
    panel = QueryPanel(ctx.project)
    window.add_panel(panel, "Query")
    panel.coding_activated.connect(window.show_coding)
    check(panel, "development outcome")
    panel.run_query()
    panel.coding_activated.emit(panel.model.data(panel.model.index(0, 0), ID_ROLE))
    assert window.document_view.selection_cp() == span("interview_addis.txt", "Training for engineers, and a clinic")

    search_panel = SearchPanel(ctx.project, code_hits_callback=lambda hits, code, extend:
                               ctx.execute(code_hits_command(ctx, hits, code, extend)))
    window.add_panel(search_panel, "Search")
    with ctx.project.reading() as s:
        before = s.scalar(select(func.count()).select_from(Coding))
        code = code_by_path(s, "provincial constraint")
    search_panel.run_search("agree* province")
    search_panel.code.setCurrentIndex(search_panel.code.findData(code))
    search_panel.extend.setCurrentIndex(2)  # paragraph
    assert search_panel.code_hits() is True

    def count():
        with ctx.project.reading() as s:
            return s.scalar(select(func.count()).select_from(Coding))

    # jhb: two hits on two lines; policy.txt: two hits on one line Thandi already coded so.
    assert count() == before + 2
    window.undo()
    assert count() == before
    window.redo()
    assert count() == before + 2


@SHOWN
def test_frequencies_panel_sorts_table_and_chart(qtbot, project, qtmodeltester):
    panel = FrequenciesPanel(project)
    qtbot.addWidget(panel)
    qtmodeltester.check(panel.model)
    assert [b[0] for b in panel.chart.bars][:2] == ["autonomy", "autonomy/own funding"]
    panel.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert panel.chart.bars[0][:2] == ("provincial constraint", 3)
    panel.with_children.setChecked(True)
    assert dict((b[0], b[1]) for b in panel.chart.bars)["autonomy"] == 3
    panel.resize(600, 300)
    panel.show()
    qtbot.waitExposed(panel)
    image = panel.chart.grab().toImage()
    assert image.width() > 0
