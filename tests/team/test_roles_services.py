"""A coder works through the program's own services on a team project (issue 14): code, uncode,
undo the uncode, write and remove their memos; what they may not do ends in one clear error and
leaves the project as it was. Read back by raw SQL as the superuser."""
from __future__ import annotations

import pytest

from test_roles_policies import team  # noqa: F401 - the fixture
from workbench.core.errors import WorkbenchError
from workbench.services import codebook, coding, memos
from workbench.services.coders import default_coder_name, ensure_coder
from workbench.store.project import open_project


def test_a_coder_codes_uncodes_and_undoes_through_the_services(team):  # noqa: F811
    with open_project(team.url(user="alice")) as p:
        assert p.team and default_coder_name(p) == "alice"
        with p.transaction() as s:
            me = ensure_coder(s, default_coder_name(p))
        assert me == team.coder_id("alice")
        sid, cid = team.one("SELECT min(id) FROM source"), team.one("SELECT min(id) FROM code")
        made = coding.apply_code(p, sid, cid, me, 0, 10).created[coding.Kind.CODING][0]
        records = coding.remove_codings(p, [made], deleted_by="alice").result
        assert team.sql("SELECT 1 FROM coding WHERE id = %s", (made,)) == []
        coding.restore_codings(p, records)  # undo: the same GUID back, its tombstone gone
        assert team.one("SELECT coder_id FROM coding WHERE guid = %s", (records[0].guid,)) == me
        assert team.sql("SELECT 1 FROM tombstone WHERE guid = %s", (records[0].guid,)) == []
        back = team.one("SELECT id FROM coding WHERE guid = %s", (records[0].guid,))
        memos.set_memo(p, "coding", back, "why I coded this", author_id=me)
        assert team.one("SELECT author_id FROM memo WHERE coding_id = %s", (back,)) == me
        memos.set_memo(p, "coding", back, "", author_id=me)  # emptied: removed, with its tombstone
        assert team.sql("SELECT 1 FROM memo WHERE coding_id = %s", (back,)) == []
        assert team.one("SELECT count(*) FROM tombstone WHERE kind = 'memo' AND deleted_by = 'alice'") == 1


def test_what_a_coder_may_not_do_fails_in_one_line_and_changes_nothing(team):  # noqa: F811
    thandi = team.coder_id("Thandi")
    theirs = team.one("SELECT min(id) FROM coding WHERE coder_id = %s", (thandi,))
    codes = team.sql("SELECT id, name, parent_id FROM code ORDER BY id")
    with open_project(team.url(user="alice")) as p:
        with pytest.raises(WorkbenchError, match="does not let this user"):
            coding.remove_codings(p, [theirs], deleted_by="alice")
        with pytest.raises(WorkbenchError, match="does not let this user"):
            codebook.rename_code(p, codes[0][0], "mine now")
        with pytest.raises(WorkbenchError, match="does not let this user"):
            codebook.move_code(p, codes[1][0], None)
        with pytest.raises(WorkbenchError, match="does not let this user"):
            codebook.create_code(p, "new code")
    assert team.one("SELECT coder_id FROM coding WHERE id = %s", (theirs,)) == thandi
    assert team.sql("SELECT id, name, parent_id FROM code ORDER BY id") == codes
    assert team.sql("SELECT 1 FROM tombstone") == []


def test_a_coder_fails_to_overwrite_someone_elses_memo_in_one_line(team):  # noqa: F811
    thandi, sid = team.coder_id("Thandi"), team.one("SELECT min(id) FROM source")
    team.sql("INSERT INTO memo (guid, title, text, source_id, author_id, created_at, updated_at) "
             "VALUES ('m-1', '', 'hers', %s, %s, '', '')", (sid, thandi))
    with open_project(team.url(user="alice")) as p:
        with pytest.raises(WorkbenchError, match="someone else's"):
            memos.set_memo(p, "source", sid, "mine", author_id=team.coder_id("alice"))
        with pytest.raises(WorkbenchError, match="does not let this user|someone else's"):
            memos.set_memo(p, "source", sid, "", author_id=team.coder_id("alice"))
    assert team.sql("SELECT text, author_id FROM memo WHERE source_id = %s", (sid,)) == [("hers", thandi)]


def test_an_owner_grants_through_the_services_and_the_new_coder_is_in_the_changes(team):  # noqa: F811
    from team_helpers import ensure_login

    from workbench.core.changes import Kind
    from workbench.services import team as team_service

    ensure_login(team.cluster, "erin")
    with open_project(team.url(user="dave")) as p:
        assert team_service.my_kind(p) == "owner"
        changes = team_service.grant(p, "erin", "reader")
        assert changes.created[Kind.CODER] == [team.coder_id("erin")]
        assert not team_service.grant(p, "erin", "coder").created  # a role changed, no row made
        assert ("erin", "coder") in team_service.members(p)
        assert team_service.revoke(p, "erin").result is True
    with open_project(team.url(user="alice")) as p:
        assert team_service.my_kind(p) == "coder"
        with pytest.raises(WorkbenchError, match="does not let this user|permission denied|must have admin"):
            team_service.grant(p, "erin", "owner")
