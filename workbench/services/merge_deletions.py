"""Deciding deletions in a merge: a tombstone on one side against the entity alive on the other.

The rule (docs/merge.md): a deletion applies when the surviving side did no work
on the entity that the deleting side could not have seen: no change to it after
the base time or after the deletion itself, and nothing attached to it (codings,
subcodes, memos, values, links) that the deleting side never knew. Otherwise it
is a conflict whose default keeps the entity, so no one's work is lost silently.
So is a deletion that takes another coder's coding or memo with it (the tombstone
names who deleted; the coding its coder, the memo its author), even with no work since.
A tombstone "merged into guid:X" is no deletion but a redirect: the entity folds into X;
where X does not stay, a code kept for the work on it stays unfolded (unfold_kept_work).
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from workbench.core.paths import name_key
from workbench.services.merge_conflicts import Ctx, _j, unfolded_before
from workbench.services.merge_state import KINDS, State, TombRow
from workbench.services.tombstones import deleters, pair_guid
from workbench.store.peek import source_excerpt

REDIRECT = re.compile(r"merged into guid:([0-9a-f-]{36})")


@dataclass
class Deletions:
    # GUIDs removed from the side where they were alive / whose tombstone is overruled; for attribute
    # values and case-source links the GUID derived from the pair (tombstones.pair_guid)
    drop: set[str] = field(default_factory=set)
    keep: set[str] = field(default_factory=set)
    redirect: dict[str, str] = field(default_factory=dict)  # GUID -> GUID it was folded into
    # of drop, those that go by an answer (delete) given now or in an earlier merge, with what
    # was decided along with them: what hangs on them goes too (deletion-conflict-keeps)
    refused: set[str] = field(default_factory=set)


class _Index:
    """What hangs off each entity of one side, to find work done on it. An entity the other side
    folded into another (a redirect) hangs off the one it folds into: work on it is work there."""

    def __init__(self, st: State, redirect: dict[str, str]):
        self.redirect = redirect
        self.folded: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for kind in KINDS:
            for g in st.table(kind):
                if g in redirect:
                    self.folded[self.target(g)].append((kind, g))
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
        self.passages_by_case: dict[str, list[str]] = defaultdict(list)
        self.passages_by_source: dict[str, list[str]] = defaultdict(list)
        for g, p in st.case_passage.items():
            self.passages_by_case[p.case].append(g)
            self.passages_by_source[p.source].append(g)
        self.subfolders: dict[str | None, list[str]] = defaultdict(list)
        for g, f in st.folder.items():
            self.subfolders[f.parent].append(g)
        self.by_folder: dict[str, list[str]] = defaultdict(list)
        for g, r in st.source.items():
            if r.folder is not None:
                self.by_folder[r.folder].append(g)

    def target(self, guid: str | None) -> str | None:
        """Where an entity ends up after the redirects (itself when it is not folded)."""
        hops = 0
        while guid in self.redirect and hops < 1000:
            guid, hops = self.redirect[guid], hops + 1
        return guid


def change_time(row) -> str:
    return getattr(row, "updated_at", None) or row.created_at


def _known(d: State, kind: str, guid: str) -> bool:
    return guid in d.table(kind) or guid in d.tombstones


def work_since(kind: str, guid: str, s: State, d: State, idx: _Index, after: str,
               _seen: set[tuple[str, str]] | None = None) -> bool:
    """Whether side s changed the entity, or attached something new to it, that side d has not seen.

    Each entity is looked at once: what hangs on an entity on one side and what was folded into
    it on the other can lead back to it (a code under B here, B folded into that code there)."""
    seen = set() if _seen is None else _seen
    if (kind, guid) in seen:
        return False  # being looked at already, further up
    seen.add((kind, guid))
    row = s.table(kind)[guid]
    if change_time(row) > after:
        return True

    def fresh(k: str, g: str) -> bool:
        return not _known(d, k, g) or work_since(k, g, s, d, idx, after, seen)

    if kind != "memo" and any(fresh("memo", m) for m in idx.memos.get((kind, guid), ())):
        return True
    if any(fresh(k, g) for k, g in idx.folded.get(guid, ())):
        return True
    if kind == "code":
        return (any(fresh("code", c) for c in idx.children.get(guid, ()))
                or any(fresh("coding", c) for c in idx.by_code.get(guid, ())))
    if kind == "source":
        return (any(fresh("coding", c) for c in idx.by_source.get(guid, ()))
                or any(t > after for t in idx.links_by_source.get(guid, ()))
                or any(fresh("case_passage", p) for p in idx.passages_by_source.get(guid, ())))
    if kind == "case":
        return (any(t > after for t in idx.values_by_case.get(guid, ()))
                or any(t > after for t in idx.links_by_case.get(guid, ()))
                or any(fresh("case_passage", p) for p in idx.passages_by_case.get(guid, ())))
    if kind == "attribute":
        return any(t > after for t in idx.values_by_attr.get(guid, ()))
    if kind == "coder":
        return any(not _known(d, "coding", c) for c in idx.by_coder.get(guid, ()))
    if kind == "folder":  # a source filed in it (or changed while in it) since, or a new subfolder
        return (any(not _known(d, "source", g) or change_time(s.source[g]) > after
                    for g in idx.by_folder.get(guid, ()))
                or any(fresh("folder", f) for f in idx.subfolders.get(guid, ())))
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
    if kind == "case_passage":
        src = st.source.get(row.source)
        return f"{describe(st, 'case', row.case)}: {src.name if src else row.source} {row.start}-{row.end}"
    return getattr(row, "name", guid)


def _same_person(owner: str, deleted_by: str) -> bool:
    """Whether the owner is among those who deleted it; a deletion that names no one cannot be
    told apart from someone else's."""
    return any(name_key(owner) == name_key(n) for n in deleters(deleted_by))


