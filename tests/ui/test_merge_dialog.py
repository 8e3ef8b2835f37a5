"""The merge dialog: preview of what comes in, a conflict resolved by the user, apply as a job."""
from __future__ import annotations

import os
import shutil

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402

from workbench.services import codebook, coding  # noqa: E402
from workbench.services.lookup import code_by_path, coder_by_name, source_by_name  # noqa: E402
from workbench.store.project import open_project  # noqa: E402

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def two_copies(project_path, tmp_path):
    other = tmp_path / "pieter.qwb"
    shutil.copy(project_path, other)
    with open_project(project_path) as p:
        with p.reading() as s:
            code = code_by_path(s, "autonomy")
        codebook.rename_code(p, code, "self-rule")
    with open_project(other) as p:
        with p.reading() as s:
            code, src, coder = code_by_path(s, "autonomy"), source_by_name(s, "policy.txt"), coder_by_name(s, "Pieter")
        codebook.rename_code(p, code, "city autonomy")
        coding.apply_code(p, src, code, coder, 0, 9)
    return project_path, other


def test_preview_then_apply_with_a_changed_resolution(qtbot, two_copies):
    from workbench.ui.dialogs.merge_dialog import MergeDialog

    project_path, other = two_copies
    with open_project(project_path) as project:
        dialog = MergeDialog(project, files=[str(other)])
        qtbot.addWidget(dialog)
        qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.apply_button.isEnabled(), timeout=10000)
        tree = dialog.findChild(type(dialog.tree), "mergePreview")
        kinds = {tree.topLevelItem(i).text(0): tree.topLevelItem(i).text(1) for i in range(tree.topLevelItemCount())}
        assert kinds["Codings"] == "1"
        table = dialog.conflicts
        assert table.rowCount() == 1
        assert (table.item(0, 0).text(), table.item(0, 1).text()) == ("self-rule", "code name")
        combo = table.cellWidget(0, 4)
        assert combo.currentData() == "other"  # Pieter's rename is the more recent
        assert combo.currentText() == "Take the other file's"
        combo.setCurrentIndex(combo.findData("ours"))
        with qtbot.waitSignal(dialog.merged, timeout=10000) as blocker:
            qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
        report = blocker.args[0]
        assert report.body["conflicts"][0]["resolution"] == "ours"
        assert dialog.report_view.isVisible() or "self-rule" in dialog.report_view.toPlainText()
        with project.reading() as s:
            code = code_by_path(s, "self-rule")
            from sqlalchemy import func, select

            from workbench.store.models import Coding

            assert s.scalar(select(func.count()).select_from(Coding).where(Coding.code_id == code)) == 3


def test_a_bad_file_is_reported_and_nothing_changes(qtbot, project_path, tmp_path):
    from workbench.ui.dialogs.merge_dialog import MergeDialog

    junk = tmp_path / "notes.qwb"
    junk.write_text("notes")
    dialog = MergeDialog(project_path, files=[str(junk)])
    qtbot.addWidget(dialog)
    dialog.preview()
    qtbot.waitUntil(lambda: "not a workbench project" in dialog.status.text(), timeout=10000)
    assert not dialog.apply_button.isEnabled()


def test_the_merge_result_is_a_summary_in_words(qtbot, two_copies):
    """What came in, each conflict and its resolution, the backup: no JSON, no store words."""
    from pathlib import Path

    from workbench.services import sources
    from workbench.ui.dialogs.merge_dialog import MergeDialog

    project_path, other = two_copies
    with open_project(project_path) as p:  # deleted here, coded there: a deletion against work
        with p.reading() as s:
            addis = source_by_name(s, "interview_addis.txt")
        sources.delete_source(p, addis, "Thandi", force=True)
    with open_project(other) as p:
        with p.reading() as s:
            code, src, coder = code_by_path(s, "city autonomy"), source_by_name(s, "interview_addis.txt"), \
                coder_by_name(s, "Pieter")
        coding.apply_code(p, src, code, coder, 0, 9)
    with open_project(project_path) as project:
        dialog = MergeDialog(project, files=[str(other)])
        qtbot.addWidget(dialog)
        dialog.resize(900, 650)
        dialog.show()
        qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.apply_button.isEnabled(), timeout=10000)
        table = dialog.conflicts
        shown = [table.item(r, c).text() for r in range(table.rowCount()) for c in range(4)]
        options = [table.cellWidget(r, 4).itemText(i) for r in range(table.rowCount())
                   for i in range(table.cellWidget(r, 4).count())]
        assert "Keep it" in options and "Take the other file's" in options
        assert not any(w in " ".join(shown + options).lower() for w in ("tombstone", "ours", "…"))
        for r in range(table.rowCount()):  # rows tall enough for their text: nothing cut
            for c in (2, 3):
                lines = table.item(r, c).text().count("\n") + 1
                assert table.rowHeight(r) >= lines * table.fontMetrics().height()
        with qtbot.waitSignal(dialog.merged, timeout=10000) as blocker:
            qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
        text = dialog.report_view.toPlainText()
        backup = blocker.args[0].body["backup"]
        assert Path(backup).exists() and backup in text
        assert "What came in:" in text and "new coding" in text
        assert "2 conflicts" in text
        assert ("Source “interview_addis.txt” (it holds coding by Pieter: development outcome/unrealised objective"
                in text)
        assert "”): deleted by Thandi here, kept and changed in the other file — kept it." in text
        assert "Code “self-rule”, name: this project had “self-rule”, the other file “city autonomy” — took the " \
            "other file's." in text
        assert "{" not in text and "tombstone" not in text.lower() and "ours" not in text


@pytest.mark.parametrize("label, words", [
    ("source interview_addis.txt, deleted by Thandi", "Source “interview_addis.txt”"),
    ("case Addis Ababa, deleted by Sipho, holds another coder's work (memo by Naledi: case Addis Ababa)",
     "Case “Addis Ababa” (it holds memo by Naledi: case Addis Ababa)"),
    ("coding by Naledi, deleted by Sipho: autonomy on a.txt 3-9 “self rule”",
     "Coding by Naledi, autonomy on a.txt 3-9 “self rule”"),
    ("code autonomy", "Code “autonomy”"),
    ("case_passage Johannesburg: a.txt 3-9, deleted by Sipho", "Case passage “Johannesburg: a.txt 3-9”"),
])
def test_a_deletion_conflict_names_the_thing_once_and_whose_work_it_holds(label, words):
    from workbench.ui.dialogs.merge_words import deleted_thing

    assert deleted_thing(label) == words


def test_every_kind_a_merge_counts_has_words():
    from workbench.services.merge_state import KINDS
    from workbench.ui.dialogs.merge_words import KIND_TITLES, KIND_WORDS

    for kind in (*KINDS, "value", "link", "tombstone"):
        assert "_" not in KIND_WORDS[kind] and "_" not in KIND_TITLES[kind], kind
