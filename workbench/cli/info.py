"""workbench info: what a project holds."""
from __future__ import annotations

from workbench.cli.common import add_project, print_json

NAME = "info"
HELP = "summarise a project (sources, codes, codings, cases, coders)"
EPILOG = ('JSON: {"schema", "project": {"guid", "name"}, "sources", "codes", "codings", "cases", "coders"}.\n'
          "Example: workbench info jhb.qwb --json")


def add_arguments(p):
    add_project(p)
    p.add_argument("--json", action="store_true", help="print JSON")


def run(args) -> int:
    # The sqlite3 module alone, not the ORM: a summary must not pay for loading SQLAlchemy (issue 11).
    from workbench.core.location import is_server_location

    if is_server_location(args.project):  # a server has no file to peek at: read it through the store
        from workbench.store.project import server_summary as project_summary
    else:
        from workbench.store.peek import project_summary
    summary = project_summary(args.project)
    data = {
        "schema": summary.schema,
        "project": {"guid": summary.guid, "name": summary.name},
        "sources": summary.sources,
        "codes": summary.codes,
        "codings": summary.codings,
        "cases": summary.cases,
        "coders": summary.coders,
    }
    if args.json:
        print_json(data)
    else:
        print(f"{data['project']['name']} ({args.project}, schema {data['schema']})")
        for key in ("sources", "codes", "codings", "cases"):
            print(f"  {key}: {data[key]}")
        print(f"  coders: {', '.join(data['coders']) or '(none)'}")
    return 0
