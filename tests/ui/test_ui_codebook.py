"""Codebook edits in the window: each one command, undone and redone, with the services' validation."""
from __future__ import annotations

import json

from PySide6.QtCore import QMimeData, Qt
from ui_helpers import code_id, codebook_in, codings_in

from workbench.ui.models.code_tree import CODES_MIME

SMALL_ORDER = ["autonomy", "autonomy/own funding", "provincial constraint", "development outcome",
               "development outcome/unrealised objective"]


def test_create_undo_redo_keeps_the_id(window, project_path, monkeypatch):
    acts = window.codebook_actions
    monkeypatch.setattr(acts, "ask_text", lambda *a, **k: "city networks")
    acts.new_code.trigger()
    cid = code_id(window, "city networks")
    assert "city networks" in codebook_in(project_path)[0]
    assert window.codebook_panel.current_code() == cid
    window.undo()
    assert "city networks" not in codebook_in(project_path)[0]
    window.redo()
    assert code_id(window, "city networks") == cid


def test_rename_in_place_and_undo(window, project_path, qtbot):
    proxy = window.codebook_panel.proxy
    idx = proxy.mapFromSource(window.code_model.index_of(code_id(window, "autonomy")))
    assert proxy.setData(idx, "city autonomy", Qt.ItemDataRole.EditRole)
    paths, _ = codebook_in(project_path)
    assert "city autonomy/own funding" in paths and "autonomy" not in paths
    assert window.code_model.row(code_id(window, "city autonomy")).name == "city autonomy"
    # The open document's codings show the new name too.
    assert any(s.row.code_name == "city autonomy" for s in window.document_view.layer.spans.values())
    window.undo()
    assert "autonomy" in codebook_in(project_path)[0]
    window.redo()
    assert "city autonomy" in codebook_in(project_path)[0]


def test_rename_to_a_sibling_name_is_refused_and_changes_nothing(window, project_path):
    before = codebook_in(project_path)
    proxy = window.codebook_panel.proxy
    idx = proxy.mapFromSource(window.code_model.index_of(code_id(window, "autonomy")))
    proxy.setData(idx, "Provincial Constraint", Qt.ItemDataRole.EditRole)
    assert codebook_in(project_path) == before
    assert "already exists" in window.last_error
    assert window.ctx.undo_stack.count() == 0


def test_recolour_and_definition_undo(window, project_path):
    cid = code_id(window, "provincial constraint")
    acts = window.codebook_actions
    assert acts.recolor_code(cid, "#123456")
    assert acts.describe_code(cid, "Limits set by the province")
    assert codebook_in(project_path)[0]["provincial constraint"] == ("#123456", "Limits set by the province")
    spans = [s for s in window.document_view.layer.spans.values() if s.row.code_id == cid]
    assert spans and all(s.row.color == "#123456" for s in spans)
    window.undo()
    assert codebook_in(project_path)[0]["provincial constraint"][1] == ""
    window.undo()
    assert codebook_in(project_path)[0]["provincial constraint"][0] != "#123456"
    window.redo()
    window.redo()
    assert codebook_in(project_path)[0]["provincial constraint"] == ("#123456", "Limits set by the province")
    assert not window.codebook_actions.recolor_code(cid, "blue")  # the service's validation, nothing changed
    assert "colour" in window.last_error


def _drag_codes(window, ids, row, parent_path):
    proxy = window.codebook_panel.proxy
    parent = (proxy.mapFromSource(window.code_model.index_of(code_id(window, parent_path)))
              if parent_path else proxy.index(0, 0).parent())
    data = QMimeData()
    data.setData(CODES_MIME, json.dumps(ids).encode())
    proxy.dropMimeData(data, Qt.DropAction.MoveAction, row, -1 if row == -1 else 0, parent)  # as a view passes them


def test_drag_reparents_and_reorders(window, project_path, qtbot):
    fund = code_id(window, "autonomy/own funding")
    _drag_codes(window, [fund], -1, "provincial constraint")  # onto a code: becomes its child
    qtbot.waitUntil(lambda: "provincial constraint/own funding" in codebook_in(project_path)[0])
    dev = code_id(window, "development outcome")
    _drag_codes(window, [dev], 0, None)  # between top-level codes: first
    qtbot.waitUntil(lambda: codebook_in(project_path)[1][0] == "development outcome")
    assert window.code_model.index(0, 0).data(Qt.ItemDataRole.EditRole) == "development outcome"
    window.undo()
    assert codebook_in(project_path)[1][0] == "autonomy"
    window.undo()
    assert codebook_in(project_path)[1] == SMALL_ORDER
    window.redo()
    assert "provincial constraint/own funding" in codebook_in(project_path)[0]


def test_drag_a_code_under_itself_is_refused(window, project_path, qtbot):
    before = codebook_in(project_path)
    _drag_codes(window, [code_id(window, "autonomy")], -1, "autonomy/own funding")
    qtbot.waitUntil(lambda: "under itself" in window.last_error)
    assert codebook_in(project_path) == before


