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

from collections.abc import Iterable, Iterator
from datetime import date
from itertools import chain
from pathlib import Path

from workbench.core.errors import Cancelled, ValidationError
from workbench.io.atomic import atomic_path
from workbench.io.exporters.docx_stream import Spool, save_streamed, xml_of
from workbench.io.exporters.docx_xml import BodyWriter, clear_body
from workbench.io.exporters.excerpts import Excerpt, ReportData, one_quote_per_passage, streamed
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


def _title_block(w: BodyWriter, data: ReportData, group_by: str, title: str | None, total: int) -> None:
    w.paragraph("Title", title or data.project_name)
    w.paragraph("Normal", "Coded excerpts from the project " + data.project_name)
    w.paragraph("Normal", data.describe_query(), bold_prefix="Query: ")
    if data.expr:
        w.paragraph("Normal", data.expr, bold_prefix="Expression: ")
    w.paragraph("Normal", f"by {group_by}; {total} excerpts", bold_prefix="Grouped: ")
    w.paragraph("Normal", date.today().isoformat(), bold_prefix="Date: ")


class _Report:
    """The report in two passes. First each excerpt's paragraphs (Quote, Citation, Memo) are
    made as they arrive and spooled to a temporary file, with the place they go: by code, by
    case then code, or in the order they came (an expression's results). Then the headings
    are made and the body is streamed into the file in that order (docx_stream)."""

    def __init__(self, data: ReportData, group_by: str, expr_first: bool, document, spool: Spool):
        self.data, self.group_by, self.by_expr = data, group_by, expr_first
        self.document, self.spool = document, spool
        self.w = BodyWriter(document)
        self.rank = {cid: i for i, cid in enumerate(data.code_order)}
        self.case_rank = {cid: i for i, cid in enumerate(data.cases.order)} if data.cases else {}
        # (where it goes, what it sits under, spool offset, length)
        self.entries: list[tuple[tuple, object, int, int]] = []
        self.shown: set[int] = set()

    def _spool(self, ex: Excerpt, codes_line: bool = False) -> tuple[int, int]:
        xml = self.w.paragraph_xml
        parts = [xml("Normal", ex.segment.code, bold_prefix="Codes: ")] if codes_line else []
        parts += [xml("Quote", ex.segment.text), xml("Citation", citation(ex))]
        if ex.memo:
            parts.append(xml("Memo", ex.memo, bold_prefix="Memo: "))
        return self.spool.add(b"".join(parts))

    def take(self, ex: Excerpt) -> None:
        """Pass one: an excerpt, in the query's order."""
        if self.by_expr:
            self.entries.append(((), None, *self._spool(ex, codes_line=True)))
        elif self.group_by == "code":
            rank = self.rank.get(ex.segment.code_id)
            if rank is not None:  # as before: a code outside the tree has no heading to sit under
                self.entries.append(((rank,), None, *self._spool(ex)))
        else:
            order = len(self.rank)
            for cid, piece in self.data._pieces(ex):
                seg = piece.segment
                key = seg.code_id if seg.code_id is not None else seg.code
                code_rank = self.rank.get(key, order) if isinstance(key, int) else order
                case_rank = self.case_rank.get(cid, len(self.case_rank)) if cid is not None else len(self.case_rank) + 1
                self.entries.append(((case_rank, code_rank, str(key)), (cid, key), *self._spool(piece)))

    def _pieces(self, entries) -> Iterator[bytes]:
        read = self.spool.read
        for _, _, offset, length in entries:
            yield read(offset, length)

    def _made(self) -> bytes:
        return b"".join(xml_of(p) for p in self.w.drain())

    def prepare(self) -> None:
        """Between the passes: put the excerpts in order and find the headings, whose styles
        must be in the document before its package is saved."""
        data, w = self.data, self.w
        self.entries.sort(key=lambda e: e[0])  # stable: each group keeps the query's order
        if self.by_expr:
            styles = ["Heading 1"]
        elif self.group_by == "code":
            # A code gets a heading when it or a subcode has excerpts, so the tree shows.
            shown = self.shown
            for (rank,), _, _, _ in self.entries:
                cid = data.code_order[rank]
                while cid is not None and cid not in shown:
                    shown.add(cid)
                    cid = data.codes[cid].parent
            styles = [heading_style(data.codes[c].depth) for c in data.code_order if c in shown]
            if any(data.codes[c].description.strip() for c in shown):
                styles.append("Normal")
        else:
            styles = ["Heading 1", "Heading 2"] if self.entries else []
        for style in dict.fromkeys(styles):
            w.style_id(style)

    def body(self) -> Iterator[bytes]:
        """Pass two: the body in order, headings between the spooled excerpts."""
        data, w = self.data, self.w
        if self.by_expr:
            w.paragraph("Heading 1", data.expr)
            yield self._made()
            yield from self._pieces(self.entries)
        elif self.group_by == "code":
            shown, i = self.shown, 0
            for rank, cid in enumerate(data.code_order):
                if cid not in shown:
                    continue
                code = data.codes[cid]
                w.paragraph(heading_style(code.depth), code.name)
                if code.description.strip():
                    w.paragraph("Normal", code.description.strip())
                yield self._made()
                j = i
                while j < len(self.entries) and self.entries[j][0][0] == rank:
                    j += 1
                yield from self._pieces(self.entries[i:j])
                i = j
        else:
            case = group = object()
            for entry in self.entries:
                cid, key = entry[1]
                if cid != case:
                    case, group = cid, object()
                    w.paragraph("Heading 1", data.cases.name[cid] if cid is not None else NO_CASE)
                if key != group:
                    group = key
                    w.paragraph("Heading 2", data.codes[key].path if isinstance(key, int) else key)
                if w.pending:
                    yield self._made()
                yield from self._pieces([entry])


