"""workbench merge: merge team members' project files into a project (or into a new file)."""
from __future__ import annotations

from workbench.cli.common import add_project, print_json

NAME = "merge"
HELP = "merge other project files into PROJECT and print the merge report"
EPILOG = ("Entities match by identity (GUID); otherwise sources by text, codes by path, cases,\n"
          "attributes and coders by name. Conflicts take the proposed resolution (the most recent\n"
          "change, keeping the other as an alias or below a marker); see --preview.\n"
          "A backup copy of PROJECT is written beside it first.\n"
          "Example: workbench merge study.qwb thandi.qwb pieter.qwb --json")


def add_arguments(p):
    add_project(p)
    p.add_argument("others", nargs="+", metavar="OTHER", help="project files to merge in (read, never changed)")
    p.add_argument("-o", "--out", metavar="OUT", help="write the merge into a new file OUT; PROJECT is left as it is")
    p.add_argument("--preview", action="store_true", help="print what would come in and the conflicts; change nothing")
    p.add_argument("--json", action="store_true", help="print JSON")


def _print_counts(counts: dict) -> None:
    from workbench.query.reports import merge_counts_lines

    for line in merge_counts_lines(counts):
        print(line)


def _print_conflicts(conflicts: list[dict]) -> None:
    from workbench.query.reports import merge_conflict_lines

    for line in merge_conflict_lines(conflicts):
        print(line)


def run(args) -> int:
    from workbench.services.merge import copy_then_merge, merge_files, plan_merge
    from workbench.store.project import open_project

    if args.preview:
        with open_project(args.project, readonly=True) as project:
            plan = plan_merge(project, args.others)
            try:
                data = plan.to_json()
            finally:
                plan.close()
        if args.json:
            print_json(data)
        else:
            print(f"Merging {', '.join(args.others)} into {args.project} would bring:")
            _print_counts(data["counts"])
            _print_conflicts(data["conflicts"])
        return 0
    if args.out:
        report = copy_then_merge(args.project, args.out, args.others)
    else:
        report = merge_files(args.project, args.others)
    data = report.to_json()
    if args.json:
        print_json(data)
    else:
        print(f"Merged {', '.join(args.others)} into {args.out or args.project}"
              + (f" (backup: {data['backup']})" if data.get("backup") else ""))
        _print_counts(data["counts"])
        _print_conflicts(data["conflicts"])
    return 0
