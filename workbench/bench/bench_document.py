"""Benchmarks of the coding window: opening a coded source, coding, scrolling, memory (issue 3).

run(ctx) opens the window on a copy of ctx's workload and measures on its most-coded source
(topped up to 2,000 codings if it has fewer), and again on a 0.9 MB transcript with 2,000 codings
added to the same project. Run alone on a project of its own making with
`python -m workbench.bench.bench_document [--chars N] [--codings N] [--others N ...]`.
"""
from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from pathlib import Path

TARGET_CODINGS = 2000

from workbench.bench.core import Figure, rss_mb

WORDS = ("the city partnership province agreement fund exchange mayor network development officials council "
         "investment tourism trade housing skills water approval budget national policy Johannesburg Soweto "
         "municipal twinning delegation report objectives implementation café naïve Zürich 😀").split()
SPEAKERS = ("Interviewer", "Ms Dlamini", "Mr Bekele", "Dr Naidoo")


def transcript(chars: int, rnd: random.Random) -> str:
    """A transcript-like text: timestamped speaker turns, with a few accents and emoji."""
    out, n, sec = [], 0, 0
    while n < chars:
        sec += rnd.randint(5, 90)
        words = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(15, 160)))
        line = f"[{sec // 3600:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}] {rnd.choice(SPEAKERS)}: {words.capitalize()}."
        out.append(line)
        n += len(line) + 1
    return "\n".join(out) + "\n"


def build_large_project(folder: Path, chars: int = 900_000, codings: int = TARGET_CODINGS, seed: int = 3,
                        others: int = 1, other_chars: int = 3000, other_codings: int = 0) -> Path:
    """A project with one large coded transcript, and `others` more sources sharing `other_codings`
    codings (to stand in for the L workload until the suite's generator is there)."""
    from workbench.services.codebook import ensure_code_path_in
    from workbench.services.sources import import_files
    from workbench.store.project import create_project

    rnd = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    big = folder / "large_interview.txt"
    big.write_text(transcript(chars, rnd), encoding="utf-8")
    smalls = []
    for i in range(max(others, 1)):
        smalls.append(folder / f"interview_{i:03d}.txt")
        smalls[-1].write_text(transcript(other_chars, rnd), encoding="utf-8")
    path = folder / "bench_document.qwb"
    if path.exists():
        path.unlink()
    project = create_project(path, name="Document bench", coder="Bench")
    try:
        import_files(project, smalls + [big], coder="Bench")
        with project.transaction() as s:
            for top in ("autonomy", "provincial constraint", "development outcome"):
                for sub in ("agenda", "funding", "networks", "approvals", "budget", "economic", "social"):
                    ensure_code_path_in(s, f"{top}/{sub}", create=True)
        top_up_codings(project, codings, rnd)
        if other_codings:
            spread_codings(project, other_codings, rnd)
    finally:
        project.close()
    return path


def largest_source(project) -> tuple[int, int]:
    from sqlalchemy import select

    from workbench.store.models import Source

    with project.reading() as s:
        row = s.execute(select(Source.id, Source.length).order_by(Source.length.desc()).limit(1)).first()
    return row.id, row.length


def most_coded_source(project) -> int:
    from sqlalchemy import func, select

    from workbench.store.models import Coding

    with project.reading() as s:
        return s.scalar(select(Coding.source_id).group_by(Coding.source_id).order_by(func.count().desc()).limit(1))


def top_up_codings(project, target: int, rnd: random.Random, sid: int | None = None) -> int:
    """Give a source (the largest by default) `target` codings, adding random passages by two coders;
    returns its id."""
    from sqlalchemy import func, select

    from workbench.services.coders import ensure_coder
    from workbench.services.coding import NewCoding, apply_codes_in
    from workbench.store.models import Code, Coding, Source

    if sid is None:
        sid, _length = largest_source(project)
    with project.transaction() as s:
        text = s.scalar(select(Source.text).where(Source.id == sid))
        have = s.scalar(select(func.count()).select_from(Coding).where(Coding.source_id == sid))
        codes = list(s.scalars(select(Code.id)))
        coders = [ensure_coder(s, "Bench"), ensure_coder(s, "Bench partner")]
        ends = [i for i, ch in enumerate(text) if ch in ".\n"]
        items, seen = [], set()
        while have + len(items) < target:
            a = rnd.randrange(len(text) - 1)
            b = next((e for e in ends[rnd.randrange(len(ends)):] if e > a + 20), len(text))
            b = min(b, a + rnd.choice((60, 200, 600, 2000)), len(text))
            key = (a, b, rnd.choice(codes), rnd.choice(coders))
            if key not in seen:
                seen.add(key)
                items.append(NewCoding(sid, key[2], key[3], a, b))
        apply_codes_in(s, items)
    return sid


