"""Add to case… (issue 10, item 1): a passage selected in the document view becomes part of a case,
picked or made in the dialog, undoably; the Cases panel lists the case's passages and removes them.
The source has an emoji before the passage and CRLF line ends, so Qt's UTF-16 positions and the
project's code points differ; the expected offsets are counted here with str.index on the stored text."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QDialogButtonBox, QToolButton
from store_read import rows

from workbench.store.project import create_project
from workbench.ui.dialogs.add_to_case import AddToCaseDialog

RAW = ("Interviewer: Tell me about the partnership 😀 and its money.\r\n"
       "Ms Dlamini: In Soweto 👩🏽‍🚀 we fund the exchanges ourselves.\r\n\r\n"
       "Mr Bekele: The province decides the rest 🇿🇦 every year.\r\n")
TEXT = RAW.replace("\r\n", "\n")  # as stored: CRLF becomes \n at import (CLI.md)


@pytest.fixture
def case_window(qtbot, tmp_path, coder_name):
    from workbench.services.cases import create_case
    from workbench.services.sources import import_files
    from workbench.ui.main_window import MainWindow

    (tmp_path / "dlamini.txt").write_bytes(RAW.encode("utf-8"))
    path = tmp_path / "cases.qwb"
    project = create_project(path, coder="Thandi")
    try:
        assert [o.status for o in import_files(project, [tmp_path / "dlamini.txt"])] == ["imported"]
        create_case(project, "Johannesburg")
    finally:
        project.close()
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    assert w.open_project(path)
    w.open_source(w.source_model.source_ids()[0])
    yield w, path
    w.close_project()


def select_with_qt(view, phrase: str) -> tuple[int, int]:
    """Select phrase through Qt's own UTF-16 positions; returns its code-point offsets."""
    text = view.source.text
    start = text.index(phrase)
    u16 = lambda s: len(s.encode("utf-16-le")) // 2  # noqa: E731 - not our Utf16Map
    cur = QTextCursor(view.document())
    cur.setPosition(u16(text[:start]))
    cur.setPosition(u16(text[:start + len(phrase)]), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cur)
    assert view.textCursor().selectedText() == phrase
    return start, start + len(phrase)


def add_via_context_menu(window, qtbot) -> AddToCaseDialog:
    view = window.document_view
    menu = view.menu_builder(view, [])
    action = next(a for a in menu.actions() if a.objectName() == "addToCase")
    assert action.isEnabled() and action.text() == "Add to case…"
    action.trigger()
    shown = [d for d in window.findChildren(AddToCaseDialog, "addToCaseDialog") if d.isVisible()]
    assert len(shown) == 1  # (a dialog closed before waits for its deleteLater)
    return shown[0]


def passages(path):
    return rows(path, 'SELECT c.name, p.start, p."end", p.guid FROM case_passage p JOIN case_ c ON c.id = p.case_id '
                      'ORDER BY p.start')


