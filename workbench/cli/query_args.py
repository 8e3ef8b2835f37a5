"""Turning the CLI.md filter flags into a query Filters (shared by query, matrix, cooccur, export)."""
from __future__ import annotations


def filters_from(args):
    from workbench.query.segment_rows import Filters  # no SQLAlchemy: a quick listing needs none (query.quick)

    return Filters(
        codes=tuple(args.code), with_children=bool(args.with_children), sources=tuple(args.source),
        cases=tuple(args.case), attrs=tuple(args.attr), coders=tuple(args.coder),
    )


def add_output_table(p) -> None:
    """--json | --csv FILE | --docx FILE | --xlsx FILE, one of them required."""
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--json", action="store_true", help='print {"rows", "cols", "cells"}')
    g.add_argument("--csv", metavar="FILE", help="write the table as CSV")
    g.add_argument("--xlsx", metavar="FILE", help="write the table as an Excel sheet, cells shaded")
    g.add_argument("--docx", metavar="FILE", help="write the table into a Word document (Table Grid style)")


def write_table(args, m, title: str) -> None:
    from workbench.cli.common import print_json
    from workbench.io.exporters.matrix_export import write_matrix_csv, write_matrix_docx, write_matrix_xlsx

    if args.json:
        print_json(m.as_json())
    elif args.csv:
        write_matrix_csv(m, args.csv)
        print(f"wrote {len(m.rows)} x {len(m.cols)} table to {args.csv}")
    elif args.xlsx:
        write_matrix_xlsx(m, args.xlsx)
        print(f"wrote {len(m.rows)} x {len(m.cols)} table to {args.xlsx}")
    else:
        write_matrix_docx(m, args.docx, title)
        print(f"wrote {len(m.rows)} x {len(m.cols)} table to {args.docx}")
