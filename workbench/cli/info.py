"""workbench info: what a project holds."""
from __future__ import annotations

from workbench.cli.common import add_project, print_json, project_arg

NAME = "info"
HELP = "summarise a project (sources, codes, codings, cases, coders)"


def add_arguments(p):
    add_project(p)
    p.add_argument("--json", action="store_true", help="print JSON")


def run(args) -> int:
    from sqlalchemy import func, select

    from workbench.store.models import Case, Code, Coder, Coding, ProjectInfo, Source
    from workbench.store.schema_version import HEAD

    with project_arg(args.project, readonly=True) as project:
        with project.reading() as s:
            info = s.scalars(select(ProjectInfo)).one()

            def count(model):
                return s.scalar(select(func.count()).select_from(model))

            data = {
                "schema": HEAD,
                "project": {"guid": info.guid, "name": info.name},
                "sources": count(Source),
                "codes": count(Code),
                "codings": count(Coding),
                "cases": count(Case),
                "coders": list(s.scalars(select(Coder.name).order_by(Coder.name))),
            }
    if args.json:
        print_json(data)
    else:
        print(f"{data['project']['name']} ({args.project}, schema {data['schema']})")
        for key in ("sources", "codes", "codings", "cases"):
            print(f"  {key}: {data[key]}")
        print(f"  coders: {', '.join(data['coders']) or '(none)'}")
    return 0
