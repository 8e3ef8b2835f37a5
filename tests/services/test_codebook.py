"""Codebook actions: each one transaction, deletions leave tombstones, undo data restores exactly."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from workbench.core.errors import ValidationError
from workbench.services import codebook as cb
from workbench.services.lookup import CodeTree, code_by_path
from workbench.store.models import Code, Coding, Memo, Tombstone


def _id(project, path):
    with project.reading() as s:
        return code_by_path(s, path)


def _paths(project):
    with project.reading() as s:
        t = CodeTree(s)
        return [t.path(c) for c in t.in_order()]


def _count(project, model, *where):
    with project.reading() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_create_rejects_a_sibling_that_differs_only_in_case_or_spaces(project):
    with pytest.raises(ValidationError, match="already exists"):
        cb.create_code(project, "  Autonomy ")
    cb.create_code(project, "autonomy", parent_id=_id(project, "provincial constraint"))  # elsewhere is fine


def test_rename_move_recolour(project):
    own = _id(project, "autonomy/own funding")
    cb.rename_code(project, own, "own budget")
    cb.move_code(project, own, None, position=0)
    cb.recolor_code(project, own, "E15759")
    assert _paths(project)[0] == "own budget"
    with project.reading() as s:
        assert s.get(Code, own).color == "#e15759"
    with pytest.raises(ValidationError, match="colour"):
        cb.recolor_code(project, own, "red")


def test_a_code_cannot_move_under_its_own_subcode(project):
    top = _id(project, "development outcome")
    child = _id(project, "development outcome/unrealised objective")
    with pytest.raises(ValidationError, match="under itself"):
        cb.move_code(project, top, child)
    assert "development outcome/unrealised objective" in _paths(project)


def test_delete_with_codings_asks_first_then_leaves_tombstones_and_restores(project):
    top = _id(project, "development outcome")
    with pytest.raises(ValidationError, match="hold 2 codings"):
        cb.delete_code(project, top)
    assert _count(project, Coding) == 8
    snap = cb.delete_code(project, top, force=True, deleted_by="Thandi").result
    assert _count(project, Coding) == 6
    assert "development outcome" not in _paths(project)
    assert _count(project, Tombstone, Tombstone.kind == "code") == 2
    assert _count(project, Tombstone, Tombstone.kind == "coding") == 2
    cb.restore_code(project, snap)
    assert _count(project, Coding) == 8
    assert "development outcome/unrealised objective" in _paths(project)
    assert _count(project, Tombstone) == 0


def test_merge_moves_codings_collapses_same_coder_repeats_and_appends_memos(project):
    from workbench.services.memos import get_memo, set_memo

    own = _id(project, "autonomy/own funding")
    auto = _id(project, "autonomy")
    set_memo(project, "code", own, "money matters")
    set_memo(project, "code", auto, "acting alone")
    cb.merge_codes(project, [own], auto, deleted_by="Thandi")
    assert "autonomy/own funding" not in _paths(project)
    with project.reading() as s:
        assert s.scalar(select(func.count()).select_from(Coding).where(Coding.code_id == auto)) == 3
    memo = get_memo(project, "code", auto)
    assert memo.startswith("acting alone") and "money matters" in memo
    assert _count(project, Memo) == 1
    assert _count(project, Tombstone, Tombstone.kind == "code") == 1


def test_ensure_code_path_creates_missing_parents_once(project):
    with project.transaction() as s:
        cid, created = cb.ensure_code_path_in(s, "outcomes/economic/tourism", create=True)
        assert len(created) == 3
        again, created2 = cb.ensure_code_path_in(s, "Outcomes/ economic /tourism", create=True)
        assert again == cid and created2 == []
