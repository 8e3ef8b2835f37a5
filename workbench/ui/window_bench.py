"""The coding window's timings for bench_document: open to painted, coding, scrolling, memory (issue 3);
the sample project opened to a painted window, and each panel and dialog of issue 10 opened.

Kept in ui because it drives the real window; workbench/bench/bench_document.py prepares the
workload and calls measure().
"""
from __future__ import annotations

import os
import random
import statistics
import time
from pathlib import Path

from workbench.bench.core import Figure, rss_mb


def _app(tmp: Path):
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from workbench.ui.app import install_message_filter

    install_message_filter()  # the offscreen platform's harmless propagateSizeHints notes
    # The bench's settings live in its scratch folder, never in the user's.
    QCoreApplication.setOrganizationName("WorkbenchBench")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "settings"))
    from workbench.ui import settings

    settings.set_coder_name("Bench")
    return app


def _painted(window) -> None:
    view = window.document_view
    view.viewport().repaint()
    view.margin.repaint()


def naive_baseline_ms(text: str, spans: list[tuple[int, int, str]]) -> float:
    """One mergeCharFormat per coding on a shown QTextEdit, to painted (what QualCoder does)."""
    from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
    from PySide6.QtWidgets import QApplication, QTextEdit

    edit = QTextEdit()
    edit.resize(900, 800)
    edit.show()
    QApplication.processEvents()
    t0 = time.perf_counter()
    edit.setPlainText(text)
    cur = QTextCursor(edit.document())
    for a, b, color in spans:
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(color))
        cur.setPosition(a)
        cur.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
        cur.mergeCharFormat(fmt)
    edit.viewport().repaint()
    ms = (time.perf_counter() - t0) * 1000
    edit.close()
    edit.deleteLater()
    QApplication.processEvents()
    return ms


def _open_ms(window, app, sid: int, other: int | None) -> float:
    """Median of 3: from the call that opens the source to its text, highlights and margin painted."""
    times = []
    for _ in range(3):
        if other is not None:
            window.open_source(other)
        app.processEvents()
        t0 = time.perf_counter()
        window.open_source(sid)
        _painted(window)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def _open_figures(window, app, sid: int, other: int | None, tag: str, what: str) -> list[Figure]:
    from workbench.query.document import source_codings

    open_ms = _open_ms(window, app, sid, other)
    view = window.document_view
    note = f"{len(view.layer)} codings on {len(view.source.text):,} characters ({what}); call to painted, median of 3"
    m = view.layer.map
    spans = [(m.to_utf16(r.start), m.to_utf16(r.end), r.color) for r in source_codings(window.ctx.project, sid)]
    naive = naive_baseline_ms(view.source.text.replace("\r", " "), spans)
    return [Figure(f"document.open{tag}", round(open_ms, 1), "ms", 200, note),
            Figure(f"document.open{tag}_naive_baseline", round(naive, 1), "ms", None,
                   f"one mergeCharFormat per coding on a shown QTextEdit, same run: {naive / open_ms:.1f}x slower")]


def _apply_figure(window, app, sid: int) -> Figure:
    from workbench.query.document import project_counts

    window.open_source(sid)
    view = window.document_view
    rnd = random.Random(11)
    code_ids = [r.id for r in window.code_model.rows()]
    text = view.source.text
    times = []
    for _ in range(15):
        a = rnd.randrange(max(len(text) - 400, 1))
        view.select_cp(a, min(a + rnd.randint(20, 300), len(text)))
        app.processEvents()
        t0 = time.perf_counter()
        window.coding_actions.code_selection(rnd.choice(code_ids))
        _painted(window)
        times.append((time.perf_counter() - t0) * 1000)
    held = project_counts(window.ctx.project)["codings"]
    return Figure("document.apply_code", round(statistics.median(times), 1), "ms", 50,
                  f"select, code, views refreshed, painted; median of 15 (max {max(times):.1f}); "
                  f"the project holds {held:,} codings, {len(code_ids)} codes")


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _timed_ms(app, window, act, cpu: list[float] | None = None) -> float:
    """Wall ms from the call to painted; its CPU ms go to cpu (the figure other processes on the
    machine do not move)."""
    app.processEvents()
    c0, t0 = time.process_time(), time.perf_counter()
    act()
    _painted(window)
    if cpu is not None:
        cpu.append((time.process_time() - c0) * 1000)
    return (time.perf_counter() - t0) * 1000


