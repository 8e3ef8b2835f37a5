"""The window's incremental refresh (issue 11, item 5) against a rebuild: after a random run of
codings, removals, undos, redos and source switches over sources with emoji, combining marks and
CRLF, the code tree's counts and totals and the source list's counts equal raw SQL counts, the
document's highlights equal a freshly loaded view's (every block formatted, the lazy ones too),
and the open source's codings and margin columns agree with the file.

References come from outside the code under test: plain SQL on the project, UTF-16 lengths by
Python's encoder, and a new DocumentView loading the source from scratch.
"""
from __future__ import annotations

import random
import shutil

import pytest
from sqlalchemy import text as sql

from workbench.query import document as q
from workbench.ui.views.document_view import DocumentView, display_text

EMOJI = ("Ms Dlamini: The twinning 😀 agreement stalled, cafe\u0301 talk in Zürich 🇿🇦 went on.\r\n"
         "Interviewer: And the fund?\r\n" * 40)
COMBINING = "Mr Bekele: Na\u0308ive budgets, 👩🏽‍🌾 skills and water; the council 😀 approved.\n" * 60


@pytest.fixture
def busy_window(qtbot, project_path, tmp_path, coder_name):
    """The small project with two more sources (emoji, CRLF, combining marks) and a subcode."""
    from workbench.services.codebook import ensure_code_path_in
    from workbench.services.sources import import_files
    from workbench.store.project import open_project
    from workbench.ui.main_window import MainWindow

    files = [tmp_path / "emoji_crlf.txt", tmp_path / "combining.txt"]
    files[0].write_bytes(EMOJI.encode("utf-8"))
    files[1].write_text(COMBINING, encoding="utf-8")
    with open_project(project_path) as project:
        import_files(project, files, coder="Thandi")
        with project.transaction() as s:
            ensure_code_path_in(s, "autonomy/agenda", create=True)
            ensure_code_path_in(s, "autonomy/agenda/budget", create=True)
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    assert w.open_project(project_path)
    yield w
    w.close_project()


def _raw(window, query: str, **params) -> list[tuple]:
    with window.ctx.project.reading() as s:
        return [tuple(r) for r in s.execute(sql(query), params)]


def _u16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def _check_counts(window) -> None:
    per_code = dict(_raw(window, "SELECT code_id, count(*) FROM coding GROUP BY code_id"))
    parent = dict(_raw(window, "SELECT id, parent_id FROM code"))
    totals = dict.fromkeys(parent, 0)
    for cid, n in per_code.items():
        cur = cid
        while cur is not None:
            totals[cur] += n
            cur = parent[cur]
    model = window.code_model
    assert {c: model.row(c).count for c in parent} == {c: per_code.get(c, 0) for c in parent}
    assert {c: model.total(c) for c in parent} == totals
    per_source = dict(_raw(window, "SELECT source_id, count(*) FROM coding GROUP BY source_id"))
    sources = window.source_model
    assert {s: sources.source(s).codings for s in sources.source_ids()} == {
        s: per_source.get(s, 0) for s in sources.source_ids()}


def _formats(view) -> list[tuple]:
    """Every block's format ranges, after formatting the blocks left for later."""
    doc = view.document()
    view.highlighter.format_pending([doc.findBlockByNumber(n) for n in sorted(view.highlighter.pending)])
    assert not view.highlighter.pending
    out, block = [], doc.firstBlock()
    while block.isValid():
        for r in sorted(block.layout().formats(), key=lambda r: r.start):
            f = r.format
            bg = f.background().color().name() if f.background().style().value else None
            out.append((block.blockNumber(), r.start, r.length, bg, f.fontWeight(), f.underlineStyle(),
                        f.underlineColor().name(), f.foreground().color().name()))
        block = block.next()
    return out


def _check_document(window, qtbot) -> None:
    view = window.document_view
    sid, text = view.source_id, view.source.text
    raw = {r[0]: r[1:] for r in _raw(window, 'SELECT id, code_id, start, "end" FROM coding WHERE source_id = :s',
                                      s=sid)}
    layer = view.layer
    assert {c: (s.row.code_id, s.row.start, s.row.end) for c, s in layer.spans.items()} == raw
    assert {c: (s.start, s.end) for c, s in layer.spans.items()} == {
        c: (_u16(text[:a]), _u16(text[:b])) for c, (_code, a, b) in raw.items()}
    spans = layer.ordered()
    for i, x in enumerate(spans):  # overlapping brackets never share a margin column
        for y in spans[i + 1:]:
            if y.start >= x.end:
                break
            assert layer.column(x.id) != layer.column(y.id) or min(layer.column(x.id), layer.column(y.id)) >= 11
    fresh = DocumentView()
    qtbot.addWidget(fresh)
    fresh.resize(view.size())
    fresh.load(view.source, q.source_codings(window.ctx.project, sid))
    assert fresh.toPlainText() == display_text(text)
    assert _formats(view) == _formats(fresh)


