"""Saved queries: keep under a name, list, rerun against the current codings, replace, delete."""
from __future__ import annotations

import pytest

from workbench.core.errors import NotFoundError, ValidationError
from workbench.services.coding import remove_codings
from workbench.services.saved_queries import delete_query, list_queries, load_query, rerun, save_query

DEF = {"filters": {"codes": ["autonomy"], "with_children": True, "coders": ["Thandi"]}, "expr": None}


def test_save_and_rerun(project):
    save_query(project, "Thandi on autonomy", DEF)
    (q,) = list_queries(project)
    assert q.name == "Thandi on autonomy"
    assert q.definition["filters"]["codes"] == ["autonomy"] and q.definition["filters"]["with_children"]
    first = rerun(project, "thandi ON autonomy")
    assert sorted(s.text for s in first) == ["We set our own agenda", "fund the exchanges ourselves"]
    remove_codings(project, [first[0].coding_id])
    assert len(rerun(project, "Thandi on autonomy")) == 1  # reruns see today's codings


def test_expression_queries_are_kept_too(project):
    save_query(project, "overlap", {"filters": {}, "expr": '"autonomy" AND "autonomy/own funding"'})
    assert [s.text for s in rerun(project, "overlap")] == ["fund"]


def test_names_are_unique_unless_replaced(project):
    save_query(project, "q", DEF)
    with pytest.raises(ValidationError, match="already exists"):
        save_query(project, "Q", DEF)
    save_query(project, "Q", {"filters": {"codes": ["provincial constraint"]}}, replace=True)
    (q,) = list_queries(project)
    assert q.name == "Q" and q.definition["filters"]["codes"] == ["provincial constraint"]
    with pytest.raises(NotFoundError) as e:
        load_query(project, "R")
    delete_query(project, "q")
    assert list_queries(project) == []
    with pytest.raises(ValidationError):
        save_query(project, "  ", DEF)
    with pytest.raises(ValidationError, match="no filter named"):
        save_query(project, "bad", {"filters": {"colour": ["red"]}})
    assert e.value.kind == "saved query"
