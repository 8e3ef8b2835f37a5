"""The merge itself as a pure function: two States in, the merged State out (docs/merge.md).

Entities match by GUID; what never shared a GUID matches by content (sources by
text hash), by path (codes, case and spaces ignored) or by name (cases,
attributes, coders). Matched entities keep the smaller GUID, so merging A into
B and B into A agree; the other GUID is left as a "merged into" tombstone that
redirects later merges.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import PurePath

from workbench.core.errors import ProjectError
from workbench.core.paths import name_key
from workbench.core.timeutil import now_iso
from workbench.services.merge_conflicts import Ctx, merge_text, newer, pick
from workbench.services.merge_deletions import _along, decide_deletions, describe, unfold_kept_work
from workbench.services.merge_finish import extras, pages, row_ids, tombstones, values_and_links
from workbench.services.merge_state import (
    AttributeRow,
    CaseRow,
    CodeRow,
    CoderRow,
    MergeCodingRow,
    FolderRow,
    MemoRow,
    PassageRow,
    SourceRow,
    State,
    TombRow,
)


class _Merge:
    def __init__(self, ctx: Ctx, ours: State, other: State):
        self.ctx, self.ours, self.other = ctx, ours, other
        self.dels = decide_deletions(ctx, ours, other)
        ctx.matches.extend(unfold_kept_work(ours, other, self.dels))
        self.alias: dict[str, str] = dict(self.dels.redirect)
        self.kind_of_alias: dict[str, str] = {}
        self.r = State(label=ours.label, project_guid=ours.project_guid)
        self.now = now_iso()
        self.new_tombs: dict[str, TombRow] = {}

    def dropped_with(self, kind: str, guid: str, containers: list, detail: str) -> None:
        """An entity that goes because what it hangs on does not stay: counted, and buried by this
        merge. Where that went by a question (answered delete: deletion-conflict-keeps), the entity
        is stored with the question as decided with it, so merging the same file again, which
        still holds it, does not ask about this merge's tombstone (weighed-before-not-asked)."""
        self.ctx.drop(kind)
        tomb = TombRow(kind, self.now, "", detail)
        self.new_tombs[guid] = tomb
        if guid in self.ours.tombstones or guid in self.other.tombstones:
            return  # deleted on a side: that tombstone stays, weighed as it was
        chain: list[str] = []
        for c in containers:  # each container and what it was folded into
            while c is not None and c not in chain and len(chain) < 1000:
                chain.append(c)
                c = self.alias.get(c)
        _along(self.ctx, guid, tomb, chain)

    def res(self, guid: str | None) -> str | None:
        hops = 0
        while guid in self.alias and hops < 1000:
            guid, hops = self.alias[guid], hops + 1
        return guid

    def union(self, kind: str, combine, follow: bool = False) -> dict:
        """Both sides' rows of a kind, minus deletions that apply; redirected rows fold into their
        target, or with `follow` stay in (memos: their text is then merged into the target's)."""
        out = {}
        skip = self.dels.drop
        redirect = {} if follow else self.dels.redirect
        for g, row in self.ours.table(kind).items():
            if g not in skip and g not in redirect:
                out[g] = row
        for g, row in self.other.table(kind).items():
            if g in skip or g in redirect:
                continue
            out[g] = combine(g, out[g], row) if g in out else row
        for g in self.dels.redirect:
            if g in self.ours.table(kind) or g in self.other.table(kind):
                if follow:
                    self.alias.pop(g, None)
                else:
                    self.kind_of_alias[g] = kind
        return out

    def unify(self, kind: str, rows: dict, keyfn, combine, by: str) -> bool:
        groups: dict = defaultdict(list)
        for g, row in rows.items():
            groups[keyfn(row)].append(g)
        merged = False
        for gs in groups.values():
            if len(gs) < 2:
                continue
            gs.sort()
            members = [(g, rows[g]) for g in gs]
            rows[gs[0]] = combine(members)
            for g in gs[1:]:
                del rows[g]
                self.alias[g] = gs[0]
                self.kind_of_alias[g] = kind
            sides = {("ours" if g in self.ours.table(kind) else "other") for g in gs}
            if len(sides) > 1 or kind not in ("coding",):
                self.ctx.matches.append({"kind": kind, "by": by, "guid": gs[0], "merged": gs[1:],
                                         "name": getattr(rows[gs[0]], "name", "")})
            merged = True
        return merged

    # -- kinds -------------------------------------------------------------------------
    def coders(self) -> None:
        rows = self.union("coder", lambda g, a, b: a if a == b else CoderRow(min(a.name, b.name),
                                                                             min(a.created_at, b.created_at)))
        self.unify("coder", rows, lambda r: name_key(r.name),
                   lambda ms: CoderRow(ms[0][1].name, min(r.created_at for _, r in ms)), "name")
        self.r.coder = rows

    def folders(self) -> None:
        """Folders of sources: by GUID, then by path (names compared as codes are), so two copies
        that each made "Interviews" hold one folder; the more recently changed side's name, parent
        and position. A folder deleted on one side is gone (decide_deletions) unless the other
        filed sources in it since (folder-deletion-meets-new-sources)."""
        def order(r: FolderRow) -> tuple:
            return r.updated_at, r.name, r.position, r.parent or ""

        def same(g, a: FolderRow, b: FolderRow) -> FolderRow:
            win = max(a, b, key=order)
            return win._replace(created_at=min(a.created_at, b.created_at))

        rows = self.union("folder", same)

        def settle() -> None:
            for g, r in list(rows.items()):
                p = self.res(r.parent)
                if p is not None and p not in rows:
                    p = None
                if p != r.parent:
                    rows[g] = r._replace(parent=p)
            for g in sorted(rows):  # moves on both sides can close a loop: cut it at the largest GUID
                seen, cur = [], g
                while cur is not None and cur not in seen:
                    seen.append(cur)
                    cur = rows[cur].parent
                if cur is not None:
                    cut = max(seen[seen.index(cur):])
                    rows[cut] = rows[cut]._replace(parent=None)

        def combine(ms):
            best = max((r for _, r in ms), key=order)
            return ms[0][1]._replace(name=best.name, position=best.position,
                                     created_at=min(r.created_at for _, r in ms), updated_at=best.updated_at)

        settle()
        while self.unify("folder", rows, lambda r: (r.parent, name_key(r.name)), combine, "path"):
            settle()
        self.r.folder = rows

    def sources(self) -> None:
        def folder(a: SourceRow, b: SourceRow) -> str | None:
            """The folder of a source on both sides, a field of the source (source-folder-from-the-
            changed-side): the side whose source changed after the base; both did: the more recent
            (ties by the folder's GUID); neither (its folder deleted on one side, the deletion
            overruled): the folder it is in on either side."""
            fa, fb = self.res(a.folder), self.res(b.folder)
            if fa == fb:
                return fa
            a_changed, b_changed = a.updated_at > self.ctx.base, b.updated_at > self.ctx.base
            if a_changed != b_changed:
                return fa if a_changed else fb
            if not a_changed and (fa is None or fb is None):
                return fa or fb
            return fa if newer((fa, a.updated_at), (fb, b.updated_at)) else fb

        def same(g, a: SourceRow, b: SourceRow) -> SourceRow:
            if a.sha256 != b.sha256:
                raise ProjectError(
                    f"{self.other.label}: source {b.name!r} has the same identity (GUID {g}) as {a.name!r} in "
                    f"{self.ours.label} but a different text; sources never change, so these files cannot "
                    "be merged. Nothing was changed.")
            name = pick(self.ctx, "source", "name", g, a.name, (a.name, a.updated_at), (b.name, b.updated_at))
            pos = a.position if newer((a.position, a.updated_at), (b.position, b.updated_at)) else b.position
            return a._replace(name=name, position=pos, updated_at=max(a.updated_at, b.updated_at),
                              folder=folder(a, b))

        rows = self.union("source", same)

        def combine(ms):
            best = max(ms, key=lambda m: (m[1].updated_at, m[1].name))[1]
            where = best.folder or min((r.folder for _, r in ms if r.folder), default=None)
            return ms[0][1]._replace(name=best.name, position=best.position, folder=where)

        self.unify("source", rows, lambda r: r.sha256, combine, "content")
        taken: set[str] = set()
        by_name: dict[str, list[str]] = defaultdict(list)
        for g, r in rows.items():
            by_name[r.name].append(g)
        taken = set(by_name)
        for name, gs in by_name.items():
            for g in sorted(gs)[1:]:  # distinct texts under one name: the later GUIDs get "(2)", "(3)"
                stem, suffix = PurePath(name).stem, PurePath(name).suffix
                n = 2
                while f"{stem} ({n}){suffix}" in taken:
                    n += 1
                rows[g] = rows[g]._replace(name=f"{stem} ({n}){suffix}")
                taken.add(rows[g].name)
                self.ctx.matches.append({"kind": "source", "by": "renamed", "guid": g, "name": rows[g].name,
                                         "was": name})
        for g, r in rows.items():
            where = self.res(r.folder) if r.folder else None
            where = where if where in self.r.folder else None
            if where != r.folder:
                rows[g] = r._replace(folder=where)
        self.r.source = rows

    def attributes(self) -> None:
        def same(g, a: AttributeRow, b: AttributeRow) -> AttributeRow:
            name = pick(self.ctx, "attribute", "name", g, a.name, (a.name, a.updated_at), (b.name, b.updated_at))
            pos = a.position if newer((a.position, a.updated_at), (b.position, b.updated_at)) else b.position
            return AttributeRow(name, a.type if a.type == b.type else "text", pos, min(a.created_at, b.created_at),
                                max(a.updated_at, b.updated_at))

        rows = self.union("attribute", same)

        def combine(ms):
            types = {r.type for _, r in ms}
            return ms[0][1]._replace(type=types.pop() if len(types) == 1 else "text")

        self.unify("attribute", rows, lambda r: name_key(r.name), combine, "name")
        self.r.attribute = rows

    def cases(self) -> None:
        def same(g, a: CaseRow, b: CaseRow) -> CaseRow:
            name = pick(self.ctx, "case", "name", g, a.name, (a.name, a.updated_at), (b.name, b.updated_at))
            desc = pick(self.ctx, "case", "description", g, name, (a.description, a.updated_at),
                        (b.description, b.updated_at))
            pos = a.position if newer((a.position, a.updated_at), (b.position, b.updated_at)) else b.position
            return CaseRow(name, desc, pos, min(a.created_at, b.created_at), max(a.updated_at, b.updated_at))

        rows = self.union("case", same)

        def combine(ms):
            best = max(ms, key=lambda m: (m[1].updated_at, m[1].description))[1]
            desc = best.description or next((r.description for _, r in ms if r.description), "")
            return ms[0][1]._replace(description=desc)

        self.unify("case", rows, lambda r: name_key(r.name), combine, "name")
        self.r.case = rows

    def codes(self) -> None:
        def same(g, a: CodeRow, b: CodeRow) -> CodeRow:
            label = describe(self.ours, "code", g)
            at, bt = a.updated_at, b.updated_at
            # A parent that folds into the code itself is none: the code goes to the top level, as
            # the loop cut below would put it (parent-folded-into-the-code-is-none).
            pa, pb = (None if p == g else p for p in (self.res(a.parent), self.res(b.parent)))
            parent = pick(self.ctx, "code", "parent", g, label, (pa, at), (pb, bt))
            name = pick(self.ctx, "code", "name", g, label, (a.name, at), (b.name, bt))
            color = pick(self.ctx, "code", "color", g, label, (a.color, at), (b.color, bt))
            desc = pick(self.ctx, "code", "description", g, label, (a.description, at), (b.description, bt))
            pos = a.position if newer((a.position, at), (b.position, bt)) else b.position
            return CodeRow(parent, name, color, desc, pos, min(a.created_at, b.created_at), max(at, bt))

        asked_before = len(self.ctx.conflicts)
        rows = self.union("code", same)
        as_picked = dict(rows)  # the parents as the questions answered them, before loops are cut
        self._fix_parents(rows)
        self._drop_moot_parent_questions(self.ctx.conflicts[asked_before:], as_picked, rows)

        def combine(ms):
            best = max(ms, key=lambda m: (m[1].updated_at, m[0]))[1]
            desc = best.description or next((r.description for _, r in ms if r.description), "")
            return ms[0][1]._replace(name=best.name, color=best.color, description=desc, position=best.position,
                                     created_at=min(r.created_at for _, r in ms),
                                     updated_at=max(r.updated_at for _, r in ms))

        while self.unify("code", rows, lambda r: (r.parent, name_key(r.name)), combine, "path"):
            self._fix_parents(rows)
        self.r.code = rows

    def _fix_parents(self, rows: dict[str, CodeRow]) -> None:
        """Each code's parent where it ends up after the redirects; the top level for one whose
        parent does not stay; loops closed by moves on each side cut at the largest GUID."""
        for g, r in list(rows.items()):
            p = self.res(r.parent)
            if p is not None and p not in rows:
                p = None  # its parent was deleted: the code moves to the top level
            if p != r.parent:
                rows[g] = r._replace(parent=p)
        for g in sorted(rows):  # a move on each side can close a loop: cut it at the largest GUID
            seen, cur = [], g
            while cur is not None and cur not in seen:
                seen.append(cur)
                cur = rows[cur].parent
            if cur is not None:
                loop = seen[seen.index(cur):]
                cut = max(loop)
                rows[cut] = rows[cut]._replace(parent=None)

    def _drop_moot_parent_questions(self, asked: list, as_picked: dict, rows: dict) -> None:
        """A question about a code's parent whose two answers give the same tree once loops are
        cut (move-loop-cut-at-largest-guid: the other answer closes a loop cut right back at this
        code) asks nothing: it is dropped (as merging the same file again after such a cut would
        ask it, with either answer changing nothing)."""
        for c in [c for c in asked if c.kind == "code" and c.field == "parent"]:
            other = c.other["value"] if c.resolution == "ours" else c.ours["value"]
            alt = dict(as_picked)
            alt[c.guid] = alt[c.guid]._replace(parent=other)
            self._fix_parents(alt)
            if all(alt[g].parent == r.parent for g, r in rows.items()):
                self.ctx.conflicts.remove(c)
                self.ctx.asked_by.pop(f"code:{c.guid}:parent", None)

    def coding_on_both(self, g: str, a: MergeCodingRow, b: MergeCodingRow) -> MergeCodingRow:
        """One coding alive on both sides. Only its code can differ (a code merged into another);
        after following redirects both usually agree. If not (each side folded it elsewhere), the
        side whose code changed after the base wins; both did: a conflict, default the later."""
        created = min(a.created_at, b.created_at)
        ka, kb = self.res(a.code), self.res(b.code)
        if ka == kb:
            return min(a, b)._replace(created_at=created)
        if (ka in self.r.code) != (kb in self.r.code):  # one side's code is gone: the other's
            return (a if ka in self.r.code else b)._replace(created_at=created)
        ta = getattr(self.ours.code.get(a.code), "updated_at", "")
        tb = getattr(self.other.code.get(b.code), "updated_at", "")
        if self.ctx.weighed_before("coding", "code", g, (describe(self.r, "code", kb), tb)):
            # The other side's code for it was weighed in an earlier merge into this project: what
            # stands here is that answer (weighed-before-not-asked). The time of the code it is on
            # here cannot say so: the earlier merge moved the coding, not that code.
            return a._replace(created_at=created)
        a_changed, b_changed = ta > self.ctx.base, tb > self.ctx.base
        if a_changed != b_changed:
            return (a if a_changed else b)._replace(created_at=created)
        recent = "other" if (tb, kb) > (ta, ka) else "ours"
        res = self.ctx.conflict("coding", "code", g, describe(self.ours, "coding", g),
                                (describe(self.r, "code", ka), ta), (describe(self.r, "code", kb), tb),
                                ["ours", "other"], recent)
        return (b if res == "other" else a)._replace(created_at=created)

    def codings(self) -> None:
        rows = self.union("coding", self.coding_on_both)
        out: dict[str, MergeCodingRow] = {}
        by_key: dict[tuple, str] = {}
        res, alias = self.res, self.alias
        srcs, codes, coders = self.r.source, self.r.code, self.r.coder
        for g in sorted(rows):
            r = rows[g]
            s = res(r.source) if r.source in alias else r.source
            c = res(r.code) if r.code in alias else r.code
            k = res(r.coder) if r.coder in alias else r.coder
            if s not in srcs or c not in codes or k not in coders:
                self.dropped_with("coding", g, [r.code, r.source], "dropped with its deleted code or source")
                continue
            key = (s, c, k, r.start, r.end)
            win = by_key.get(key)
            if win is None:
                by_key[key] = g
                out[g] = r if (s, c, k) == (r.source, r.code, r.coder) else r._replace(source=s, code=c, coder=k)
            else:  # the same code on the same passage by the same coder: one coding (the smaller GUID)
                alias[g] = win
                self.kind_of_alias[g] = "coding"
                if r.created_at < out[win].created_at:
                    out[win] = out[win]._replace(created_at=r.created_at)
        self.r.coding = out

    def passages(self) -> None:
        """Passages of sources linked to cases (docs/merge.md, one-link-per-passage): by GUID, then
        one link per case, source and span (the smaller GUID stays, the earliest creation time);
        they follow their case and source wherever those were matched or folded."""
        def same(g: str, a: PassageRow, b: PassageRow) -> PassageRow:
            # Only the case or source can differ (matched or folded elsewhere): the earlier record,
            # ties by its values, so both directions agree.
            return min(a, b, key=lambda p: (p.created_at, p.case, p.source, p.created_by or ""))

        rows = self.union("case_passage", same)
        out: dict[str, PassageRow] = {}
        by_key: dict[tuple, str] = {}
        res = self.res
        for g in sorted(rows):
            p = rows[g]
            case, src = res(p.case), res(p.source)
            if case not in self.r.case or src not in self.r.source:
                self.dropped_with("case_passage", g, [p.case, p.source], "dropped with its deleted case or source")
                continue
            by = res(p.created_by) if p.created_by else None
            p = p._replace(case=case, source=src, created_by=by if by in self.r.coder else None)
            key = (case, src, p.start, p.end)
            win = by_key.get(key)
            if win is None:
                by_key[key] = g
                out[g] = p
                continue
            self.alias[g] = win  # linked in two copies: one link (the smaller GUID)
            self.kind_of_alias[g] = "case_passage"
            if p.created_at < out[win].created_at:
                out[win] = out[win]._replace(created_at=p.created_at, created_by=p.created_by)
        self.r.case_passage = out

    def memos(self) -> None:
        r = self.r

        def same(g, a: MemoRow, b: MemoRow) -> MemoRow:
            text, t = merge_text(self.ctx, g, describe(self.ours, "memo", g), (a.text, a.updated_at),
                                 (b.text, b.updated_at))
            title = a.title if newer((a.title, a.updated_at), (b.title, b.updated_at)) else b.title
            # A memo moves only when its code is merged into another: the later move wins.
            where = a if self.res(a.target) == self.res(b.target) or newer((a.target, a.updated_at),
                                                                            (b.target, b.updated_at)) else b
            author = a.author if self.res(a.author) == self.res(b.author) else min(a.author or "", b.author or "")
            return MemoRow(title, text, a.kind, where.target, author or None, min(a.created_at, b.created_at), t)

        rows = self.union("memo", same, follow=True)
        targets = {"source": r.source, "code": r.code, "case": r.case, "coding": r.coding}
        out: dict[str, MemoRow] = {}
        by_target: dict[tuple[str, str], str] = {}
        for g in sorted(rows, key=lambda g: (g not in self.ours.memo, g)):
            m = rows[g]
            target = self.res(m.target) if m.target else None
            author = self.res(m.author) if m.author else None
            m = m._replace(target=target, author=author if author in r.coder else None)
            if m.kind != "project" and target not in targets[m.kind]:
                self.dropped_with("memo", g, [rows[g].target], "dropped with what it was attached to")
                continue
            if m.kind == "project":
                out[g] = m
                continue
            have = by_target.get((m.kind, target))
            if have is None:
                by_target[(m.kind, target)] = g
                out[g] = m
                continue
            # a memo folded into another by 'merge codes' yields to it; otherwise the smaller GUID stays
            win, lose = sorted((have, g), key=lambda x: (x in self.dels.redirect, x))
            a = out.pop(have)
            text, t = merge_text(self.ctx, win, f"memo on {m.kind} {describe(r, m.kind, target)}",
                                 (a.text, a.updated_at), (m.text, m.updated_at))
            out[win] = (a if win == have else m)._replace(text=text, updated_at=t,
                                                           created_at=min(a.created_at, m.created_at))
            by_target[(m.kind, target)] = win
            self.alias[lose] = win
            self.kind_of_alias[lose] = "memo"
        r.memo = out

    def run(self) -> State:
        self.coders()
        self.folders()
        self.sources()
        self.attributes()
        self.cases()
        self.codes()
        self.codings()
        self.passages()
        values_and_links(self)
        self.memos()
        extras(self)
        pages(self)
        tombstones(self)
        row_ids(self)
        return self.r


def merge_states(ctx: Ctx, ours: State, other: State) -> State:
    """The merged content of ours and other, with ctx collecting conflicts, matches and drops."""
    return _Merge(ctx, ours, other).run()
