"""The item models pass Qt's model tester, hold ids under ID_ROLE, and follow edits."""
from __future__ import annotations

from PySide6.QtCore import Qt
from ui_helpers import code_id, select_phrase, source_id

from workbench.store.project import open_project
from workbench.ui.models import ID_ROLE, KIND_ROLE
from workbench.ui.models.code_tree import CodeFilterProxy, CodeTreeModel
from workbench.ui.models.codings import CodingListModel
from workbench.ui.models.sources import SourceFilterProxy, SourceTreeModel


def test_code_tree_model(qtmodeltester, project_path):
    with open_project(project_path, readonly=True) as project:
        model = CodeTreeModel(project)
        qtmodeltester.check(model)
        proxy = CodeFilterProxy()
        proxy.setSourceModel(model)
        proxy.setFilterFixedString("object")
        qtmodeltester.check(proxy)
        tops = [model.index(r, 0).data(Qt.ItemDataRole.EditRole) for r in range(model.rowCount())]
        assert tops == ["autonomy", "provincial constraint", "development outcome"]
        dev = model.index(2, 0)
        assert model.index(0, 0, dev).data(Qt.ItemDataRole.EditRole) == "unrealised objective"
        assert model.index(0, 1, dev).data() == 1
        assert model.index(1, 1).data() == 3  # provincial constraint: 3 codings
        assert model.index(0, 0).data(ID_ROLE) == model.rows()[0].id


def test_source_tree_model_groups_by_case(qtmodeltester, project_path):
    with open_project(project_path, readonly=True) as project:
        model = SourceTreeModel(project)
        qtmodeltester.check(model)
        groups = {model.index(r, 0).data(): [model.index(i, 0, model.index(r, 0)).data()
                                             for i in range(model.rowCount(model.index(r, 0)))]
                  for r in range(model.rowCount())}
        assert groups == {"Johannesburg": ["interview_jhb.txt", "policy.txt"], "Addis Ababa": ["interview_addis.txt"]}
        assert model.index(0, 0).data(KIND_ROLE) == "case"
        assert model.index(0, 0, model.index(0, 0)).data(KIND_ROLE) == "source"
        assert model.index(0, 1, model.index(0, 0)).data() == 5  # codings in interview_jhb.txt
        proxy = SourceFilterProxy()
        proxy.setSourceModel(model)
        proxy.setFilterFixedString("addis")
        qtmodeltester.check(proxy)
        assert proxy.rowCount() == 1 and proxy.index(0, 0).data() == "Addis Ababa"


def test_sources_in_no_case_have_a_group(qtmodeltester, project):
    from workbench.services.cases import delete_case, case_id_by_name

    delete_case(project, case_id_by_name(project, "Addis Ababa"))
    model = SourceTreeModel(project)
    qtmodeltester.check(model)
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["Johannesburg", "Not in a case"]


def test_coding_list_model_follows_the_document(qtmodeltester, window):
    window.open_source(source_id(window, "interview_jhb.txt"))
    model = window.coding_model
    qtmodeltester.check(model)
    assert model.rowCount() == 5
    starts = [model.span_at(r).row.start for r in range(model.rowCount())]
    assert starts == sorted(starts)
    select_phrase(window, "How does the city")
    window.coding_actions.code_selection(code_id(window, "development outcome"))
    assert model.rowCount() == 6
    assert model.index(0, 0).data() == "development outcome"
    assert model.index(0, 2).data() == "How does the city"  # the tester attached above watched this reset


def test_code_tree_model_live_in_window(qtmodeltester, window):
    """The tester stays attached and checks the model through each edit, undo and redo."""
    qtmodeltester.check(window.code_model)
    window.codebook_actions.create("trust")
    assert window.code_model.row(code_id(window, "trust")).count == 0
    window.codebook_actions.move(code_id(window, "trust"), code_id(window, "autonomy"), 0)
    window.codebook_actions.rename_code(code_id(window, "autonomy/trust"), "mutual trust")
    window.undo()
    window.undo()
    window.undo()
    assert all(r.name != "trust" for r in window.code_model.rows())


def test_empty_models(qtmodeltester):
    for model in (CodeTreeModel(None), SourceTreeModel(None), CodingListModel(None)):
        qtmodeltester.check(model)
