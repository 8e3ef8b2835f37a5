"""Output files appear whole or not at all, with ordinary permissions."""
from __future__ import annotations

import os

import pytest

from workbench.core.errors import WorkbenchError
from workbench.io.atomic import atomic_path, atomic_write_text


def test_written_file_gets_the_umask_mode_not_owner_only(tmp_path):
    umask = os.umask(0o022)
    try:
        target = tmp_path / "report.csv"
        atomic_write_text(target, "a,b\n")
        assert target.stat().st_mode & 0o777 == 0o644
    finally:
        os.umask(umask)


def test_a_failure_mid_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "report.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("crash")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.csv"]


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(WorkbenchError, match="does not exist"):
        atomic_write_text(tmp_path / "nope" / "x.csv", "")
