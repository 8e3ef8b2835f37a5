"""Entry point: argparse subcommands, one module each; errors become one clear line and exit 1.

Subcommands that open no window never import Qt, and only the subcommand being run is
imported at all, so they answer quickly.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from workbench.core.errors import WorkbenchError

# The subcommands: (name, module in workbench.cli, its one line of help). The top-level --help is
# built from this table alone; a subcommand's module, and whatever it imports, loads only when
# that subcommand parses its arguments (issue 11: every call paid about a second of imports).
# Each module defines NAME and HELP (the same as here; a test checks), add_arguments(parser) and
# run(args) -> int, and imports what its work needs inside run().
COMMANDS = [
    ("open", "open_cmd", "open the window on a project (--screenshot renders it to PNG and exits)"),
    ("new", "new", "create an empty project file"),
    ("import", "import_cmd", "import sources (.txt .md .docx .odt .rtf .pdf .html)"),
    ("cases", "cases", "create or update cases from a CSV file; link a source, or a passage of one, to a case"),
    ("codebook", "codebook", "import or export the codebook (.txt outline, .csv, .qdc, .docx export)"),
    ("codes", "codes", "list, rename, move, merge or delete codes of the codebook"),
    ("sources", "sources", "list, rename or delete sources"),
    ("coders", "coders", "list the coders and how many codings each made"),
    ("text", "text", "print a source's stored plain text, UTF-8"),
    ("code", "code", "code a passage of a source (or many from a file); prints the new coding's GUID"),
    ("uncode", "uncode", "remove one coding, named by its GUID"),
    ("info", "info", "summarise a project (sources, codes, codings, cases, coders)"),
    ("query", "query", "list coded segments by code, source, case, attribute and coder, or by an --expr"),
    ("frequencies", "frequencies", "how often each code was applied: codings, sources and codings per coder"),
    ("search", "search", 'search the sources\' text: words, "phrases", prefix*; case and accents ignored'),
    ("matrix", "matrix",
     "count coded segments (or sources, or characters) per code and case, attribute value, coder or source"),
    ("cooccur", "cooccur", "count the places where each pair of codes overlaps (or the sources where they do)"),
    ("export", "export", "write coded excerpts to a Word report (.docx), or one row an excerpt (.csv, .xlsx)"),
    ("merge", "merge", "merge other project files into PROJECT and print the merge report"),
    ("reports", "reports", "list the merge and REFI-QDA import reports kept in a project, or export one"),
    ("agreement", "agreement",
     "inter-coder agreement (percent, Cohen's kappa, Krippendorff's alpha) per code and source"),
    ("qdpx", "qdpx", "REFI-QDA project exchange: export to or import from a .qdpx file"),
    ("bench", "bench", "run the benchmarks and print their figures"),
]


class CommandParser(argparse.ArgumentParser):
    """A subcommand's parser that takes its arguments from the subcommand's module when it first
    parses (or prints its help), so only the subcommand being run is ever imported."""

    def __init__(self, *args, module: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._module = module

    def load(self) -> None:
        if self._module is None:
            return
        module = importlib.import_module(f"workbench.cli.{self._module}")
        self._module = None
        self.description = getattr(module, "DESCRIPTION", module.HELP)
        self.epilog = getattr(module, "EPILOG", None)
        module.add_arguments(self)
        self.set_defaults(_run=module.run)

    def parse_known_args(self, args=None, namespace=None):
        self.load()
        return super().parse_known_args(args, namespace)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Qualitative coding workbench. Run without a subcommand to open the window.",
        epilog="Example: workbench import study.qwb interviews/*.docx --case Johannesburg",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=CommandParser)
    for name, module, help_ in COMMANDS:
        sub.add_parser(name, help=help_, module=module, formatter_class=argparse.RawDescriptionHelpFormatter)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from workbench.cli.open_cmd import start_window

        return start_window(None)
    try:
        return int(args._run(args) or 0)
    except WorkbenchError as exc:
        print(f"workbench {args.command}: {_naming_the_file(args, str(exc))}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `workbench query ... | head`: the reader left; nothing to say
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print(f"workbench {args.command}: interrupted", file=sys.stderr)
        return 130


# The arguments that hold file paths; an error that names none of them is about the project.
_FILE_ARGS = ("project", "files", "others", "csv", "import_file", "export_file", "output", "out",
              "qdpx", "docx", "xlsx", "template", "batch")


def _naming_the_file(args: argparse.Namespace, message: str) -> str:
    """The error line, with the project's path in front when the message names no file given."""
    project = getattr(args, "project", None)
    if not project:
        return message
    for name in _FILE_ARGS:
        value = getattr(args, name, None)
        for path in value if isinstance(value, list) else [value]:
            if path and str(path) in message:
                return message
    return f"{project}: {message}"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
