"""The Word report of coded excerpts: the working material a thesis chapter is written from.

Layout: a title block (project, query and filters, date, count); then, grouped by code,
headings that follow the code tree (Heading 1-3) with each code's definition under its
heading, or grouped by case, a Heading 1 per case and a Heading 2 per code path, each
excerpt under the cases its text lies in, cut to each case's part (ReportData.by_case). Each
excerpt is a Quote paragraph, followed by a Citation line (source, case, paragraph, coder;
a PDF's excerpt gives its page instead: "p. 4", "pp. 4-5") and, when the coding has one,
its memo. An expression's results sit under one heading naming the expression. A .docx
given as template lends its styles (its own text is dropped).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from workbench.core.errors import Cancelled, ValidationError
from workbench.io.atomic import atomic_path
from workbench.io.exporters.docx_xml import BodyWriter, clear_body
from workbench.io.exporters.excerpts import Excerpt, ReportData, collect
from workbench.query.segments import Filters
from workbench.store.project import Project

GROUPS = ("code", "case")
NO_CASE = "(no case)"


def citation(ex: Excerpt) -> str:
    """'(interview_jhb.txt, Johannesburg, paragraph 2, Thandi)'; '(policy.pdf, pp. 4-5, Thandi)'."""
    s = ex.segment
    if ex.page is not None:
        para = ex.page.citation
    else:
        para = f"paragraphs {ex.paragraph}" if "-" in ex.paragraph else f"paragraph {ex.paragraph}"
    parts = [s.source] + ([s.case] if s.case else []) + [para] + ([s.coder] if s.coder else [])
    return "(" + ", ".join(parts) + ")"


def heading_style(depth: int) -> str:
    return f"Heading {min(depth + 1, 3)}"


def _excerpt(w: BodyWriter, ex: Excerpt) -> None:
    w.paragraph("Quote", ex.segment.text)
    w.paragraph("Citation", citation(ex))
    if ex.memo:
        w.paragraph("Memo", ex.memo, bold_prefix="Memo: ")


def _title_block(w: BodyWriter, data: ReportData, group_by: str, title: str | None) -> None:
    w.paragraph("Title", title or data.project_name)
    w.paragraph("Normal", "Coded excerpts from the project " + data.project_name)
    w.paragraph("Normal", data.describe_query(), bold_prefix="Query: ")
    if data.expr:
        w.paragraph("Normal", data.expr, bold_prefix="Expression: ")
    w.paragraph("Normal", f"by {group_by}; {len(data.excerpts)} excerpts", bold_prefix="Grouped: ")
    w.paragraph("Normal", date.today().isoformat(), bold_prefix="Date: ")


def _by_code(w: BodyWriter, data: ReportData, tick: Callable[[], None]) -> None:
    own: dict[int, list[Excerpt]] = {}
    for ex in data.excerpts:
        own.setdefault(ex.segment.code_id, []).append(ex)
    # A code gets a heading when it or a subcode has excerpts, so the tree shows.
    shown: set[int] = set()
    for cid in own:
        while cid is not None and cid not in shown:
            shown.add(cid)
            cid = data.codes[cid].parent
    for cid in data.code_order:
        if cid not in shown:
            continue
        code = data.codes[cid]
        w.paragraph(heading_style(code.depth), code.name)
        if code.description.strip():
            w.paragraph("Normal", code.description.strip())
        for ex in own.get(cid, []):
            _excerpt(w, ex)
            tick()


def _by_case(w: BodyWriter, data: ReportData, tick: Callable[[], None]) -> None:
    order = {cid: i for i, cid in enumerate(data.code_order)}
    for case, excerpts in data.by_case():
        w.paragraph("Heading 1", case or NO_CASE)
        groups: dict[object, list[Excerpt]] = {}
        for ex in excerpts:
            groups.setdefault(ex.segment.code_id if ex.segment.code_id is not None else ex.segment.code, []).append(ex)
        for key in sorted(groups, key=lambda k: (order.get(k, len(order)) if isinstance(k, int) else len(order), str(k))):
            label = data.codes[key].path if isinstance(key, int) else key
            w.paragraph("Heading 2", label)
            for ex in groups[key]:
                _excerpt(w, ex)
                tick()


def _by_expression(w: BodyWriter, data: ReportData, tick: Callable[[], None]) -> None:
    w.paragraph("Heading 1", data.expr)
    for ex in data.excerpts:
        w.paragraph("Normal", ex.segment.code, bold_prefix="Codes: ")
        _excerpt(w, ex)
        tick()


def write_report(data: ReportData, path: str | Path, group_by: str = "code", title: str | None = None,
                 template: str | Path | None = None, report=None, should_stop=None) -> int:
    """Write the report to path (whole or not at all); returns the number of excerpts."""
    import docx

    if group_by not in GROUPS:
        raise ValidationError(f"group by must be code or case, not {group_by!r}")
    report = report or (lambda *a: None)
    should_stop = should_stop or (lambda: False)
    if template:
        try:
            document = docx.Document(str(template))
        except Exception as exc:  # python-docx raises several kinds for a non-docx file
            raise ValidationError(f"{template}: cannot be used as a Word template ({exc})") from None
        clear_body(document)
    else:
        document = docx.Document()
    total = len(data.excerpts)
    done = 0

    def tick():
        nonlocal done
        done += 1
        if done % 500 == 0:
            if should_stop():
                raise Cancelled("the report was cancelled; no file was written")
            report(done, total, "Writing excerpts")

    w = BodyWriter(document)
    _title_block(w, data, group_by, title)
    if data.expr and group_by == "code":
        _by_expression(w, data, tick)
    elif group_by == "code":
        _by_code(w, data, tick)
    else:
        _by_case(w, data, tick)
    w.flush()
    if should_stop():
        raise Cancelled("the report was cancelled; no file was written")
    report(total, total, "Saving")
    with atomic_path(path) as tmp:
        document.save(str(tmp))
    return total


def export_report(project: Project, path: str | Path, filters: Filters | None = None, expr: str | None = None,
                  group_by: str = "code", title: str | None = None, template: str | Path | None = None,
                  report=None, should_stop=None) -> int:
    """Query the project and write the report; the job the window and `workbench export` run."""
    data = collect(project, filters, expr)
    return write_report(data, path, group_by, title, template, report, should_stop)


def export_report_job(project_path: str | Path, out_path: str | Path, filters_dict: dict, expr: str | None,
                      group_by: str = "code", report=None, should_stop=None) -> int:
    """The same, opening the project read-only itself: for ui.jobs, off the GUI thread."""
    from workbench.store.project import open_project

    project = open_project(project_path, readonly=True)
    try:
        return export_report(project, out_path, Filters.from_dict(filters_dict), expr, group_by,
                             report=report, should_stop=should_stop)
    finally:
        project.close()