def test_add_to_a_new_case_then_an_existing_one_undo_redo_and_remove_in_the_panel(case_window, qtbot):
    window, path = case_window
    view = window.document_view
    assert view.source.text == TEXT
    first = "we fund the exchanges ourselves"
    a, b = select_with_qt(view, first)
    assert (a, b) == (TEXT.index(first), TEXT.index(first) + len(first))
    assert view.textCursor().selectionStart() == a + 4  # Qt counts two emoji as four more units: the boundary matters

    dialog = add_via_context_menu(window, qtbot)
    assert first in dialog.passage.text()
    field = dialog.case_field.lineEdit()
    field.selectAll()
    qtbot.keyClicks(field, "Soweto")
    assert "new case “Soweto”" in dialog.hint.text()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    made = passages(path)
    assert [(c, s, e) for c, s, e, _ in made] == [("Soweto", a, b)]
    assert TEXT[made[0][1]:made[0][2]] == first
    guid = made[0][3]
    assert "Soweto" in window.area.subtitle.full  # the header names the case

    window.undo()  # one step takes back both the passage and the case made for it
    assert passages(path) == []
    assert rows(path, "SELECT name FROM case_ ORDER BY name") == [("Johannesburg",)]
    window.redo()
    assert passages(path) == [("Soweto", a, b, guid)]  # the same link again, GUID kept
    assert rows(path, "SELECT count(*) FROM tombstone WHERE guid = :g", g=guid) == [(0,)]

    second = "The province decides the rest 🇿🇦 every"
    c, d = select_with_qt(view, second)
    dialog = add_via_context_menu(window, qtbot)
    dialog.case_field.setCurrentIndex(dialog.case_field.findText("Johannesburg"))
    assert "to “Johannesburg”" in dialog.hint.text()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert [(n, s, e) for n, s, e, _ in passages(path)] == [("Soweto", a, b), ("Johannesburg", c, d)]
    assert TEXT[c:d] == second
    assert rows(path, "SELECT count(*) FROM case_") == [(2,)]

    # The Cases panel lists the selected case's passages; Remove takes one out, undoably.
    window.case_actions.open_panel.trigger()
    panel = window.panel_docks.panel("casesPanel")
    jhb = rows(path, "SELECT id FROM case_ WHERE name = 'Johannesburg'")[0][0]
    assert panel.select_case(jhb)
    assert panel.passages.count() == 1
    item = panel.passages.item(0)
    assert item.text() == f"dlamini.txt  {c}–{d}:  “{second}”"
    assert "1 passage" in panel.passages_label.text()
    panel.passages.setCurrentItem(item)
    remove = next(b for b in panel.findChildren(QToolButton) if b.defaultAction() is window.case_actions.remove_passage)
    assert remove.isEnabled()
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    assert [(n, s, e) for n, s, e, _ in passages(path)] == [("Soweto", a, b)]
    assert rows(path, "SELECT kind FROM tombstone") == [("case_passage",)]
    assert panel.passages.count() == 0
    window.undo()
    assert [(n, s, e) for n, s, e, _ in passages(path)] == [("Soweto", a, b), ("Johannesburg", c, d)]
    assert panel.passages.count() == 1

    # Double-clicking a listed passage shows it selected in its source.
    view.setTextCursor(QTextCursor(view.document()))
    panel.passages.itemActivated.emit(panel.passages.item(0))
    assert view.textCursor().selectedText() == second


def test_add_to_case_needs_a_selection_and_adds_a_passage_once(case_window, qtbot):
    window, path = case_window
    view = window.document_view
    view.setTextCursor(QTextCursor(view.document()))
    menu = view.menu_builder(view, [])
    assert not next(a for a in menu.actions() if a.objectName() == "addToCase").isEnabled()
    phrase = "Tell me about the partnership 😀 and"
    a, b = select_with_qt(view, phrase)
    for _ in range(2):
        dialog = add_via_context_menu(window, qtbot)
        dialog.case_field.setCurrentIndex(dialog.case_field.findText("Johannesburg"))
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert [(n, s, e) for n, s, e, _ in passages(path)] == [("Johannesburg", a, b)]
    assert "already part of the case" in window.statusBar().currentMessage()
    window.undo()  # the second, which changed nothing, undoes to nothing; the first stays
    assert [(n, s, e) for n, s, e, _ in passages(path)] == [("Johannesburg", a, b)]
    window.undo()
    assert passages(path) == []


def test_del_in_the_passage_list_takes_the_passage_out_and_read_only_offers_no_add(case_window, qtbot):
    window, path = case_window
    view = window.document_view
    a, b = select_with_qt(view, "we fund the exchanges")
    jhb = rows(path, "SELECT id FROM case_ WHERE name = 'Johannesburg'")[0][0]
    assert window.case_actions.link_passage(jhb, "", (view.source_id, a, b))
    window.case_actions.open_panel.trigger()
    panel = window.panel_docks.panel("casesPanel")
    assert panel.select_case(jhb) and panel.passages.count() == 1
    panel.passages.setCurrentRow(0)
    panel.passages.setFocus()
    qtbot.waitUntil(panel.passages.hasFocus)
    qtbot.keyClick(panel.passages, Qt.Key.Key_Delete)
    assert passages(path) == []
    assert rows(path, "SELECT count(*) FROM coding") == [(0,)] and rows(path, "SELECT count(*) FROM source") == [(1,)]
    window.undo()
    assert [(n, s, e) for n, s, e, _ in passages(path)] == [("Johannesburg", a, b)]

    window.close_project()
    assert window.open_project(path, readonly=True)
    window.open_source(window.source_model.source_ids()[0])
    select_with_qt(window.document_view, "we fund the exchanges")
    menu = window.document_view.menu_builder(window.document_view, [])
    assert not next(x for x in menu.actions() if x.objectName() == "addToCase").isEnabled()
    assert not window.case_actions.add_to_case.isEnabled() and not window.case_actions.remove_passage.isEnabled()
