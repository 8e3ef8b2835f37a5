"""workbench matrix: codes by cases, attribute values, coders or sources."""
from __future__ import annotations

from workbench.cli.common import add_filters, add_project, project_arg

NAME = "matrix"
HELP = "count coded segments (or sources, or characters) per code and case, attribute value, coder or source"
EPILOG = """\
Rows are codes in codebook order; a row counts its own codings, and with --with-children
its subcodes' too. --code picks the rows; the other filters pick the codings counted.
A source in two cases counts in both columns. --count chars counts coded characters
(overlapping codings of one row count once).

Examples:
  workbench matrix jhb.qwb --rows codes --cols cases --json
  workbench matrix jhb.qwb --rows codes --cols attr:region --count sources --with-children --docx m.docx"""


def add_arguments(p):
    add_project(p)
    p.add_argument("--rows", choices=["codes"], default="codes", help="what the rows are (codes)")
    p.add_argument("--cols", required=True, metavar="cases|attr:NAME|coders|sources")
    p.add_argument("--count", choices=["segments", "sources", "chars"], default="segments")
    add_filters(p)
    from workbench.cli.query_args import add_output_table

    add_output_table(p)


def run(args) -> int:
    from workbench.cli.query_args import filters_from, write_table
    from workbench.query.matrix import code_matrix

    with project_arg(args.project, readonly=True) as project:
        m = code_matrix(project, args.cols, args.count, args.with_children, filters_from(args))
    write_table(args, m, f"Codes by {args.cols.removeprefix('attr:')}")
    return 0
