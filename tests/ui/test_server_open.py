"""File > Open server project... and recent server projects (issue 14, items 1 and 2).

Against the real test cluster. A password is asked for only when the server refuses to sign
in without one, and never lands in settings, the recent list or a message.
"""
from __future__ import annotations

import pytest

from pg_faults import FaultCluster, allow_password_only, make_server_project
from pg_server import Unavailable
from workbench.core.location import parse_server_location
from workbench.ui import settings

SECRET = "pw-Zq81-secret"


@pytest.fixture
def server_url(pg_databases, tmp_path):
    name = pg_databases.fresh()
    url = pg_databases.cluster.url(name, "p")
    make_server_project(url, tmp_path)
    yield url
    pg_databases.drop(name)


@pytest.fixture
def win(qtbot, coder_name):
    from workbench.ui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close_project()


def settings_text(folder) -> str:
    settings.settings().sync()
    return "".join(p.read_text(errors="replace") for p in folder.rglob("*") if p.is_file())


def test_the_dialog_takes_a_url_or_the_parts(qtbot):
    from workbench.ui.dialogs.server_open import ServerOpenDialog

    d = ServerOpenDialog()
    qtbot.addWidget(d)
    d.url.setText("postgresql://ann@db.example.org:5433/research?project=study")
    loc = d.location()
    assert (loc.host, loc.port, loc.database, loc.project, loc.user) == ("db.example.org", 5433, "research",
                                                                         "study", "ann")
    d.tabs.setCurrentIndex(1)
    d.host.setText("db.example.org")
    d.database.setText("research")
    d.project.setText("study")
    d.user.setText("ann")
    assert d.location() == parse_server_location("postgresql://ann@db.example.org/research?project=study")
    d.project.setText("Bad Name")
    d.accept()
    assert d.isVisible() is False and "lower-case" in d.problem.text()


def test_open_server_project_from_the_file_menu_and_again_from_recent(win, server_url, isolated_settings,
                                                                      monkeypatch):
    from workbench.ui.dialogs import server_open

    asked = []
    monkeypatch.setattr(server_open, "ask_password", lambda *a: asked.append(a) or None)
    typed = server_url.replace("wb@", f"wb:{SECRET}@")  # trust sign-in ignores it; it must not be kept
    dialog = win.project_actions.open_server_dialog()
    dialog.url.setText(typed)
    dialog.accept()
    assert win.ctx is not None and win.ctx.name == "Faults"
    assert asked == []  # the server did not ask for a password: no prompt
    assert win.connection.label.isVisible() and win.connection.label.text() == "Connected"
    recent = settings.recent_projects()
    assert recent[0]["path"] == server_url  # the URL, without the password
    assert SECRET not in settings_text(isolated_settings)
    win.close_project()
    item = win.start_screen.recent.item(0)
    assert item.isSelected() is False and bool(item.flags() & item.flags().ItemIsEnabled)
    assert server_url in item.text() and SECRET not in item.text()
    win.start_screen.recent.itemActivated.emit(item)
    assert win.ctx is not None and str(win.ctx.path) == server_url
    win.project_actions.fill_recent_menu()
    acts = [a for a in win.recent_menu.actions() if server_url in a.text()]
    assert acts and acts[0].isEnabled()


@pytest.fixture(scope="module")
def pw_cluster(tmp_path_factory):
    try:
        c = FaultCluster().start()
    except Unavailable as exc:
        pytest.skip(f"PostgreSQL: {exc}")
    c.sql("postgres", "CREATE DATABASE pw")
    make_server_project(c.url("pw", "p"), tmp_path_factory.mktemp("src"))
    c.sql("pw", "GRANT USAGE ON SCHEMA p TO alice", "GRANT ALL ON ALL TABLES IN SCHEMA p TO alice",
          "GRANT ALL ON ALL SEQUENCES IN SCHEMA p TO alice")
    allow_password_only(c, "alice", SECRET)
    yield c
    c.stop()


def test_a_password_is_asked_for_only_when_the_server_wants_one(win, pw_cluster, isolated_settings, monkeypatch):
    from workbench.ui.dialogs import server_open

    answers = ["wrong-guess", SECRET]
    asked = []

    def prompt(parent, loc, message):
        asked.append(message)
        return answers.pop(0)

    monkeypatch.setattr(server_open, "ask_password", prompt)
    url = pw_cluster.url("pw", "p", user="alice")
    assert win.open_project(url)
    assert len(asked) == 2 and "refused" in asked[1]  # asked, refused once, asked again
    assert win.ctx.name == "Faults"
    messages = [win.last_error, win.statusBar().currentMessage(), str(win.ctx.path), win.windowTitle()]
    assert all(SECRET not in m and "wrong-guess" not in m for m in messages)
    assert settings.recent_projects()[0]["path"] == url
    text = settings_text(isolated_settings)
    assert SECRET not in text and "wrong-guess" not in text
    # The password lives in memory for the session: after a restart the window signs in again.
    pw_cluster.halt("fast")
    pw_cluster.resume()
    sid = win.source_model.source_ids()[0]
    cid = next(r.id for r in win.code_model.rows() if r.path == "theme")
    assert win.coding_actions.code_selection(cid, (sid, 0, 5)), win.last_error
    assert len(asked) == 2


def test_declining_the_prompt_opens_nothing_and_says_so(win, pw_cluster, monkeypatch):
    from workbench.ui.dialogs import server_open

    monkeypatch.setattr(server_open, "ask_password", lambda *a: None)
    assert not win.open_project(pw_cluster.url("pw", "p", user="alice"))
    assert win.ctx is None and "no password given" in win.last_error


def test_a_password_from_pgpassfile_needs_no_prompt(win, pw_cluster, tmp_path, monkeypatch):
    from workbench.ui.dialogs import server_open

    passfile = tmp_path / "pgpass"
    passfile.write_text(f"127.0.0.1:{pw_cluster.port}:*:alice:{SECRET}\n")
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    monkeypatch.setattr(server_open, "ask_password", lambda *a: pytest.fail("asked for a password"))
    assert win.open_project(pw_cluster.url("pw", "p", user="alice"))
