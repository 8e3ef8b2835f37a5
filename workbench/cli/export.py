"""workbench export: the coded-excerpt report in Word, or one row an excerpt in CSV/XLSX."""
from __future__ import annotations

from workbench.cli.common import add_filters, add_project, project_arg

NAME = "export"
HELP = "write coded excerpts to a Word report (.docx), or one row an excerpt (.csv, .xlsx)"
EPILOG = """\
The Word report groups excerpts under headings in Word's Heading styles: by code (headings
follow the code tree, each code's definition under its heading) or by case. Each excerpt
is in the Quote style, followed by a citation (source, case, paragraph, coder) and its
memo. --template lends the styles of your own .docx.

Examples:
  workbench export jhb.qwb -o excerpts.docx --code "provincial constraint" --with-children
  workbench export jhb.qwb -o by_case.docx --group-by case --attr region=Africa
  workbench export jhb.qwb -o all.xlsx"""

FORMATS = (".docx", ".csv", ".xlsx")


def add_arguments(p):
    add_project(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="FILE.docx, FILE.csv or FILE.xlsx")
    add_filters(p)
    p.add_argument("--expr", metavar="EXPR", help="combine codes over text (see workbench query --help)")
    p.add_argument("--group-by", choices=["code", "case"], default="code", help="Word report: group by code or case")
    p.add_argument("--title", metavar="TEXT", help="Word report: the title (default: the project's name)")
    p.add_argument("--template", metavar="FILE.docx", help="Word report: take the styles of this document")


def run(args) -> int:
    from pathlib import Path

    from workbench.cli.query_args import filters_from
    from workbench.core.errors import ValidationError

    suffix = Path(args.output).suffix.lower()
    if suffix not in FORMATS:
        raise ValidationError(f"{args.output}: cannot export excerpts as {suffix or 'a file without extension'}; "
                              f"use {', '.join(FORMATS)}")
    if suffix == ".docx":
        from workbench.io.exporters.docx_report import export_report

        # Streamed from the query a source at a time: the whole report never sits in memory.
        with project_arg(args.project, readonly=True) as project:
            n = export_report(project, args.output, filters_from(args), args.expr, args.group_by, args.title,
                              args.template)
        print(f"wrote {n} excerpts to {args.output}")
        return 0
    if suffix == ".csv":
        from workbench.io.exporters.excerpts_csv import export_csv as export, quick_export_csv

        # Codes, sources and coders of a local file: read without loading the store (query.quick).
        n = None if args.expr and args.expr.strip() else quick_export_csv(args.project, args.output,
                                                                           filters_from(args))
        if n is not None:
            print(f"wrote {n} excerpts to {args.output}")
            return 0
    else:
        from workbench.io.exporters.excerpts_xlsx import export_xlsx as export
    with project_arg(args.project, readonly=True) as project:
        n = export(project, args.output, filters_from(args), args.expr)
    print(f"wrote {n} excerpts to {args.output}")
    return 0
