"""workbench codebook: the codebook in and out as outline, CSV, REFI-QDA or Word."""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

from workbench.cli.common import add_project, project_arg
from workbench.core.errors import ValidationError

NAME = "codebook"
HELP = "import or export the codebook (.txt outline, .csv, .qdc, .docx export)"
EPILOG = ("Outline (.txt): one code a line, two spaces a level, 'name [#rrggbb] | description'; a line\n"
          "starting with '#' is a comment. A name holding what the outline gives a meaning is written\n"
          "with a backslash: \\# at its start, \\|, \\[ before a colour-like ending, \\\\ before these;\n"
          "a newline in a description is \\n. Every name comes back unchanged.\n"
          "CSV: columns path, description, color; a cell a spreadsheet would run as a formula is\n"
          "written with a leading quote, which importing removes.\n"
          "Limits: a codebook file of at most 50 MiB; importing takes time linear in its codes.\n"
          "Example: workbench codebook jhb.qwb --import codebook.txt")

# Extension -> module in workbench.io with import_codebook(project, path) / export_codebook(project, path).
FORMATS = {".txt": "codebook_outline", ".csv": "codebook_csv", ".qdc": "qdc", ".docx": "codebook_docx"}


def add_arguments(p):
    add_project(p)
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--import", dest="import_file", metavar="FILE")
    g.add_argument("--export", dest="export_file", metavar="FILE")


def _module(path: str, verb: str):
    suffix = Path(path).suffix.lower()
    name = FORMATS.get(suffix)
    module = importlib.import_module(f"workbench.io.{name}") if name else None
    if module is None or not hasattr(module, f"{verb}_codebook"):
        can = [s for s, m in FORMATS.items() if _has(m, verb)]
        raise ValidationError(f"{path}: cannot {verb} a codebook as {suffix or 'a file without extension'}; "
                              f"use {', '.join(can)}")
    return getattr(module, f"{verb}_codebook")


def _has(module_name: str, verb: str) -> bool:
    try:
        return hasattr(importlib.import_module(f"workbench.io.{module_name}"), f"{verb}_codebook")
    except ModuleNotFoundError:
        return False


def run(args) -> int:
    path = args.import_file or args.export_file
    verb = "import" if args.import_file else "export"
    fn = _module(path, verb)
    result = None
    quick = getattr(sys.modules[fn.__module__], "quick_export_codebook", None) if verb == "export" else None
    if quick is not None:  # read by the sqlite3 module alone when the file allows (store.peek)
        result = quick(args.project, Path(path))
    if result is None:
        with project_arg(args.project, readonly=(verb == "export")) as project:
            result = fn(project, Path(path))
    print(f"{verb}ed codebook {'from' if verb == 'import' else 'to'} {path}" + (f": {result}" if result else ""))
    return 0
