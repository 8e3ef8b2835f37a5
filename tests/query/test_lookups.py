"""The small reads the window goes through (query/lookups.py), on both engines; expected values
read with plain SQL, never through the function under test."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from workbench.query import lookups as lk
from workbench.services import sources


def _sql(project, sql: str) -> list[tuple]:
    with project.reading() as s:
        return [tuple(r) for r in s.execute(text(sql))]


def test_fields_names_and_existence(project):
    cid, name, color, desc = _sql(project, "SELECT id, name, color, description FROM code ORDER BY id")[0]
    assert lk.field_of(project, "code", cid, "name") == name
    assert lk.field_of(project, "code", cid, "color") == color
    assert lk.field_of(project, "code", cid, "description") == desc
    case_id, case_name = _sql(project, "SELECT id, name FROM case_ ORDER BY id")[0]
    assert lk.name_of(project, "case", case_id) == case_name
    assert lk.name_of(project, "case", 10**6) == "" and lk.field_of(project, "case", 10**6, "name") is None
    assert lk.exists(project, "case", case_id) and not lk.exists(project, "source", 10**6)
    with pytest.raises(ValueError):
        lk.field_of(project, "code", cid, "position")  # only the fields the window reads


def test_pick_lists_in_their_order(project):
    assert lk.source_order(project) == _sql(project, "SELECT id, name FROM source ORDER BY position, name")
    assert lk.source_names(project) == dict(_sql(project, "SELECT id, name FROM source"))
    assert lk.attribute_names(project) == [r[0] for r in _sql(project, "SELECT name FROM attribute "
                                                                       "ORDER BY position, name")]
    assert lk.coder_names(project) == [r[0] for r in _sql(project, "SELECT name FROM coder ORDER BY name")]
    assert lk.case_names_ordered(project) == [r[0] for r in _sql(project, "SELECT name FROM case_ "
                                                                          "ORDER BY position, name")]
    assert lk.code_colors(project) == dict(_sql(project, "SELECT id, color FROM code"))
    tree = lk.code_tree(project)
    assert set(tree.parent) == {r[0] for r in _sql(project, "SELECT id FROM code")}


def test_links_folders_and_coding_guids(project):
    links = _sql(project, "SELECT case_id, source_id FROM case_source")
    case_id, source_id = links[0]
    assert lk.sources_of_case(project, case_id) == {s for c, s in links if c == case_id}
    assert lk.cases_of_source(project, source_id) == {c for c, s in links if s == source_id}
    fid = sources.create_folder(project, "Interviews").first_created
    sources.move_to_folder(project, [source_id], fid)
    assert lk.folder_members(project, fid) == [source_id]
    assert lk.folder_of_sources(project, [source_id]) == {source_id: fid}
    guid = _sql(project, f"SELECT guid FROM source_folder WHERE id = {fid}")[0][0]
    assert lk.folder_record(project, fid) == {"name": "Interviews", "parent_id": None, "guid": guid}
    assert lk.folder_record(project, 10**6) == {}
    codings = _sql(project, "SELECT id, guid FROM coding ORDER BY id")[:3]
    ids, guids = [c[0] for c in codings], [c[1] for c in codings]
    assert lk.coding_guids(project, list(reversed(ids))) == guids  # id order
    assert lk.coding_ids(project, list(reversed(guids)) + ["no-such-guid"]) == list(reversed(ids))  # the GUIDs' order
