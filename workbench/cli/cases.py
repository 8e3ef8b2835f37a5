"""workbench cases: create or update cases from CSV, and link sources or passages of them to cases."""
from __future__ import annotations

from workbench.cli.common import add_project, print_json, project_arg

NAME = "cases"
HELP = "create or update cases from a CSV file; link a source, or a passage of one, to a case"
EPILOG = """\
--csv FILE: the first column is the case name, the others attributes (types inferred: number,
date, yes/no, text); a column named 'sources' lists source names joined by ';' (linked whole).

--link CASE --source NAME links the whole source to the case (made if missing); with
--start N --end N only that passage (code points of the stored text, end exclusive, as
`workbench text` prints it). A passage counts for its case in every query, matrix, report
and agreement: --case and --attr keep only the part of a coding that lies in the case.
Passages of one case may overlap; the case holds their union. --unlink takes a link back
(a passage by its exact offsets).

Examples:
  workbench cases jhb.qwb --csv cases.csv
  workbench cases cities.qwb --link "Cape Town" --source article.txt --start 0 --end 1200
  workbench cases cities.qwb --link Tokyo --source article.txt --start 1200 --end 2415
  workbench cases cities.qwb --link Johannesburg --source interview_jhb.txt
  workbench cases cities.qwb --list --json"""


def add_arguments(p):
    add_project(p)
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--csv", metavar="FILE", help="create or update cases and attributes from a CSV file")
    what.add_argument("--link", metavar="CASE", help="link --source (or its --start..--end) to CASE")
    what.add_argument("--unlink", metavar="CASE", help="remove the link of --source (or of --start..--end) to CASE")
    what.add_argument("--list", action="store_true", help="list the cases with their sources and passages")
    p.add_argument("--source", metavar="NAME", help="with --link/--unlink: the source")
    p.add_argument("--start", type=int, metavar="N", help="with --end: the passage's first code point")
    p.add_argument("--end", type=int, metavar="N", help="with --start: the code point after the passage")
    p.add_argument("--json", action="store_true", help='with --list: print [{"case", "sources", "passages"}]')
    p.set_defaults(_cases_parser=p)


def _check(args) -> None:
    """Flag combinations argparse cannot express: a malformed command exits 2 (CLI.md)."""
    linking = args.link is not None or args.unlink is not None
    if linking and not args.source:
        args._cases_parser.error("--link and --unlink need --source NAME")
    if not linking and (args.source or args.start is not None or args.end is not None):
        args._cases_parser.error("--source, --start and --end go with --link or --unlink")
    if (args.start is None) != (args.end is None):
        args._cases_parser.error("a passage needs both --start and --end")
    if args.json and not args.list:
        args._cases_parser.error("--json goes with --list")


def run(args) -> int:
    from workbench.services import cases as svc

    _check(args)
    if args.list:
        with project_arg(args.project, readonly=True) as project:
            listing = _listing(project)
        if args.json:
            print_json(listing)
        else:
            for c in listing:
                parts = [f"{s} (whole)" for s in c["sources"]]
                parts += [f"{p['source']} {p['start']}-{p['end']}" for p in c["passages"]]
                print(f"{c['case']}: {', '.join(parts) or 'no sources'}")
        return 0
    with project_arg(args.project) as project:
        if args.csv:
            print(svc.import_cases_csv(project, args.csv).result.summary())
            return 0
        if args.link is not None:
            r = svc.link_by_name(project, args.link, args.source, args.start, args.end).result
            verb = "linked"
        else:
            r = svc.unlink_by_name(project, args.unlink, args.source, args.start, args.end).result
            verb = "unlinked"
    from workbench.cli.common import warn

    for w in r.warnings:
        warn(w)
    print(r.summary(verb))
    return 0


def _listing(project) -> list[dict]:
    from sqlalchemy import select

    from workbench.query.membership import WHOLE, CaseMap
    from workbench.services.cases import case_passages
    from workbench.store.models import Source

    with project.reading() as s:
        cases = CaseMap(s)
        names = dict(s.execute(select(Source.id, Source.name)).all())
        order = {sid: i for i, sid in enumerate(s.scalars(select(Source.id).order_by(Source.position, Source.name)))}
    passages: dict[int, list] = {}
    for p in case_passages(project):
        passages.setdefault(p.case_id, []).append(p)
    out = []
    for cid in cases.order:
        whole = sorted((sid for sid, r in cases.regions[cid].items() if r is WHOLE), key=order.__getitem__)
        mine = sorted(passages.get(cid, []), key=lambda p: (order[p.source_id], p.start, p.end))
        out.append({"case": cases.name[cid], "sources": [names[sid] for sid in whole],
                    "passages": [{"source": names[p.source_id], "start": p.start, "end": p.end, "guid": p.guid}
                                 for p in mine]})
    return out
