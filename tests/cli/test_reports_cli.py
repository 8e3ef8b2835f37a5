"""workbench reports: the merge reports a project keeps, listed and exported."""
from __future__ import annotations

import json
import shutil

from workbench.cli.main import main


def test_reports_lists_a_merge_and_exports_it(capsys, project_path, tmp_path):
    other = tmp_path / "other.qwb"
    shutil.copy(project_path, other)
    assert main(["code", str(other), "--source", "policy.txt", "--code", "autonomy", "--start", "0",
                 "--end", "9", "--coder", "Pieter"]) == 0
    assert main(["reports", str(project_path)]) == 0
    assert "no reports" in capsys.readouterr().out
    assert main(["merge", str(project_path), str(other)]) == 0
    capsys.readouterr()
    assert main(["reports", str(project_path), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["kind"] for r in listed] == ["merge"]
    assert listed[0]["body"]["counts"]["coding"]["new"] == 1
    out = tmp_path / "merge.txt"
    assert main(["reports", str(project_path), "--report", listed[0]["report"], "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("Merge: Merged other.qwb") and "coding: 1 new" in text
    for backup in project_path.parent.glob("*.before-merge-*"):
        backup.unlink()


def test_unknown_report_is_named(capsys, project_location):
    assert main(["reports", str(project_location), "--report", "nope"]) == 1
    assert "nope" in capsys.readouterr().err