def _owner(s: State, kind: str, guid: str) -> str | None:
    """Whose work an entity is: a coding's coder, a memo's author (None: no one's in particular)."""
    row = s.table(kind)[guid]
    who = row.coder if kind == "coding" else row.author if kind == "memo" else None
    coder = s.coder.get(who) if who else None
    return coder.name if coder else None


def others_work(kind: str, guid: str, s: State, d: State, idx: _Index) -> list[tuple[str, str, str]]:
    """Codings and memos that side d deleted with this entity (or deleted itself) although another
    coder made them: (kind, guid, owner) for the entity itself and what hangs on it, each once
    (the walk can lead back to where it started, as in work_since)."""
    out: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()

    def visit(k: str, g: str) -> None:
        if (k, g) in seen:
            return
        seen.add((k, g))
        tomb = d.tombstones.get(g)
        if tomb is None or g not in s.table(k):
            return  # not deleted there: nothing of it is lost by this deletion
        if REDIRECT.search(tomb.detail) is None:
            owner = _owner(s, k, g)
            if owner is not None and not _same_person(owner, tomb.deleted_by):
                out.append((k, g, owner))
        for fk, fg in idx.folded.get(g, ()):  # folded into it: goes with it
            visit(fk, fg)
        if k != "memo":
            for m in idx.memos.get((k, g), ()):
                visit("memo", m)
        if k == "code":
            for c in idx.children.get(g, ()):
                visit("code", c)
            for c in idx.by_code.get(g, ()):
                visit("coding", c)
        elif k == "source":
            for c in idx.by_source.get(g, ()):
                visit("coding", c)

    visit(kind, guid)
    return out


def passage(st: State, coding: str) -> str:
    """A coding's offsets and the start of its text, read from the file the side came from."""
    row = st.coding[coding]
    text = ""
    src = st.source.get(row.source)
    if src is not None and src.file:
        text = source_excerpt(src.file, row.source, row.start, min(row.end - row.start, 80))
    quote = " ".join(text.split())
    if row.end - row.start > 80:
        quote += "…"
    return f"{describe(st, 'coding', coding)} “{quote}”" if quote else describe(st, "coding", coding)


def _work_label(s: State, work: list[tuple[str, str, str]]) -> str:
    k, g, owner = work[0]
    what = passage(s, g) if k == "coding" else describe(s, k, g)
    more = f" and {len(work) - 1} more" if len(work) > 1 else ""
    return f"{'coding' if k == 'coding' else 'memo'} by {owner}: {what}{more}"


