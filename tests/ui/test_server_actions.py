"""File → Publish to a server…, File → Check out a copy…, Team → Merge a checked-out copy back…
(issue 14): each runs as a background job from the window; against the real test cluster."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from store_read import count, rows
from workbench.cli.main import main


@pytest.fixture
def server_url(pg_databases):
    name = pg_databases.fresh()
    yield pg_databases.cluster.url(name, "p")
    pg_databases.drop(name)


def _box(window, name):
    return window.findChild(QMessageBox, name)


def test_publish_check_out_and_merge_back_from_the_window(qtbot, window, server_url, tmp_path):
    sa = window.server_actions
    names = [a.objectName() for a in window.menuBar().actions()[0].menu().actions()]
    assert "publishToServer" in names and "checkOutCopy" in names
    assert sa.merge_back in window.team_actions.menu.actions()
    assert sa.publish.isEnabled()

    # Publish the project the window holds open for writing: its own lock does not stand in the way.
    sa.publish_to(server_url)
    qtbot.waitUntil(lambda: sa.job is None, timeout=60000)
    qtbot.waitUntil(lambda: _box(window, "publishDone") is not None, timeout=5000)
    assert count(server_url, "coding") == 8 and count(server_url, "source") == 3
    assert rows(server_url, "SELECT value FROM project_meta WHERE key = 'team'") == [("on",)]
    _box(window, "publishDone").close()

    copy = tmp_path / "train.qwb"
    sa.check_out_to(server_url, str(copy))
    qtbot.waitUntil(lambda: sa.job is None, timeout=60000)
    assert copy.exists()
    assert rows(copy, "SELECT value FROM project_meta WHERE key = 'checkout_of'") == [(server_url,)]
    qtbot.waitUntil(lambda: _box(window, "checkoutDone") is not None, timeout=5000)
    _box(window, "checkoutDone").close()

    # Offline work in the copy, other work on the server meanwhile; then Team → Merge it back.
    assert main(["code", str(copy), "--source", "policy.txt", "--code", "autonomy", "--start", "0",
                 "--end", "10"]) == 0
    assert main(["code", server_url, "--source", "interview_jhb.txt", "--code", "autonomy", "--start", "0",
                 "--end", "10"]) == 0
    dialog = sa.merge_back_from(str(copy))
    assert dialog.file_paths() == [str(copy)]
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.apply_button.isEnabled, timeout=60000)
    with qtbot.waitSignal(dialog.merged, timeout=60000):
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert count(server_url, "coding") == 10  # 8 + ours offline + theirs on the server
    assert rows(server_url, "SELECT kind FROM report") == [("merge",)]
    dialog.close()
    qtbot.waitUntil(lambda: sa.dialog is None, timeout=5000)


def test_publishing_onto_an_existing_project_says_so_and_keeps_it(qtbot, window, server_url):
    sa = window.server_actions
    sa.publish_to(server_url)
    qtbot.waitUntil(lambda: sa.job is None, timeout=60000)
    before = rows(server_url, "SELECT guid FROM coding ORDER BY guid")
    sa.publish_to(server_url)
    qtbot.waitUntil(lambda: sa.job is None, timeout=60000)
    assert "already exists" in window.last_error
    assert rows(server_url, "SELECT guid FROM coding ORDER BY guid") == before


def test_a_file_that_is_no_checkout_is_not_merged_back(qtbot, window, project_path):
    assert window.server_actions.merge_back_from(str(project_path)) is None
    assert "not a checked-out copy" in window.last_error


def test_a_cancelled_publish_leaves_nothing_on_the_server(qtbot, window, server_url, monkeypatch):
    from workbench.ui import server_actions

    sa = window.server_actions
    real = server_actions._publish_job

    def slow_to_stop(path, url, holder, report, should_stop):
        should_stop.__self__.cancel()  # the user pressed Cancel as soon as it began (the Job's own method)
        return real(path, url, holder, report, should_stop)

    monkeypatch.setattr(server_actions, "_publish_job", slow_to_stop)
    sa.publish_to(server_url)
    qtbot.waitUntil(lambda: sa.job is None, timeout=60000)
    assert "nothing was left" in window.statusBar().currentMessage()
    from workbench.core.errors import ProjectError
    from workbench.store.project import check_project_file

    with pytest.raises(ProjectError, match="no project named"):
        check_project_file(server_url)
