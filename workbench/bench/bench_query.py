"""Figures of issue 4: retrieval, matrix, co-occurrence, search, frequencies, reports and exports."""
from __future__ import annotations

import time
from pathlib import Path

from workbench.bench.core import BenchContext, Figure, best_of, clock, in_child

COMMON_WORD = "city"  # one of the generator's words: it is in every transcript
PHRASE = '"memorandum signed"'


def _plain_docx_baseline(data, path: Path) -> float:
    """The same report made paragraph by paragraph with python-docx's add_paragraph."""
    import docx

    from workbench.io.exporters.docx_report import citation, heading_style

    t = clock()
    document = docx.Document()
    document.add_paragraph(data.project_name, style="Title")
    current = None
    for ex in data.excerpts:
        if ex.segment.code_id != current:
            current = ex.segment.code_id
            code = data.codes[current]
            document.add_paragraph(code.name, style=heading_style(code.depth))
        document.add_paragraph(ex.segment.text, style="Quote")
        document.add_paragraph(citation(ex), style="Caption")
    document.save(str(path))
    return clock() - t


def _xlsxwriter_baseline(data, path: Path) -> float:
    """The excerpt sheet through XlsxWriter's constant-memory mode, cell by cell."""
    import xlsxwriter

    t = clock()
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    for i, ex in enumerate(data.excerpts):
        for j, v in enumerate(ex.row()):
            if isinstance(v, str):
                if v:
                    sheet.write_string(i, j, v)
            else:
                sheet.write_number(i, j, v)
    book.close()
    return clock() - t


def export_whole(kind: str, project_path: str, out: str) -> int:
    """Every excerpt as `workbench export -o FILE.docx|.xlsx` writes them (streamed from the query)."""
    from workbench.io.exporters.docx_report import export_report
    from workbench.io.exporters.excerpts_xlsx import export_xlsx
    from workbench.store.project import open_project

    with open_project(project_path, readonly=True) as project:
        return (export_report if kind == "docx" else export_xlsx)(project, out)


def _whole(ctx: BenchContext, kind: str, label: str) -> list[Figure]:
    """Time and peak memory of exporting the whole project, each run in a child process."""
    base = in_child("", "")
    runs = []
    for _ in range(2):
        out = ctx.tmp / f"whole-{time.monotonic_ns()}.{kind}"
        runs.append(in_child(__name__, "export_whole", kind, ctx.project, out))
        size = out.stat().st_size
        out.unlink()
    n = int(runs[0]["result"])
    note = f"peak RSS (VmHWM) of a child process; the interpreter alone: {base['peak_mb']:.0f} MB"
    return [Figure(f"{label} of all {n} excerpts, streamed from the query", min(r["seconds"] for r in runs),
                   "s", None, f"best of 2 in a child; file {size / 2**20:.1f} MiB", work=n),
            Figure(f"{label} of every excerpt: peak memory", max(r["peak_mb"] for r in runs), "MB", 300.0, note)]


