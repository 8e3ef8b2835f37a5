"""workbench grant: give a person (their PostgreSQL login role) a role in a team project."""
from __future__ import annotations

NAME = "grant"
HELP = "give a person's login role the owner, coder or reader role in a team project on a server"
EPILOG = """\
NAME is the person's own PostgreSQL login role; it must exist (the server's administrator
makes it with CREATE ROLE name LOGIN PASSWORD '...'). A person holds one role in a
project: granting another replaces it. The person is recorded as a coder of the project.
  owner   everything: sources, codebook, cases, attributes, members
  coder   reads all; codes, uncodes and writes memos of their own
  reader  reads only: queries, search, export

Example:
  workbench grant 'postgresql://wb@db.example.org/research?project=study' --coder thandi --role coder"""


def add_arguments(p):
    p.add_argument("url", metavar="URL", help="the team project: postgresql://user@host/database?project=NAME")
    p.add_argument("--coder", required=True, metavar="NAME", help="the person's PostgreSQL login role")
    p.add_argument("--role", required=True, choices=("owner", "coder", "reader"))


def run(args) -> int:
    from workbench.store.team_admin import grant

    grant(args.url, args.coder, args.role)
    print(f"{args.coder} is now {args.role} of the project")
    return 0