def spread_codings(project, n: int, rnd: random.Random) -> None:
    """n random codings over every source but the largest, in one transaction."""
    from sqlalchemy import select

    from workbench.services.coders import ensure_coder
    from workbench.services.coding import NewCoding, apply_codes_in
    from workbench.store.models import Code, Source

    big, _ = largest_source(project)
    with project.transaction() as s:
        lengths = [(sid, ln) for sid, ln in s.execute(select(Source.id, Source.length)) if sid != big and ln > 300]
        codes = list(s.scalars(select(Code.id)))
        coders = [ensure_coder(s, name) for name in ("Bench", "Bench partner", "Third coder")]
        items = []
        for _ in range(n):
            sid, ln = rnd.choice(lengths)
            a = rnd.randrange(ln - 200)
            items.append(NewCoding(sid, rnd.choice(codes), rnd.choice(coders), a, a + rnd.randint(20, 199)))
        apply_codes_in(s, items)


def _app(tmp: Path):
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
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


def measure(project_path: Path, tmp: Path, sid: int, big: int | None = None) -> list[Figure]:
    """Open the window on the project and time what issue 3 asks for. sid: the source with ~2,000
    codings; big: a 0.9 MB source with as many, measured too when given."""
    from workbench.ui.main_window import MainWindow

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
    figures.append(_scroll_figure(window, app, big if big is not None else sid))
    figures.append(Figure("document.resident_memory", round(rss_mb(), 1), "MB", 500,
                          "VmRSS of the process with the project open in the window"))
    window.close_project()
    window.close()
    window.deleteLater()
    app.processEvents()
    return figures


def add_large_source(project_path: Path, folder: Path, chars: int = 900_000) -> int:
    """Import a 0.9 MB transcript into the project and give it 2,000 codings; returns its id."""
    from workbench.services.sources import import_files
    from workbench.store.project import open_project

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "large_interview.txt"
    path.write_text(transcript(chars, random.Random(5)), encoding="utf-8")
    with open_project(project_path) as project:
        outcome = import_files(project, [path], coder="Bench")[0]
        return top_up_codings(project, TARGET_CODINGS, random.Random(9), outcome.source_id)


def run(ctx) -> list[Figure]:
    path = ctx.fresh_project("document")
    from workbench.store.project import open_project

    with open_project(path) as project:
        sid = top_up_codings(project, TARGET_CODINGS, random.Random(7), most_coded_source(project))
    big = add_large_source(path, ctx.tmp / "document")
    return measure(path, ctx.tmp, sid, big)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chars", type=int, default=900_000)
    parser.add_argument("--codings", type=int, default=TARGET_CODINGS)
    parser.add_argument("--others", type=int, default=1, help="more sources beside the large one")
    parser.add_argument("--other-chars", type=int, default=3000)
    parser.add_argument("--other-codings", type=int, default=0, help="codings spread over the other sources")
    parser.add_argument("--project", help="measure on a copy of this project instead of building one")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench_document_"))
    if args.project:
        import shutil

        path = tmp / "copy.qwb"
        shutil.copy(args.project, path)
    else:
        path = build_large_project(tmp / "own", args.chars, args.codings, others=args.others,
                                   other_chars=args.other_chars, other_codings=args.other_codings)
    from workbench.store.project import open_project

    with open_project(path) as project:
        sid, _ = largest_source(project)
    for f in measure(path, tmp, sid):
        target = f" (target {f.target:g})" if f.target is not None else ""
        print(f"{f.name:36s} {f.value:>9} {f.unit}{target}  {f.note}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
