"""A pytest plugin for the headless run (tests/headless.ini): PySide6 and shiboken6 cannot be imported.

Loaded with `-p headless_guard` before any test module, it puts a finder first on sys.meta_path
that refuses both packages, the way a machine without them would (in this process; the few
subprocesses the CLI tests start are plain `workbench` commands that never open a window).
"""
from __future__ import annotations

import importlib.abc
import sys

BLOCKED = ("PySide6", "shiboken6")


class _NoQt(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {fullname!r} (the headless test run has no Qt)",
                                      name=fullname)
        return None


def install() -> None:
    if not any(isinstance(f, _NoQt) for f in sys.meta_path):
        sys.meta_path.insert(0, _NoQt())
    for name in [m for m in sys.modules if m.split(".")[0] in BLOCKED]:
        del sys.modules[name]


install()


def pytest_report_header(config):
    return "headless: PySide6 and shiboken6 cannot be imported in this run"
