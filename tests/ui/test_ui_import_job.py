"""Importing sources in the background: progress in the source panel, Cancel, and files dropped on the list."""
from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, QUrl
from ui_helpers import drop_urls
from PySide6.QtWidgets import QMessageBox

from workbench.ui.views import source_panel


def write_files(folder, n):
    folder.mkdir()
    paths = []
    for i in range(n):
        p = folder / f"interview_{i:02d}.txt"
        p.write_text(f"Interviewer: Question {i}?\nOfficial {i}: Answer number {i} about the twinning.\n",
                     encoding="utf-8")
        paths.append(str(p))
    return paths


def test_import_reports_progress_and_shows_the_sources(window, tmp_path, qtbot, monkeypatch):
    monkeypatch.setattr(source_panel, "PROGRESS_DELAY_MS", 0)
    paths = write_files(tmp_path / "in", 12)
    progress = []
    job = window.project_actions.import_files(paths)
    job.progressed.connect(lambda done, total, label: progress.append((done, total)))
    with qtbot.waitSignal(job.finished, timeout=20000):
        pass
    assert progress and progress[-1] == (12, 12)
    names = {window.source_model.source(s).name for s in window.source_model.source_ids()}
    assert {f"interview_{i:02d}.txt" for i in range(12)} <= names
    assert not window.source_panel.progress_box.isVisible()
    assert "Imported 12 sources" in window.statusBar().currentMessage()


def test_progress_bar_appears_and_cancel_stops_between_files(window, tmp_path, qtbot, monkeypatch):
    monkeypatch.setattr(source_panel, "PROGRESS_DELAY_MS", 0)
    import workbench.ui.project_actions as pa

    seen = []
    real = pa.import_job

    def slow_job(project, paths, coder, report, should_stop):
        def watched_report(done, total, label):
            report(done, total, label)
            if done == 2:  # two files in, the third starting: wait here until the user has pressed Cancel
                seen.append("reported")
                while not should_stop():
                    import time

                    time.sleep(0.01)
        return real(project, paths, coder, watched_report, should_stop)

    monkeypatch.setattr(pa, "import_job", slow_job)
    paths = write_files(tmp_path / "in", 10)
    job = window.project_actions.import_files(paths)
    panel = window.source_panel
    qtbot.waitUntil(lambda: panel.progress_box.isVisible() and panel.progress.maximum() == 10, timeout=10000)
    qtbot.waitUntil(lambda: seen == ["reported"], timeout=10000)  # the worker waits at the third file
    with qtbot.waitSignal(job.cancelled, timeout=20000):
        qtbot.mouseClick(panel.cancel, Qt.MouseButton.LeftButton)
    names = {window.source_model.source(s).name for s in window.source_model.source_ids()}
    imported = {n for n in names if n.startswith("interview_0")}
    # The file under way when Cancel came is finished whole; no later file is started.
    assert imported == {"interview_00.txt", "interview_01.txt", "interview_02.txt"}
    assert not panel.progress_box.isVisible()
    assert "stopped" in window.statusBar().currentMessage()
    assert window.project_actions.job is None


def test_dropping_files_on_the_source_list_imports_them(window, tmp_path, qtbot):
    paths = write_files(tmp_path / "drop", 2)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(p) for p in paths])
    drop_urls(window.source_panel, data)
    job = window.project_actions.job
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=20000):
        pass
    names = {window.source_model.source(s).name for s in window.source_model.source_ids()}
    assert {"interview_00.txt", "interview_01.txt"} <= names


def test_a_failed_file_is_reported_and_the_others_kept(window, tmp_path, qtbot):
    paths = write_files(tmp_path / "in", 2)
    bad = tmp_path / "in" / "empty.txt"
    bad.write_text("")
    job = window.project_actions.import_files(paths + [str(bad)])
    with qtbot.waitSignal(job.finished, timeout=20000):
        pass
    assert "1 failed" in window.statusBar().currentMessage()
    box = window.findChild(QMessageBox, "importReport")
    assert box is not None and "empty.txt" in box.text()
    names = {window.source_model.source(s).name for s in window.source_model.source_ids()}
    assert {"interview_00.txt", "interview_01.txt"} <= names and "empty.txt" not in names


def test_closing_the_project_stops_a_running_import_first(window, tmp_path, qtbot, project_path):
    import sqlite3

    paths = write_files(tmp_path / "in", 30)
    job = window.project_actions.import_files(paths)
    window.close_project()  # must not pull the engine from under the worker
    assert job.done
    con = sqlite3.connect(f"file:{project_path}?mode=ro", uri=True)
    n = con.execute("SELECT count(*) FROM source").fetchone()[0]
    con.close()
    assert 3 <= n <= 3 + 30


def test_the_views_update_from_the_import_jobs_changes(window, tmp_path, qtbot, project_path):
    """The job returns the Changes of the run (the sources it made, by id); the window refreshes
    from that value, not from a reload of everything (issue 13, item 2)."""
    from store_read import rows

    from workbench.core.changes import Kind

    before = {r[0] for r in rows(project_path, "SELECT id FROM source")}
    seen = []
    window.ctx.changed.connect(seen.append)
    job = window.project_actions.import_files(write_files(tmp_path / "in", 3))
    with qtbot.waitSignal(job.finished, timeout=20000):
        pass
    made = {r[0] for r in rows(project_path, "SELECT id FROM source")} - before
    assert len(made) == 3
    ch = seen[-1]
    assert set(ch.ids("created", Kind.SOURCE)) == made and not ch.bulk()
    assert [o.status for o in ch.result] == ["imported"] * 3
    assert made <= set(window.source_model.source_ids())  # the source list shows them
