"""Deciding deletions in a merge: a tombstone on one side against the entity alive on the other.

The rule (docs/merge.md): a deletion applies when the surviving side did no work
on the entity that the deleting side could not have seen: no change to it after
the base time or after the deletion itself, and nothing attached to it (codings,
subcodes, memos, values, links) that the deleting side never knew. Otherwise it
is a conflict whose default keeps the entity, so no one's work is lost silently.
A tombstone "merged into guid:X" is no deletion but a redirect: the entity folds into X.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from workbench.services.merge_conflicts import Ctx
from workbench.services.merge_state import KINDS, State

REDIRECT = re.compile(r"merged into guid:([0-9a-f-]{36})")


@dataclass
class Deletions:
    drop: set[str] = field(default_factory=set)  # GUIDs removed from the side where they were alive
    keep: set[str] = field(default_factory=set)  # GUIDs whose tombstone is overruled
    redirect: dict[str, str] = field(default_factory=dict)  # GUID -> GUID it was folded into


class _Index:
    """What hangs off each entity of one side, to find work done on it."""

    def __init__(self, st: State):
        self.children: dict[str, list[str]] = defaultdict(list)
        for g, r in st.code.items():
            self.children[r.parent].append(g)
        self.by_code: dict[str, list[str]] = defaultdict(list)
        self.by_source: dict[str, list[str]] = defaultdict(list)
        self.by_coder: dict[str, list[str]] = defaultdict(list)
        for g, r in st.coding.items():
            self.by_code[r.code].append(g)
            self.by_source[r.source].append(g)
            self.by_coder[r.coder].append(g)
        self.memos: dict[tuple[str, str | None], list[str]] = defaultdict(list)
        for g, r in st.memo.items():
            self.memos[(r.kind, r.target)].append(g)
        self.values_by_case: dict[str, list[str]] = defaultdict(list)
        self.values_by_attr: dict[str, list[str]] = defaultdict(list)
        for (case, attr), v in st.values.items():
            self.values_by_case[case].append(v.updated_at)
            self.values_by_attr[attr].append(v.updated_at)
        self.links_by_case: dict[str, list[str]] = defaultdict(list)
        self.links_by_source: dict[str, list[str]] = defaultdict(list)
        for (case, source), t in st.links.items():
            self.links_by_case[case].append(t)
            self.links_by_source[source].append(t)


def change_time(row) -> str:
    return getattr(row, "updated_at", None) or row.created_at


def _known(d: State, kind: str, guid: str) -> bool:
    return guid in d.table(kind) or guid in d.tombstones


def work_since(kind: str, guid: str, s: State, d: State, idx: _Index, after: str) -> bool:
    """Whether side s changed the entity, or attached something new to it, that side d has not seen."""
    row = s.table(kind)[guid]
    if change_time(row) > after:
        return True

    def fresh(k: str, g: str) -> bool:
        return not _known(d, k, g) or work_since(k, g, s, d, idx, after)

    if kind != "memo" and any(fresh("memo", m) for m in idx.memos.get((kind, guid), ())):
        return True
    if kind == "code":
        return (any(fresh("code", c) for c in idx.children.get(guid, ()))
                or any(fresh("coding", c) for c in idx.by_code.get(guid, ())))
    if kind == "source":
        return (any(fresh("coding", c) for c in idx.by_source.get(guid, ()))
                or any(t > after for t in idx.links_by_source.get(guid, ())))
    if kind == "case":
        return (any(t > after for t in idx.values_by_case.get(guid, ()))
                or any(t > after for t in idx.links_by_case.get(guid, ())))
    if kind == "attribute":
        return any(t > after for t in idx.values_by_attr.get(guid, ()))
    if kind == "coder":
        return any(not _known(d, "coding", c) for c in idx.by_coder.get(guid, ()))
    return False


def describe(st: State, kind: str, guid: str) -> str:
    """A label the user recognises for an entity of a side."""
    row = st.table(kind).get(guid)
    if row is None:
        return guid
    if kind == "code":
        parts, cur, hops = [], guid, 0
        while cur is not None and cur in st.code and hops < 100:
            parts.append(st.code[cur].name.replace("/", "\\/"))
            cur, hops = st.code[cur].parent, hops + 1
        return "/".join(reversed(parts))
    if kind == "coding":
        src = st.source.get(row.source)
        return f"{describe(st, 'code', row.code)} on {src.name if src else row.source} {row.start}-{row.end}"
    if kind == "memo":
        return f"memo on {row.kind} {describe(st, row.kind, row.target) if row.target else ''}".strip()
    return getattr(row, "name", guid)


def decide_deletions(ctx: Ctx, ours: State, other: State) -> Deletions:
    out = Deletions()
    sides = ((ours, other, "ours"), (other, ours, "other"))
    indexes = {}
    for s, d, survivor in sides:
        for guid, tomb in d.tombstones.items():
            if tomb.kind not in KINDS or guid not in s.table(tomb.kind):
                continue
            m = REDIRECT.search(tomb.detail)
            if m:
                out.redirect[guid] = m.group(1)
                continue
            idx = indexes.get(survivor) or indexes.setdefault(survivor, _Index(s))
            after = min(ctx.base, tomb.deleted_at) if ctx.base else ""
            if not work_since(tomb.kind, guid, s, d, idx, after):
                out.drop.add(guid)
                continue
            alive = ("kept and changed", change_time(s.table(tomb.kind)[guid]))
            dead = (f"deleted by {tomb.deleted_by or 'someone'}", tomb.deleted_at)
            ours_v, other_v = (alive, dead) if survivor == "ours" else (dead, alive)
            res = ctx.conflict("deletion", "deleted", guid, f"{tomb.kind} {describe(s, tomb.kind, guid)}",
                               ours_v, other_v, ["keep", "delete"], "keep")
            if res == "":  # weighed before: leave ours as it is
                res = "keep" if survivor == "ours" else "delete"
            (out.keep if res == "keep" else out.drop).add(guid)
    return out
