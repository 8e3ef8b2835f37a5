"""The import report panel shows what came in, what could not, and the offset counting used."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import zipfile  # noqa: E402
from pathlib import Path  # noqa: E402

from workbench.io.refi.qdpx_import import import_qdpx  # noqa: E402
from workbench.store.project import open_project  # noqa: E402
from workbench.ui.panels.report_view import ImportReportView  # noqa: E402

TEXT = "We 😀 set our own agenda.\r\nThe province decides.\r\n"


def _qdpx(tmp_path) -> Path:
    code = "c0000000-0000-0000-0000-000000000001"
    start = len(TEXT[:TEXT.index("agenda")].encode("utf-16-le")) // 2
    body = (f'<CodeBook><Codes><Code guid="{code}" name="autonomy" isCodable="true"/></Codes></CodeBook>'
            '<Sources><TextSource guid="5a000000-0000-0000-0000-000000000001" name="jhb.txt" '
            'plainTextPath="internal://jhb.txt">'
            f'<PlainTextSelection guid="e0000000-0000-0000-0000-000000000001" startPosition="{start}" '
            f'endPosition="{start + 6}"><Coding guid="c1000000-0000-0000-0000-000000000001">'
            f'<CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>'
            '<PlainTextSelection guid="e0000000-0000-0000-0000-000000000002" startPosition="5" endPosition="900">'
            f'<Coding guid="c1000000-0000-0000-0000-000000000002"><CodeRef targetGUID="{code}"/></Coding>'
            "</PlainTextSelection></TextSource>"
            '<PictureSource guid="5a000000-0000-0000-0000-000000000002" name="map.jpg" path="internal://map.jpg"/>'
            "</Sources>")
    path = tmp_path / "in.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", f'<Project xmlns="urn:QDA-XML:project:1.0" name="Hand made" '
                                   f'origin="NVivo for Windows 12.6">{body}</Project>')
        zf.writestr("sources/jhb.txt", b"\xef\xbb\xbf" + TEXT.encode())
    return path


def test_report_view_shows_the_report_kept_in_the_project(qtbot, tmp_path):
    out = tmp_path / "p.qwb"
    import_qdpx(_qdpx(tmp_path), out)
    view = ImportReportView()
    qtbot.addWidget(view)
    project = open_project(out, readonly=True)
    try:
        assert view.load_from_project(project)
    finally:
        project.close()
    assert view.objectName() == "importReportView"
    assert "in.qdpx" in view.summary.text() and "NVivo for Windows 12.6" in view.summary.text()
    assert "NVivo" in view.offsets.text() and "1 of 2 selections" in view.offsets.text()
    assert view.section_titles() == ["Imported", "Not carried", "Skipped", "Warnings"]
    imported = dict(view.section_rows("Imported"))
    assert imported["sources"] == "1" and imported["codings"] == "1"
    not_carried = view.section_rows("Not carried")
    assert not_carried[0][0] == "picture source: map.jpg"
    skipped = view.section_rows("Skipped")
    assert len(skipped) == 1 and "past the end" in skipped[0][1]
    assert view.findChild(type(view.tree), "importReportTree") is view.tree


def test_report_view_without_a_report(qtbot, project):
    view = ImportReportView()
    qtbot.addWidget(view)
    assert not view.load_from_project(project)
    assert "No REFI-QDA import report" in view.summary.text()
    assert view.section_titles() == []
