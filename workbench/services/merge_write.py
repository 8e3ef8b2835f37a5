"""Writing a merged State into the project it was merged into: only the rows that differ.

Runs inside the caller's transaction. The order matters: names that move are
parked on unique placeholders first (so swaps and renames never collide), rows
are inserted and updated before any row is deleted (deletes cascade), and codes
are deleted deepest first.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from workbench.core.names import name_key
from workbench.store.project import open_project
from workbench.store.models import (
    Attribute,
    AttributeValue,
    Case,
    CasePassage,
    CaseSource,
    Code,
    Coder,
    Coding,
    Memo,
    ProjectMeta,
    Report,
    SavedQuery,
    Source,
    SourceFolder,
    SourcePage,
    SpeakerTurn,
    Tombstone,
    bumped,
)
from workbench.services.merge_state import KINDS, State

MODELS = {"coder": Coder, "folder": SourceFolder, "source": Source, "attribute": Attribute, "case": Case,
          "case_passage": CasePassage, "code": Code, "coding": Coding, "memo": Memo}
NAMED = ("coder", "folder", "source", "attribute", "case", "code")
TREES = ("folder", "code")  # kinds whose names are unique per parent

# A name a row holds while the merge moves names between rows (unique indexes hold at every statement):
# names never hold control characters (core.names), so no user's name is ever this; not NUL, which
# PostgreSQL's text refuses.
PARKED = "\x01merge "


def _same(kind: str, a, b) -> bool:
    if kind == "source":
        return a[:5] == b[:5] and a.folder == b.folder
    return a == b


def diff(ours: State, merged: State) -> dict[str, dict[str, list[str]]]:
    """Per kind: GUIDs new to the project, rows updated (by merged GUID), and ours' GUIDs deleted."""
    out: dict[str, dict[str, list[str]]] = {}
    for kind in KINDS:
        mine, theirs = ours.table(kind), merged.table(kind)
        by_id = {rid: g for g, rid in ours.db_ids.get(kind, {}).items()}
        ids = merged.ids.get(kind, {})
        new, upd = [], []
        for g, row in theirs.items():
            rid = ids.get(g)
            if rid is None:
                new.append(g)
            else:
                og = by_id[rid]
                if og != g or not _same(kind, mine[og], row):
                    upd.append(g)
        used = set(ids.values())
        gone = [g for g, rid in ours.db_ids.get(kind, {}).items() if rid not in used]
        out[kind] = {"new": new, "updated": upd, "deleted": gone}
    vals_new = [k for k in merged.values if k not in ours.values]
    vals_upd = [k for k, v in merged.values.items() if k in ours.values and ours.values[k] != v]
    out["value"] = {"new": vals_new, "updated": vals_upd, "deleted": [k for k in ours.values if k not in merged.values]}
    out["link"] = {"new": [k for k in merged.links if k not in ours.links], "updated": [],
                   "deleted": [k for k in ours.links if k not in merged.links]}
    out["tombstone"] = {"new": [g for g in merged.tombstones if g not in ours.tombstones],
                        "updated": [g for g, t in merged.tombstones.items()
                                    if g in ours.tombstones and ours.tombstones[g] != t],
                        "deleted": [g for g in ours.tombstones if g not in merged.tombstones]}
    return out


