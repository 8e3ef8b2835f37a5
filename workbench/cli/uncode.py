"""workbench uncode: remove one coding by its GUID."""
from __future__ import annotations

from workbench.cli.common import add_project, project_arg

NAME = "uncode"
HELP = "remove one coding, named by its GUID"
EPILOG = "Example: workbench uncode jhb.qwb 3f2b9c1e-8d0a-4c55-9a51-2b7e0f6d4c11 --coder Thandi"


def add_arguments(p):
    add_project(p)
    p.add_argument("guid", metavar="GUID")
    p.add_argument("--coder", metavar="NAME", help="who removes it (recorded on the tombstone)")


def run(args) -> int:
    from workbench.services.coders import acting_coder
    from workbench.services.coding import coding_id_by_guid, remove_codings_in

    with project_arg(args.project) as project:
        coder = acting_coder(project, args.coder)
        with project.transaction() as s:
            remove_codings_in(s, [coding_id_by_guid(s, args.guid)], deleted_by=coder or "")
    print(f"removed {args.guid}")
    return 0
