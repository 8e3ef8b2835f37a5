"""Benchmarks of the coding window: opening a large coded source, coding, scrolling, memory (issue 3).

run(ctx) measures on ctx's workload (the largest source, topped up to 2,000 codings); without a
workload it builds its own: a 0.9 MB transcript with 2,000 codings. Run alone with
`python -m workbench.bench.bench_document [--chars N] [--codings N]`.
"""
from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

TARGET_CODINGS = 2000

try:  # the suite's Figure, once the bench package lands; the same fields otherwise
    from workbench.bench import Figure  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - standalone use before the suite exists
    @dataclass
    class Figure:  # type: ignore[no-redef]
        name: str
        value: float
        unit: str
        target: float | None = None
        note: str = ""

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


def top_up_codings(project, target: int, rnd: random.Random) -> int:
    """Give the largest source `target` codings (adding random passages by two coders); returns its id."""
    from sqlalchemy import func, select

    from workbench.services.coders import ensure_coder
    from workbench.services.coding import NewCoding, apply_codes_in
    from workbench.store.models import Code, Coding, Source

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


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(project_path: Path, tmp: Path) -> list[Figure]:
    """Open the window on the project and time what the issue asks for."""
    from workbench.query.document import source_codings
    from workbench.store.project import open_project
    from workbench.ui.main_window import MainWindow

    app = _app(tmp)
    with open_project(project_path) as p:
        sid = top_up_codings(p, TARGET_CODINGS, random.Random(7))
    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    window.open_project(project_path)
    others = [s for s in window.source_model.source_ids() if s != sid]
    app.processEvents()
    figures: list[Figure] = []

    opens = []
    for _ in range(3):
        if others:
            window.open_source(others[0])
        app.processEvents()
        t0 = time.perf_counter()
        window.open_source(sid)
        _painted(window)
        opens.append((time.perf_counter() - t0) * 1000)
    view = window.document_view
    n = len(view.layer)
    open_ms = statistics.median(opens)
    figures.append(Figure("document.open_largest_source", round(open_ms, 1), "ms", 200,
                          f"{n} codings, {len(view.source.text):,} characters, click to painted; median of 3"))

    m = view.layer.map
    spans = [(m.to_utf16(r.start), m.to_utf16(r.end), r.color) for r in source_codings(window.ctx.project, sid)]
    naive = naive_baseline_ms(view.source.text.replace("\r", " "), spans)
    figures.append(Figure("document.open_naive_mergeCharFormat", round(naive, 1), "ms", None,
                          f"one mergeCharFormat per coding on a shown QTextEdit, same run; "
                          f"{naive / open_ms:.1f}x the document view"))

    rnd = random.Random(11)
    code_ids = [r.id for r in window.code_model.rows()]
    total = len(window.code_model.rows())
    applies = []
    text = view.source.text
    for _ in range(15):
        a = rnd.randrange(len(text) - 400)
        view.select_cp(a, a + rnd.randint(20, 300))
        app.processEvents()
        t0 = time.perf_counter()
        window.coding_actions.code_selection(rnd.choice(code_ids))
        _painted(window)
        applies.append((time.perf_counter() - t0) * 1000)
    from workbench.query.document import project_counts

    held = project_counts(window.ctx.project)["codings"]
    figures.append(Figure("document.apply_code", round(statistics.median(applies), 1), "ms", 50,
                          f"select, code, document and lists refreshed, painted; median of 15 "
                          f"(max {max(applies):.1f}); project holds {held} codings, {total} codes"))

    bar = view.verticalScrollBar()
    paints = []
    for k in range(1, 41):
        bar.setValue(bar.maximum() * k // 41)
        app.processEvents()
        t0 = time.perf_counter()
        _painted(window)
        paints.append((time.perf_counter() - t0) * 1000)
    figures.append(Figure("document.scroll_paint", round(statistics.median(paints), 2), "ms", 16,
                          f"one viewport + margin paint at 40 scroll positions; max {max(paints):.1f} ms"))
    figures.append(Figure("document.resident_memory", round(rss_mb(), 1), "MB", 500,
                          "VmRSS of the process with the project open in the window"))
    window.close_project()
    window.close()
    window.deleteLater()
    app.processEvents()
    return figures


def run(ctx) -> list[Figure]:
    tmp = Path(getattr(ctx, "tmp", None) or tempfile.mkdtemp(prefix="bench_document_"))
    if hasattr(ctx, "fresh_project"):
        path = Path(ctx.fresh_project())
    else:
        path = build_large_project(tmp / "own")
    return measure(path, tmp)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chars", type=int, default=900_000)
    parser.add_argument("--codings", type=int, default=TARGET_CODINGS)
    parser.add_argument("--others", type=int, default=1, help="more sources beside the large one")
    parser.add_argument("--other-chars", type=int, default=3000)
    parser.add_argument("--other-codings", type=int, default=0, help="codings spread over the other sources")
    parser.add_argument("--project", help="measure on this project (a copy is made) instead of building one")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench_document_"))
    if args.project:
        import shutil

        path = tmp / "copy.qwb"
        shutil.copy(args.project, path)
    else:
        path = build_large_project(tmp / "own", args.chars, args.codings, others=args.others,
                                   other_chars=args.other_chars, other_codings=args.other_codings)
    for f in measure(path, tmp):
        target = f" (target {f.target})" if f.target is not None else ""
        print(f"{f.name:40s} {f.value:>10} {f.unit}{target}  {f.note}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
