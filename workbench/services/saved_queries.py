"""Named queries kept in the project (codes, filters, expression), to rerun later.

A definition is stored as JSON: {"filters": {codes, with_children, sources, cases, attrs,
coders}, "expr": text or null}. Names are unique, compared ignoring case.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select

from workbench.core.changes import Changes, Kind
from workbench.core.errors import NotFoundError, ValidationError
from workbench.core.paths import name_key
from workbench.core.suggest import nearest
from workbench.core.timeutil import now_iso
from workbench.services.tombstones import bury
from workbench.store.models import SavedQuery
from workbench.store.project import Project

_FILTER_KEYS = ("codes", "with_children", "sources", "cases", "attrs", "coders")


@dataclass(frozen=True)
class StoredQuery:
    id: int
    name: str
    definition: dict
    updated_at: str


def normalize_definition(definition: dict) -> dict:
    """Keep only what a query is made of; lists of strings, a flag, an expression."""
    filters = definition.get("filters") or {}
    unknown = set(filters) - set(_FILTER_KEYS)
    if unknown:
        raise ValidationError(f"a saved query has no filter named {sorted(unknown)[0]!r}")
    clean = {k: (bool(filters.get(k)) if k == "with_children" else [str(v) for v in filters.get(k) or []])
             for k in _FILTER_KEYS}
    expr = definition.get("expr")
    return {"filters": clean, "expr": str(expr).strip() if expr and str(expr).strip() else None}


def save_query(project: Project, name: str, definition: dict, replace: bool = False) -> Changes:
    """Keep a query under a name; an existing name is refused unless `replace`."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError("a saved query needs a name")
    body = json.dumps(normalize_definition(definition), ensure_ascii=False, sort_keys=True)
    with project.transaction() as s:
        existing = [q for q in s.scalars(select(SavedQuery)) if name_key(q.name) == name_key(name)]
        if existing and not replace:
            raise ValidationError(f"a saved query named {existing[0].name!r} already exists")
        if existing:
            row = existing[0]
            row.name, row.definition, row.updated_at = name, body, now_iso()
            s.flush()
            return Changes().add("updated", Kind.QUERY, row.id)
        row = SavedQuery(name=name, definition=body)
        s.add(row)
        s.flush()
        return Changes().add("created", Kind.QUERY, row.id)


def list_queries(project: Project) -> list[StoredQuery]:
    with project.reading() as s:
        rows = s.scalars(select(SavedQuery).order_by(SavedQuery.name)).all()
        return [StoredQuery(r.id, r.name, normalize_definition(json.loads(r.definition)), r.updated_at) for r in rows]


def load_query(project: Project, name: str) -> StoredQuery:
    queries = list_queries(project)
    for q in queries:
        if name_key(q.name) == name_key(name):
            return q
    raise NotFoundError("saved query", name, nearest(name, [q.name for q in queries]))


def delete_query(project: Project, name: str, deleted_by: str = "") -> Changes:
    q = load_query(project, name)
    with project.transaction() as s:
        row = s.get(SavedQuery, q.id)
        bury(s, "saved_query", [(row.guid, row.name)], deleted_by)
        s.delete(row)
    return Changes().add("deleted", Kind.QUERY, q.id)


def rerun(project: Project, name: str) -> list:
    """The segments the saved query selects now (the codings may have changed since)."""
    from workbench.query.segments import Filters, query_segments

    q = load_query(project, name)
    return query_segments(project, Filters.from_dict(q.definition["filters"]), q.definition["expr"])
