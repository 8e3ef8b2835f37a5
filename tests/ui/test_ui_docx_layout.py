"""A Word source in the document view (issue 10, item 10): headings are heading blocks with space
above, paragraphs have space between them, and the text and its offsets stay exactly as stored —
a passage selected with the mouse on a heading, and on a paragraph below the added space, is stored
at the offsets counted here in the stored text with str.index."""
from __future__ import annotations

import docx
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from store_read import rows

STORED = ("Interview 11: a provincial official 😀\nInterviewer: Who signs the agreements?\n"
          "The approval process\nMs Mokoena: The MEC signs, after legal advice.")


def word_file(tmp_path):
    d = docx.Document()
    d.add_heading("Interview 11: a provincial official 😀", level=1)
    d.add_paragraph("Interviewer: Who signs the agreements?")
    d.add_heading("The approval process", level=2)
    d.add_paragraph("Ms Mokoena: The MEC signs, after legal advice.")
    path = tmp_path / "interview11.docx"
    d.save(str(path))
    return path


def open_named(window, name):
    from ui_helpers import source_id

    window.source_model.reload()
    window.open_source(source_id(window, name))
    return window.document_view


def u16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def point_of(view, u16_pos: int) -> QPoint:
    """The viewport point of a UTF-16 position, from Qt's own cursor rectangle."""
    c = QTextCursor(view.document())
    c.setPosition(u16_pos)
    r = view.cursorRect(c)
    return QPoint(r.left() + 1, r.center().y())


def drag_select(qtbot, view, phrase: str) -> None:
    text = view.source.text
    a = text.index(phrase)
    vp = view.viewport()
    qtbot.mouseMove(vp, point_of(view, u16(text[:a])))
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=point_of(view, u16(text[:a])))
    qtbot.mouseMove(vp, point_of(view, u16(text[:a + len(phrase)])))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=point_of(view, u16(text[:a + len(phrase)])))
    assert view.textCursor().selectedText() == phrase


def block_of(view, phrase):
    return view.document().findBlock(u16(view.source.text[:view.source.text.index(phrase)]))


def test_headings_are_heading_blocks_paragraphs_spaced_and_offsets_unchanged(window, project_path, qtbot, tmp_path):
    from ui_helpers import code_id

    from workbench.services.sources import import_files

    import_files(window.ctx.project, [word_file(tmp_path)], coder="Thandi")
    view = open_named(window, "interview11.docx")
    assert rows(project_path, "SELECT text FROM source WHERE name = 'interview11.docx'") == [(STORED,)]
    assert view.toPlainText() == STORED  # nothing added to the text: no blank lines, no markers

    h1, body, h2, last = (block_of(view, p) for p in ("Interview 11", "Interviewer:", "The approval", "Ms Mokoena"))
    assert h1.blockFormat().headingLevel() == 1 and h2.blockFormat().headingLevel() == 2
    assert body.blockFormat().headingLevel() == 0 and last.blockFormat().headingLevel() == 0
    assert h2.blockFormat().topMargin() > 0 == body.blockFormat().topMargin()
    line = view.fontMetrics().lineSpacing()
    # Space between paragraphs: a one-line body block is taller than its line; above a heading, taller still.
    body_h = view.blockBoundingRect(body).height()
    assert body.layout().lineCount() == 1 and body_h >= body.layout().lineAt(0).height() + line * 0.4
    assert view.blockBoundingRect(body).height() > view.blockBoundingRect(h2).height() - line  # h2 is larger type
    top_of = lambda b: view.blockBoundingGeometry(b).top()  # noqa: E731
    assert top_of(h2) - top_of(body) >= body.layout().lineAt(0).height() + line * 0.4 + h2.blockFormat().topMargin()

    drag_select(qtbot, view, "approval process")
    assert window.coding_actions.code_selection(code_id(window, "autonomy"))
    drag_select(qtbot, view, "after legal advice")
    assert window.coding_actions.code_selection(code_id(window, "autonomy"))
    stored = rows(project_path, 'SELECT g.start, g."end" FROM coding g JOIN source s ON s.id = g.source_id '
                                "WHERE s.name = 'interview11.docx' ORDER BY g.start")
    expect = [(STORED.index(p), STORED.index(p) + len(p)) for p in ("approval process", "after legal advice")]
    assert stored == expect


def test_a_text_file_keeps_its_lines_together(window, project_path, tmp_path):
    from workbench.services.sources import import_files

    (tmp_path / "notes.txt").write_text("Line one\nLine two\nLine three\n", encoding="utf-8")
    import_files(window.ctx.project, [tmp_path / "notes.txt"], coder="Thandi")
    view = open_named(window, "notes.txt")
    b = view.document().begin()
    assert b.blockFormat().headingLevel() == 0
    assert view.blockBoundingRect(b).height() == b.layout().lineAt(0).height()