def _document(template):
    import docx

    if not template:
        return docx.Document()
    try:
        document = docx.Document(str(template))
    except Exception as exc:  # python-docx raises several kinds for a non-docx file
        raise ValidationError(f"{template}: cannot be used as a Word template ({exc})") from None
    clear_body(document)
    return document


def _write(data: ReportData, total: int, excerpts: Iterable[Excerpt], path: str | Path, group_by: str,
           title: str | None, template, report, should_stop) -> int:
    if group_by not in GROUPS:
        raise ValidationError(f"group by must be code or case, not {group_by!r}")
    report = report or (lambda *a: None)
    should_stop = should_stop or (lambda: False)
    document = _document(template)
    path = Path(path)
    spool = Spool(path.parent if path.parent.is_dir() else None)
    try:
        writer = _Report(data, group_by, bool(data.expr) and group_by == "code", document, spool)
        done = 0
        for done, ex in enumerate(excerpts, start=1):
            writer.take(ex)
            if done % 500 == 0:
                if should_stop():
                    raise Cancelled("the report was cancelled; no file was written")
                report(done, total, "Writing excerpts")
        if should_stop():
            raise Cancelled("the report was cancelled; no file was written")
        report(total, total, "Saving")
        # The title block's paragraphs are made first, so its styles are in the package. It counts
        # the excerpts written: fewer than the codings read where one quote names several coders.
        _title_block(writer.w, data, group_by, title, done)
        head = writer._made()
        writer.prepare()
        with atomic_path(path) as tmp:
            save_streamed(document, tmp, chain([head], writer.body()))
    finally:
        spool.close()
    return done


def write_report(data: ReportData, path: str | Path, group_by: str = "code", title: str | None = None,
                 template: str | Path | None = None, report=None, should_stop=None) -> int:
    """Write the report of data's excerpts to path (whole or not at all); returns the number of excerpts."""
    return _write(data, len(data.excerpts), data.excerpts, path, group_by, title, template, report, should_stop)


def export_report(project: Project, path: str | Path, filters: Filters | None = None, expr: str | None = None,
                  group_by: str = "code", title: str | None = None, template: str | Path | None = None,
                  report=None, should_stop=None, one_quote: bool = False) -> int:
    """Query the project and write the report, streamed; the job the window and `workbench export`
    run. one_quote: a passage several coders coded alike is one quote naming them all (the window's
    report); returns the number of excerpts written."""
    with streamed(project, filters, expr) as (data, total, excerpts):
        if one_quote:
            excerpts = one_quote_per_passage(excerpts)
        return _write(data, total, excerpts, path, group_by, title, template, report, should_stop)