def test_delete_with_codings_asks_first_and_undo_restores_everything(window, project_path, monkeypatch):
    acts = window.codebook_actions
    before_codings, before_codes = codings_in(project_path), codebook_in(project_path)
    asked = []
    monkeypatch.setattr(acts, "confirm", lambda title, text: asked.append(text) or False)
    assert not acts.delete_code(code_id(window, "autonomy"))
    assert "3 codings" in asked[0]
    assert codings_in(project_path) == before_codings
    monkeypatch.setattr(acts, "confirm", lambda title, text: True)
    assert acts.delete_code(code_id(window, "autonomy"))
    assert "autonomy" not in codebook_in(project_path)[0]
    assert not any(r[0].startswith("autonomy") for r in codings_in(project_path))
    assert not any(s.row.code_path.startswith("autonomy") for s in window.document_view.layer.spans.values())
    window.undo()
    assert codings_in(project_path) == before_codings
    assert codebook_in(project_path) == before_codes
    assert len([s for s in window.document_view.layer.spans.values() if s.row.code_path.startswith("autonomy")]) == 3
    window.redo()
    assert "autonomy" not in codebook_in(project_path)[0]


def test_merge_and_undo_restores_codes_codings_and_subcodes(window, project_path):
    acts = window.codebook_actions
    before_codings, before_codes = codings_in(project_path), codebook_in(project_path)
    src, target = code_id(window, "autonomy"), code_id(window, "provincial constraint")
    assert acts.merge_codes([src], target)
    paths, _ = codebook_in(project_path)
    assert "autonomy" not in paths and "provincial constraint/own funding" in paths
    rows = codings_in(project_path)
    assert not any(r[0] == "autonomy" for r in rows)
    assert len([r for r in rows if r[0] == "provincial constraint"]) == 3 + 2
    window.undo()
    assert codings_in(project_path) == before_codings
    assert codebook_in(project_path) == before_codes
    assert window.code_model.row(src).count == 2
    window.redo()
    assert "autonomy" not in codebook_in(project_path)[0]


def test_merge_collapses_a_repeat_and_undo_brings_it_back(window, project_path):
    """Thandi codes a passage she coded as provincial constraint with a new code too; merging collapses it."""
    before = codings_in(project_path)
    acts = window.codebook_actions
    new = acts.create("approvals")
    # The same passage and coder under the new code: a repeat once merged.
    from workbench.services.coding import NewCoding, apply_codes

    with window.ctx.project.reading() as s:
        from sqlalchemy import select

        from workbench.store.models import Coder, Coding
        thandi = s.scalar(select(Coder.id).where(Coder.name == "Thandi"))
        row = s.execute(select(Coding.source_id, Coding.start, Coding.end).where(
            Coding.code_id == code_id(window, "provincial constraint"))).first()
    apply_codes(window.ctx.project, [NewCoding(row.source_id, new, thandi, row.start, row.end)])
    with_dupe = codings_in(project_path)
    assert acts.merge_codes([new], code_id(window, "provincial constraint"))
    assert len(codings_in(project_path)) == len(with_dupe) - 1  # the repeat by the same coder collapsed
    window.undo()
    assert codings_in(project_path) == with_dupe
    assert len(with_dupe) == len(before) + 1


def test_filter_as_you_type_keeps_parents(window, qtbot):
    panel = window.codebook_panel
    qtbot.keyClicks(panel.filter, "fund")
    proxy = panel.proxy
    assert proxy.rowCount() == 1
    top = proxy.index(0, 0)
    assert top.data(Qt.ItemDataRole.EditRole) == "autonomy"
    assert proxy.index(0, 0, top).data(Qt.ItemDataRole.EditRole) == "own funding"
    panel.filter.clear()
    assert proxy.rowCount() == 3


def test_properties_dialog_is_one_undoable_edit(window, project_path, qtbot):
    from workbench.ui.dialogs.code_properties import CodePropertiesDialog

    cid = code_id(window, "development outcome")
    window.codebook_panel.select_code(cid)
    window.codebook_actions.properties.trigger()
    dlg = window.findChild(CodePropertiesDialog, "codeProperties")
    assert dlg is not None and dlg.isVisible()
    dlg.name_field.setText("outcomes")
    dlg.set_color("#59a14f")
    dlg.definition.setPlainText("What the partnership delivered or failed to")
    dlg.accept()
    paths, _ = codebook_in(project_path)
    assert paths["outcomes"] == ("#59a14f", "What the partnership delivered or failed to")
    assert window.ctx.undo_stack.count() == 1
    window.undo()
    paths, _ = codebook_in(project_path)
    assert "outcomes" not in paths and paths["development outcome"][1] == ""


def test_undo_of_a_merge_takes_back_a_memo_appended_to_a_kept_coding(window, project_path):
    """A repeat folded into the target's coding appends its memo to that coding's memo; undo puts
    the target coding's memo back as it was (the old undo kept only the merged codes' rows)."""
    from store_read import rows

    from workbench.services.coding import NewCoding, apply_codes
    from workbench.services.lookup import coder_by_name

    acts = window.codebook_actions
    target = code_id(window, "provincial constraint")
    new = acts.create("approvals")
    with window.ctx.project.reading() as s:
        thandi = coder_by_name(s, "Thandi")
    sid = window.source_model.source_ids()[0]
    apply_codes(window.ctx.project, [NewCoding(sid, target, thandi, 0, 5, memo="kept note"),
                                     NewCoding(sid, new, thandi, 0, 5, memo="folded note")])
    memo_sql = "SELECT guid, text, updated_at, coding_id, code_id FROM memo ORDER BY guid"
    before = rows(project_path, memo_sql)
    assert acts.merge_codes([new], target)
    assert any("kept note" in r[1] and "folded note" in r[1] for r in rows(project_path, memo_sql))
    window.undo()
    assert rows(project_path, memo_sql) == before
