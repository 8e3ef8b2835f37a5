"""workbench agreement: inter-coder agreement between coders over the sources they all coded."""
from __future__ import annotations

from workbench.cli.common import add_project, print_json, project_arg

NAME = "agreement"
HELP = "inter-coder agreement (percent, Cohen's kappa, Krippendorff's alpha) per code and source"
EPILOG = ("Units are code points: each character of a source is coded with a code or not, per coder.\n"
          "Only sources every named coder coded something in are compared. --case and --attr compare\n"
          "only the text that lies in those cases (a case's passages, or its sources linked whole).\n"
          "Example: workbench agreement jhb.qwb --coders Thandi Pieter --code autonomy --json\n"
          "         workbench agreement cities.qwb --coders Thandi Pieter --case Tokyo --json")


def add_arguments(p):
    add_project(p)
    p.add_argument("--coders", nargs="+", required=True, metavar="NAME",
                   help="two coders (more for Krippendorff's alpha only)")
    p.add_argument("--code", action="append", default=[], metavar="PATH",
                   help="a code to compare (repeatable); default: every code the coders used")
    p.add_argument("--with-children", action="store_true", help="also compare the subcodes of each --code")
    p.add_argument("--case", action="append", default=[], metavar="NAME",
                   help="compare only the text of this case (repeatable)")
    p.add_argument("--attr", action="append", default=[], metavar="NAME=VALUE",
                   help="compare only the text of the cases with this attribute value (repeatable)")
    p.add_argument("--threshold", type=float, default=90.0, metavar="PCT",
                   help="segment overlap (percent) for a segment to count as matched; default 90")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON")
    out.add_argument("--csv", metavar="FILE", help="write the table as CSV")
    out.add_argument("--docx", metavar="FILE", help="write the table as a Word document")


def _fmt(value, digits=3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def run(args) -> int:
    from workbench.core.errors import ValidationError
    from workbench.query.agreement import agreement

    if len(args.coders) < 2:
        raise ValidationError("--coders needs at least two names")
    with project_arg(args.project, readonly=True) as project:
        table = agreement(project, args.coders, args.code or None, args.threshold / 100.0,
                          with_children=args.with_children, cases=args.case, attrs=args.attr).to_json()
    if args.json:
        print_json(table)
    elif args.csv or args.docx:
        from workbench.io.agreement_export import write_csv, write_docx

        (write_csv if args.csv else write_docx)(table, args.csv or args.docx)
    else:
        o = table["overall"]
        print(f"{' vs '.join(table['coders'])}: {len(table['compared_sources'])} sources compared")
        print(f"{'code':40} {'percent':>8} {'kappa':>7} {'alpha':>7}")
        for c in table["codes"]:
            print(f"{c['code'][:40]:40} {_fmt(c['percent'], 2):>8} {_fmt(c['kappa']):>7} {_fmt(c['alpha']):>7}")
        print(f"{'overall':40} {_fmt(o['percent'], 2):>8} {_fmt(o['kappa']):>7} {_fmt(o['alpha']):>7}")
    return 0
