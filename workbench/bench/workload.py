"""A reproducible workload: transcripts, a three-level codebook, codings by three coders, cases.

The same seed always gives the same files and project, so figures from two runs compare.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

WORDS = (
    "the city partnership agreement province national government mayor council budget approval "
    "investment trade tourism housing water skills training exchange delegation visit network "
    "development outcome autonomy constraint policy framework department official community project "
    "funding programme implementation report municipality region international relations cooperation "
    "we they it was is were have had said think would could should because when where which that this "
    "and but or so then also very really just about more less many few some every other another first "
    "last year month week meeting minister office unit strategy plan goal objective result impact "
    "learning knowledge practice transport clinic school health energy climate resilience data safety "
    "signed memorandum twinning sister partner cities delegation forum summit conference secretariat "
    "Johannesburg Gauteng Addis Ababa Shanghai Birmingham Lyon São Paulo Tokyo Cape Town Rotterdam "
    "economic social institutional unrealised promised delivered delayed cancelled renewed extended"
).split()
SPEAKERS = ["Interviewer", "Ms Dlamini", "Mr Nkosi", "Dr Mensah", "Ms Tanaka", "Mr Silva"]


@dataclass(frozen=True)
class WorkloadSpec:
    sources: int
    words: int
    codes: int
    codings: int
    coders: int
    cases: int
    attributes: int = 5
    seed: int = 20261123
    largest_source_codings: int = 2000


SIZES = {
    "S": WorkloadSpec(sources=12, words=2000, codes=30, codings=600, coders=3, cases=12, largest_source_codings=200),
    "M": WorkloadSpec(sources=60, words=5000, codes=80, codings=8000, coders=3, cases=60, largest_source_codings=800),
    "L": WorkloadSpec(sources=300, words=8000, codes=150, codings=60000, coders=3, cases=300),
    # 4 x L: a project grown over years (issue 11).
    "XL": WorkloadSpec(sources=1200, words=8000, codes=600, codings=240000, coders=3, cases=1200),
}


def transcript(rng: random.Random, n_words: int, index: int) -> str:
    """An interview-shaped text: a header, then timestamped speaker turns of 20-120 words."""
    lines = [f"Interview {index + 1}", f"Date: 2025-{1 + index % 12:02d}-{1 + index % 28:02d}", ""]
    guest = SPEAKERS[1 + index % (len(SPEAKERS) - 1)]
    seconds, written, turn = 0, 0, 0
    while written < n_words:
        speaker = "Interviewer" if turn % 2 == 0 else guest
        n = rng.randint(8, 30) if speaker == "Interviewer" else rng.randint(40, 160)
        words = rng.choices(WORDS, k=n)
        words[0] = words[0].capitalize()
        body = " ".join(words)
        if turn % 17 == 5:
            body += " — as they wrote to us, “thank you” 👍"
        h, m, s = seconds // 3600, seconds // 60 % 60, seconds % 60
        lines.append(f"[{h:02d}:{m:02d}:{s:02d}] {speaker}: {body}.")
        lines.append("")
        seconds += n // 2 + rng.randint(2, 9)
        written += n
        turn += 1
    return "\n".join(lines)


def write_sources(spec: WorkloadSpec, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(spec.seed)
    paths = []
    for i in range(spec.sources):
        p = folder / f"transcript{i + 1:04d}.txt"
        if not p.exists():
            p.write_text(transcript(rng, spec.words, i), encoding="utf-8")
        else:
            transcript(rng, spec.words, i)  # keep the generator's sequence identical
        paths.append(p)
    return paths


def code_paths(n: int) -> list[str]:
    """n code paths in three levels: tops, each with children, each with grandchildren."""
    tops = max(1, round(n / 15))
    out: list[str] = []
    i = 0
    while len(out) < n:
        top = f"theme {i + 1}"
        out.append(top)
        for j in range(4):
            if len(out) >= n:
                break
            mid = f"{top}/aspect {j + 1}"
            out.append(mid)
            for k in range(2):
                if len(out) >= n:
                    break
                out.append(f"{mid}/detail {k + 1}")
        i += 1
        if i >= tops and len(out) >= n:
            break
    return out[:n]


def build_workload(spec: WorkloadSpec, folder: Path) -> tuple[Path, Path]:
    """Build (or reuse) the workload's sources and project in folder; returns (project, sources dir)."""
    from workbench.services.cases import ensure_attribute, ensure_case, set_value_in
    from workbench.services.codebook import ensure_code_path_in
    from workbench.services.coders import ensure_coder
    from workbench.services.coding import NewCoding, apply_codes_in
    from workbench.services.sources import import_files
    from workbench.store import files
    from workbench.store.models import CaseSource, Source
    from workbench.store.project import create_project
    from sqlalchemy import select

    folder.mkdir(parents=True, exist_ok=True)
    sources_dir = folder / "sources"
    paths = write_sources(spec, sources_dir)
    project_path = folder / "workload.qwb"
    done = folder / "workload.done"
    if project_path.exists() and done.exists():
        return project_path, sources_dir
    for p in folder.glob("workload.qwb*"):
        p.unlink()
    rng = random.Random(spec.seed + 1)
    project = create_project(project_path, name="Benchmark workload", coder="coder 1")
    try:
        import_files(project, paths, coder="coder 1")
        with project.transaction() as s:
            coders = [ensure_coder(s, f"coder {i + 1}") for i in range(spec.coders)]
            codes = [ensure_code_path_in(s, p, create=True)[0] for p in code_paths(spec.codes)]
            sources = list(s.execute(select(Source.id, Source.length).order_by(Source.id)))
            attrs = [
                ensure_attribute(s, "country", "text"),
                ensure_attribute(s, "region", "text"),
                ensure_attribute(s, "year signed", "number"),
                ensure_attribute(s, "first visit", "date"),
                ensure_attribute(s, "active", "bool"),
            ][: spec.attributes]
            regions = ["Africa", "Asia", "Europe", "Latin America", "North America"]
            for i in range(spec.cases):
                cid = ensure_case(s, f"case {i + 1:04d}")
                values = [f"country {i % 40}", regions[i % 5], str(1990 + i % 35),
                          f"20{10 + i % 15}-0{1 + i % 9}-1{i % 9}", "yes" if i % 3 else "no"]
                for aid, v in zip(attrs, values):
                    set_value_in(s, cid, aid, v)
                s.add(CaseSource(case_id=cid, source_id=sources[i % len(sources)].id))
            # Zipf-like code use, so one code is "the most used"; the first source carries
            # the largest share so a document with ~2,000 codings exists.
            cum, total = [], 0.0
            for k in range(len(codes)):
                total += 1 / (k + 1)
                cum.append(total)
            items = []
            big = sources[0]
            for n in range(spec.codings):
                src = big if n < spec.largest_source_codings else sources[rng.randrange(len(sources))]
                length = rng.randint(40, 600)
                start = rng.randrange(0, max(1, src.length - length))
                items.append(NewCoding(src.id, rng.choices(codes, cum_weights=cum)[0], coders[n % len(coders)],
                                       start, min(src.length, start + length)))
            apply_codes_in(s, items)
    finally:
        project.close()
    files.make_whole(project_path)
    done.write_text("ok")
    return project_path, sources_dir
