"""workbench revoke: take a person's role in a team project (their codings and memos stay)."""
from __future__ import annotations

NAME = "revoke"
HELP = "take a person's role in a team project on a server (their codings stay)"
EPILOG = """\
Example:
  workbench revoke 'postgresql://wb@db.example.org/research?project=study' --coder thandi"""


def add_arguments(p):
    p.add_argument("url", metavar="URL", help="the team project: postgresql://user@host/database?project=NAME")
    p.add_argument("--coder", required=True, metavar="NAME", help="the person's PostgreSQL login role")


def run(args) -> int:
    from workbench.core.errors import ProjectError
    from workbench.store.team_admin import revoke, server_location

    if not revoke(args.url, args.coder):
        raise ProjectError(f"{server_location(args.url)}: {args.coder!r} has no role in the project; nothing was changed")
    print(f"{args.coder} no longer has a role in the project (their codings stay)")
    return 0
