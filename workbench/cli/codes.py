"""workbench codes: the codebook from a script: list, rename, move, merge and delete codes."""
from __future__ import annotations

import argparse

from workbench.cli.common import add_project, print_json, project_arg

NAME = "codes"
HELP = "list, rename, move, merge or delete codes of the codebook"
EPILOG = """\
Codes are named by their path, parts joined by '/' ('\\/' for a '/' inside a name).
A new name that compares equal to a sibling's (case and spacing aside) is refused.

Examples:
  workbench codes jhb.qwb list --json
  workbench codes jhb.qwb rename 'autonomy/own funding' 'own budget'
  workbench codes jhb.qwb move 'autonomy/own budget' --under 'provincial constraint'
  workbench codes jhb.qwb merge 'self-rule' 'home rule' --into autonomy
  workbench codes jhb.qwb delete 'development outcome' --force"""


def add_arguments(p):
    add_project(p)
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    ls = sub.add_parser("list", help="the codebook in tree order with each code's own codings",
                        description='The codebook; with --json a list of {"path", "description", "color", '
                                    '"codings"} (a code\'s own codings, not its subcodes\').')
    ls.add_argument("--json", action="store_true", help="print JSON")
    rn = sub.add_parser("rename", help="give a code a new name (it stays where it is)")
    rn.add_argument("path", metavar="PATH")
    rn.add_argument("name", metavar="NEWNAME", help="the new name: one name, not a path")
    mv = sub.add_parser("move", help="move a code, with its subcodes, under another code or to the top")
    mv.add_argument("path", metavar="PATH")
    where = mv.add_mutually_exclusive_group(required=True)
    where.add_argument("--under", metavar="PATH", help="the new parent")
    where.add_argument("--top", action="store_true", help="make it a top-level code")
    mg = sub.add_parser("merge", help="fold codes into one: their codings, subcodes and memos follow")
    mg.add_argument("paths", nargs="+", metavar="PATH")
    mg.add_argument("--into", required=True, metavar="PATH", help="the code that stays")
    mg.add_argument("--coder", metavar="NAME", help="who merges (recorded on the tombstones)")
    rm = sub.add_parser("delete", help="delete a code and its subcodes",
                        description="Deletes a code; one with codings or subcodes only with --force, and "
                                    "then its subcodes and all their codings and memos go too.")
    rm.add_argument("path", metavar="PATH")
    rm.add_argument("--force", action="store_true", help="delete it with its subcodes and codings")
    rm.add_argument("--coder", metavar="NAME", help="who deletes (recorded on the tombstones)")
    for parser in (ls, rn, mv, mg, rm):
        parser.formatter_class = argparse.RawDescriptionHelpFormatter


def run(args) -> int:
    if args.action == "list":
        return _list(args)
    from workbench.core.errors import ValidationError
    from workbench.services import codebook
    from workbench.services.coders import acting_coder
    from workbench.services.lookup import code_by_path

    with project_arg(args.project) as project:
        with project.reading() as s:
            ids = {p: code_by_path(s, p) for p in _paths(args)}
        if args.action == "rename":
            codebook.rename_code(project, ids[args.path], args.name)
            said = f"renamed {args.path!r}; it is now {_path_of(project, ids[args.path])!r}"
        elif args.action == "move":
            codebook.move_code(project, ids[args.path], None if args.top else ids[args.under])
            said = f"moved {args.path!r} " + ("to the top" if args.top else f"under {args.under!r}")
        elif args.action == "merge":
            codebook.merge_codes(project, [ids[p] for p in args.paths], ids[args.into],
                                 deleted_by=acting_coder(project, args.coder) or "")
            said = f"merged {', '.join(repr(p) for p in args.paths)} into {args.into!r}"
        else:
            try:
                codebook.delete_code(project, ids[args.path], force=args.force,
                                     deleted_by=acting_coder(project, args.coder) or "")
            except ValidationError as exc:
                raise ValidationError(f"{exc}; --force deletes them too") from None
            said = f"deleted {args.path!r}"
    print(said)
    return 0


def _path_of(project, code_id: int) -> str:
    from workbench.services.lookup import CodeTree

    with project.reading() as s:
        return CodeTree(s).path(code_id)


def _paths(args) -> list[str]:
    if args.action == "merge":
        return [*args.paths, args.into]
    if args.action == "move" and args.under is not None:
        return [args.path, args.under]
    return [args.path]


def _list(args) -> int:
    from workbench.services.codebook_io import code_listing

    with project_arg(args.project, readonly=True) as project:
        rows = code_listing(project)
    if args.json:
        print_json([{"path": r.path, "description": r.description, "color": r.color, "codings": r.codings}
                    for r in rows])
    else:
        for r in rows:
            print(f"{'  ' * r.depth}{r.name}  ({r.codings})" + (f" | {r.description}" if r.description else ""))
    return 0
