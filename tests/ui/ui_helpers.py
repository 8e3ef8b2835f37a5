"""Helpers for the GUI tests: finding rows by name, selecting text as a user would, reading codings back."""
from __future__ import annotations


def source_id(window, name: str) -> int:
    return next(sid for sid in window.source_model.source_ids() if window.source_model.source(sid).name == name)


def code_id(window, path: str) -> int:
    return next(r.id for r in window.code_model.rows() if r.path == path)


def select_phrase(window, phrase: str, nth: int = 0) -> tuple[int, int]:
    """Select phrase in the open source through a QTextCursor on UTF-16 positions computed by Qt's
    own string length (not by our Utf16Map). Returns the code-point offsets expected."""
    from PySide6.QtGui import QTextCursor

    text = window.document_view.source.text
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    end = start + len(phrase)
    u16 = lambda s: len(s.encode("utf-16-le")) // 2  # noqa: E731 - independent of textpos
    cur = QTextCursor(window.document_view.document())
    cur.setPosition(u16(text[:start]))
    cur.setPosition(u16(text[:end]), QTextCursor.MoveMode.KeepAnchor)
    window.document_view.setTextCursor(cur)
    return start, end


def codings_in(project_path, source: str | None = None):
    """(code path, coder, start, end, text) of the codings in the file, read with plain sqlite."""
    import sqlite3

    con = sqlite3.connect(f"file:{project_path}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT c.name, c.parent_id, k.name, g.start, g.\"end\", s.text, s.name FROM coding g "
            "JOIN code c ON c.id = g.code_id JOIN coder k ON k.id = g.coder_id JOIN source s ON s.id = g.source_id"
        ).fetchall()
        names = dict(con.execute("SELECT id, name FROM code").fetchall())
        parents = dict(con.execute("SELECT id, parent_id FROM code").fetchall())
    finally:
        con.close()

    def path(name, parent):
        parts = [name]
        while parent is not None:
            parts.insert(0, names[parent])
            parent = parents[parent]
        return "/".join(parts)

    return sorted((path(n, p), coder, a, b, text[a:b]) for n, p, coder, a, b, text, sname in rows
                  if source is None or sname == source)


def codebook_in(project_path):
    """{path: (colour, description)} and the tree order, read with plain sqlite."""
    import sqlite3

    con = sqlite3.connect(f"file:{project_path}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT id, parent_id, name, color, description, position FROM code").fetchall()
    finally:
        con.close()
    by_id = {r[0]: r for r in rows}

    def path(cid):
        parts = []
        while cid is not None:
            parts.insert(0, by_id[cid][2])
            cid = by_id[cid][1]
        return "/".join(parts)

    order = []

    def walk(parent):
        for r in sorted((r for r in rows if r[1] == parent), key=lambda r: (r[5], r[2].casefold())):
            order.append(path(r[0]))
            walk(r[0])

    walk(None)
    return {path(r[0]): (r[3], r[4]) for r in rows}, order


def drop_urls(widget, data):
    """Drag data over widget and drop it, as the window system delivers a drop (enter, move, drop)."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    pos = QPoint(20, 20)
    args = (Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, QDragEnterEvent(pos, *args))
    QApplication.sendEvent(widget, QDragMoveEvent(pos, *args))
    QApplication.sendEvent(widget, QDropEvent(pos.toPointF(), *args))
