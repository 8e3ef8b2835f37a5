"""workbench sources: the sources from a script: list, rename and delete them."""
from __future__ import annotations

import argparse

from workbench.cli.common import add_project, print_json, project_arg

NAME = "sources"
HELP = "list, rename or delete sources"
EPILOG = """\
A source is named by its source name (the file name it was imported from, unless renamed).
A new name that compares equal to another source's (case and spacing aside) is refused.

Examples:
  workbench sources jhb.qwb list --json
  workbench sources jhb.qwb rename interview01.txt 'Mayor, 2024-03-02'
  workbench sources jhb.qwb delete draft.docx --force"""


def add_arguments(p):
    add_project(p)
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    ls = sub.add_parser("list", help="the sources with their kind, length, codings and cases",
                        description='The sources; with --json a list of {"name", "kind", "length", "codings", '
                                    '"cases"}: length in code points, cases the names of the cases the source '
                                    'belongs to (whole or by a passage).')
    ls.add_argument("--json", action="store_true", help="print JSON")
    rn = sub.add_parser("rename", help="give a source a new name")
    rn.add_argument("name", metavar="NAME")
    rn.add_argument("new_name", metavar="NEWNAME")
    rm = sub.add_parser("delete", help="delete a source with its codings and memos",
                        description="Deletes a source; a coded one only with --force, and then its codings "
                                    "and memos go too.")
    rm.add_argument("name", metavar="NAME")
    rm.add_argument("--force", action="store_true", help="delete it even though it is coded")
    rm.add_argument("--coder", metavar="NAME", help="who deletes (recorded on the tombstones)")
    for parser in (ls, rn, rm):
        parser.formatter_class = argparse.RawDescriptionHelpFormatter


def run(args) -> int:
    if args.action == "list":
        return _list(args)
    from workbench.core.errors import ValidationError
    from workbench.services import sources
    from workbench.services.coders import acting_coder
    from workbench.services.lookup import source_by_name

    with project_arg(args.project) as project:
        with project.reading() as s:
            sid = source_by_name(s, args.name)
        if args.action == "rename":
            sources.rename_source(project, sid, args.new_name)
            said = f"renamed {args.name!r} to {' '.join(args.new_name.split())!r}"
        else:
            try:
                sources.delete_source(project, sid, deleted_by=acting_coder(project, args.coder) or "",
                                      force=args.force)
            except ValidationError as exc:
                raise ValidationError(f"{exc}; --force deletes them too") from None
            said = f"deleted {args.name!r}"
    print(said)
    return 0


def _list(args) -> int:
    from workbench.services.sources import source_listing

    with project_arg(args.project, readonly=True) as project:
        rows = source_listing(project)
    if args.json:
        print_json([{"name": r.name, "kind": r.kind, "length": r.length, "codings": r.codings, "cases": r.cases}
                    for r in rows])
    else:
        for r in rows:
            cases = f"; cases: {', '.join(r.cases)}" if r.cases else ""
            print(f"{r.name} ({r.kind}, {r.length:,} characters, {r.codings} codings{cases})")
    return 0
