"""Team > People and roles on a team project on the test server (issue 14, item 6); who codes is the
role signed in. Members and grants are read back by raw SQL as the superuser."""
from __future__ import annotations

import pytest

from team_helpers import Team, ensure_login
from workbench.store import project as store_project
from workbench.store.team_admin import grant, init_team_project
from workbench.store.team_roles import role_names
from workbench.ui import settings


@pytest.fixture
def team(pg_databases):
    ensure_login(pg_databases.cluster, "alice", "bob")
    name = pg_databases.fresh()
    t = Team(pg_databases.cluster, name)
    init_team_project(t.url(), "Study")
    grant(t.url(), "alice", "coder")
    yield t
    pg_databases.drop(name)


def open_window(qtbot, url):
    """The main window on the team project at url."""
    from workbench.ui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    assert w.open_project(url), w.last_error
    return w


def memberships(team, login):
    roles = role_names(team.database, "p")
    kinds = {r: k for k, r in roles.items()}
    return [kinds[g] for (g,) in team.sql(
        "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g "
        "ON g.oid = m.roleid WHERE r.rolname = %s AND g.rolname = ANY(%s)", (login, list(roles.values())))]


def test_an_owner_sees_the_members_and_grants_and_revokes(qtbot, team):
    w = open_window(qtbot, team.url())
    try:
        assert w.team_actions.people.isEnabled()
        assert w.ctx.coder_name == "wb" and not w.coder_action.isEnabled()
        dialog = w.team_actions.roles_dialog()
        assert dialog.members() == [("alice", "coder")]  # wb is a superuser, no member
        assert dialog.grant_button.isEnabled()
        dialog.login.setText("bob")
        dialog.role.setCurrentIndex(dialog.role.findData("reader"))
        assert dialog.grant(), dialog.message.text()
        assert dialog.members() == [("alice", "coder"), ("bob", "reader")]
        assert memberships(team, "bob") == ["reader"]
        assert team.sql("SELECT 1 FROM coder WHERE name = 'bob'") == [(1,)]
        dialog.login.setText("nobody_at_all")
        assert not dialog.grant()
        assert "CREATE ROLE" in dialog.message.text()
        dialog.table.selectRow(0)
        assert dialog.revoke()
        assert dialog.members() == [("bob", "reader")] and memberships(team, "alice") == []
        dialog.close()
    finally:
        w.close_project()


def test_a_coder_sees_the_members_codes_as_themselves_and_cannot_grant(qtbot, team):
    w = open_window(qtbot, team.url(user="alice"))
    try:
        assert w.ctx.coder_name == "alice" and w.status_coder.text() == "Coder: alice"
        assert not w.coder_action.isEnabled()
        w.ctx.set_coder("Thandi")  # nobody can change who codes
        assert w.ctx.coder_name == "alice"
        assert w.ctx.ensure_coder() == team.coder_id("alice")
        dialog = w.team_actions.roles_dialog()
        assert dialog.members() == [("alice", "coder")]
        assert not dialog.grant_button.isEnabled() and not dialog.revoke_button.isEnabled()
        assert "Only an owner" in dialog.note.text()
        dialog.close()
    finally:
        w.close_project()


def test_people_and_roles_is_off_for_a_project_file(qtbot, project_path):
    from workbench.ui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    assert not w.team_actions.people.isEnabled()
    assert w.open_project(project_path)
    try:
        assert not w.team_actions.people.isEnabled() and w.coder_action.isEnabled()
        assert w.team_actions.roles_dialog() is None
    finally:
        w.close_project()


def test_a_coder_codes_in_the_window_as_the_role_signed_in(qtbot, team, tmp_path):
    from ui_helpers import code_id, select_phrase, source_id

    from workbench.services.codebook import create_code
    from workbench.services.sources import import_files

    src = tmp_path / "jhb.txt"
    src.write_text("We set our own agenda and fund the exchanges ourselves.\n", encoding="utf-8")
    with store_project.open_project(team.url()) as p:
        import_files(p, [src], coder="wb")
        create_code(p, "autonomy")
    settings.set_coder_name("Thandi")  # whatever this computer remembers, a team project codes as alice
    w = open_window(qtbot, team.url(user="alice"))
    try:
        w.open_source(source_id(w, "jhb.txt"))
        select_phrase(w, "our own agenda")
        assert w.coding_actions.code_selection(code_id(w, "autonomy")), w.last_error
        assert team.sql("SELECT c.name, g.start, g.\"end\" FROM coding g JOIN coder c ON c.id = g.coder_id") \
            == [("alice", 7, 21)]
    finally:
        w.close_project()
    assert settings.coder_name() == "Thandi"


def test_a_coder_creates_a_code_in_the_window_where_the_owner_allows_it(qtbot, team):
    team.sql("UPDATE project_meta SET value = 'yes' WHERE key = 'coders_create_codes'")
    w = open_window(qtbot, team.url(user="alice"))
    try:
        assert w.codebook_actions.create("my code") is not None, w.last_error
    finally:
        w.close_project()
    assert team.sql("SELECT c.name FROM code k JOIN coder c ON c.id = k.created_by_id WHERE k.name = 'my code'") \
        == [("alice",)]
