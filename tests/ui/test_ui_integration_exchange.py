"""File → Import / Export from the window: a QDPX round trip through the menus with the import report
shown, cancelling an export, and codebooks as .qdc (and .docx) through the codebook actions."""
from __future__ import annotations

import docx
from PySide6.QtWidgets import QFileDialog
from ui_helpers import codebook_in, codings_in

from workbench.ui.dialogs.job_progress import JobProgress
from workbench.ui.jobs import JobRunner


def patch_dialogs(monkeypatch, open_path=None, save_path=None, save_filter=""):
    if open_path is not None:
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(open_path), ""))
    if save_path is not None:
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(save_path), save_filter))


def test_import_and_export_submenus(window):
    ea, cb = window.exchange_actions, window.codebook_actions
    assert ea.import_qdpx in ea.import_menu.actions() and cb.import_codebook in ea.import_menu.actions()
    assert ea.export_qdpx in ea.export_menu.actions() and cb.export_codebook in ea.export_menu.actions()
    assert ea.last_report in window.view_menu.actions()
    window.close_project()
    assert ea.import_qdpx.isEnabled() and not ea.export_qdpx.isEnabled()  # importing makes a new project


def test_qdpx_round_trip_through_the_menus_shows_the_import_report(qtbot, window, project_path, tmp_path,
                                                                   monkeypatch):
    out = tmp_path / "exchange.qdpx"
    patch_dialogs(monkeypatch, save_path=tmp_path / "exchange")  # no suffix typed: .qdpx is added
    window.exchange_actions.export_qdpx.trigger()
    qtbot.waitUntil(lambda: "Exported 3 sources" in window.statusBar().currentMessage(), timeout=20000)
    assert out.exists()

    new = tmp_path / "imported.qwb"
    patch_dialogs(monkeypatch, open_path=out, save_path=new)
    window.exchange_actions.import_qdpx.trigger()
    qtbot.waitUntil(lambda: window.ctx is not None and window.ctx.path == new, timeout=20000)
    view = window.panel_docks.panel("importReportView")
    assert view is not None and view.isVisible()
    assert "exchange.qdpx" in view.summary.text() and "Qualitative Workbench" in view.summary.text()
    imported = dict(view.section_rows("Imported"))
    assert imported["sources"] == "3" and imported["codings"] == "8" and imported["codes"] == "5"
    assert codings_in(new) == codings_in(project_path)

    # Closed, then shown again from View → Last import report, read back from the project.
    window.panel_docks.slots["importReportView"].dock.close()
    window.exchange_actions.last_report.trigger()
    view = window.panel_docks.panel("importReportView")
    qtbot.waitUntil(view.isVisible)
    assert dict(view.section_rows("Imported"))["codings"] == "8"


def test_last_import_report_of_a_project_never_imported(window):
    window.exchange_actions.last_report.trigger()
    view = window.panel_docks.panel("importReportView")
    assert view.report is None and "No REFI-QDA import report" in view.summary.text()
    assert "not imported" in window.statusBar().currentMessage()


def test_qdpx_export_cancelled_from_its_progress_dialog_writes_nothing(qtbot, window, tmp_path, monkeypatch):
    out = tmp_path / "never.qdpx"
    patch_dialogs(monkeypatch, save_path=out)
    started = []
    monkeypatch.setattr(JobRunner, "start", lambda self, job: started.append(job) or job)
    window.exchange_actions.export_qdpx.trigger()
    (job,) = started
    progress = window.findChild(JobProgress)
    assert progress.job is job
    progress.cancel_button().click()
    with qtbot.waitSignal(job.cancelled, timeout=20000):
        job.run()  # run here, already cancelled
    assert not out.exists() and not list(tmp_path.glob("*.qdpx*"))
    assert "Export stopped" in window.statusBar().currentMessage()


def test_a_bad_qdpx_is_refused_with_one_line_and_the_project_stays_open(qtbot, window, project_path, tmp_path,
                                                                         monkeypatch):
    bad = tmp_path / "bad.qdpx"
    bad.write_bytes(b"not a zip")
    patch_dialogs(monkeypatch, open_path=bad, save_path=tmp_path / "bad.qwb")
    window.exchange_actions.import_qdpx.trigger()
    qtbot.waitUntil(lambda: bool(window.last_error), timeout=20000)
    assert "bad.qdpx" in window.last_error and "\n" not in window.last_error
    assert window.ctx.path == project_path and not (tmp_path / "bad.qwb").exists()


def test_codebook_to_qdc_and_back_from_the_menu(qtbot, window, project_path, tmp_path, monkeypatch):
    book = tmp_path / "book.qdc"
    patch_dialogs(monkeypatch, save_path=tmp_path / "book", save_filter="REFI-QDA (*.qdc)")
    window.codebook_actions.export_codebook.trigger()
    assert book.exists() and b"<CodeBook" in book.read_bytes()
    patch_dialogs(monkeypatch, save_path=tmp_path / "book.docx", save_filter="Word (*.docx)")
    window.codebook_actions.export_codebook.trigger()
    assert any(p.text.startswith("autonomy") for p in docx.Document(str(tmp_path / "book.docx")).paragraphs)

    assert window.project_actions.create_project_at(str(tmp_path / "fresh.qwb"))
    patch_dialogs(monkeypatch, open_path=book)
    window.codebook_actions.import_codebook.trigger()
    codes, order = codebook_in(tmp_path / "fresh.qwb")
    want_codes, want_order = codebook_in(project_path)
    assert order == want_order
    assert {p: c for p, (c, _d) in codes.items()} == {p: c for p, (c, _d) in want_codes.items()}
    assert window.code_model.rowCount() == len([p for p in want_order if "/" not in p])
