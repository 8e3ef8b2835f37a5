"""workbench code: code a passage given in code points."""
from __future__ import annotations

from workbench.cli.common import add_project, project_arg

NAME = "code"
HELP = "code a passage of a source; prints the new coding's GUID"
EPILOG = ("Offsets count Unicode code points of the stored text, end exclusive.\n"
          "Example: workbench code jhb.qwb --source interview01.txt --code 'autonomy/own funding' "
          "--start 120 --end 348 --coder Thandi")


def add_arguments(p):
    add_project(p)
    p.add_argument("--source", required=True, metavar="NAME")
    p.add_argument("--code", required=True, metavar="PATH", help="code path, parts joined by '/'")
    p.add_argument("--start", required=True, type=int, metavar="N")
    p.add_argument("--end", required=True, type=int, metavar="N")
    p.add_argument("--coder", metavar="NAME", help="default: the project's first coder")
    p.add_argument("--memo", metavar="TEXT", help="a memo on the coding")
    p.add_argument("--create", action="store_true", help="create the code (and its parents) if missing")


def run(args) -> int:
    from sqlalchemy import select

    from workbench.core.errors import ValidationError
    from workbench.services.codebook import ensure_code_path_in
    from workbench.services.coders import ensure_coder
    from workbench.services.coding import NewCoding, apply_codes_in
    from workbench.services.lookup import source_by_name
    from workbench.store.models import Coder, Coding

    with project_arg(args.project) as project:
        with project.transaction() as s:
            source_id = source_by_name(s, args.source)
            code_id, _ = ensure_code_path_in(s, args.code, create=args.create)
            coder = args.coder or s.scalar(select(Coder.name).order_by(Coder.id).limit(1))
            if not coder:
                raise ValidationError("the project has no coder yet; name one with --coder")
            coder_id = ensure_coder(s, coder)
            changes = apply_codes_in(s, [NewCoding(source_id, code_id, coder_id, args.start, args.end, args.memo)])
            if not changes.created:
                raise ValidationError(
                    f"{args.source} {args.start}-{args.end} already has code {args.code!r} by {coder}")
            guid = s.scalar(select(Coding.guid).where(Coding.id == changes.created["coding"][0]))
    print(guid)
    return 0
