"""workbench import: add source files, each whole or not at all, a line per file."""
from __future__ import annotations

import sys

from workbench.cli.common import add_project, project_arg

NAME = "import"
HELP = "import sources (.txt .md .docx .odt .rtf .pdf .html)"
DESCRIPTION = ("Import sources. Every file is tried: each one imported is named on stdout (with any\n"
               "warning, such as a guessed encoding and how sure the guess is), each one refused is\n"
               "named on stderr with the reason, and the exit status is 1 if any was refused.")


def _epilog() -> str:
    from workbench.io.importers.limits import help_text

    return (help_text() + "\n\nExamples:\n  workbench import jhb.qwb interviews/*.docx --case Johannesburg\n"
            "  workbench import jhb.qwb athens.txt --encoding iso8859-7")


EPILOG = _epilog()


def add_arguments(p):
    add_project(p)
    p.add_argument("files", nargs="+", metavar="FILE", help="files to import")
    p.add_argument("--case", help="link the imported sources to this case (created if new)")
    p.add_argument("--coder", help="who imports (recorded on each source)")
    p.add_argument("--encoding", metavar="NAME",
                   help="read .txt, .md and .html files in this encoding (e.g. cp1252, iso8859-7, mac-roman) "
                        "instead of guessing")


def run(args) -> int:
    from workbench.core.text import shown
    from workbench.services.coders import acting_coder
    from workbench.services.sources import import_files

    with project_arg(args.project) as project:
        outcomes = import_files(project, args.files, coder=acting_coder(project, args.coder), case=args.case,
                                encoding=args.encoding)
    failed = 0
    for o in outcomes:
        if o.status == "imported":
            print(shown(f"imported {o.path}" + (f" ({o.message})" if o.message else "")))
        elif o.status == "skipped":
            print(f"warning: {o.message}", file=sys.stderr)
        else:
            failed += 1
            print(f"workbench import: {o.message}", file=sys.stderr)
    return 1 if failed else 0
