"""Fuzz budgets: small by default (the whole package well under a minute on two cores),
larger with WORKBENCH_FUZZ_SCALE (a multiplier of every test's example count), e.g.

    WORKBENCH_FUZZ_SCALE=20 scripts/test tests/fuzz -p no:cacheprovider

WORKBENCH_FUZZ_REPORT=FILE writes the tally by area and category as JSON; the tally is
also printed at the end of the run. WORKBENCH_FUZZ_TIMEOUT (seconds, default 30) is how
long one command may run before it counts as a hang.
"""
from __future__ import annotations

import json
import os
import shutil

import pytest

from . import harness


@pytest.fixture(scope="module")
def fuzz_project(tmp_path_factory, _small_template):
    """One copy of the small project per fuzz module; commands may change it as they please."""
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "fuzz.qwb"
    shutil.copy(_small_template, path)
    return path


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not harness.TALLY:
        return
    terminalreporter.write_line("")
    for line in harness.summary().splitlines():
        terminalreporter.write_line(line)
    target = os.environ.get("WORKBENCH_FUZZ_REPORT")
    if target:
        with open(target, "w", encoding="utf-8") as fh:
            json.dump({"scale": harness.scale(), "areas": {a: dict(c) for a, c in harness.TALLY.items()},
                       "problems": harness.FIRST_PROBLEMS}, fh, indent=2)
