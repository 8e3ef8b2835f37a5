"""A window on a team project shows another person's work as it happens (issue 14, item 4).

The window is open on the small project on the test server, reading a long source scrolled
half-way with a passage selected; another Project, on a thread of its own as another
program would be, codes a passage there. Within a second the codings list and the margin
show it, and the reader's scroll position and selection are as they were. Presence: a
second person's listener opening a source shows up in the status bar.
"""
from __future__ import annotations

import threading

import pytest

from workbench.core.location import parse_location
from workbench.store import live
from workbench.store.project import open_project
from workbench.store.team import mark_team

pytestmark = pytest.mark.server_only
WAIT_MS = 1000  # the promise: within a second


@pytest.fixture
def team_url(project_location, tmp_path):
    """The small project as a team project, with a source long enough to scroll."""
    from workbench.services.sources import import_files

    long = tmp_path / "long_interview.txt"
    long.write_text("".join(f"[{i // 60:02d}:{i % 60:02d}] Speaker {i % 3}: line {i} of a long interview about "
                            "partnerships between cities and what they delivered.\n" for i in range(400)),
                    encoding="utf-8")
    with open_project(project_location) as p:
        with p.engine.begin() as conn:
            mark_team(conn, "p")
        import_files(p, [long], coder="Thandi")
    return project_location


@pytest.fixture
def window(qtbot, team_url, coder_name):
    from workbench.ui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1000, 600)
    w.show()
    assert w.open_project(team_url)
    assert w.live is not None
    yield w
    w.close_project()


def _ids(p, sql):
    from sqlalchemy import text

    with p.reading() as s:
        return s.execute(text(sql)).scalar()


def test_another_persons_coding_appears_and_the_reader_keeps_their_place(window, team_url, qtbot):
    other = open_project(team_url)
    try:
        src = _ids(other, "SELECT id FROM source WHERE name = 'long_interview.txt'")
        code = _ids(other, "SELECT id FROM code WHERE name = 'autonomy'")
        coder = _ids(other, "SELECT min(id) FROM coder")
        window.open_source(src)
        view = window.document_view
        text = view.source.text
        bar = view.verticalScrollBar()
        assert bar.maximum() > 0
        view.select_cp(text.index("line 200 "), text.index("line 200 ") + 20)
        bar.setValue(bar.maximum() // 2)
        qtbot.wait(50)
        place = (bar.value(), view.textCursor().anchor(), view.textCursor().position())
        before = window.coding_model.rowCount()
        count_before = window.code_model.row(code).count
        start = text.index("line 210 ")
        made: list[int] = []

        def code_it():
            from workbench.services.coding import apply_code

            made.append(apply_code(other, src, code, coder, start, start + 30).first_created)

        t = threading.Thread(target=code_it)
        t.start()
        t.join(timeout=10)
        assert made
        qtbot.waitUntil(lambda: made[0] in view.layer.spans, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: window.coding_model.rowCount() == before + 1, timeout=WAIT_MS)
        assert (bar.value(), view.textCursor().anchor(), view.textCursor().position()) == place
        assert view.selection_cp() == (text.index("line 200 "), text.index("line 200 ") + 20)
        assert count_before + 1 == _ids(other, f"SELECT count(*) FROM coding WHERE code_id = {code}")
        # The codebook's count followed too: one more coding of the code, counted by hand in SQL.
        model = window.code_model
        idx = model.index_of(code, 1)
        want = _ids(other, f"SELECT count(*) FROM coding WHERE code_id = {code}")
        qtbot.waitUntil(lambda: model.row(code).count == want, timeout=WAIT_MS)
        assert str(want) in str(idx.data())
    finally:
        other.close()


def test_another_persons_rename_and_memo_reach_the_codebook(window, team_url, qtbot):
    from workbench.services.codebook import rename_code
    from workbench.ui.models import ID_ROLE

    other = open_project(team_url)
    try:
        code = _ids(other, "SELECT id FROM code WHERE name = 'provincial constraint'")
        rename_code(other, code, "provincial veto")
        model = window.code_model

        def names():
            out, stack = [], [None]
            from PySide6.QtCore import QModelIndex

            while stack:
                parent = stack.pop() or QModelIndex()
                for r in range(model.rowCount(parent)):
                    ix = model.index(r, 0, parent)
                    out.append((ix.data(ID_ROLE), ix.data()))
                    stack.append(ix)
            return out

        qtbot.waitUntil(lambda: any(i == code and "provincial veto" in str(n) for i, n in names()), timeout=WAIT_MS)
    finally:
        other.close()


def test_the_window_shows_who_else_is_in_and_what_they_read(window, team_url, qtbot):
    loc = parse_location(team_url)
    alice = loc.__class__(loc.host, loc.port, loc.database, loc.project, "alice")
    theirs = live.Listener(alice, lambda *_: None)
    try:
        label = window.presence
        qtbot.waitUntil(lambda: "alice" in label.text() and label.isVisible(), timeout=WAIT_MS)
        src = window.source_model.source_ids()[0]
        theirs.show_source(src)
        name = window.source_model.source(src).name
        qtbot.waitUntil(lambda: name in label.toolTip(), timeout=WAIT_MS)
    finally:
        theirs.close()
    qtbot.waitUntil(lambda: not label.isVisible(), timeout=WAIT_MS)


def test_keeping_place_puts_back_scroll_and_selection_whatever_a_refresh_did(window, qtbot):
    src = next(i for i in window.source_model.source_ids()
               if window.source_model.source(i).name == "long_interview.txt")
    window.open_source(src)
    view = window.document_view
    text, bar = view.source.text, view.verticalScrollBar()
    a = text.index("line 100 ")
    view.select_cp(a, a + 12)
    place = bar.value()
    with view.keeping_place():
        view.select_cp(text.index("line 390 "), text.index("line 399 "))  # a refresh that moved the reader
        assert bar.value() != place
    assert bar.value() == place and view.selection_cp() == (a, a + 12)


def test_another_persons_memo_on_the_shown_source_appears_in_the_memo_pane(window, team_url, qtbot):
    from workbench.services.memos import set_memo

    other = open_project(team_url)
    try:
        src = window.document_view.source_id
        window.show_source_memo(src)
        assert window.memo_pane.target == ("source", src)
        set_memo(other, "source", src, "Compare with the 2006 agreement.")
        editor = window.memo_pane.editor
        qtbot.waitUntil(lambda: editor.toPlainText() == "Compare with the 2006 agreement.", timeout=WAIT_MS)
        # What the reader is typing is not overwritten by the next change from someone else.
        editor.setPlainText("My own note, not yet saved")
        with qtbot.waitSignal(window.live.changed, timeout=WAIT_MS):
            set_memo(other, "source", src, "Changed again.")
        assert editor.toPlainText() == "My own note, not yet saved"
    finally:
        other.close()
