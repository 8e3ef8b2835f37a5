"""The small things that make the program feel finished (issue 10, item 10): the window fits the
screen, each shortcut does one thing, file dialogs remember their folder, plurals are right."""
from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog

from workbench.ui import settings
from workbench.ui.main_window import MainWindow


def test_first_start_fits_the_screen_and_a_saved_size_too_big_is_fitted(qtbot, project_path, coder_name):
    w = MainWindow()
    qtbot.addWidget(w)
    screen = w.screen().availableGeometry()
    assert screen.contains(w.geometry())
    assert w.width() >= 0.85 * screen.width() and w.height() >= 0.85 * screen.height()
    w.show()
    assert w.open_project(project_path)
    left, right = w.docks["sourcePanel"].width(), w.docks["codingList"].width()
    assert 0.12 * w.width() <= left <= 0.4 * w.width() and 0.12 * w.width() <= right <= 0.4 * w.width()
    w.setGeometry(QRect(-3000, -3000, screen.width() * 3, screen.height() * 3))  # another monitor, once
    w.close()
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.screen().availableGeometry().contains(again.geometry())


def test_each_shortcut_is_bound_to_one_action(window):
    seen: dict[str, str] = {}
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            text = key.toString()
            assert text not in seen or seen[text] == action.objectName(), (text, seen.get(text), action.objectName())
            seen[text] = action.objectName()
    assert seen["Del"] == "deleteSelected" and seen["F2"] == "renameSelected"


def test_file_dialogs_open_in_the_last_folder_of_their_kind(window, tmp_path, monkeypatch):
    interviews, reports = tmp_path / "interviews", tmp_path / "reports"
    interviews.mkdir()
    reports.mkdir()
    asked = []

    def open_files(parent, title, start, filter_):
        asked.append(("open", start))
        return [str(interviews / "missing.txt")], filter_

    def save_file(parent, title, start, filter_):
        asked.append(("save", start))
        return str(reports / "codebook.txt"), filter_

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", open_files)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_file)
    window.project_actions.import_sources.trigger()
    window.project_actions.cancel_job(wait=True)
    window.codebook_actions.export_codebook.trigger()
    assert str(reports / "codebook.txt") in window.statusBar().currentMessage()  # the export says where
    window.project_actions.import_sources.trigger()
    window.project_actions.cancel_job(wait=True)
    window.codebook_actions.export_codebook.trigger()
    assert asked[2] == ("open", str(interviews)) and asked[3] == ("save", str(reports / "codebook.txt"))


def test_counts_are_said_with_the_right_plural(qtbot, tmp_path, coder_name):
    from workbench.services.sources import import_files
    from workbench.store.project import create_project

    src = tmp_path / "one.txt"
    src.write_text("A single note.\n", encoding="utf-8")
    path = tmp_path / "one.qwb"
    with create_project(path, name="One") as p:
        import_files(p, [src])
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    assert w.open_project(path)
    assert w.status.counts.full == "1 source · 0 codes · 0 codings · 0 cases"
    m = w.source_model
    assert m.index(0, 0).data(__import__("PySide6.QtCore").QtCore.Qt.ItemDataRole.ToolTipRole).endswith("1 source")
    assert "15 characters" in w.area.subtitle.full and "0 codings" in w.area.subtitle.full
    w.close_project()
    assert settings.recent_projects()[0]["name"] == "One"


def test_docx_headings_show_as_headings_and_the_stored_text_and_offsets_stay(window, project_path, tmp_path):
    import sqlite3

    import docx
    from PySide6.QtGui import QTextCharFormat
    from ui_helpers import code_id, codings_in, select_phrase, source_id

    from workbench.services.sources import import_files

    d = docx.Document()
    d.add_heading("Interview 11: a provincial official", level=1)
    d.add_paragraph("Interviewer: Who signs the agreements?")
    d.add_heading("The approval process", level=2)
    d.add_paragraph("Ms Mokoena: The MEC signs, after legal advice.")
    path = tmp_path / "interview11.docx"
    d.save(str(path))
    import_files(window.ctx.project, [path], coder="Thandi")
    window.source_model.reload()
    sid = source_id(window, "interview11.docx")
    window.open_source(sid)
    con = sqlite3.connect(f"file:{project_path}?mode=ro", uri=True)
    stored = con.execute("SELECT text FROM source WHERE id = ?", (sid,)).fetchone()[0]
    con.close()
    assert stored == ("Interview 11: a provincial official\nInterviewer: Who signs the agreements?\n"
                      "The approval process\nMs Mokoena: The MEC signs, after legal advice.")
    view = window.document_view
    assert view.toPlainText() == stored  # the view shows the stored text as it is
    base = view.document().defaultFont().pointSizeF()

    def fmt_at(phrase):
        block = view.document().findBlock(stored.index(phrase) + 1)
        pos = stored.index(phrase) + 1 - block.position()
        for r in block.layout().formats():
            if r.start <= pos < r.start + r.length:
                return QTextCharFormat(r.format)  # a copy: the range's own goes with the list
        return None

    h1, h2 = fmt_at("Interview 11"), fmt_at("approval process")
    assert h1 is not None and h1.fontWeight() == 700 and h1.fontPointSize() > base * 1.3
    assert h2 is not None and base * 1.1 < h2.fontPointSize() < h1.fontPointSize()
    assert fmt_at("Who signs") is None or fmt_at("Who signs").fontPointSize() in (0, base)
    a, b = select_phrase(window, "after legal advice")
    assert window.coding_actions.code_selection(code_id(window, "autonomy"))
    assert ("autonomy", "Thandi", a, b, "after legal advice") in codings_in(project_path, "interview11.docx")
    assert stored[a:b] == "after legal advice"


def test_enter_runs_a_query_and_results_for_other_choices_are_marked_stale(window, qtbot):
    from PySide6.QtCore import Qt

    window.analysis_actions.query.trigger()
    panel = window.panel_docks.panel("queryPanel")
    panel.attrs.setText("country=Ethiopia")
    qtbot.keyClick(panel.attrs, Qt.Key.Key_Return)
    assert panel.model.rowCount() == 2 and panel.status.text() == "2 segments" and not panel.stale
    panel.attrs.setFocus()
    qtbot.keyClicks(panel.attrs, "x")  # the choices now differ from the results shown
    assert panel.stale and "stale" in panel.status.text()
    qtbot.keyClick(panel.attrs, Qt.Key.Key_Backspace)
    qtbot.keyClick(panel.attrs, Qt.Key.Key_Return)
    assert not panel.stale and panel.status.text() == "2 segments"
