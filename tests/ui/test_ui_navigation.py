"""Finding in the document, stepping through a code's codings across sources, jumping to a coding."""
from __future__ import annotations

from PySide6.QtCore import Qt
from ui_helpers import code_id, source_id


def test_find_shows_all_hits_and_steps(window, qtbot):
    window.open_source(source_id(window, "interview_jhb.txt"))
    view = window.document_view
    window.find_action.trigger()
    bar = window.area.find_bar
    assert bar.isVisible()
    qtbot.keyClicks(bar.field, "the")
    text = view.source.text
    expected = [i for i in range(len(text)) if text[i:i + 3].lower() == "the"]
    assert [a for a, _ in bar.hits] == expected
    assert len(view.highlighter.hits) == len(expected)
    assert bar.count.text() == f"{len(expected)} hits"
    qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert view.selection_cp() == (expected[0], expected[0] + 3)
    bar.next()
    assert view.selection_cp() == (expected[1], expected[1] + 3)
    bar.previous()
    bar.previous()
    assert view.selection_cp() == (expected[-1], expected[-1] + 3)  # wraps around
    qtbot.keyClick(bar.field, Qt.Key.Key_Escape)
    assert not bar.isVisible() and view.highlighter.hits == []


def test_next_coding_of_code_crosses_sources(window):
    cid = code_id(window, "provincial constraint")
    window.codebook_panel.select_code(cid)
    window.open_source(source_id(window, "interview_jhb.txt"))
    seen = []
    for _ in range(4):
        window.coding_actions.next_coding.trigger()
        view = window.document_view
        seen.append((view.source.name, view.selection_cp()))
    jhb = window.document_view  # 2 codings in the interview (Thandi, Pieter, same passage), then the policy
    names = [s[0] for s in seen]
    assert names[:3] == ["interview_jhb.txt", "interview_jhb.txt", "policy.txt"]
    assert names[3] == "interview_jhb.txt"  # wraps to the first
    policy_text = "Agreements are submitted to the Province before signature."
    window.open_source(source_id(window, "policy.txt"))
    a, b = seen[2][1]
    assert jhb.source.text[a:b] == policy_text
    window.coding_actions.prev_coding.trigger()
    assert window.document_view.source.name == "interview_jhb.txt"


def test_show_coding_from_the_list_selects_and_scrolls(window, qtbot):
    window.open_source(source_id(window, "interview_addis.txt"))
    model = window.coding_model
    row = 1
    cid = model.index(row, 0).data(Qt.ItemDataRole.UserRole)
    rect = window.coding_list.visualRect(model.index(row, 2))
    qtbot.mouseClick(window.coding_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    span = window.document_view.layer.spans[cid]
    assert window.document_view.selection_cp() == (span.row.start, span.row.end)
    assert window.selected_coding() == cid
    assert "coding" in window.memo_pane.title.text()


def test_show_coding_opens_the_source_and_a_vanished_coding_says_so(window):
    window.open_source(source_id(window, "policy.txt"))
    from workbench.query.document import source_codings

    target = source_codings(window.ctx.project, source_id(window, "interview_addis.txt"))[0]
    assert window.show_coding(target.id)
    assert window.document_view.source.name == "interview_addis.txt"
    assert window.document_view.selected_text() == window.document_view.source.text[target.start:target.end]
    assert not window.show_coding(999999)
    assert "no longer" in window.statusBar().currentMessage()
