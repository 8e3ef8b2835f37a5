"""workbench new: create an empty project."""
from __future__ import annotations

NAME = "new"
HELP = "create an empty project file"
EPILOG = "Example: workbench new jhb.qwb --name 'Johannesburg partnerships' --coder Thandi"


def add_arguments(p):
    p.add_argument("project", metavar="PROJECT", help="the project file to create (.qwb)")
    p.add_argument("--name", help="the project's name (default: the file name)")
    p.add_argument("--coder", help="record this coder in the project")


def run(args) -> int:
    from workbench.store.project import create_project

    project = create_project(args.project, name=args.name, coder=args.coder)
    project.close()
    print(f"created {args.project}")
    return 0