def hand_figures(window, app, sid: int, others: list[int]) -> list[Figure]:
    """Issue 11, finding 5: the commonest actions with the whole project open, call to painted, p95:
    switching between ordinary sources, coding a passage of the most-coded one, undo and redo."""
    switch, cpu = [], {"switch": [], "apply": [], "undo": [], "redo": []}
    for k in range(40):
        target = others[k % len(others)]
        switch.append(_timed_ms(app, window, lambda t=target: window.open_source(t), cpu["switch"]))
    window.open_source(sid)
    view = window.document_view
    rnd = random.Random(23)
    code_ids = [r.id for r in window.code_model.rows()]
    text = view.source.text
    apply, undo, redo = [], [], []
    for _ in range(20):
        a = rnd.randrange(max(len(text) - 400, 1))
        view.select_cp(a, min(a + rnd.randint(20, 300), len(text)))
        apply.append(_timed_ms(app, window, lambda: window.coding_actions.code_selection(rnd.choice(code_ids)),
                               cpu["apply"]))
    for _ in range(20):
        undo.append(_timed_ms(app, window, window.undo, cpu["undo"]))
    for _ in range(20):
        redo.append(_timed_ms(app, window, window.redo, cpu["redo"]))
    note = "call to painted, p95 of {n} (median {m:.1f}, CPU p95 {c:.1f}); {what}"
    out = []
    for name, wall, what in (("switch_source", switch, f"{len(others)} ordinary sources"),
                             ("apply_code", apply, "on the most-coded source"),
                             ("undo", undo, "of those codings"), ("redo", redo, "of those codings")):
        c = cpu[name.split("_")[0]]
        out.append(Figure(f"window.{name}_p95", round(_p95(wall), 1), "ms", 50,
                          note.format(n=len(wall), m=statistics.median(wall), c=_p95(c), what=what)))
        out.append(Figure(f"window.{name}_cpu_p95", round(_p95(c), 1), "ms", 50,
                          f"CPU of the same {len(c)} actions, p95 (wall less the machine's other load)"))
    return out


