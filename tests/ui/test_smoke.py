from ui_helpers import code_id, codings_in, select_phrase, source_id


def test_window_opens_small_project(window):
    assert window.ctx is not None
    assert window.document_view.source is not None
    assert window.code_model.rowCount() == 3


def test_code_selection_by_id(window, project_path):
    window.open_source(source_id(window, "policy.txt"))
    a, b = select_phrase(window, "international relations")
    assert window.coding_actions.code_selection(code_id(window, "autonomy"))
    assert ("autonomy", "Thandi", a, b, "international relations") in codings_in(project_path, "policy.txt")
