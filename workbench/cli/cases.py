"""workbench cases: create or update cases and their attributes from CSV."""
from __future__ import annotations

from workbench.cli.common import add_project, project_arg

NAME = "cases"
HELP = "create or update cases from a CSV file"
EPILOG = ("The first column is the case name, the others attributes (types inferred: number, date,\n"
          "yes/no, text); a column named 'sources' lists source names joined by ';'.\n"
          "Example: workbench cases jhb.qwb --csv cases.csv")


def add_arguments(p):
    add_project(p)
    p.add_argument("--csv", required=True, metavar="FILE")


def run(args) -> int:
    from workbench.services.cases import import_cases_csv

    with project_arg(args.project) as project:
        r = import_cases_csv(project, args.csv)
    print(r.summary())
    return 0
