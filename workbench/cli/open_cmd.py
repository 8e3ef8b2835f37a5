"""workbench open: the window on a project (the one place the CLI reaches into ui)."""
from __future__ import annotations

NAME = "open"
HELP = "open the window on a project (--screenshot renders it to PNG and exits)"
EPILOG = "Example: workbench open sample_projects/johannesburg.qwb --screenshot out.png"


def add_arguments(p):
    p.add_argument("project", metavar="PROJECT",
                   help="the project file (.qwb), or a server project postgresql://user@host/db?project=NAME")
    p.add_argument("--screenshot", metavar="PNG", help="render the loaded main window to PNG and exit")


def start_window(project: str | None, screenshot: str | None = None) -> int:
    from workbench.ui.app import run_app  # the only import of Qt from the command line

    return run_app(project, screenshot=screenshot)


def run(args) -> int:
    from workbench.store.project import check_project_file

    check_project_file(args.project)  # a clear line before any window appears (a path or a URL)
    return start_window(args.project, args.screenshot)
