"""workbench server init: prepare a team project on a PostgreSQL server (issue 14)."""
from __future__ import annotations

NAME = "server"
HELP = "prepare a shared team project on a PostgreSQL server (server init URL)"
EPILOG = """\
init makes the project's schema, its three group roles (owner, coder, reader) and the
row-level security policies that hold whatever program connects, in one transaction.
Whoever runs it becomes the project's owner; it refuses a project that exists.
Then give each person their role with workbench grant.

Example:
  workbench server init 'postgresql://wb@db.example.org/research?project=study&sslmode=require'
  workbench grant 'postgresql://wb@db.example.org/research?project=study' --coder thandi --role coder"""


def add_arguments(p):
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    init = sub.add_parser("init", help="create a team project at URL (schema, roles, policies)",
                          epilog="Example: workbench server init 'postgresql://wb@localhost/research?project=study'")
    init.add_argument("url", metavar="URL", help="postgresql://user@host[:port]/database?project=NAME")
    init.add_argument("--name", help="the project's name (default: NAME from the URL)")


def run(args) -> int:
    from workbench.store.team_admin import init_team_project

    loc = init_team_project(args.url, args.name)
    print(f"created the team project {loc}")
    return 0
