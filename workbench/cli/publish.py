"""workbench publish: a project file onto a server as a new team project (see cli/transfer.py)."""
from __future__ import annotations

from workbench.cli.transfer import PUBLISH_EPILOG as EPILOG
from workbench.cli.transfer import PUBLISH_HELP as HELP
from workbench.cli.transfer import publish_arguments as add_arguments
from workbench.cli.transfer import run_publish as run

NAME = "publish"
__all__ = ["NAME", "HELP", "EPILOG", "add_arguments", "run"]
