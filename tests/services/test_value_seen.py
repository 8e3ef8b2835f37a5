"""A case's value set from what the user saw (services.cases.set_attribute_value's `seen`): a
cell another person changed meanwhile is refused, not overwritten, on both engines.

Expected values are the project's own rows read back with plain SQL; the small project's
Johannesburg has region 'Africa' and year_signed 2001 (tests/conftest.py's cases.csv).
"""
from __future__ import annotations

import pytest

from store_read import rows
from workbench.core.errors import ConflictError
from workbench.services import cases as cs


def _ids(project_location):
    cid = rows(project_location, "SELECT id FROM case_ WHERE name = 'Johannesburg'")[0][0]
    attr = dict(rows(project_location, "SELECT name, id FROM attribute"))
    return cid, attr


def _value(project_location, cid, aid):
    return rows(project_location, "SELECT value FROM attribute_value WHERE case_id = :c AND attribute_id = :a",
                c=cid, a=aid)


def test_a_value_set_from_the_value_seen_is_set_and_the_stored_value_returned(project, project_location):
    cid, attr = _ids(project_location)
    ch = cs.set_attribute_value(project, cid, attr["year_signed"], " 2,003 ", seen="2001")
    assert ch.result == "2003"  # canonical, as stored
    assert _value(project_location, cid, attr["year_signed"]) == [("2003",)]
    # An empty cell seen as empty takes a value; a value seen takes '' (cleared).
    cs.set_attribute_value(project, cid, attr["region"], "", seen="Africa")
    assert _value(project_location, cid, attr["region"]) == []
    assert cs.set_attribute_value(project, cid, attr["region"], "Southern Africa", seen="").result == "Southern Africa"
    assert _value(project_location, cid, attr["region"]) == [("Southern Africa",)]


@pytest.mark.parametrize("now, seen", [("Southern Africa", "Africa"),  # changed meanwhile
                                       ("", "Africa"),                 # cleared meanwhile
                                       ("Africa", "")])                # set while the cell looked empty
def test_a_value_changed_meanwhile_is_refused_and_left_as_it_is(project, project_location, now, seen):
    cid, attr = _ids(project_location)
    aid = attr["region"]
    cs.set_attribute_value(project, cid, aid, seen)  # what the user saw...
    cs.set_attribute_value(project, cid, aid, now)   # ...and what a colleague made of it since
    before = rows(project_location, "SELECT value, version FROM attribute_value WHERE case_id = :c AND attribute_id = :a",
                  c=cid, a=aid)
    with pytest.raises(ConflictError) as e:
        cs.set_attribute_value(project, cid, aid, "Sub-Saharan Africa", seen=seen)
    assert "'region' of the case 'Johannesburg' was changed by someone else meanwhile" in str(e.value)
    assert (f"it is now {now!r}" if now else "it is now empty") in str(e.value)
    assert rows(project_location, "SELECT value, version FROM attribute_value WHERE case_id = :c AND attribute_id = :a",
                c=cid, a=aid) == before


def test_a_value_of_a_case_or_attribute_deleted_meanwhile_is_refused(project, project_location):
    cid, attr = _ids(project_location)
    cs.delete_attribute_kept(project, attr["region"])
    with pytest.raises(ConflictError, match="attribute was deleted meanwhile"):
        cs.set_attribute_value(project, cid, attr["region"], "x", seen="Africa")
    cs.delete_case_kept(project, cid)
    with pytest.raises(ConflictError, match="case was deleted meanwhile"):
        cs.set_attribute_value(project, cid, attr["country"], "x", seen="South Africa")
