"""workbench code: code a passage given in code points, or many passages from a file."""
from __future__ import annotations

from workbench.core.changes import Kind
from workbench.cli.common import add_project, project_arg

NAME = "code"
HELP = "code a passage of a source (or many from a file); prints the new coding's GUID"
EPILOG = """\
Offsets count Unicode code points of the stored text, end exclusive.

--batch FILE codes many passages in one transaction: all of them or none. FILE is CSV
with the header source,code,start,end,coder,memo (coder and memo may be left out or
empty; an empty coder is --coder, else the project's first coder), or JSON lines, one
object a line with those keys. Each row is checked as one coding is; the first bad
row is named by its line and nothing is coded. Prints how many passages were coded.

Examples:
  workbench code jhb.qwb --source interview01.txt --code 'autonomy/own funding' --start 120 --end 348 --coder Thandi
  workbench code jhb.qwb --batch codings.csv --create"""

_ONE = ("source", "code", "start", "end")


def add_arguments(p):
    add_project(p)
    p.add_argument("--source", metavar="NAME")
    p.add_argument("--code", metavar="PATH", help="code path, parts joined by '/'")
    p.add_argument("--start", type=int, metavar="N")
    p.add_argument("--end", type=int, metavar="N")
    p.add_argument("--coder", metavar="NAME", help="default: the project's first coder")
    p.add_argument("--memo", metavar="TEXT", help="a memo on the coding")
    p.add_argument("--create", action="store_true", help="create the code (and its parents) if missing")
    p.add_argument("--batch", metavar="FILE", help="code the passages listed in FILE (CSV or JSON lines)")
    p.set_defaults(_parser=p)


def run(args) -> int:
    if args.batch is not None:
        given = [f"--{k}" for k in _ONE + ("memo",) if getattr(args, k) is not None]
        if given:
            args._parser.error(f"--batch lists the passages itself; drop {', '.join(given)}")
    else:
        missing = [f"--{k}" for k in _ONE if getattr(args, k) is None]
        if missing:
            args._parser.error(f"the following arguments are required: {', '.join(missing)} (or --batch FILE)")
    from workbench.services.coding import NamedCoding

    if args.batch is not None:
        from workbench.cli.code_batch import read_batch

        rows = read_batch(args.batch)
    else:
        rows = [NamedCoding(args.source, args.code, args.start, args.end, args.coder, args.memo)]
    made, guid = _apply(args, rows)
    print(f"coded {made} passages from {args.batch}" if args.batch is not None else guid)
    return 0


def _apply(args, rows) -> tuple[int, str | None]:
    """Code the rows in one transaction; how many codings were made, and the GUID when one was."""
    from dataclasses import replace

    from sqlalchemy import select

    from workbench.services.coders import acting_coder
    from workbench.services.coding import apply_named_codings_in
    from workbench.store.models import Coder, Coding

    with project_arg(args.project) as project:
        given = acting_coder(project, args.coder)
        if project.team:  # each row codes as the one signed in, whatever coder it names
            rows = [replace(r, coder=acting_coder(project, r.coder)) for r in rows]
        with project.transaction() as s:
            default = given or s.scalar(select(Coder.name).order_by(Coder.id).limit(1))
            ids = apply_named_codings_in(s, rows, create=args.create, default_coder=default).created.get(Kind.CODING, [])
            guid = s.scalar(select(Coding.guid).where(Coding.id == ids[0])) if len(ids) == 1 else None
    return len(ids), guid
