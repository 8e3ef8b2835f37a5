"""workbench query: the coded segments that match codes, filters and code combinations."""
from __future__ import annotations

from workbench.cli.common import add_filters, add_project, print_json, project_arg

NAME = "query"
HELP = "list coded segments by code, source, case, attribute and coder, or by an --expr"
EPILOG = """\
Filters: the same flag twice ORs (--code a --code b: codings of either); different
flags AND (--code a --coder Thandi: Thandi's codings of a). --attr takes NAME=VALUE,
read by the attribute's type (numbers and dates also NAME>=VALUE, <, <=, >, !=).

--expr combines codes over text: "a" AND "b" (text both cover), "a" OR "b", "a" AND NOT "b",
"a" NEAR/50 "b" (each segment of a within 50 characters of b), parentheses group; AND,
AND NOT and NEAR bind tighter than OR. The filters choose which codings take part.

Examples:
  workbench query jhb.qwb --code autonomy --with-children --attr region=Africa --json
  workbench query jhb.qwb --expr '"autonomy" AND NOT "provincial constraint"' --json
  workbench query jhb.qwb --code autonomy --save "autonomy in Africa"
  workbench query jhb.qwb --saved "autonomy in Africa" --json"""


def add_arguments(p):
    add_project(p)
    add_filters(p)
    p.add_argument("--expr", metavar="EXPR", help='combine codes over text, e.g. \'"a" AND NOT "b"\'')
    p.add_argument("--json", action="store_true", help='print a list of {"coding", "source", "case", "code", '
                                                       '"coder", "start", "end", "text"}, and "page" ("4", '
                                                       '"4-5") for an excerpt of a PDF')
    p.add_argument("--why", action="store_true", help="with --json, add the GUIDs of the codings behind each result")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--save", metavar="NAME", help="keep this query in the project under NAME")
    g.add_argument("--saved", metavar="NAME", help="run the query kept under NAME (other filters are ignored)")


def run(args) -> int:
    from workbench.cli.query_args import filters_from

    filters, expr = filters_from(args), args.expr
    if not (args.save or args.saved or (expr and expr.strip())):
        # Codes, sources and coders of a local file: read without loading the store (query.quick).
        from workbench.query.quick import quick_listing

        found = quick_listing(args.project, filters, with_pages=args.json)
        if found is not None:
            return _print(args, *found)
    from workbench.query.pages import PageIndex
    from workbench.query.segments import Filters, query_segments
    from workbench.services.saved_queries import load_query, save_query

    with project_arg(args.project, readonly=not args.save) as project:
        if args.saved:
            q = load_query(project, args.saved)
            filters, expr = Filters.from_dict(q.definition["filters"]), q.definition["expr"]
        segments = query_segments(project, filters, expr)
        pages = None
        if args.json:
            with project.reading() as s:
                pages = PageIndex(s, {seg.source_id for seg in segments})
        if args.save:
            save_query(project, args.save, {"filters": filters.to_dict(), "expr": expr}, replace=True)
        # Segments read their source texts when first shown: print while the project is open.
        return _print(args, segments, pages)


def _print(args, segments, pages) -> int:
    if args.json:
        print_json([_as_json(s, args.why, pages) for s in segments])
        return 0
    for s in segments:
        text = " ".join(s.text.split())
        text = text if len(text) <= 100 else text[:97] + "..."
        print(f"{s.source} {s.start}-{s.end} [{s.code}] {s.coder}: {text}")
    print(f"{len(segments)} segments" + (f"; saved as {args.save!r}" if args.save else ""))
    return 0


def _as_json(segment, with_why: bool, pages) -> dict:
    """CLI.md's keys; a PDF's excerpt also names its pages by label ("page": "4", "4-5")."""
    d = segment.as_json(with_why=with_why)
    ref = pages.locate(segment.source_id, segment.start, segment.end)
    if ref is not None:
        d["page"] = ref.label
    return d
