"""Each way of coding a selected passage, through the window's own widgets and actions; undo and redo."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from ui_helpers import code_id, codings_in, select_phrase, source_id

from workbench.ui.dialogs.code_picker import CodePicker

JHB = "interview_jhb.txt"
PHRASE = "How does the city choose its partners?"


def open_jhb(window):
    window.open_source(source_id(window, JHB))
    return window.document_view


def has(project_path, path, a, b, coder="Thandi"):
    return any(r[:4] == (path, coder, a, b) for r in codings_in(project_path, JHB))


def test_drop_selection_onto_code_in_tree(window, project_path, qtbot):
    view = open_jhb(window)
    a, b = select_phrase(window, PHRASE)
    mime = view.passage_mime()
    tree = window.codebook_panel.tree
    idx = window.codebook_panel.proxy.mapFromSource(window.code_model.index_of(code_id(window, "provincial constraint")))
    tree.scrollTo(idx)
    pos = QPointF(tree.visualRect(idx).center())
    actions = Qt.DropAction.CopyAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    vp = tree.viewport()
    enter = QDragEnterEvent(pos.toPoint(), actions, mime, buttons, mods)
    QApplication.sendEvent(vp, enter)
    move = QDragMoveEvent(pos.toPoint(), actions, mime, buttons, mods)
    QApplication.sendEvent(vp, move)
    assert move.isAccepted()
    drop = QDropEvent(pos, actions, mime, buttons, mods)
    QApplication.sendEvent(vp, drop)
    assert has(project_path, "provincial constraint", a, b)
    assert any(s.row.start == a and s.row.end == b for s in view.layer.spans.values())
    # The count in the tree follows.
    assert window.code_model.row(code_id(window, "provincial constraint")).count == 4
    window.undo()
    assert not has(project_path, "provincial constraint", a, b)
    assert window.code_model.row(code_id(window, "provincial constraint")).count == 3
    window.redo()
    assert has(project_path, "provincial constraint", a, b)


def test_drop_between_codes_is_not_a_coding(window, project_path):
    view = open_jhb(window)
    select_phrase(window, PHRASE)
    before = codings_in(project_path)
    proxy = window.codebook_panel.proxy
    assert not proxy.dropMimeData(view.passage_mime(), Qt.DropAction.CopyAction, 1, 0, proxy.index(0, 0).parent())
    assert codings_in(project_path) == before


def test_code_picker_filters_and_enter_applies(window, project_path, qtbot):
    open_jhb(window)
    a, b = select_phrase(window, PHRASE)
    window.coding_actions.code_with.trigger()
    picker = window.findChild(CodePicker, "codePicker")
    assert picker is not None and picker.isVisible()
    qtbot.keyClicks(picker.field, "own fun")
    shown = [picker.list.item(i).text() for i in range(picker.list.count())]
    assert shown == ["autonomy/own funding", "Create code “own fun”"]  # creating is offered last
    assert picker.list.currentRow() == 0
    qtbot.keyClick(picker.field, Qt.Key.Key_Return)
    assert has(project_path, "autonomy/own funding", a, b)
    window.undo()
    assert not has(project_path, "autonomy/own funding", a, b)


def test_code_picker_new_name_creates_the_code_and_undo_removes_both(window, project_path, qtbot):
    open_jhb(window)
    a, b = select_phrase(window, PHRASE)
    window.coding_actions.code_with.trigger()
    picker = window.findChild(CodePicker, "codePicker")
    qtbot.keyClicks(picker.field, "partner choice")
    assert picker.list.currentItem().text() == "Create code “partner choice”"
    qtbot.keyClick(picker.field, Qt.Key.Key_Return)
    assert has(project_path, "partner choice", a, b)
    new_id = code_id(window, "partner choice")
    window.undo()
    assert not has(project_path, "partner choice", a, b)
    assert all(r.path != "partner choice" for r in window.code_model.rows())
    window.redo()
    assert has(project_path, "partner choice", a, b)
    assert code_id(window, "partner choice") == new_id  # the same code comes back, not a new one


def test_code_picker_creates_a_subcode_under_an_existing_parent(window, project_path, qtbot):
    open_jhb(window)
    a, b = select_phrase(window, PHRASE)
    window.coding_actions.code_with.trigger()
    picker = window.findChild(CodePicker, "codePicker")
    qtbot.keyClicks(picker.field, "autonomy/partner choice")
    qtbot.keyClick(picker.field, Qt.Key.Key_Return)
    assert has(project_path, "autonomy/partner choice", a, b)


def test_quick_keys_apply_pinned_codes(window, project_path, qtbot):
    view = open_jhb(window)
    cid = code_id(window, "development outcome")
    window.codebook_actions.pin(cid, 3)
    assert "[3]" in window.code_model.index_of(cid).data()
    a, b = select_phrase(window, PHRASE)
    window.activateWindow()
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_3)
    assert has(project_path, "development outcome", a, b)
    # A key with no code pinned does nothing but say so.
    before = codings_in(project_path)
    qtbot.keyClick(view, Qt.Key.Key_5)
    assert codings_in(project_path) == before
    assert "key 5" in window.statusBar().currentMessage()


def test_pins_survive_reopening(window, project_path, qtbot):
    cid = code_id(window, "provincial constraint")
    window.codebook_actions.pin(cid, 1)
    window.close_project()
    window.open_project(project_path)
    assert window.pinned_code(1) == code_id(window, "provincial constraint")


def test_in_vivo_names_a_new_code_by_the_selection(window, project_path):
    open_jhb(window)
    a, b = select_phrase(window, "sometimes a year.")
    window.coding_actions.in_vivo.trigger()
    assert has(project_path, "sometimes a year", a, b)
    window.undo()
    assert all(r.path != "sometimes a year" for r in window.code_model.rows())
    assert not has(project_path, "sometimes a year", a, b)
    window.redo()
    assert has(project_path, "sometimes a year", a, b)


def test_context_menu_codes_with_a_recent_code(window, project_path):
    view = open_jhb(window)
    cid = code_id(window, "autonomy/own funding")
    select_phrase(window, "And the province?")
    window.coding_actions.code_selection(cid)  # makes it a recent code
    a, b = select_phrase(window, PHRASE)
    menu = window.coding_actions.document_menu(view, [])
    action = menu.findChild(type(window.undo_action), f"recentCode{cid}")
    assert action is not None and action.isEnabled()
    action.trigger()
    assert has(project_path, "autonomy/own funding", a, b)


def test_context_menu_removes_a_coding_and_undo_restores_it(window, project_path):
    view = open_jhb(window)
    start = view.source.text.index("Every agreement")
    spans = view.layer.at(view.layer.map.to_utf16(start + 3))
    assert {s.row.coder for s in spans} == {"Thandi", "Pieter"}
    pieter = next(s for s in spans if s.row.coder == "Pieter")
    menu = window.coding_actions.document_menu(view, spans)
    menu.findChild(type(window.undo_action), f"removeCoding{pieter.id}").trigger()
    rows = codings_in(project_path, JHB)
    assert not any(r[0] == "provincial constraint" and r[1] == "Pieter" for r in rows)
    assert pieter.id not in view.layer.spans
    window.undo()
    rows = codings_in(project_path, JHB)
    assert any(r[0] == "provincial constraint" and r[1] == "Pieter" for r in rows)


def test_click_on_bracket_selects_the_coding_and_delete_removes_it(window, project_path, qtbot):
    view = open_jhb(window)
    window.document_view.margin.repaint()
    brackets = view.margin.layout_brackets()
    assert brackets
    br = min(brackets, key=lambda br: br.span.end - br.span.start)  # "own funding" by Thandi is shortest? any works
    qtbot.mouseClick(view.margin, Qt.MouseButton.LeftButton, pos=QPoint(br.x, (br.top + br.bottom) // 2))
    assert window.selected_coding() == br.span.id
    sel = view.selection_cp()
    assert sel == (br.span.row.start, br.span.row.end)
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert br.span.id not in view.layer.spans
    assert not any(r[2:4] == (br.span.row.start, br.span.row.end) and r[0] == br.span.row.code_path
                   and r[1] == br.span.row.coder for r in codings_in(project_path, JHB))
    window.undo()
    assert any(r[2:4] == (br.span.row.start, br.span.row.end) and r[0] == br.span.row.code_path
               for r in codings_in(project_path, JHB))


def test_coding_twice_is_one_coding(window, project_path):
    open_jhb(window)
    cid = code_id(window, "autonomy")
    select_phrase(window, PHRASE)
    assert window.coding_actions.code_selection(cid)
    n = len(codings_in(project_path))
    assert not window.coding_actions.code_selection(cid)
    assert len(codings_in(project_path)) == n
    assert "already" in window.statusBar().currentMessage()
    assert window.ctx.undo_stack.count() == 1


def test_nothing_selected_codes_nothing(window, project_path):
    open_jhb(window)
    before = codings_in(project_path)
    window.coding_actions.in_vivo.trigger()
    window.coding_actions.quick_code(1)
    assert codings_in(project_path) == before
    assert window.ctx.undo_stack.count() == 0


def test_keyboard_shortcuts_reach_the_actions_from_the_text(window, project_path, qtbot):
    view = open_jhb(window)
    a, b = select_phrase(window, PHRASE)
    window.activateWindow()
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    picker = window.findChild(CodePicker, "codePicker")
    assert picker is not None and picker.isVisible()
    qtbot.keyClick(picker.field, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not picker.isVisible())
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)  # in-vivo
    name = "How does the city choose its partners"
    assert has(project_path, name, a, b)
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not has(project_path, name, a, b)
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert has(project_path, name, a, b)


def test_hovering_a_highlight_names_code_coder_and_memo(window, qtbot):
    view = open_jhb(window)
    text = view.source.text
    span = next(s for s in view.layer.spans.values() if s.row.code_path == "autonomy/own funding")
    window.edit_coding_memo(span.id)
    qtbot.keyClicks(window.memo_pane.editor, "own budget line")
    window.memo_pane.flush()
    from PySide6.QtGui import QTextCursor

    cur = QTextCursor(view.document())
    cur.setPosition(view.layer.map.to_utf16(text.index("exchanges ourselves")) + 2)
    rect = view.cursorRect(cur)
    spans = view.spans_at(rect.center())
    tip = view.tooltip_for(spans)
    assert "autonomy/own funding" in tip and "Thandi" in tip and "own budget line" in tip
    # Over plain text there is nothing to say.
    cur.setPosition(view.layer.map.to_utf16(text.index("How does")) + 1)
    assert view.spans_at(view.cursorRect(cur).center()) == []


def test_delete_on_a_row_of_the_codings_list_removes_that_coding(window, project_path, qtbot):
    open_jhb(window)
    table = window.coding_list
    before = codings_in(project_path, JHB)
    rect = table.visualRect(window.coding_model.index(0, 2))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    cid = window.selected_coding()
    assert cid is not None
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: len(codings_in(project_path, JHB)) == len(before) - 1)
    assert cid not in window.document_view.layer.spans
    window.undo()
    assert sorted(codings_in(project_path, JHB)) == sorted(before)


def test_a_read_only_project_offers_no_coding_from_the_text(window, project_path):
    view = open_jhb(window)
    cid = code_id(window, "autonomy/own funding")
    select_phrase(window, "And the province?")
    window.coding_actions.code_selection(cid)  # a recent code, so the recent menu is there
    before = codings_in(project_path, JHB)
    window.close_project()
    assert window.open_project(project_path, readonly=True)
    view = open_jhb(window)
    select_phrase(window, PHRASE)
    start = view.source.text.index("Every agreement")
    spans = view.layer.at(view.layer.map.to_utf16(start + 3))
    menu = window.coding_actions.document_menu(view, spans)
    assert not window.coding_actions.code_with.isEnabled() and not window.coding_actions.in_vivo.isEnabled()
    for span in spans:
        assert not menu.findChild(type(window.undo_action), f"removeCoding{span.id}").isEnabled()
    recent = menu.findChild(type(menu), "recentCodesMenu")
    assert recent is None or not recent.isEnabled()
    assert codings_in(project_path, JHB) == before