class _Writer:
    def __init__(self, s: Session, ours: State, merged: State, changes: dict):
        self.s, self.ours, self.m, self.ch = s, ours, merged, changes
        self.ids: dict[str, dict[str, int]] = {k: dict(merged.ids.get(k, {})) for k in KINDS}
        self.max_coding_id = max(ours.db_ids.get("coding", {}).values(), default=0)

    def id(self, kind: str, guid: str | None) -> int | None:
        return None if guid is None else self.ids[kind][guid]

    def park_names(self) -> None:
        """Rows whose name (or code parent) will change, or that will go, take a placeholder name."""
        for kind in NAMED:
            model = MODELS[kind].__table__
            by_id = {rid: g for g, rid in self.ours.ids.get(kind, {}).items()}
            park = [self.ours.ids[kind][g] for g in self.ch[kind]["deleted"]]
            for g in self.ch[kind]["updated"]:
                rid = self.ids[kind][g]
                a, b = self.ours.table(kind)[by_id[rid]], self.m.table(kind)[g]
                if a.name != b.name or (kind in TREES and a.parent != b.parent):
                    park.append(rid)
            if park:
                self.s.execute(update(model).where(model.c.id == bindparam("rid")).values(
                    name=bindparam("tmp"), name_key=bindparam("tmp"), **bumped(model)),
                    [{"rid": rid, "tmp": f"{PARKED}{rid}"} for rid in park])

    def values_of(self, kind: str, g: str, row) -> dict:
        vals = self._values_of(kind, g, row)
        if kind in NAMED:
            vals["name_key"] = name_key(vals["name"])
        return vals

    def _values_of(self, kind: str, g: str, row) -> dict:
        if kind == "coder":
            return {"guid": g, "name": row.name, "created_at": row.created_at}
        if kind == "folder":
            return {"guid": g, "name": row.name, "position": row.position, "created_at": row.created_at,
                    "updated_at": row.updated_at, "parent_id": self.id("folder", row.parent)}
        if kind == "source":
            return {"guid": g, "name": row.name, "position": row.position, "updated_at": row.updated_at,
                    "folder_id": self.id("folder", row.folder)}
        if kind == "attribute":
            return {"guid": g, "name": row.name, "type": row.type, "position": row.position,
                    "created_at": row.created_at, "updated_at": row.updated_at}
        if kind == "case":
            return {"guid": g, "name": row.name, "description": row.description, "position": row.position,
                    "created_at": row.created_at, "updated_at": row.updated_at}
        if kind == "code":
            return {"guid": g, "name": row.name, "color": row.color, "description": row.description,
                    "position": row.position, "created_at": row.created_at, "updated_at": row.updated_at,
                    "parent_id": self.id("code", row.parent)}
        if kind == "case_passage":
            return {"guid": g, "case_id": self.id("case", row.case), "source_id": self.id("source", row.source),
                    "start": row.start, "end": row.end, "created_at": row.created_at,
                    "created_by_id": self.id("coder", row.created_by)}
        if kind == "coding":
            return {"guid": g, "source_id": self.id("source", row.source), "code_id": self.id("code", row.code),
                    "coder_id": self.id("coder", row.coder), "start": row.start, "end": row.end,
                    "created_at": row.created_at}
        vals = {"guid": g, "title": row.title, "text": row.text, "author_id": self.id("coder", row.author),
                "created_at": row.created_at, "updated_at": row.updated_at, "source_id": None, "code_id": None,
                "case_id": None, "coding_id": None}
        if row.kind != "project":
            vals[f"{row.kind}_id"] = self.id(row.kind, row.target)
        return vals

    def upsert(self, kind: str) -> None:
        model, rows = MODELS[kind], self.m.table(kind)
        new = self.ch[kind]["new"]
        if kind == "source":
            self.insert_sources(new)
        elif kind in TREES:  # parents may be new too: insert first, link parents in the update below
            if new:
                res = self.s.execute(insert(model).returning(model.id, model.guid), [
                    {"guid": g, "name": f"{PARKED}{g}", "name_key": f"{PARKED}{g}", "parent_id": None}
                    for g in new])
                self.ids[kind].update({r.guid: r.id for r in res})
        elif new and kind == "coding":  # many rows: plain executemany, then the ids by GUID
            self.s.execute(insert(model.__table__), [self.values_of(kind, g, rows[g]) for g in new])
            wanted = set(new)
            table = model.__table__
            self.ids[kind].update({g: rid for rid, g in self.s.connection().execute(
                select(table.c.id, table.c.guid).where(table.c.id > self.max_coding_id)) if g in wanted})
        elif new:
            res = self.s.execute(insert(model).returning(model.id, model.guid),
                                 [self.values_of(kind, g, rows[g]) for g in new])
            self.ids[kind].update({r.guid: r.id for r in res})
        todo = self.ch[kind]["updated"] + (new if kind in TREES else [])
        if todo:
            params = []
            for g in todo:
                vals = self.values_of(kind, g, rows[g])
                params.append({f"v_{k}": v for k, v in vals.items()} | {"rid": self.ids[kind][g]})
            cols = {k[2:]: bindparam(k) for k in params[0] if k.startswith("v_")}
            table = model.__table__
            self.s.execute(update(table).where(table.c.id == bindparam("rid")).values(**cols, **bumped(table)), params)

    def insert_sources(self, new: list[str]) -> None:
        by_file: dict[str, list[str]] = defaultdict(list)
        for g in new:
            by_file[self.m.source[g].file].append(g)
        src, turn = Source.__table__, SpeakerTurn.__table__
        turn_cols = [turn.c[n] for n in ("speaker", "start", "end", "label_end", "timestamp", "timestamp_ms")]
        for file, guids in by_file.items():
            other = open_project(file, readonly=True)  # the other project, through the store as ours is
            con = other.engine.connect()
            try:
                for g in guids:
                    full = dict(con.execute(select(src).where(src.c.guid == g)).mappings().one())
                    turns = [dict(t) for t in con.execute(
                        select(*turn_cols).where(turn.c.source_id == full["id"]).order_by(turn.c.start)).mappings()]
                    full.pop("id")
                    row = self.m.source[g]
                    full.update(guid=g, name=row.name, name_key=name_key(row.name), position=row.position,
                                updated_at=row.updated_at, imported_by_id=None,
                                folder_id=self.id("folder", row.folder))
                    sid = self.s.execute(insert(Source).returning(Source.id), [full]).scalar_one()
                    self.ids["source"][g] = sid
                    if turns:
                        self.s.execute(insert(SpeakerTurn), [t | {"source_id": sid} for t in turns])
            finally:
                con.close()
                other.close()

    def remove(self, kind: str) -> None:
        gone = self.ch[kind]["deleted"]
        if not gone:
            return
        model = MODELS[kind].__table__
        rids = [self.ours.ids[kind][g] for g in gone]
        if kind in TREES:  # deepest first: a parent may only go once its children have
            depth = {}
            tree = self.ours.table(kind)
            for g in gone:
                d, cur = 0, tree[g].parent
                while cur is not None and d < 1000:
                    d, cur = d + 1, tree[cur].parent
                depth[self.ours.ids[kind][g]] = d
            rids.sort(key=lambda r: -depth[r])
            for rid in rids:
                self.s.execute(delete(model).where(model.c.id == rid))
            return
        for i in range(0, len(rids), 500):
            self.s.execute(delete(model).where(model.c.id.in_(rids[i:i + 500])))

    def pages(self) -> None:
        """Each merged source's PDF pages, where they differ from the row's (a new source: none)."""
        by_id = {rid: g for g, rid in self.ours.db_ids.get("source", {}).items()}
        for g, rid in self.ids["source"].items():
            old = self.ours.pages.get(by_id[rid], ()) if rid in by_id else ()
            new = self.m.pages.get(g, ())
            if old == new:
                continue
            self.s.execute(delete(SourcePage).where(SourcePage.source_id == rid))
            if new:
                self.s.execute(insert(SourcePage), [{"source_id": rid, "page": p, "label": label, "start": a,
                                                      "end": b} for p, label, a, b in new])

    def small_tables(self) -> None:
        s, m, ours = self.s, self.m, self.ours
        ch = self.ch
        for case, attr in ch["value"]["deleted"]:
            s.execute(delete(AttributeValue).where(AttributeValue.case_id == self.ours.ids["case"][case],
                                                   AttributeValue.attribute_id == self.ours.ids["attribute"][attr]))
        for key in ch["value"]["updated"] + ch["value"]["new"]:
            v = m.values[key]
            cid, aid = self.ids["case"][key[0]], self.ids["attribute"][key[1]]
            s.execute(delete(AttributeValue).where(AttributeValue.case_id == cid, AttributeValue.attribute_id == aid))
            s.execute(insert(AttributeValue), [{"case_id": cid, "attribute_id": aid, "value": v.value,
                                                "updated_at": v.updated_at,
                                                "updated_by_id": self.ids["coder"].get(v.updated_by)}])
        for case, source in ch["link"]["deleted"]:
            s.execute(delete(CaseSource).where(CaseSource.case_id == ours.ids["case"][case],
                                               CaseSource.source_id == ours.ids["source"][source]))
        if ch["link"]["new"]:
            s.execute(insert(CaseSource), [{"case_id": self.ids["case"][c], "source_id": self.ids["source"][src],
                                            "created_at": m.links[(c, src)]} for c, src in ch["link"]["new"]])
        gone = ch["tombstone"]["deleted"] + ch["tombstone"]["updated"]
        for i in range(0, len(gone), 500):
            s.execute(delete(Tombstone).where(Tombstone.guid.in_(gone[i:i + 500])))
        put = ch["tombstone"]["new"] + ch["tombstone"]["updated"]
        if put:
            s.execute(insert(Tombstone), [{"guid": g, **m.tombstones[g]._asdict()} for g in put])

    def extras(self) -> None:
        s, m, ours = self.s, self.m, self.ours
        have = dict(s.execute(select(SavedQuery.guid, SavedQuery.id)).all())
        for g in [g for g in ours.queries if g not in m.queries]:
            s.execute(delete(SavedQuery).where(SavedQuery.id == have[g]))
        for g, q in m.queries.items():
            if g in have and ours.queries.get(g) != q:
                s.execute(update(SavedQuery).where(SavedQuery.id == have[g]).values(
                    name=f"{PARKED}{g}", name_key=f"{PARKED}{g}", **bumped(SavedQuery)))
        for g, q in m.queries.items():
            if g in have and ours.queries.get(g) != q:
                s.execute(update(SavedQuery).where(SavedQuery.id == have[g]).values(
                    **q._asdict(), name_key=name_key(q.name), **bumped(SavedQuery)))
            elif g not in have:
                s.execute(insert(SavedQuery), [{"guid": g, **q._asdict()}])
        new_reports = [g for g in m.reports if g not in ours.reports]
        if new_reports:
            s.execute(insert(Report), [{"guid": g, **m.reports[g]._asdict()} for g in new_reports])
        keys = {h["key"] for h in ours.handouts}
        import json

        for h in m.handouts:
            if h["key"] not in keys:
                s.merge(ProjectMeta(key=h["key"], value=json.dumps({k: v for k, v in h.items() if k != "key"})))

    def run(self) -> None:
        self.park_names()
        for kind in KINDS:
            if kind == "case_passage":  # one link per case and span: a link that goes frees its span first
                self.remove(kind)
            self.upsert(kind)
        for kind in ("memo", "coding", "code", "case", "attribute", "source", "folder", "coder"):
            self.remove(kind)
        self.pages()
        self.small_tables()
        self.extras()
        self.s.flush()


def write_state(session: Session, ours: State, merged: State, changes: dict) -> None:
    """Make the project's rows equal merged; `changes` is diff(ours, merged)."""
    _Writer(session, ours, merged, changes).run()
