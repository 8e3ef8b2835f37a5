"""The memo list over plain rows (issue 10, speed): previews made from the memo's start only,
the kind filter, and a memo whose preview is cut still opening itself where it belongs."""
from __future__ import annotations

from PySide6.QtCore import Qt
from ui_helpers import code_id, source_id

from workbench.services.memos import set_memo
from workbench.ui.panels.memo_list import preview


def test_a_preview_is_the_memos_start_with_its_spaces_and_line_breaks_made_one():
    assert preview("  Two\n\n  lines\tand a tab ") == "Two lines and a tab"
    assert preview("word " * 400) == ("word " * 60)[:300]  # 300 characters: 60 words of 4 and a space
    # A start of nothing but blank lines is longer than the part split first: the rest is still shown.
    assert preview("\n" * 5000 + "Late   start") == "Late start"
    assert preview("") == ""


def test_filtering_by_kind_and_a_long_memo_opening_where_it_belongs(window):
    project = window.ctx.project
    policy, addis = source_id(window, "policy.txt"), source_id(window, "interview_addis.txt")
    autonomy = code_id(window, "autonomy")
    long_memo = "Opening line.\n\n" + "The province signs off on every agreement. " * 80 + "CLOSING WORD"
    set_memo(project, "source", policy, long_memo)
    set_memo(project, "source", addis, "Bus project")
    set_memo(project, "code", autonomy, "Own account")
    set_memo(project, "project", None, "The study")
    panel = window.memo_actions.show_list()
    proxy = panel.proxy
    shown = lambda col: [proxy.index(r, col).data() for r in range(proxy.rowCount())]  # noqa: E731
    assert shown(1) == ["the project", "interview_addis.txt", "policy.txt", "autonomy"]
    cut = shown(2)[2]
    assert len(cut) == 300 and cut.startswith("Opening line. The province signs off") and "CLOSING" not in cut
    assert proxy.index(2, 2).data(Qt.ItemDataRole.ToolTipRole) == "policy.txt\n\n" + long_memo[:1500] + "…"
    panel.kind.setCurrentIndex(panel.kind.findData("source"))
    assert shown(0) == ["Source", "Source"] and panel.status.text() == "2 of 4 memos"
    panel.kind.setCurrentIndex(panel.kind.findData("code"))
    assert shown(1) == ["autonomy"]
    panel.kind.setCurrentIndex(panel.kind.findData("source"))
    panel.words.setText("closing word")  # in the memo's text past its preview
    assert shown(1) == ["policy.txt"]
    panel.table.doubleClicked.emit(proxy.index(0, 2))
    assert window.memo_pane.target == ("source", policy)
    assert window.document_view.source_id == policy
    assert [m.text for m in panel.shown_rows()] == [long_memo]  # what Export to Word writes: the whole memo
    panel.kind.setCurrentIndex(0)
    panel.words.clear()
    assert panel.status.text() == "4 memos"
