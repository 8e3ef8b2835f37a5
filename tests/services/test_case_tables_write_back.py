"""Undo and redo of "Import cases from CSV…" write back what the import changed, and nothing else.

ui.commands.cases.ImportCases keeps the case tables before and after the import; undo writes
back what differs between the two, to the state before (restore_case_tables(p, before,
since=after)), redo the other way. Undo is your own (docs/team.md): a case or attribute a
colleague renamed, described or made in the meantime (on a server project, or the command line
on the same file) keeps what they did; a row the import changed that someone changed since
refuses the undo, and nothing changes. Rows written back go on to a new version, never back.

Expected tables are read with plain SQL and counted by hand from the small project of
tests/conftest.py:

cases       Johannesburg (interview_jhb.txt, policy.txt), Addis Ababa (interview_addis.txt)
attributes  country, region, year_signed
values      Johannesburg: South Africa, Africa, 2001; Addis Ababa: Ethiopia, Africa, 2006

and the import, more.csv: Nairobi (Kenya, policy.txt), Johannesburg's country set to RSA.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select, text

from workbench.core.changes import Kind
from workbench.core.errors import ConflictError
from workbench.services import cases as cs
from workbench.services.case_tables import case_tables, restore_case_tables
from workbench.services.lookup import case_by_name
from workbench.store.models import Attribute

SMALL_VALUES = {("Johannesburg", "country", "South Africa"), ("Johannesburg", "region", "Africa"),
                ("Johannesburg", "year_signed", "2001"), ("Addis Ababa", "country", "Ethiopia"),
                ("Addis Ababa", "region", "Africa"), ("Addis Ababa", "year_signed", "2006")}
SMALL_LINKS = {("Johannesburg", "interview_jhb.txt"), ("Johannesburg", "policy.txt"),
               ("Addis Ababa", "interview_addis.txt")}
MORE_CSV = "name,country,sources\nNairobi,Kenya,policy.txt\nJohannesburg,RSA,interview_jhb.txt\n"


def _read(project) -> dict[str, set]:
    """The case tables by name, read with plain SQL (versions and times left out)."""
    with project.reading() as s:
        def rows(sql):
            return set(s.execute(text(sql)).all())
        return {
            "cases": rows("SELECT name, description FROM case_"),
            "attributes": rows("SELECT name, type FROM attribute"),
            "values": rows("SELECT c.name, a.name, v.value FROM attribute_value v"
                           " JOIN case_ c ON c.id = v.case_id JOIN attribute a ON a.id = v.attribute_id"),
            "links": rows("SELECT c.name, s.name FROM case_source l"
                          " JOIN case_ c ON c.id = l.case_id JOIN source s ON s.id = l.source_id"),
        }


def _case(project, name):
    with project.reading() as s:
        return case_by_name(s, name)


def _attribute(project, name):
    with project.reading() as s:
        return s.scalar(select(Attribute.id).where(Attribute.name == name))


def _version(project, case_name, attribute_name) -> int:
    with project.reading() as s:
        return s.execute(text("SELECT v.version FROM attribute_value v JOIN case_ c ON c.id = v.case_id"
                              " JOIN attribute a ON a.id = v.attribute_id WHERE c.name = :c AND a.name = :a"),
                         {"c": case_name, "a": attribute_name}).scalar_one()


def _changed(changes) -> dict:
    return {(what, kind.name): sorted(changes.ids(what, kind))
            for what in ("created", "updated", "deleted") for kind in Kind if changes.ids(what, kind)}


def _import(project, tmp_path):
    f = tmp_path / "more.csv"
    f.write_text(MORE_CSV, encoding="utf-8")
    before = case_tables(project)  # what ImportCases.do keeps
    cs.import_cases_csv(project, f)
    return before, case_tables(project)


def test_undo_and_redo_of_an_import_keep_a_colleagues_changes_to_rows_it_did_not_touch(project, tmp_path):
    before, after = _import(project, tmp_path)
    nairobi, addis, jhb = _case(project, "Nairobi"), _case(project, "Addis Ababa"), _case(project, "Johannesburg")
    # meanwhile, a colleague: a case renamed and described, an attribute renamed, a case made
    cs.rename_case(project, addis, "Addis")
    cs.describe_case(project, addis, "capital of Ethiopia")
    cs.rename_attribute(project, _attribute(project, "year_signed"), "signed")
    cs.create_case(project, "Kisumu", "on the lake")

    undone = restore_case_tables(project, before, since=after)  # ImportCases.undo
    addis_values = {("Addis", a, v) for c, a, v in SMALL_VALUES if c == "Addis Ababa"}
    small_values = {(c, "signed" if a == "year_signed" else a, v) for c, a, v in SMALL_VALUES if c == "Johannesburg"}
    assert _read(project) == {
        "cases": {("Johannesburg", ""), ("Addis", "capital of Ethiopia"), ("Kisumu", "on the lake")},
        "attributes": {("country", "text"), ("region", "text"), ("signed", "number")},
        "values": small_values | {(c, "signed" if a == "year_signed" else a, v) for c, a, v in addis_values},
        "links": {("Addis" if c == "Addis Ababa" else c, s) for c, s in SMALL_LINKS},
    }
    # Nairobi went (its value and link with it, so they are not named again); Johannesburg's
    # country was written back; nothing of the colleague's is named
    assert _changed(undone) == {("deleted", "CASE"): [nairobi], ("updated", "VALUE"): [jhb]}

    redone = restore_case_tables(project, after, since=before)  # ImportCases.redo
    read = _read(project)
    assert read["cases"] == {("Johannesburg", ""), ("Addis", "capital of Ethiopia"), ("Kisumu", "on the lake"),
                             ("Nairobi", "")}
    assert read["attributes"] == {("country", "text"), ("region", "text"), ("signed", "number")}
    assert ("Johannesburg", "country", "RSA") in read["values"] and ("Nairobi", "country", "Kenya") in read["values"]
    assert ("Johannesburg", "country", "South Africa") not in read["values"]
    assert ("Nairobi", "policy.txt") in read["links"]
    assert _case(project, "Nairobi") == nairobi  # back with its id, so the window's later checks find it
    assert _changed(redone) == {("created", "CASE"): [nairobi], ("updated", "VALUE"): [jhb]}


def test_a_value_written_back_goes_on_to_a_new_version_never_an_old_one(project, tmp_path):
    v0 = _version(project, "Johannesburg", "country")
    before, after = _import(project, tmp_path)
    assert _version(project, "Johannesburg", "country") == v0 + 1  # the import set RSA
    restore_case_tables(project, before, since=after)
    assert _version(project, "Johannesburg", "country") == v0 + 2  # South Africa again, at a new version
    restore_case_tables(project, after, since=before)
    assert _version(project, "Johannesburg", "country") == v0 + 3
    # Addis Ababa's values were never written back: their versions stay
    assert _version(project, "Addis Ababa", "country") == v0


@pytest.mark.parametrize("case", ["Johannesburg", "Nairobi"])  # a value the import changed, and one it made
def test_undo_is_refused_when_a_colleague_changed_a_value_the_import_set(project, tmp_path, case):
    before, after = _import(project, tmp_path)
    cs.set_attribute_value(project, _case(project, case), _attribute(project, "country"), "Suid-Afrika")
    held = _read(project)
    with pytest.raises(ConflictError) as e:
        restore_case_tables(project, before, since=after)
    assert str(e.value) == (f"the value of 'country' for the case {case!r} was changed by someone else since; "
                            "the import was not undone or redone")
    assert _read(project) == held  # nothing written: not Nairobi's removal either


def test_undo_is_refused_when_a_colleague_unlinked_a_source_the_import_linked(project, tmp_path):
    before, after = _import(project, tmp_path)
    nairobi = _case(project, "Nairobi")
    with project.reading() as s:
        policy = s.execute(text("SELECT id FROM source WHERE name = 'policy.txt'")).scalar_one()
    cs.set_links(project, [], [(nairobi, policy)])
    held = _read(project)
    with pytest.raises(ConflictError) as e:
        restore_case_tables(project, before, since=after)
    assert str(e.value) == ("the link of the case 'Nairobi' to the source 'policy.txt' was deleted by someone "
                            "else since; the import was not undone or redone")
    assert _read(project) == held


def test_a_case_and_an_attribute_the_action_changed_are_written_back_at_a_new_version(project):
    """restore_case_tables on its own: an action that described a case and retyped an attribute
    (as an import may) is undone row by row, each row one version on from where it stands."""
    addis, year = _case(project, "Addis Ababa"), _attribute(project, "year_signed")
    state = case_tables(project)
    cs.describe_case(project, addis, "capital of Ethiopia")
    cs.rename_attribute(project, year, "signed")
    since = case_tables(project)
    with project.reading() as s:
        versions = s.execute(text("SELECT (SELECT version FROM case_ WHERE id = :c),"
                                  " (SELECT version FROM attribute WHERE id = :a)"), {"c": addis, "a": year}).one()
    ch = restore_case_tables(project, state, since=since)
    assert ("Addis Ababa", "") in _read(project)["cases"] and ("year_signed", "number") in _read(project)["attributes"]
    with project.reading() as s:
        assert s.execute(text("SELECT (SELECT version FROM case_ WHERE id = :c),"
                              " (SELECT version FROM attribute WHERE id = :a)"), {"c": addis, "a": year}).one() \
            == (versions[0] + 1, versions[1] + 1)
    assert _changed(ch) == {("updated", "CASE"): [addis], ("updated", "ATTRIBUTE"): [year]}


def test_undo_is_refused_when_a_colleague_deleted_a_case_the_import_made(project, tmp_path):
    before, after = _import(project, tmp_path)
    cs.delete_case_kept(project, _case(project, "Nairobi"))
    held = _read(project)
    with pytest.raises(ConflictError, match="^the case 'Nairobi' was deleted by someone else since"):
        restore_case_tables(project, before, since=after)
    assert _read(project) == held


def test_redo_leaves_a_case_made_since_in_the_place_of_the_one_undone(project, tmp_path, engine):
    """After the undo, a colleague makes a case. On a file it takes the id the undone Nairobi had
    (SQLite hands out the largest id plus one again), and redo would have written Nairobi over
    it: it is refused, naming it. On PostgreSQL ids are never handed out twice: both stay."""
    before, after = _import(project, tmp_path)
    nairobi = _case(project, "Nairobi")
    restore_case_tables(project, before, since=after)
    cs.create_case(project, "Kisumu", "on the lake")
    kisumu = _case(project, "Kisumu")
    if engine == "sqlite":
        assert kisumu == nairobi
        held = _read(project)
        with pytest.raises(ConflictError, match="^the case 'Kisumu' was made by someone else since"):
            restore_case_tables(project, after, since=before)
        assert _read(project) == held
    else:
        assert kisumu != nairobi
        restore_case_tables(project, after, since=before)
        assert {("Kisumu", "on the lake"), ("Nairobi", "")} <= _read(project)["cases"]
        assert _case(project, "Kisumu") == kisumu and _case(project, "Nairobi") == nairobi
