"""workbench frequencies: how often each code was applied, and by whom."""
from __future__ import annotations

from workbench.cli.common import add_filters, add_project, print_json, project_arg

NAME = "frequencies"
HELP = "how often each code was applied: codings, sources and codings per coder"
EPILOG = """\
Every code in codebook order (the --code ones, when given) with the number of its
codings, of the sources they are in, and of the codings of each coder the filters let
in (0 included). A code counts its own codings; with --with-children its subcodes' too
(a source coded with two subcodes counts once).
JSON: a list of {"code", "codings", "sources", "coders": {NAME: N}}.

Examples:
  workbench frequencies jhb.qwb --json
  workbench frequencies jhb.qwb --case Johannesburg --with-children --json"""


def add_arguments(p):
    add_project(p)
    add_filters(p)
    p.add_argument("--json", action="store_true", help="print JSON")


def run(args) -> int:
    from workbench.cli.query_args import filters_from
    from workbench.query.frequencies import code_frequencies

    with project_arg(args.project, readonly=True) as project:
        rows = code_frequencies(project, filters_from(args), args.with_children, by_coder=True)
    if args.json:
        print_json([{"code": r.code, "codings": r.segments, "sources": r.sources, "coders": r.by_coder}
                    for r in rows])
    else:
        for r in rows:
            coders = ", ".join(f"{name} {n}" for name, n in r.by_coder.items())
            print(f"{r.code}: {r.segments} codings in {r.sources} sources ({coders})")
    return 0
