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
        p.set_defaults(_run=module.run)
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
              "qdpx", "docx", "xlsx", "template")


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