def run(ctx: BenchContext) -> list[Figure]:
    from workbench.io.exporters.docx_report import write_report
    from workbench.io.exporters.excerpts import collect
    from workbench.io.exporters.excerpts_csv import export_csv
    from workbench.io.exporters.excerpts_xlsx import export_xlsx
    from workbench.query.cooccur import code_cooccurrence
    from workbench.query.frequencies import code_frequencies
    from workbench.query.matrix import code_matrix
    from workbench.query.search import search
    from workbench.query.segments import Filters, query_segments
    from workbench.store.project import open_project

    large = ctx.size == "L"
    figures: list[Figure] = []
    project = open_project(ctx.project, readonly=True)
    try:
        freq_time = best_of(lambda: code_frequencies(project), 5)
        freqs = code_frequencies(project, with_children=True)
        top = max(freqs, key=lambda f: f.segments)
        figures.append(Figure(f"code frequencies of all {len(freqs)} codes", freq_time * 1000, "ms",
                              50.0 if large else None, "segments, sources, cases, coders per code"))
        filters = Filters(codes=(top.code,), with_children=True)
        ret = best_of(lambda: query_segments(project, filters), 5)
        full = best_of(lambda: list(query_segments(project, filters)), 3)
        figures.append(Figure(f"retrieve the most-used code with subcodes ({top.segments} segments)", ret * 1000,
                              "ms", 100.0 if large else None,
                              f"sorted rows ready for the view; every Segment built: {full * 1000:.0f} ms",
                              work=top.segments))
        mat = best_of(lambda: code_matrix(project, "cases"), 5)
        m = code_matrix(project, "cases")
        figures.append(Figure(f"matrix {len(m.rows)} codes x {len(m.cols)} cases (segments)", mat * 1000, "ms",
                              300.0 if large else None,
                              f"with subcodes: {best_of(lambda: code_matrix(project, 'cases', with_children=True)) * 1000:.0f} ms, "
                              f"chars: {best_of(lambda: code_matrix(project, 'cases', 'chars')) * 1000:.0f} ms"))
        co = best_of(lambda: code_cooccurrence(project), 3)
        figures.append(Figure(f"co-occurrence of {len(m.rows)} codes", co, "s", 1.0 if large else None))
        # Word report: the most-used code's own codings (about 10,500 on L), cut to 10,000.
        q = best_of(lambda: collect(project, Filters(codes=(top.code,))), 2)
        data = collect(project, Filters(codes=(top.code,)))
        data.excerpts = data.excerpts[:10000]
        n = len(data.excerpts)
        ours = best_of(lambda: write_report(data, ctx.tmp / "report.docx"), 2)
        plain = _plain_docx_baseline(data, ctx.tmp / "plain.docx")
        figures.append(Figure(f"Word report of {n} excerpts", ours, "s", 2.0 if large else None,
                              f"plain python-docx add_paragraph in the same run: {plain:.1f} s, "
                              f"{plain / ours:.0f}x slower; the query before it: {q:.2f} s", work=n))
        del data
        figures += _whole(ctx, "docx", "Word report")
        everything = collect(project)
        total = len(everything.excerpts)
        csv_time = best_of(lambda: export_csv(project, ctx.tmp / "all.csv"), 2)
        figures.append(Figure(f"all {total} excerpts to CSV (query included)", csv_time, "s", 2.0 if large else None,
                              work=total))
        xlsx_time = best_of(lambda: export_xlsx(project, ctx.tmp / "all.xlsx"), 2)
        xw = _xlsxwriter_baseline(everything, ctx.tmp / "xlsxwriter.xlsx")
        del everything
        figures.append(Figure(f"all {total} excerpts to XLSX (query included)", xlsx_time, "s", 5.0 if large else None,
                              f"XlsxWriter constant_memory on the same rows: {xw:.1f} s", work=total))
        figures += _whole(ctx, "xlsx", "XLSX")[1:]
    finally:
        project.close()
    # Search needs the index: build it in a copy, then time searches.
    path = ctx.fresh_project("search")
    writable = open_project(path)
    try:
        t = clock()
        first = search(writable, COMMON_WORD)
        build = clock() - t
        took = best_of(lambda: search(writable, COMMON_WORD), 5)
        sources = len({h.source_id for h in first.hits})
        figures.append(Figure(f"search a common word ({len(first.hits)} hits in {sources} sources)", took * 1000,
                              "ms", 100.0 if large else None,
                              f"first search, building the FTS5 index: {build:.2f} s"))
        rare = best_of(lambda: search(writable, PHRASE), 5)
        read, held = phrase_reads(writable, PHRASE)
        figures.append(Figure("search a phrase", rare * 1000, "ms", None,
                              f"reads the {held} sources that hold the phrase, {read:,} characters", work=max(read, 1)))
    finally:
        writable.close()
    return figures


def phrase_reads(project, phrase: str) -> tuple[int, int]:
    """What a search for a phrase reads: the texts the index says hold it (their characters, and
    how many). Its work for the scaling run, where a smaller workload's transcripts are shorter."""
    from sqlalchemy import func, select

    from workbench.query.search import parse_query
    from workbench.store.models import Source

    with project.reading() as s:
        found, _ = project.backend.search.lookup(s, parse_query(phrase))
        ids = set(found)
        return int(s.scalar(select(func.coalesce(func.sum(Source.length), 0)).where(Source.id.in_(ids)))), len(ids)