def _scroll_figure(window, app, sid: int) -> Figure:
    window.open_source(sid)
    view = window.document_view
    bar = view.verticalScrollBar()
    times = []
    for k in range(1, 41):
        bar.setValue(bar.maximum() * k // 41)
        app.processEvents()
        t0 = time.perf_counter()
        _painted(window)
        times.append((time.perf_counter() - t0) * 1000)
    return Figure("document.scroll_paint", round(statistics.median(times), 2), "ms", 16,
                  f"one viewport and margin paint at 40 scroll positions of {len(view.source.text):,} characters; "
                  f"max {max(times):.1f} ms")


MEMO_WORDS = ("the province decides which partnerships the city keeps and why the agreement stalled after "
              "the mayor left office while the unit kept the register").split()


def add_panel_workload(project_path: Path, seed: int = 5) -> dict[str, int]:
    """What an L study holds besides codings, so its panels open full: a memo on the project, every
    source, case and code and on 3,000 codings (5%), and three passages of a source linked to each
    case. One transaction; returns the counts for the figures' notes."""
    from workbench.query.document import case_names, code_codings, code_rows, source_rows
    from workbench.services.cases import link_passage_in
    from workbench.services.memos import set_memo_in
    from workbench.store.project import open_project

    rnd = random.Random(seed)

    def memo() -> str:
        return " ".join(rnd.choice(MEMO_WORDS) for _ in range(rnd.randint(20, 90))).capitalize() + "."

    with open_project(project_path) as project:
        sources = [(r.id, r.length) for r in source_rows(project)]
        cases = [cid for cid, _ in case_names(project)]
        codes = [r.id for r in code_rows(project)]
        codings = [c[0] for code in codes[:40] for c in code_codings(project, code)]
        codings = rnd.sample(codings, min(3000, len(codings)))
        with project.transaction() as s:
            targets = ([("project", None)] + [("source", sid) for sid, _ in sources] + [("case", c) for c in cases]
                       + [("code", c) for c in codes] + [("coding", c) for c in codings])
            for kind, target in targets:
                set_memo_in(s, kind, target, memo())
            for cid in cases:
                sid, length = rnd.choice(sources)
                for _ in range(3):
                    a = rnd.randrange(max(length - 600, 1))
                    link_passage_in(s, cid, sid, a, min(a + rnd.randint(80, 500), length))
    return {"memos": len(targets), "case_passages": 3 * len(cases)}


def measure(project_path: Path, tmp: Path, sid: int, big: int | None = None,
            dense: tuple[Path, int] | None = None) -> list[Figure]:
    """Open the window on the project and time what issue 3 asks for. sid: the source with ~2,000
    codings; big: a 0.9 MB source with as many, measured too when given; dense: (another project,
    its source with 32,000 codings) for issue 11's figure."""
    from workbench.ui.main_window import MainWindow

    extra = add_panel_workload(project_path)
    app = _app(tmp)
    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    window.open_project(project_path)
    app.processEvents()
    other = next((s for s in window.source_model.source_ids() if s not in (sid, big)), None)
    figures = _open_figures(window, app, sid, other, "_source", "the workload's most-coded source")
    if big is not None:
        figures += _open_figures(window, app, big, other, "_0.9MB_source", "a 0.9 MB transcript")
    figures.append(_apply_figure(window, app, sid))
    ordinary = [s for s in window.source_model.source_ids() if s not in (sid, big)][:10]
    if ordinary:
        figures += hand_figures(window, app, sid, ordinary)
    figures.append(_scroll_figure(window, app, big if big is not None else sid))
    figures.append(Figure("document.resident_memory", round(rss_mb(), 1), "MB", 500,
                          "VmRSS of the process with the project open in the window"))
    figures += panel_figures(window, app, extra)
    window.close_project()
    window.close()
    window.deleteLater()
    app.processEvents()
    if dense is not None:
        figures += dense_open_figures(app, *dense)
    figures.append(sample_open_figure(app, tmp))
    return figures


def dense_open_figures(app, project_path: Path, sid: int) -> list[Figure]:
    """Issue 11, item 5: a source with 32,000 codings opened from another one, call to painted;
    median of 5, wall and CPU."""
    from workbench.ui.main_window import MainWindow

    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    window.open_project(project_path)
    app.processEvents()
    other = next(s for s in window.source_model.source_ids() if s != sid)
    wall, cpu = [], []
    for _ in range(5):
        window.open_source(other)
        wall.append(_timed_ms(app, window, lambda: window.open_source(sid), cpu))
    view = window.document_view
    note = (f"{len(view.layer):,} codings on {len(view.source.text):,} characters, {view.layer.ncols} margin columns; "
            f"from another source, call to painted, median of {len(wall)}")
    out = [Figure("document.open_32k_codings", round(statistics.median(wall), 1), "ms", 300, note),
           Figure("document.open_32k_codings_cpu", round(statistics.median(cpu), 1), "ms", 300,
                  f"CPU of the same {len(cpu)} openings, median")]
    window.close_project()
    window.close()
    window.deleteLater()
    app.processEvents()
    return out


def _timed(app, open_it, widget_of) -> float:
    """ms from the call that opens a panel or dialog to it painted."""
    app.processEvents()
    t0 = time.perf_counter()
    widget = widget_of(open_it())
    widget.repaint()
    return (time.perf_counter() - t0) * 1000


def panel_figures(window, app, extra: dict[str, int] | None = None) -> list[Figure]:
    """Each panel and dialog of issue 10 opened on the workload (first opening, to painted)."""
    from workbench.query.document import project_counts

    n = project_counts(window.ctx.project)
    extra = extra or {}
    cases_note = f"{n['cases']} cases, {n['codings']:,} codings in the project"
    memos_note = f"{extra['memos']:,} memos" if "memos" in extra else "every memo"
    sid = window.document_view.source_id or window.source_model.source_ids()[0]
    frame = lambda panel: panel.parentWidget()  # noqa: E731 - the panel in its dock's frame
    same = lambda w: w  # noqa: E731
    rows = [
        ("panel.cases_table", lambda: window.case_actions.show_panel(), frame, cases_note + "; the cases x attributes table"),
        ("panel.case_passages", lambda: _select_first_case(window), lambda panel: panel.passages,
         f"{extra.get('case_passages', 0):,} case passages in the project; a case selected, its passages listed"),
        ("panel.memo_list", lambda: window.memo_actions.show_list(), frame, f"{memos_note} of the project"),
        ("panel.source_properties", lambda: window.source_actions.properties_dialog(sid), same,
         "the most-coded source's properties dialog"),
        ("panel.project_properties", lambda: window.project_actions.properties_dialog(), same, ""),
        ("panel.report_dialog", lambda: window.analysis_actions.word_report(), same,
         "the query panel (made here) and the report's options"),
        ("panel.agreement", lambda: window.team_actions.open_agreement(), frame, "the panel, before Compare"),
        ("panel.merge_dialog", lambda: window.team_actions.merge_dialog([]), same, "before a file is chosen"),
        ("panel.user_guide", lambda: window.help_actions.show("guide.md"), same, "Help > User guide with its pictures"),
    ]
    out = []
    for name, open_it, widget_of, note in rows:
        ms = _timed(app, open_it, widget_of)
        out.append(Figure(name, round(ms, 1), "ms", 200, (note + "; " if note else "") + "first opening, to painted"))
        for w in app.topLevelWidgets():  # dialogs close again; docked panels stay
            if w is not window and w.isVisible() and w.objectName() != "mainWindow":
                w.close()
    return out


def _select_first_case(window):
    """In the open Cases panel, select the first case (its passages fill the list below)."""
    panel = window.case_actions.panel()
    panel.select_case(panel.model.cases[0].id)
    return panel


def sample_open_figure(app, tmp: Path) -> Figure:
    """A fresh window opening the sample project, to its text, margin and panels painted."""
    import shutil

    from workbench.ui.app import most_coded_source
    from workbench.ui.main_window import MainWindow
    from workbench.ui.start_screen import sample_project_path

    src = sample_project_path()
    if src is None:
        return Figure("window.open_sample", 0.0, "ms", None, "the sample project is not installed")
    copy = tmp / "sample-open.qwb"
    shutil.copy(src, copy)
    t0 = time.perf_counter()
    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    window.open_project(copy)
    sid = most_coded_source(window)
    if sid is not None:
        window.open_source(sid)
    window.repaint()
    ms = (time.perf_counter() - t0) * 1000
    window.close_project()
    window.close()
    window.deleteLater()
    app.processEvents()
    return Figure("window.open_sample", round(ms, 1), "ms", 1500,
                  "new window, sample project opened, its most-coded source shown, window painted")




def watch_live(url: str, source_id: str, seconds: str, out_path: str) -> None:
    """For bench_server, in a process of its own: a window open on a server project, showing one
    source, writes to out_path {coding id: the wall-clock moment it was first painted} for every
    coding that other clients add to that source while it watches (up to `seconds`, or until
    a line arrives on stdin). The bench compares those moments with the clients' commits."""
    import json
    import select
    import sys
    import tempfile

    app = _app(Path(tempfile.mkdtemp(prefix="workbench-live-")))
    from workbench.ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    if not window.open_project(url) or window.live is None:
        raise SystemExit("the window could not open the server project with live updates")
    window.open_source(int(source_id))
    app.processEvents()
    layer = window.document_view.layer
    before = set(layer.spans)
    painted: dict[int, float] = {}
    print("ready", flush=True)
    end = time.monotonic() + float(seconds)
    while time.monotonic() < end:
        app.processEvents()
        new = set(layer.spans) - before - set(painted)
        if new:
            _painted(window)
            now = time.time()
            painted.update((cid, now) for cid in new)
        if select.select([sys.stdin], [], [], 0.002)[0]:
            break
    Path(out_path).write_text(json.dumps({str(k): v for k, v in painted.items()}))
    window.close_project()
    window.close()
