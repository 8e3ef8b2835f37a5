"""workbench search: full-text search across the sources, with keyword in context."""
from __future__ import annotations

from workbench.cli.common import add_project, print_json

NAME = "search"
HELP = "search the sources' text: words, \"phrases\", prefix*; case and accents ignored"
EPILOG = """\
Every term must occur in a source for it to count; each place a term occurs is a hit.
Offsets are code points of the stored text (CLI.md). The first search builds an index
in the project (when it can be written), later ones use it.

Examples:
  workbench search jhb.qwb 'provinc* "sign off"' --json
  workbench search jhb.qwb twinning --source interview05.txt"""


def add_arguments(p):
    add_project(p)
    p.add_argument("text", metavar="TEXT", help='what to find: words, "phrases", prefix*')
    p.add_argument("--source", action="append", default=[], metavar="NAME", help="search only this source (repeatable)")
    p.add_argument("--width", type=int, default=40, metavar="N", help="characters of context either side (40)")
    p.add_argument("--json", action="store_true", help='print a list of {"source", "start", "end", "context"}')


def run(args) -> int:
    from workbench.core.errors import ProjectLockedError, ProjectReadOnlyError
    from workbench.query.search import kwic, search
    from workbench.services.lookup import source_by_name
    from workbench.store.project import open_project

    try:
        project = open_project(args.project)  # to build or refresh the index
    except (ProjectLockedError, ProjectReadOnlyError):
        # The window has it, or it cannot be written: read it, scanning the texts if the index is stale.
        project = open_project(args.project, readonly=True)
    try:
        ids = None
        if args.source:
            with project.reading() as s:
                ids = {source_by_name(s, n) for n in args.source}
        result = search(project, args.text, ids)
    finally:
        project.close()
    if args.json:
        print_json([{"source": h.source, "start": h.start, "end": h.end,
                     "context": "".join(kwic(result.texts[h.source_id], h.start, h.end, args.width))}
                    for h in result.hits])
        return 0
    for h in result.hits:
        before, match, after = kwic(result.texts[h.source_id], h.start, h.end, args.width)
        print(f"{h.source} {h.start}-{h.end}: {before:>{args.width}}[{match}]{after}")
    print(f"{len(result.hits)} hits in {len({h.source_id for h in result.hits})} sources")
    return 0
