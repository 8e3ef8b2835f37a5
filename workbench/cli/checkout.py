"""workbench checkout: a file copy of a server project, to work offline (see cli/transfer.py)."""
from __future__ import annotations

from workbench.cli.transfer import CHECKOUT_EPILOG as EPILOG
from workbench.cli.transfer import CHECKOUT_HELP as HELP
from workbench.cli.transfer import checkout_arguments as add_arguments
from workbench.cli.transfer import run_checkout as run

NAME = "checkout"
__all__ = ["NAME", "HELP", "EPILOG", "add_arguments", "run"]
