"""workbench publish and workbench checkout: moving a project between a file and a server.

Both commands live here (cli/publish.py and cli/checkout.py give main.py their names); the
work is in services/server_copies.py. `workbench merge URL FILE.qwb` brings a checked-out
copy back (cli/merge.py).
"""
from __future__ import annotations

from workbench.cli.common import print_json

PUBLISH_HELP = "put a project file on a PostgreSQL server as a new team project, every GUID kept"
PUBLISH_EPILOG = (
    "The server project is made in one transaction: if anything fails, nothing is left on the\n"
    "server. Refused: a project of that name at URL, a file that is damaged, from another\n"
    "version, or open for writing in another program. The password comes from ~/.pgpass or\n"
    "PGPASSWORD and is never printed.\n"
    "Example: workbench publish study.qwb 'postgresql://thandi@db.example.org/research?project=jhb'")

CHECKOUT_HELP = "write a file copy of a server project to work offline; merge it back later"
CHECKOUT_EPILOG = (
    "The copy keeps every GUID and records where it came from (checkout_of, checked_out_at);\n"
    "codings made in it are yours (the role you signed in as). Bring it back with\n"
    "  workbench merge URL FILE.qwb [--preview]\n"
    "which keeps what others coded on the server meanwhile. Refuses an existing FILE.\n"
    "Example: workbench checkout 'postgresql://thandi@db.example.org/research?project=jhb' train.qwb")


def publish_arguments(p) -> None:
    p.add_argument("file", metavar="FILE", help="the project file to publish (.qwb); read, never changed")
    p.add_argument("url", metavar="URL", help="postgresql://user@host[:port]/database?project=NAME (new)")
    p.add_argument("--json", action="store_true", help='print {"location", "counts"} as JSON')


def run_publish(args) -> int:
    from workbench.services.server_copies import publish

    done = publish(args.file, args.url)
    if args.json:
        print_json({"location": done.location, "counts": done.counts})
        return 0
    c = done.counts
    print(f"Published {args.file} to {done.location} as a team project: {c['source']} sources, "
          f"{c['code']} codes, {c['coding']} codings, {c['case_']} cases, {c['memo']} memos, "
          f"{c['tombstone']} tombstones")
    return 0


def checkout_arguments(p) -> None:
    p.add_argument("url", metavar="URL", help="the server project, postgresql://user@host[:port]/database?project=NAME")
    p.add_argument("file", metavar="FILE", help="the new project file (.qwb); refused if it exists")
    p.add_argument("--json", action="store_true", help='print {"file", "checkout_of", "coder", "checked_out_at"}')


def run_checkout(args) -> int:
    from workbench.services.server_copies import checkout

    done = checkout(args.url, args.file)
    if args.json:
        print_json({"file": str(done.path), "checkout_of": done.location, "coder": done.coder,
                    "checked_out_at": done.time})
        return 0
    print(f"Checked out {done.location} to {done.path} (coding as {done.coder}); bring it back with: "
          f"workbench merge '{done.location}' {done.path}")
    return 0
