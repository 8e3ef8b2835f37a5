"""workbench import: add source files, each whole or not at all, a line per file."""
from __future__ import annotations

import sys

from workbench.cli.common import add_project, project_arg

NAME = "import"
HELP = "import sources (.txt .md .docx .odt .rtf .pdf .html)"
EPILOG = "Example: workbench import jhb.qwb interviews/*.docx --case Johannesburg"


def add_arguments(p):
    add_project(p)
    p.add_argument("files", nargs="+", metavar="FILE", help="files to import")
    p.add_argument("--case", help="link the imported sources to this case (created if new)")
    p.add_argument("--coder", help="who imports (recorded on each source)")


def run(args) -> int:
    from workbench.services.sources import import_files

    with project_arg(args.project) as project:
        outcomes = import_files(project, args.files, coder=args.coder, case=args.case)
    failed = 0
    for o in outcomes:
        if o.status == "imported":
            print(f"imported {o.path}" + (f" ({o.message})" if o.message else ""))
        elif o.status == "skipped":
            print(f"warning: {o.message}", file=sys.stderr)
        else:
            failed += 1
            print(f"workbench import: {o.message}", file=sys.stderr)
    return 1 if failed else 0
