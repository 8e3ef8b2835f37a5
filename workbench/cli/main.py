"""Entry point: argparse subcommands, one module each; errors become one clear line and exit 1.

Subcommands that open no window never import Qt, so they answer quickly.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from workbench.core.errors import WorkbenchError

# Each module defines NAME, HELP, add_arguments(parser) and run(args) -> int.
# Module-level imports there must stay light: every module is loaded to build --help.
COMMAND_MODULES = [
    "open_cmd",
    "new",
    "import_cmd",
    "cases",
    "codebook",
    "text",
    "code",
    "uncode",
    "info",
    "query",
    "search",
    "matrix",
    "cooccur",
    "export",
    "merge",
    "reports",
    "agreement",
    "qdpx",
    "bench",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Qualitative coding workbench. Run without a subcommand to open the window.",
        epilog="Example: workbench import study.qwb interviews/*.docx --case Johannesburg",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"workbench.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"workbench.cli.{name}":
                continue  # a subcommand not built yet
            raise
        p = sub.add_parser(
            module.NAME,
            help=module.HELP,
            description=getattr(module, "DESCRIPTION", module.HELP),
            epilog=getattr(module, "EPILOG", None),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(p)
        p.set_defaults(_run=module.run, _parser=p)
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
_FILE_ARGS = ("project", "files", "others", "csv", "import_file", "export_file", "output", "out",
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
