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
    ("publish", "publish", "put a project file on a PostgreSQL server as a new team project, every GUID kept"),
    ("checkout", "checkout", "write a file copy of a server project to work offline; merge it back later"),
    ("reports", "reports", "list the merge and REFI-QDA import reports kept in a project, or export one"),
    ("agreement", "agreement",
     "inter-coder agreement (percent, Cohen's kappa, Krippendorff's alpha) per code and source"),
    ("qdpx", "qdpx", "REFI-QDA project exchange: export to or import from a .qdpx file"),
    ("bench", "bench", "run the benchmarks and print their figures"),
    ("server", "server", "prepare a shared team project on a PostgreSQL server (server init URL)"),
    ("grant", "grant", "give a person's login role the owner, coder or reader role in a team project on a server"),
    ("revoke", "revoke", "take a person's role in a team project on a server (their codings stay)"),
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
        self.set_defaults(_run=module.run, _parser=self)

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
    _restore_double_dash(args)
    bad = _text_argument_not_utf8(args)
    if bad is not None:
        _say(f"workbench {args.command}: {bad}")
        return 2
    try:
        return int(args._run(args) or 0)
    except WorkbenchError as exc:
        _say(f"workbench {args.command}: {_naming_the_file(args, str(exc))}")
        return 1
    except BrokenPipeError:  # `workbench query ... | head`: the reader left; nothing to say
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        _say(f"workbench {args.command}: interrupted")
        return 130
    except Exception as exc:  # never a traceback (CLI.md): one line saying what is wrong
        _say(f"workbench {args.command}: {_naming_the_file(args, _problem(exc, args))}")
        return 1


def _problem(exc: Exception, args: argparse.Namespace) -> str:
    from workbench.cli.failures import database_problem, unexpected_problem

    return database_problem(exc) or unexpected_problem(exc, getattr(args, "project", None))


def _say(line: str) -> None:
    """One line on stderr, printable whatever bytes the names in it held."""
    from workbench.cli.failures import shown

    print(" ".join(shown(line).splitlines()), file=sys.stderr)


def _restore_double_dash(args: argparse.Namespace) -> None:
    """argparse reads `--code=--` as an empty list (it drops the '--'); give such an option
    the '--' it was given, so it reaches the command as the text typed."""
    for action in getattr(args, "_parser", argparse.ArgumentParser())._actions:
        if action.nargs is not None or not action.option_strings or not hasattr(args, action.dest):
            continue
        value = getattr(args, action.dest)
        if isinstance(action, argparse._AppendAction) and isinstance(value, list):
            setattr(args, action.dest, ["--" if item == [] else item for item in value])
        elif value == []:
            setattr(args, action.dest, "--")


def _text_argument_not_utf8(args: argparse.Namespace) -> str | None:
    """Names, expressions and search words must be text: an argument the terminal passed as
    bytes that are not UTF-8 is refused before it can reach the project (file paths may hold
    any bytes the file system allows)."""
    from workbench.cli.failures import has_surrogates, shown

    for name, value in vars(args).items():
        if name in _FILE_ARGS or name.startswith("_"):
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and has_surrogates(item):
                return (f"{_flag(args, name)} '{shown(item)}' is not valid UTF-8 text; names, expressions "
                        "and search words must be UTF-8 (set the terminal to UTF-8)")
    return None


def _flag(args: argparse.Namespace, dest: str) -> str:
    """How the command line spells the argument stored under dest: '--code', or 'TEXT'."""
    for action in getattr(args, "_parser", argparse.ArgumentParser())._actions:
        if action.dest == dest:
            return action.option_strings[-1] if action.option_strings else (action.metavar or dest.upper())
    return dest


# The arguments that hold file paths; an error that names none of them is about the project.
_FILE_ARGS = ("project", "file", "files", "others", "csv", "import_file", "export_file", "output", "out",
              "qdpx", "docx", "xlsx", "template", "screenshot", "keep", "batch")


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
