"""Offsets across the Qt boundary: what a person selects after emoji, combining accents or CRLF line ends
is exactly what is stored, and highlights land back on the same characters."""
from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from workbench.store.project import create_project
from workbench.ui.dialogs.code_picker import CodePicker

SOURCES = {
    "emoji.txt": "Intro 😀😀 then 👩🏽‍🚀 said: we fund the exchanges ourselves 🇿🇦.\nNext line 🎉 with the province.\n",
    "accents.txt": "Cafe\u0301 society and nai\u0308ve plans: we fund the exchanges ourselves.\nZu\u0308rich 😀 too.\n",
}
CRLF = "Line one\r\nLine two 😀 here\r\n\r\nIn Soweto we fund the exchanges ourselves\r\nEnd\r\n"


def u16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


@pytest.fixture
def unicode_window(qtbot, tmp_path, coder_name):
    from workbench.services.sources import import_files
    from workbench.ui.main_window import MainWindow

    files = []
    for name, text in SOURCES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        files.append(tmp_path / name)
    (tmp_path / "crlf.txt").write_bytes(CRLF.encode("utf-8"))
    files.append(tmp_path / "crlf.txt")
    path = tmp_path / "unicode.qwb"
    project = create_project(path, coder="Thandi")
    try:
        outcomes = import_files(project, files)
        assert [o.status for o in outcomes] == ["imported"] * 3
        from workbench.services.codebook import create_code

        create_code(project, "autonomy")
    finally:
        project.close()
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1000, 700)
    w.show()
    assert w.open_project(path)
    yield w, path
    w.close_project()


def open_named(window, name):
    sid = next(s for s in window.source_model.source_ids() if window.source_model.source(s).name == name)
    window.open_source(sid)
    return window.document_view


def stored(path):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [(s[a:b], a, b) for a, b, s in con.execute(
            "SELECT g.start, g.\"end\", s.text FROM coding g JOIN source s ON s.id = g.source_id")]
    finally:
        con.close()


def code_via_picker(window, qtbot, typed="autonomy"):
    window.coding_actions.code_with.trigger()
    picker = window.findChild(CodePicker, "codePicker")
    qtbot.keyClicks(picker.field, typed)
    qtbot.keyClick(picker.field, Qt.Key.Key_Return)


def highlighted_text(view) -> list[str]:
    """The characters the highlighter painted, read back through Qt's own positions."""
    out = []
    block = view.document().begin()
    while block.isValid():
        for r in block.layout().formats():
            if r.format.background().style() != Qt.BrushStyle.NoBrush:
                c = QTextCursor(view.document())
                c.setPosition(block.position() + r.start)
                c.setPosition(block.position() + r.start + r.length, QTextCursor.MoveMode.KeepAnchor)
                out.append(c.selectedText())
        block = block.next()
    return out


@pytest.mark.parametrize("name,text", [("emoji.txt", SOURCES["emoji.txt"]), ("accents.txt", SOURCES["accents.txt"]),
                                       ("crlf.txt", CRLF.replace("\r\n", "\n"))])
def test_selection_is_stored_exactly_and_shown_back(unicode_window, qtbot, name, text):
    window, path = unicode_window
    view = open_named(window, name)
    assert view.source.text == text  # CRLF became \n at import, as CLI.md says
    phrase = "fund the exchanges ourselves"
    start = text.index(phrase)
    cur = QTextCursor(view.document())
    cur.setPosition(u16(text[:start]))
    cur.setPosition(u16(text[:start + len(phrase)]), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cur)
    assert view.textCursor().selectedText() == phrase
    code_via_picker(window, qtbot)
    assert stored(path) == [(phrase, start, start + len(phrase))]
    assert highlighted_text(view) == [phrase]
    coding = next(iter(view.layer.spans))
    view.setTextCursor(QTextCursor(view.document()))
    assert window.show_coding(coding)
    assert view.textCursor().selectedText() == phrase
    window.undo()
    assert stored(path) == []
    assert highlighted_text(view) == []
    window.redo()
    assert stored(path) == [(phrase, start, start + len(phrase))]
    assert highlighted_text(view) == [phrase]


def test_keyboard_selection_of_an_emoji_cluster_stores_whole_code_points(unicode_window, qtbot):
    window, path = unicode_window
    view = open_named(window, "emoji.txt")
    text = view.source.text
    astronaut = "👩🏽‍🚀"
    start = text.index(astronaut)
    cur = QTextCursor(view.document())
    cur.setPosition(u16(text[:start]))
    view.setTextCursor(cur)
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)  # one grapheme: 4 code points
    code_via_picker(window, qtbot)
    assert stored(path) == [(astronaut, start, start + 4)]
    assert highlighted_text(view) == [astronaut]


def test_accent_selection_keeps_the_combining_mark(unicode_window, qtbot):
    window, path = unicode_window
    view = open_named(window, "accents.txt")
    text = view.source.text
    word = "nai\u0308ve"
    start = text.index(word)
    cur = QTextCursor(view.document())
    cur.setPosition(u16(text[:start]))
    cur.movePosition(QTextCursor.MoveOperation.EndOfWord, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cur)
    code_via_picker(window, qtbot)
    assert stored(path) == [(word, start, start + len(word))]
