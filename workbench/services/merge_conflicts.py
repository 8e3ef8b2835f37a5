"""Conflicts of a merge and the rules that settle them: the base time, field picks, memo texts.

Every rule here is symmetric (merging A into B picks what merging B into A
picks) and idempotent (merging the result with either side again picks the
same), which the property tests check. See docs/merge.md.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from workbench.services.merge_state import State

MEMO_MARKER = "--- other version, edited {time} ---"


@dataclass
class Conflict:
    """One decision the user may change: both sides' values, the options and the proposed one."""

    id: str  # stable between preview and apply: "<n>:<kind>:<guid>:<field>"
    kind: str  # code, source, case, attribute, memo, value, deletion
    field: str  # name, parent, color, description, text, value, deleted ...
    guid: str
    label: str  # what the user recognises: a code path, "case / attribute", a memo's target
    ours: dict  # {"value", "time"}
    other: dict
    options: list[str]
    default: str
    resolution: str = ""
    # deletions decided with this one (deleted-with-its-container), each {"key", "value", "time"} as
    # ours/other are: a later merge counts them as weighed too (weighed-before-not-asked)
    along: list[dict] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.id.split(":", 1)[1]

    def to_json(self) -> dict:
        return asdict(self) | {"key": self.key}


@dataclass
class Ctx:
    """What one pairwise merge knows while it runs."""

    base: str  # ISO time both sides last shared; "" when unknown (every change counts as after it)
    prefix: str  # "<n>:" for the n-th other file, so conflict ids stay distinct
    resolutions: dict[str, str]
    seen: set[tuple[str, str, str]]  # (key, value JSON, time) already weighed in an earlier merge
    # the answer given then ("keep" / "delete") to each deletion weighed in seen, by version
    answers: dict[tuple[str, str, str], str] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    matches: list[dict] = field(default_factory=list)
    aliases: list[dict] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)
    asked_by: dict[str, Conflict] = field(default_factory=dict)  # key -> the question that decided it

    def conflict(self, kind: str, fld: str, guid: str, label: str, ours: tuple, other: tuple,
                 options: list[str], default: str) -> str:
        """Record a conflict and return its resolution; "" (keep ours as it is) when the other
        side's version was already weighed in an earlier merge into this project."""
        key = f"{kind}:{guid}:{fld}"
        if self.weighed_before(kind, fld, guid, other):
            return ""
        c = Conflict(f"{self.prefix}{key}", kind, fld, guid, label, {"value": ours[0], "time": ours[1]},
                     {"value": other[0], "time": other[1]}, options, default)
        c.resolution = self.resolutions.get(c.id, default)
        if c.resolution not in options:
            c.resolution = default
        self.conflicts.append(c)
        self.asked_by[key] = c
        return c.resolution

    def weighed_before(self, kind: str, fld: str, guid: str, other: tuple) -> bool:
        """Whether the other side's version (value, time) of this field was weighed in an earlier
        merge into this project (weighed-before-not-asked)."""
        return (f"{kind}:{guid}:{fld}", _j(other[0]), other[1]) in self.seen

    def drop(self, kind: str, n: int = 1) -> None:
        self.dropped[kind] = self.dropped.get(kind, 0) + n