def _containers(kind: str, guid: str, s: State, idx: _Index) -> list[str]:
    """What an entity is deleted with when its container goes: a coding's code and source, a
    memo's target, a code's parent (each where it ends up after the redirects)."""
    row = s.table(kind)[guid]
    if kind == "coding":
        found = [row.code, row.source]
    elif kind == "case_passage":
        found = [row.case, row.source]
    elif kind == "memo":
        found = [row.target] if row.target else []
    elif kind == "code":
        found = [row.parent] if row.parent else []
    else:
        found = []
    return [idx.target(g) for g in found]


def _order(s: State, kind: str, guid: str) -> tuple:
    depth, cur = 0, s.code[guid].parent if kind == "code" else None
    while cur is not None and cur in s.code and depth < 1000:
        depth, cur = depth + 1, s.code[cur].parent
    return KINDS.index(kind), depth, guid


def decide_deletions(ctx: Ctx, ours: State, other: State) -> Deletions:
    """Which tombstones of either side remove what the other side still has (docs/merge.md)."""
    out = Deletions()
    sides = ((ours, other, "ours"), (other, ours, "other"))
    found: dict[str, list] = {}
    for s, d, survivor in sides:
        found[survivor] = []
        for g, t in d.tombstones.items():
            if t.kind in KINDS and g in s.table(t.kind) and g not in d.table(t.kind):
                m = REDIRECT.search(t.detail)
                if m:
                    out.redirect[g] = m.group(1)
                else:
                    found[survivor].append((g, t))
    _follow_dead_ends(ours, other, out.redirect)
    _break_cycles(out.redirect, {g for st in (ours, other) for k in KINDS for g in st.table(k)})
    for s, d, survivor in sides:
        idx = _Index(s, out.redirect) if found[survivor] else None
        decided: dict[str, bool] = {}  # this side's entities deleted on the other: kept?
        for guid, tomb in sorted(found[survivor], key=lambda x: _order(s, x[1].kind, x[0])):
            kept = _decide(ctx, s, d, survivor, guid, tomb, idx, decided)
            decided[guid] = kept
            (out.keep if kept else out.drop).add(guid)
            if not kept and (f"deletion:{guid}:deleted" in ctx.asked_by
                             or _answer_before(ctx, guid, tomb) == "delete"):
                out.refused.add(guid)
        _decide_others(ctx, s, d, survivor, out)
    return out


def unfold_kept_work(ours: State, other: State, dels: Deletions) -> list[dict]:
    """Kept work never disappears because the code it was folded into did not stay (docs/merge.md,
    kept-work-keeps-its-code). A coding that stays (never deleted, or kept by an answer) follows
    its code's chain of redirects to the last code of the chain that stays; when none of the
    chain stays (the target deleted in both files, or on one side only and unknown to the other),
    its own code stays with it, unfolded: its redirect is dropped from dels.redirect, so the code
    and what hangs on it are merged as if it had never been folded. Not where a code of the
    chain went by an answer (delete), which takes what hangs on it. Returns one report line
    (a match, by "unfolded") per code kept so, but for a code this project already keeps so (an
    earlier merge into it reported it unfolded from the same redirect: the same file again)."""
    staying = {g for st in (ours, other) for g in st.code if g not in dels.drop and g not in dels.redirect}
    sources = {g for st in (ours, other) for g in st.source if g not in dels.drop and g not in dels.redirect}

    def chain(g: str) -> list[str]:
        out, hops = [g], 0
        while out[-1] in dels.redirect and hops < 1000:
            out.append(dels.redirect[out[-1]])
            hops += 1
        return out

    unfolded: dict[str, str] = {}
    changed = True
    while changed:  # an unfolded code may be where another chain now ends: until nothing changes
        changed = False
        for g in sorted(set(ours.coding) | set(other.coding)):
            if g in dels.drop or g in dels.redirect:
                continue
            rows = sorted(r for r in (ours.coding.get(g), other.coding.get(g)) if r is not None)
            if any(any(c in staying for c in chain(r.code)) for r in rows):
                continue  # it lands on a code that stays (or its own code was never folded)
            if not any(chain(r.source)[-1] in sources for r in rows):
                continue  # it goes with its source all the same: no code to keep for it
            folded = [r for r in rows if r.code in dels.redirect]
            if not folded or any(any(c in dels.refused for c in chain(r.code)) for r in rows):
                continue  # its code went by a deletion, or with a code answered delete: it goes too
            code = folded[0].code
            unfolded[code] = dels.redirect.pop(code)
            staying.add(code)
            changed = True
    # Already unfolded here: the code stays in this project, and an earlier merge into it reported
    # it unfolded from the same redirect (the other file still holds that tombstone). Kept as it
    # is; nothing is unfolded by this merge, so no line (weighed-before-not-asked).
    before = {(g, m.group(1)) for g, was in unfolded_before(ours) if (m := REDIRECT.match(was))}
    lines = []
    for code in sorted(unfolded):
        if code in ours.code and (code, unfolded[code]) in before:
            continue
        st = ours if code in ours.code else other
        lines.append({"kind": "code", "by": "unfolded", "guid": code, "name": describe(st, "code", code),
                      "was": f"merged into guid:{unfolded[code]}, which does not stay: kept for the work on it"})
    return lines


