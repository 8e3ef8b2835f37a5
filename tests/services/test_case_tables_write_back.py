"""restore_case_tables writes back a case or attribute row that changed since its snapshot.

Undo of "Import cases from CSV…" (ui.commands.cases.ImportCases) keeps the case tables before
and after the import and writes one back. The window's undo check looks only at the rows the
import made or updated (docs/team.md), so a case or attribute the import did not touch can have
been renamed meanwhile (a colleague on a server project, the command line on the same file):
the restore must write that row back by its own id. Expected tables are read with plain SQL and
compared with what the small project of tests/conftest.py holds, counted by hand:

cases       Johannesburg (interview_jhb.txt, policy.txt), Addis Ababa (interview_addis.txt)
attributes  country, region, year_signed
values      Johannesburg: South Africa, Africa, 2001; Addis Ababa: Ethiopia, Africa, 2006
"""
from __future__ import annotations

from sqlalchemy import select, text

from workbench.core.changes import Kind
from workbench.services import cases as cs
from workbench.services.case_tables import case_tables, restore_case_tables
from workbench.services.lookup import case_by_name
from workbench.store.models import Attribute

SMALL_VALUES = {("Johannesburg", "country", "South Africa"), ("Johannesburg", "region", "Africa"),
                ("Johannesburg", "year_signed", "2001"), ("Addis Ababa", "country", "Ethiopia"),
                ("Addis Ababa", "region", "Africa"), ("Addis Ababa", "year_signed", "2006")}
SMALL_LINKS = {("Johannesburg", "interview_jhb.txt"), ("Johannesburg", "policy.txt"),
               ("Addis Ababa", "interview_addis.txt")}


def _read(project) -> dict[str, set]:
    """The case tables by name, read with plain SQL (versions and times left out)."""
    with project.reading() as s:
        def rows(sql):
            return set(s.execute(text(sql)).all())
        return {
            "cases": rows("SELECT name, name_key, description FROM case_"),
            "attributes": rows("SELECT name, name_key, type FROM attribute"),
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


def _changed(changes) -> dict:
    return {(what, kind.name): sorted(changes.ids(what, kind))
            for what in ("created", "updated", "deleted") for kind in Kind if changes.ids(what, kind)}


def test_undo_and_redo_of_an_import_write_back_a_case_and_an_attribute_renamed_meanwhile(project, tmp_path):
    f = tmp_path / "more.csv"
    f.write_text("name,country,sources\nNairobi,Kenya,policy.txt\n", encoding="utf-8")
    before = case_tables(project)  # what ImportCases.do keeps
    cs.import_cases_csv(project, f)
    after = case_tables(project)
    nairobi, addis = _case(project, "Nairobi"), _case(project, "Addis Ababa")
    year = _attribute(project, "year_signed")
    # meanwhile, rows the import never touched change: a case renamed and described, an attribute renamed
    cs.rename_case(project, addis, "Addis")
    cs.describe_case(project, addis, "capital of Ethiopia")
    cs.rename_attribute(project, year, "signed")

    undone = restore_case_tables(project, before)  # ImportCases.undo
    assert _read(project) == {
        "cases": {("Johannesburg", "johannesburg", ""), ("Addis Ababa", "addis ababa", "")},
        "attributes": {("country", "country", "text"), ("region", "region", "text"),
                       ("year_signed", "year_signed", "number")},
        "values": SMALL_VALUES,
        "links": SMALL_LINKS,
    }
    # Nairobi went (its value and link with it, so they are not named again); Addis Ababa and
    # year_signed were written back
    assert _changed(undone) == {("deleted", "CASE"): [nairobi], ("updated", "CASE"): [addis],
                                ("updated", "ATTRIBUTE"): [year]}

    cs.rename_case(project, _case(project, "Johannesburg"), "Joburg")
    redone = restore_case_tables(project, after)  # ImportCases.redo
    assert _read(project) == {
        "cases": {("Johannesburg", "johannesburg", ""), ("Addis Ababa", "addis ababa", ""),
                  ("Nairobi", "nairobi", "")},
        "attributes": {("country", "country", "text"), ("region", "region", "text"),
                       ("year_signed", "year_signed", "number")},
        "values": SMALL_VALUES | {("Nairobi", "country", "Kenya")},
        "links": SMALL_LINKS | {("Nairobi", "policy.txt")},
    }
    assert _changed(redone) == {("created", "CASE"): [nairobi],
                                ("updated", "CASE"): [_case(project, "Johannesburg")]}


def test_the_only_case_renamed_since_the_snapshot_gets_its_name_back(empty_project):
    p = empty_project
    cs.create_case(p, "Nairobi", "on the coast road")
    cs.create_attribute(p, "population", "number")
    state = case_tables(p)
    case, attr = _case(p, "Nairobi"), _attribute(p, "population")
    cs.rename_case(p, case, "Kisumu")
    cs.describe_case(p, case, "on the lake")
    cs.rename_attribute(p, attr, "inhabitants")
    ch = restore_case_tables(p, state)
    assert _read(p) == {"cases": {("Nairobi", "nairobi", "on the coast road")},
                        "attributes": {("population", "population", "number")},
                        "values": set(), "links": set()}
    assert _changed(ch) == {("updated", "CASE"): [case], ("updated", "ATTRIBUTE"): [attr]}