def _j(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _order(value) -> str:
    return "" if value is None else str(value)


def pick(ctx: Ctx, kind: str, fld: str, guid: str, label: str, ours: tuple, other: tuple):
    """The merged value of one field, given (value, updated_at) of each side.

    Only one side changed it since the base: that side's value. Both did (or the
    base is unknown): a conflict whose default is the more recent change (ties:
    the larger value, so both merge directions agree).
    """
    ov, ot = ours
    tv, tt = other
    if ov == tv:
        return ov
    o_changed, t_changed = ot > ctx.base, tt > ctx.base
    if o_changed != t_changed:
        return ov if o_changed else tv
    recent = "other" if (tt, _order(tv)) > (ot, _order(ov)) else "ours"
    res = ctx.conflict(kind, fld, guid, label, ours, other, ["ours", "other"], recent)
    if res == "":
        return ov
    chosen, lost = (ov, tv) if res == "ours" else (tv, ov)
    if kind == "code" and fld == "name":
        ctx.aliases.append({"kind": "code", "guid": guid, "name": chosen, "alias": lost})
    return chosen


def newer(a: tuple, b: tuple) -> bool:
    """Whether version a = (value, time) beats b: later time, ties by value (symmetric)."""
    return (a[1], _order(a[0])) > (b[1], _order(b[0]))


def merge_text(ctx: Ctx, guid: str, label: str, ours: tuple, other: tuple) -> tuple[str, str]:
    """Merge two memo texts given (text, updated_at); returns (text, updated_at).

    A text that already contains the other (an earlier merge kept both) wins
    without a conflict. Otherwise, when both sides changed it, the default keeps
    the more recent text and the other below a marker line.
    """
    ov, ot = ours
    tv, tt = other
    time = max(ot, tt)
    if ov == tv or tv in ov:
        return ov, time if ov == tv else ot
    if ov in tv:
        return tv, tt
    o_changed, t_changed = ot > ctx.base, tt > ctx.base
    if o_changed != t_changed:
        return (ov, ot) if o_changed else (tv, tt)
    recent = "other" if newer(other, ours) else "ours"
    res = ctx.conflict("memo", "text", guid, label, ours, other,
                       ["ours", "other", "ours only", "other only"], recent)
    if res in ("ours only", ""):
        return ov, ot
    if res == "other only":
        return tv, tt
    top, bottom, bottom_time = (ov, tv, tt) if res == "ours" else (tv, ov, ot)
    return f"{top}\n\n{MEMO_MARKER.format(time=bottom_time)}\n{bottom}", time


def estimate_base(ours: State, other: State) -> str:
    """The latest time both sides certainly shared; changes after it count as made since the copy.

    A hand-out record found in both files (one is a copy of the other, or of a
    copy of it) gives the copy's time. Two copies handed out separately share
    at most the earlier of their hand-out times. Without records (a plain file
    copy) the newest entity present unchanged in both sides bounds it from below.
    """
    ours_keys = {h["key"]: h for h in ours.handouts}
    shared = [h.get("time", "") for k, h in ((h["key"], h) for h in other.handouts) if k in ours_keys]
    if shared:
        return max(shared)
    mine = [h.get("time", "") for h in ours.handouts if h.get("role") == "copy"]
    theirs = [h.get("time", "") for h in other.handouts if h.get("role") == "copy"]
    if mine and theirs and ours.project_guid == other.project_guid:
        return min(max(mine), max(theirs))
    best = ""
    for guid, row in other.coding.items():
        mine_row = ours.coding.get(guid)
        if mine_row is not None and row.created_at > best:
            best = row.created_at
    for kind in ("code", "memo", "case", "attribute", "source"):
        ours_t = ours.table(kind)
        for guid, row in other.table(kind).items():
            o = ours_t.get(guid)
            if o is not None and o.updated_at == row.updated_at and row.updated_at > best:
                best = row.updated_at
    for guid, row in other.tombstones.items():
        o = ours.tombstones.get(guid)
        if o is not None and o.deleted_at == row.deleted_at and row.deleted_at > best:
            best = row.deleted_at
    return best


def _stored_bodies(ours: State):
    """The merge reports stored in this project, the earliest merge first."""
    for row in sorted(ours.reports.values(), key=lambda r: r.created_at or ""):
        if row.kind != "merge":
            continue
        try:
            body = json.loads(row.body)
        except ValueError:
            continue
        if isinstance(body, dict):
            yield body


def _stored_conflicts(ours: State):
    """The conflicts of the merge reports stored in this project, the earliest merge first."""
    for body in _stored_bodies(ours):
        yield from body.get("conflicts", [])


def unfolded_before(ours: State) -> set[tuple[str, str]]:
    """The codes an earlier merge into this project kept, unfolded, for the work on them
    (kept-work-keeps-its-code): (code GUID, the "was" of its line, naming the redirect it no
    longer follows), from the matches of the stored merge reports."""
    return {(m.get("guid", ""), m.get("was", "")) for body in _stored_bodies(ours)
            for m in body.get("matches") or [] if isinstance(m, dict) and m.get("by") == "unfolded"}


def seen_versions(ours: State) -> set[tuple[str, str, str]]:
    """The versions weighed in earlier merges recorded in this project (both sides of each conflict)."""
    seen: set[tuple[str, str, str]] = set()
    for c in _stored_conflicts(ours):
        for side in ("ours", "other"):
            v = c.get(side) or {}
            seen.add((c.get("key", ""), _j(v.get("value")), v.get("time", "")))
        for a in c.get("along") or []:
            seen.add((a.get("key", ""), _j(a.get("value")), a.get("time", "")))
    return seen


def deletion_answers(ours: State) -> dict[tuple[str, str, str], str]:
    """How each deletion asked about in an earlier merge into this project was answered ("keep"
    or "delete"), by the versions that question weighed as seen_versions holds them (a merge
    looks up the deleted one). What was decided with its container's question (along) took
    that question's answer; of two merges that weighed one version, the later answers."""
    answers: dict[tuple[str, str, str], str] = {}
    for c in _stored_conflicts(ours):
        if c.get("kind") != "deletion" or c.get("resolution") not in ("keep", "delete"):
            continue
        for side in ("ours", "other"):
            v = c.get(side) or {}
            answers[(c.get("key", ""), _j(v.get("value")), v.get("time", ""))] = c["resolution"]
        for a in c.get("along") or []:
            answers[(a.get("key", ""), _j(a.get("value")), a.get("time", ""))] = c["resolution"]
    return answers
