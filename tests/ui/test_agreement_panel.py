"""The agreement panel: the table for two coders and the comparison view's colours."""
from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


from workbench.services.sources import source_text  # noqa: E402

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def test_table_and_comparison_view(qtbot, project, tmp_path):
    from PySide6.QtGui import QColor, QTextCursor

    from workbench.ui.panels.agreement_panel import COLOURS, AgreementPanel

    panel = AgreementPanel(project)
    qtbot.addWidget(panel)
    panel.coder_a.setCurrentText("Thandi")
    panel.coder_b.setCurrentText("Pieter")
    with qtbot.waitSignal(panel.computed):
        panel.compute_button.click()
    tree = panel.tree
    rows = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert rows[0] == "autonomy" and rows[-1] == "Overall"
    autonomy = tree.topLevelItem(0)
    jhb = autonomy.child(0)
    assert (jhb.text(0), jhb.text(1), jhb.text(2)) == ("interview_jhb.txt", "96.69", "0.806")
    tree.setCurrentItem(jhb)
    view = panel.comparison
    qtbot.waitUntil(lambda: view.title.text() == "interview_jhb.txt — code “autonomy”")
    text = source_text(project, "interview_jhb.txt")
    start = text.index("We set our own agenda")
    assert view.kind_at(start) == "both" and view.kind_at(start + 22) == "b"
    assert view.kind_at(0) is None
    cursor = QTextCursor(view.text.document())
    cursor.setPosition(start + 1)
    assert cursor.charFormat().background().color() == QColor(COLOURS["both"])
    cursor.setPosition(1)
    assert cursor.charFormat().background().color() != QColor(COLOURS["both"])
    out = tmp_path / "agreement.csv"
    panel.export(str(out))
    assert out.read_text(encoding="utf-8-sig").startswith("code,source,characters")
    panel.threshold.setValue(60)  # 21 of 30 characters = 70% overlap: now the autonomy segments match
    qtbot.waitUntil(lambda: tree.topLevelItem(0).text(5) == "100.0")


def test_comparison_view_positions_after_an_emoji(qtbot, project):
    from workbench.services.lookup import source_by_name
    from workbench.ui.panels.agreement_panel import ComparisonView

    view = ComparisonView(project)
    qtbot.addWidget(view)
    with project.reading() as s:
        sid = source_by_name(s, "interview_addis.txt")
    view.show_source(sid, ["Thandi", "Pieter"])
    text = source_text(project, "interview_addis.txt")
    start = text.index("Training for engineers")
    assert view.kind_at(start) == "a"
    # Qt counts the emoji before the passage as two units: the colour must start one unit later.
    from PySide6.QtGui import QColor, QTextCursor

    from workbench.ui.panels.agreement_panel import COLOURS

    cursor = QTextCursor(view.text.document())
    cursor.setPosition(start + 1 + 1)
    assert cursor.charFormat().background().color() == QColor(COLOURS["a"])
    cursor.setPosition(start + 1)
    assert cursor.charFormat().background().color() != QColor(COLOURS["a"])
