"""workbench text: print a source's stored plain text exactly."""
from __future__ import annotations

import sys

from workbench.cli.common import add_project, project_arg

NAME = "text"
HELP = "print a source's stored plain text, UTF-8"
EPILOG = "Example: workbench text jhb.qwb interview01.txt > interview01.txt"


def add_arguments(p):
    add_project(p)
    p.add_argument("source", metavar="SOURCE", help="the source's name")


def run(args) -> int:
    from workbench.services.sources import source_text

    with project_arg(args.project, readonly=True) as project:
        text = source_text(project, args.source)
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()
    return 0