def test_counts_highlights_and_margin_follow_every_change(busy_window, qtbot):
    w = busy_window
    rnd = random.Random(11)
    sources = w.source_model.source_ids()
    codes = [r.id for r in w.code_model.rows()]
    w.open_source(sources[-2])  # the emoji and CRLF one
    ops = ["apply"] * 5 + ["remove"] * 2 + ["undo"] * 3 + ["redo"] * 2 + ["switch"]
    done = {op: 0 for op in set(ops)}
    for _ in range(45):
        op = rnd.choice(ops)
        view = w.document_view
        if op == "apply":
            cps = len(view.source.text)
            a = rnd.randrange(cps - 40)
            view.select_cp(a, min(a + rnd.randint(1, 400), cps))
            done[op] += bool(w.coding_actions.code_selection(rnd.choice(codes)))
        elif op == "remove" and view.layer.spans:
            done[op] += bool(w.coding_actions.remove_coding(rnd.choice(sorted(view.layer.spans))))
        elif op == "undo" and w.ctx.undo_stack.canUndo():
            w.undo()
            done[op] += 1
        elif op == "redo" and w.ctx.undo_stack.canRedo():
            w.redo()
            done[op] += 1
        elif op == "switch":
            w.open_source(rnd.choice([s for s in sources if s != view.source_id]))
            done[op] += 1
        w.document_view.viewport().repaint()
        _check_counts(w)
        _check_document(w, qtbot)
    assert all(done.values()), done  # every kind of step ran


def test_a_long_source_formats_the_blocks_shown_and_the_rest_when_scrolled_to(busy_window, qtbot, tmp_path):
    """Opening formats only the blocks near the top; scrolling to the end formats those shown
    there, the same as a view that formatted everything."""
    w = busy_window
    sid = w.source_model.source_ids()[-1]  # the combining-marks source, topped up below
    with w.ctx.project.transaction() as s:
        from workbench.services.coding import NewCoding, apply_codes_in

        code = w.code_model.rows()[0].id
        coder = _raw(w, "SELECT id FROM coder")[0][0]
        n = len(COMBINING)
        apply_codes_in(s, [NewCoding(sid, code, coder, k, min(k + 90, n)) for k in range(0, n - 1, 37)])
    long_text = COMBINING * 10  # 40,000 characters: longer than what is formatted at once
    from workbench.query.document import SourceDocument

    view = w.document_view
    rows = q.source_codings(w.ctx.project, sid)
    doc = SourceDocument(sid, "long", long_text, (), ())
    view.load(doc, rows)
    assert view.highlighter.pending  # the end waits
    last = view.document().lastBlock().blockNumber()
    assert last in view.highlighter.pending
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum())
    view.viewport().repaint()
    shown = [b.blockNumber() for b in view.visible_blocks()]
    assert shown and not set(shown) & view.highlighter.pending
    fresh = DocumentView()
    qtbot.addWidget(fresh)
    fresh.load(doc, rows)
    assert _formats(view) == _formats(fresh)


def test_coding_rows_name_their_codes_as_the_code_tree_does_in_a_damaged_file(project_path, tmp_path):
    """source_codings walks up only from the codes it shows; with a parent cycle and a dangling
    parent (only a damaged file has them) its paths are still CodeTree's."""
    import sqlite3

    from workbench.services.lookup import CodeTree
    from workbench.store.project import open_project

    damaged = tmp_path / "damaged.qwb"  # a copy: the fixture's file must stay sound
    shutil.copy(project_path, damaged)
    con = sqlite3.connect(damaged)
    (a,), (b,), (c,) = con.execute("SELECT DISTINCT code_id FROM coding ORDER BY code_id LIMIT 3").fetchall()
    con.execute("UPDATE code SET parent_id = ? WHERE id = ?", (b, a))
    con.execute("UPDATE code SET parent_id = ? WHERE id = ?", (a, b))  # a and b: each the other's parent
    con.execute("UPDATE code SET parent_id = 99999 WHERE id = ?", (c,))  # a parent that is not there
    con.commit()
    con.close()
    with open_project(damaged) as project:
        with project.reading() as s:
            tree = CodeTree(s)
            sources = {r[0] for r in s.execute(sql("SELECT source_id FROM coding"))}
        rows = [r for sid in sources for r in q.source_codings(project, sid)]
        assert {r.code_id for r in rows} >= {a, b, c}
        assert all(r.code_path == tree.path(r.code_id) and r.code_name == tree.name[r.code_id] for r in rows)
