"""Benchmarks of the coding window: opening a coded source, coding, scrolling, memory (issue 3).

run(ctx) opens the window on a copy of ctx's workload and measures on its most-coded source
(topped up to 2,000 codings if it has fewer), and again on a 0.9 MB transcript with 2,000 codings
added to the same project. Run alone on a project of its own making with
`python -m workbench.bench.bench_document [--chars N] [--codings N] [--others N ...]`.
"""
from __future__ import annotations

import random
import tempfile
from pathlib import Path

TARGET_CODINGS = 2000

from workbench.bench.core import Figure

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


DENSE_CODINGS = 32_000  # issue 11, item 5: "a document with 32,000 codings open in under 300 ms"


def dense_project(ctx) -> tuple[Path, int]:
    """A copy of the workload whose 0.9 MB transcript holds DENSE_CODINGS codings; (path, its id)."""
    from workbench.store.project import open_project

    path = ctx.fresh_project("document-dense")
    big = add_large_source(path, ctx.tmp / "document-dense")
    with open_project(path) as project:
        top_up_codings(project, DENSE_CODINGS, random.Random(13), big)
    return path, big


def run(ctx) -> list[Figure]:
    path = ctx.fresh_project("document")
    from workbench.store.project import open_project

    with open_project(path) as project:
        sid = top_up_codings(project, TARGET_CODINGS, random.Random(7), most_coded_source(project))
    big = add_large_source(path, ctx.tmp / "document")
    from workbench.ui.window_bench import measure  # the window's timings need Qt: they live in ui

    return measure(path, ctx.tmp, sid, big, dense=dense_project(ctx))


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
    from workbench.ui.window_bench import measure

    for f in measure(path, tmp, sid):
        target = f" (target {f.target:g})" if f.target is not None else ""
        print(f"{f.name:36s} {f.value:>9} {f.unit}{target}  {f.note}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
