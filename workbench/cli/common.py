"""What the subcommands share: opening the project, printing JSON, the segment filters."""
from __future__ import annotations

import argparse
import json
import sys
from contextlib import contextmanager


@contextmanager
def project_arg(path: str, readonly: bool = False):
    """Open PROJECT for the length of a command."""
    from workbench.store.project import open_project  # here, not above: --help and info never load the store

    project = open_project(path, readonly=readonly)  # a file path or a postgresql:// URL
    for line in project.warnings:
        warn(line)
    try:
        yield project
    finally:
        project.close()


def add_project(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", metavar="PROJECT", help="the project file (.qwb)")


def print_json(data) -> None:
    """One JSON document on stdout in UTF-8 (CLI.md), whatever encoding the terminal's locale names."""
    out = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a stream without bytes underneath (a test's StringIO)
        sys.stdout.write(out)
        return
    sys.stdout.flush()
    buffer.write(out.encode("utf-8"))
    buffer.flush()


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def add_filters(parser: argparse.ArgumentParser) -> None:
    """The segment filters of CLI.md: the same flag ORs, different flags AND."""
    g = parser.add_argument_group("filters")
    g.add_argument("--code", action="append", default=[], metavar="PATH", help="a code path (repeatable)")
    g.add_argument("--with-children", action="store_true", help="include the subcodes of each --code")
    g.add_argument("--source", action="append", default=[], metavar="NAME", help="a source name (repeatable)")
    g.add_argument("--case", action="append", default=[], metavar="NAME", help="a case name (repeatable)")
    g.add_argument("--attr", action="append", default=[], metavar="NAME=VALUE", help="an attribute value (repeatable)")
    g.add_argument("--coder", action="append", default=[], metavar="NAME", help="a coder name (repeatable)")
