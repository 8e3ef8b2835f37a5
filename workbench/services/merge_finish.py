"""The last steps of a merge (docs/merge.md): attribute values, case–source links, saved queries,
reports, tombstones and the rows that will hold each merged entity.

Functions of the running merge (merge_rules._Merge), kept apart to keep each module readable.
Like the rest of the rules they are symmetric: every tie is broken by the values themselves,
never by which side is "ours".
"""
from __future__ import annotations

from collections import defaultdict

from workbench.core.paths import name_key
from workbench.services.merge_conflicts import pick
from workbench.services.merge_deletions import REDIRECT, rank
from workbench.services.merge_state import KINDS, QueryRow, TombRow, ValueRow
from workbench.services.tombstones import join_deleters, pair_guid


def values_and_links(m) -> None:
    r, res, drop = m.r, m.res, m.dels.drop
    merged: dict[tuple[str, str], ValueRow] = {}
    for side_name, st in (("ours", m.ours), ("other", m.other)):
        for (case, attr), v in st.values.items():
            key = (res(case), res(attr))
            if key[0] not in r.case or key[1] not in r.attribute or pair_guid("value", case, attr) in drop:
                continue
            v = v._replace(updated_by=res(v.updated_by) if v.updated_by else None)
            have = merged.get(key)
            if have is None:
                merged[key] = v
                continue
            label = f"{r.case[key[0]].name} / {r.attribute[key[1]].name}"
            a, b = (have, v) if side_name == "other" else (v, have)
            value = pick(m.ctx, "value", "value", f"{key[0]}/{key[1]}", label,
                         (a.value, a.updated_at), (b.value, b.updated_at))
            if a.value == b.value:  # the same value: who set it last, ties by the coder's GUID
                winner = max(a, b, key=lambda x: (x.updated_at, x.updated_by or ""))
            else:
                winner = a if value == a.value else b
            merged[key] = winner._replace(updated_at=max(a.updated_at, b.updated_at))
    r.values = merged
    links: dict[tuple[str, str], str] = {}
    for st in (m.ours, m.other):
        for (case, source), t in st.links.items():
            key = (res(case), res(source))
            if key[0] in r.case and key[1] in r.source and pair_guid("link", case, source) not in drop:
                links[key] = min(t, links.get(key, t))
    r.links = links


def _later(q: QueryRow) -> tuple:
    return q.updated_at, q.definition, q.name


def extras(m) -> None:
    """Saved queries (deleted ones stay deleted unless changed since), reports and hand-out notes."""
    r, drop = m.r, m.dels.drop
    queries = {g: q for g, q in m.ours.queries.items() if g not in drop}
    for g, q in m.other.queries.items():
        if g not in drop and (g not in queries or _later(q) > _later(queries[g])):
            queries[g] = q
    by_name: dict[str, str] = {}
    for g in sorted(queries):
        q = queries[g]
        have = by_name.get(name_key(q.name))
        if have is None:
            by_name[name_key(q.name)] = g
            continue
        queries[have] = max((queries[have], q), key=_later)
        del queries[g]
    r.queries = queries
    r.reports = {**m.other.reports, **m.ours.reports}
    handouts = {h["key"]: h for h in m.other.handouts}
    handouts.update({h["key"]: h for h in m.ours.handouts})  # the same note: our role in it
    r.handouts = list(handouts.values())


def pages(m) -> None:
    """A source's PDF pages travel with it (docs/merge.md, pages-travel-with-the-source): of the
    versions of one source (its GUID and those matched or folded into it, on either side) the one
    with pages; two that differ (never for one text and one importer): the more pages, ties by
    the values, so both directions agree."""
    members: dict[str, list[str]] = defaultdict(list)
    for g in m.alias:
        members[m.res(g)].append(g)
    out = {}
    for g in m.r.source:
        found = [p for x in (g, *members.get(g, ())) for p in (m.ours.pages.get(x), m.other.pages.get(x)) if p]
        if found:
            out[g] = max(found, key=lambda p: (len(p), p))
    m.r.pages = out


def tombstones(m) -> None:
    r = m.r
    """Both sides' tombstones: of two for one GUID the better-ranked (merge_deletions.rank), a
    deletion naming the deleters of both (tombstones.join_deleters); then the new ones; none of
    what is alive."""
    tombs = dict(m.ours.tombstones)
    for g, t in m.other.tombstones.items():
        mine = tombs.get(g)
        if mine is None:
            tombs[g] = t
            continue
        best = min(mine, t, key=rank)
        if REDIRECT.search(best.detail) is None:  # deleted in both: by whoever deleted it in either
            best = best._replace(deleted_by=join_deleters(mine.deleted_by, t.deleted_by))
        tombs[g] = best
    for g, target in m.alias.items():
        if g not in m.dels.redirect:  # folded here: later merges must follow it, not delete it
            old = tombs.get(g)
            kind = m.kind_of_alias.get(g, "") or (old.kind if old else "")
            tombs[g] = TombRow(kind, old.deleted_at if old else m.now, old.deleted_by if old else "",
                               f"merged into guid:{m.res(target)}")
    for g, t in m.new_tombs.items():
        tombs.setdefault(g, t)
    alive = set(r.queries)
    alive.update(pair_guid("value", c, a) for c, a in r.values)
    alive.update(pair_guid("link", c, s) for c, s in r.links)
    for kind in KINDS:
        alive.update(r.table(kind))
    r.tombstones = {g: t for g, t in tombs.items() if g not in alive}


def row_ids(m) -> None:
    """For each merged entity, the row of the file merged into that will hold it.

    Rows already holding an entity keep it; then an entity takes its own row
    (one dropped by an earlier file of the same merge may come back); then the
    row of an entity folded into it."""
    members: dict[str, list[str]] = defaultdict(list)
    for g in m.alias:
        members[m.res(g)].append(g)
    m.r.db_ids = m.ours.db_ids
    for kind in KINDS:
        prev, db = m.ours.ids.get(kind, {}), m.ours.db_ids.get(kind, {})
        table = m.r.table(kind)
        ids = {g: prev[g] for g in table if g in prev}
        taken = set(ids.values())
        for g in table:
            if g not in ids and g in db and db[g] not in taken:
                ids[g] = db[g]
                taken.add(db[g])
        for g in table:
            if g in ids:
                continue
            for member in sorted(members.get(g, ())):
                rid = prev.get(member, db.get(member))
                if rid is not None and rid not in taken:
                    ids[g] = rid
                    taken.add(rid)
                    break
        m.r.ids[kind] = ids
