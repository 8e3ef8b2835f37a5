"""`workbench qdpx export|import`: exit codes, output, the JSON report, nothing written on failure."""
from __future__ import annotations

import json
import zipfile

from workbench.cli.main import main


def test_export_then_import_by_command_line(project_path, tmp_path, capsys):
    qdpx = tmp_path / "study.qdpx"
    assert main(["qdpx", "export", str(project_path), "-o", str(qdpx)]) == 0
    assert capsys.readouterr().out.startswith("exported 3 sources, 5 codes, 8 codings, 2 cases, 0 memos to ")
    assert "project.qde" in zipfile.ZipFile(qdpx).namelist()
    new = tmp_path / "copy.qwb"
    assert main(["qdpx", "import", str(qdpx), "-o", str(new), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["imported"] == {"users": 2, "codes": 5, "sources": 3, "codings": 8, "cases": 2, "attributes": 3,
                                  "values": 6, "memos": 0}
    assert report["offset_model"] == "codepoints" and report["skipped"] == []
    assert main(["info", str(new), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert (info["sources"], info["codes"], info["codings"], info["cases"]) == (3, 5, 8, 2)


def test_import_text_report_and_refusals(project_path, tmp_path, capsys):
    qdpx = tmp_path / "study.qdpx"
    main(["qdpx", "export", str(project_path), "-o", str(qdpx)])
    capsys.readouterr()
    new = tmp_path / "copy.qwb"
    assert main(["qdpx", "import", str(qdpx), "-o", str(new)]) == 0
    out = capsys.readouterr().out
    assert "offsets counted as Unicode code points" in out and f"created {new}" in out
    # A second import onto the same name is refused and leaves the project alone.
    before = new.read_bytes()
    assert main(["qdpx", "import", str(qdpx), "-o", str(new)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert new.read_bytes() == before
    # Export to a folder that does not exist: one line, exit 1.
    assert main(["qdpx", "export", str(project_path), "-o", str(tmp_path / "no" / "x.qdpx")]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "does not exist" in err


def test_missing_file_is_one_line(tmp_path, capsys):
    assert main(["qdpx", "import", str(tmp_path / "nope.qdpx"), "-o", str(tmp_path / "p.qwb")]) == 1
    assert "no such file" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
