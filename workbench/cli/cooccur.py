"""workbench cooccur: where codes overlap, code by code."""
from __future__ import annotations

from workbench.cli.common import add_filters, add_project, project_arg

NAME = "cooccur"
HELP = "count the places where each pair of codes overlaps (or the sources where they do)"
EPILOG = """\
A place is one unbroken stretch of text both codes cover, what '"a" AND "b"' yields; the
diagonal counts a code's own stretches. Touching is not overlapping. --count sources
counts the sources with at least one such place. --code picks the codes.

Example:
  workbench cooccur jhb.qwb --json
  workbench cooccur jhb.qwb --coder Thandi --with-children --csv overlaps.csv"""


def add_arguments(p):
    add_project(p)
    p.add_argument("--count", choices=["places", "sources"], default="places")
    add_filters(p)
    from workbench.cli.query_args import add_output_table

    add_output_table(p)


def run(args) -> int:
    from workbench.cli.query_args import filters_from, write_table
    from workbench.query.cooccur import code_cooccurrence

    with project_arg(args.project, readonly=True) as project:
        m = code_cooccurrence(project, filters_from(args), args.with_children, args.count)
    write_table(args, m, "Code co-occurrence")
    return 0
