"""Passage links and merged files: a passage linked or unlinked in one copy survives the merge
(issue 9, finding 6), in both directions, and merging again changes nothing."""
from __future__ import annotations

import shutil

import store_read
from merge_support import canonical, duplicates
from workbench.services import cases
from workbench.services.handout import hand_out
from workbench.services.lookup import case_by_name, source_by_name
from workbench.services.merge import merge_files, plan_merge
from workbench.store.project import open_project

JHB, ADDIS = "Johannesburg", "Addis Ababa"
SRC = "interview_jhb.txt"


def _link(path, case, start, end, source=SRC):
    with open_project(path) as p:
        with p.reading() as s:
            cid, sid = case_by_name(s, case), source_by_name(s, source)
        return cases.link_passage(p, cid, sid, start, end)


def _unlink(path, case, start, end, by="Pieter"):
    with open_project(path) as p:
        cases.unlink_by_name(p, case, SRC, start, end, deleted_by=by)


def _passages(path) -> list[tuple]:
    return sorted(store_read.rows(path, 'SELECT c.name, s.name, p.start, p."end" FROM case_passage p '
                                        "JOIN case_ c ON c.id = p.case_id JOIN source s ON s.id = p.source_id"))


def _copies(project_path, tmp_path):
    """The small project with Addis Ababa 5-20 linked, handed out to Thandi (a) and copied for Pieter (b)."""
    _link(project_path, ADDIS, 5, 20)
    a, b = tmp_path / "a.qwb", tmp_path / "b.qwb"
    with open_project(project_path) as p:
        hand_out(p, a, "Thandi")
    shutil.copy(project_path, b)
    return a, b


def test_passage_links_made_and_removed_in_copies_survive_the_merge(project_path, tmp_path):
    a, b = _copies(project_path, tmp_path)
    _link(a, JHB, 0, 30)    # Thandi links a passage...
    _link(a, ADDIS, 40, 60)
    _link(b, JHB, 0, 30)    # ...Pieter the same one (its own GUID) and another,
    _link(b, JHB, 100, 120)
    _unlink(b, ADDIS, 5, 20)  # and unlinks the one both copies had
    want = [(ADDIS, SRC, 40, 60), (JHB, SRC, 0, 30), (JHB, SRC, 100, 120)]
    results = []
    for name, into, other in (("ab", b, a), ("ba", a, b)):
        result = tmp_path / f"{name}.qwb"
        shutil.copy(into, result)
        with open_project(result) as p:
            plan = plan_merge(p, [other])
            assert plan.conflicts == []
            plan.close()
        merge_files(result, [other])
        assert _passages(result) == want and duplicates(result) == []
        results.append(result)
    assert canonical(results[0]) == canonical(results[1])
    once = canonical(results[0])
    merge_files(results[0], [a])
    merge_files(results[0], [b])
    assert canonical(results[0]) == once
    # the unlink's tombstone travels, so a third copy that still has the link loses it too
    assert store_read.count(results[0], "tombstone WHERE kind = 'case_passage'") >= 2


def test_passage_link_in_a_merged_file_keeps_its_unlink(project_path, tmp_path):
    a, b = _copies(project_path, tmp_path)
    _unlink(a, ADDIS, 5, 20, by="Thandi")
    merge_files(b, [a])
    assert _passages(b) == []
    _link(b, ADDIS, 5, 20)  # linked again after the merge: a new link, kept by the next merge
    merge_files(a, [b])
    assert _passages(a) == [(ADDIS, SRC, 5, 20)]