def _follow_dead_ends(ours: State, other: State, redirect: dict[str, str]) -> None:
    """Redirects of entities alive on neither side still lead somewhere: X folded into Y on one
    side and Y into Z on the other sends X to Z. Of two redirects of one GUID the merged
    tombstone's wins (the earlier)."""
    for g in set(ours.tombstones) | set(other.tombstones):
        if g in redirect:
            continue
        tombs = [t for t in (ours.tombstones.get(g), other.tombstones.get(g)) if t is not None]
        best = min(tombs, key=rank)
        m = REDIRECT.search(best.detail)
        if m and not (ours.alive(g) or other.alive(g)):
            redirect[g] = m.group(1)


def rank(t: TombRow) -> tuple:
    """Which of two tombstones of one GUID stays: a redirect says more than a deletion; then the
    earliest; then by the remaining fields, so either merge direction keeps the same one."""
    return REDIRECT.search(t.detail) is None, t.deleted_at, t.detail, t.deleted_by, t.kind


def _break_cycles(redirect: dict[str, str], alive: set[str]) -> None:
    """Each side folded the other's entity into its own (A into B here, B into A there): the
    redirects form a loop. Of the entities in it still alive on a side, the one with the smallest
    GUID stays (of all, when none is); the others fold into it."""
    for start in sorted(redirect):
        seen, cur = [], start
        while cur in redirect and cur not in seen:
            seen.append(cur)
            cur = redirect[cur]
        if cur in seen:
            loop = seen[seen.index(cur):]
            del redirect[min([g for g in loop if g in alive] or loop)]


def _decide(ctx: Ctx, s: State, d: State, survivor: str, guid: str, tomb, idx: _Index,
            decided: dict[str, bool]) -> bool:
    """Whether one entity of side s, deleted on side d, stays."""
    kind = tomb.kind
    answer = _answer_before(ctx, guid, tomb)
    if answer is not None and not (answer == "keep" and survivor == "other"):
        return survivor == "ours"  # asked in an earlier merge into this project: as it is
    # Never asked; or kept then, yet gone from ours all the same (what it hangs on did not stay
    # in that merge: its code deleted in both files, say). Ours then holds the tombstone, not the
    # answer: it is weighed afresh, as the other merge direction (with no record) weighs it.
    after = min(ctx.base, tomb.deleted_at) if ctx.base else ""
    changed = work_since(kind, guid, s, d, idx, after)
    if kind == "case_passage" and not changed:  # no one's work of its own: goes or stays with its case
        with_it = [c for c in _containers(kind, guid, s, idx) if c in decided]
        _along(ctx, guid, tomb, with_it)
        return bool(with_it) and all(decided[c] for c in with_it)
    work = others_work(kind, guid, s, d, idx)
    if not changed and not work:
        return False
    if not changed:
        with_it = [c for c in _containers(kind, guid, s, idx) if c in decided]
        if with_it:  # deleted with its container: it goes or stays with it, asked about once
            _along(ctx, guid, tomb, with_it)
            return all(decided[c] for c in with_it)
    if answer == "keep":  # a question again: the answer given then stands, not asked twice
        return True
    who = tomb.deleted_by or "someone"
    if work and work[0][1] == guid:  # another coder's coding or memo itself
        what = passage(s, guid) if kind == "coding" else describe(s, kind, guid)
        label = f"{kind} by {work[0][2]}, deleted by {who}: {what}"
        if len(work) > 1:
            label += f" (and {_work_label(s, work[1:])})"
    else:
        label = f"{kind} {describe(s, kind, guid)}, deleted by {who}"
        if work:
            label += f", holds another coder's work ({_work_label(s, work)})"
    if changed:
        alive = ("kept and changed", change_time(s.table(kind)[guid]))
    else:
        alive = (f"kept: work of {', '.join(sorted({w[2] for w in work}))}", change_time(s.table(kind)[guid]))
    return _ask(ctx, survivor, guid, label, alive, (f"deleted by {who}", tomb.deleted_at))


