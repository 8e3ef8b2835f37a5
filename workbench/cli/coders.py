"""workbench coders: who coded, and how much."""
from __future__ import annotations

from workbench.cli.common import add_project, print_json, project_arg

NAME = "coders"
HELP = "list the coders and how many codings each made"
EPILOG = """\
With --json a list of {"name", "codings"}, by name; a coder with no codings counts 0.

Example: workbench coders jhb.qwb list --json"""


def add_arguments(p):
    add_project(p)
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    ls = sub.add_parser("list", help="the coders and their coding counts")
    ls.add_argument("--json", action="store_true", help="print JSON")


def run(args) -> int:
    from workbench.services.coders import coder_counts

    with project_arg(args.project, readonly=True) as project:
        rows = coder_counts(project)
    if args.json:
        print_json([{"name": name, "codings": n} for name, n in rows])
    else:
        for name, n in rows:
            print(f"{name}: {n} codings")
    return 0