def _along(ctx: Ctx, guid: str, tomb, containers: list[str]) -> None:
    """Note a deletion decided with its containers' questions on them, so the answer is stored
    with theirs: a later merge of the same files, where the container has since been folded
    into another (merge codes), does not ask about it again (weighed-before-not-asked)."""
    key = f"deletion:{guid}:deleted"
    for c in containers:
        asked = ctx.asked_by.get(f"deletion:{c}:deleted")  # its own question, or the one it went with
        if asked is not None and key not in ctx.asked_by:
            asked.along.append({"key": key, "value": _dead(tomb), "time": tomb.deleted_at})
            ctx.asked_by[key] = asked


def _dead(tomb) -> str:
    return f"deleted by {tomb.deleted_by or 'someone'}"


def _answer_before(ctx: Ctx, guid: str, tomb) -> str | None:
    """How this deletion was answered when it was a question in an earlier merge into this
    project (its report is stored there): "keep" or "delete"; "" when weighed but the answer is
    not known; None when never weighed. The answer stands even when what made it a question is
    gone since (the work that kept a code moved elsewhere), so merging the same files again
    changes nothing."""
    version = (f"deletion:{guid}:deleted", _j(_dead(tomb)), tomb.deleted_at)
    if version not in ctx.seen:
        return None
    return ctx.answers.get(version, "")


def _ask(ctx: Ctx, survivor: str, guid: str, label: str, alive: tuple, dead: tuple) -> bool:
    ours_v, other_v = (alive, dead) if survivor == "ours" else (dead, alive)
    res = ctx.conflict("deletion", "deleted", guid, label, ours_v, other_v, ["keep", "delete"], "keep")
    if res == "":  # weighed before: leave ours as it is
        return survivor == "ours"
    return res == "keep"


def _decide_others(ctx: Ctx, s: State, d: State, survivor: str, out: Deletions) -> None:
    """Deleted saved queries, cleared attribute values and removed case–source links: the schema
    gives values and links no GUID, so their tombstones carry one derived from the pair."""
    def weigh(guid: str, tomb, changed_at: str, label: str) -> None:
        after = min(ctx.base, tomb.deleted_at) if ctx.base else ""
        if changed_at <= after:
            out.drop.add(guid)
            return
        who = tomb.deleted_by or "someone"
        kept = _ask(ctx, survivor, guid, f"{label}, deleted by {who}", ("kept and changed", changed_at),
                    (f"deleted by {who}", tomb.deleted_at))
        (out.keep if kept else out.drop).add(guid)

    tombs = d.tombstones
    for g, q in s.queries.items():
        if g in tombs and tombs[g].kind == "saved_query" and g not in d.queries:
            weigh(g, tombs[g], q.updated_at, f"saved query {q.name}")
    for (case, attr), v in s.values.items():
        g = pair_guid("value", case, attr)
        if g in tombs and (case, attr) not in d.values:
            weigh(g, tombs[g], v.updated_at,
                  f"value of {describe(s, 'case', case)} / {describe(s, 'attribute', attr)} = {v.value}")
    for (case, source), t in s.links.items():
        g = pair_guid("link", case, source)
        if g in tombs and (case, source) not in d.links:
            weigh(g, tombs[g], t, f"link {describe(s, 'case', case)} ↔ {describe(s, 'source', source)}")
