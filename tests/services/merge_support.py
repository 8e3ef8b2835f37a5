"""Helpers for merge tests: a canonical dump of a project's content and random edits."""
from __future__ import annotations

from pathlib import Path

import store_read

from workbench.core.paths import name_key


def canonical(path: Path) -> dict:
    """Content by GUID (codings by source, code path, coder, offsets), independent of row ids."""
    con = store_read.connect(path)
    try:
        q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        codes = {r[0]: r[1:] for r in q("SELECT id, guid, parent_id, name, color, description, position FROM code")}

        def cpath(cid):
            parts = []
            while cid is not None:
                parts.append(codes[cid][2])
                cid = codes[cid][1]
            return "/".join(reversed(parts))

        code_guid = {cid: r[0] for cid, r in codes.items()}
        coders = dict(q("SELECT id, name FROM coder"))
        src = {r[0]: r[1] for r in q("SELECT id, guid FROM source")}
        cases = {r[0]: r[1] for r in q("SELECT id, guid FROM case_")}
        attrs = {r[0]: r[1] for r in q("SELECT id, guid FROM attribute")}
        coding_key = {}
        for cid, s, c, k, a, b in q('SELECT id, source_id, code_id, coder_id, start, "end" FROM coding'):
            coding_key[cid] = (src[s], cpath(c), coders[k], a, b)
        memos = {}
        for g, title, text, s, c, cs, cd in q("SELECT guid, title, text, source_id, code_id, case_id, coding_id FROM memo"):
            target = (("source", src.get(s)) if s else ("code", code_guid.get(c)) if c else
                      ("case", cases.get(cs)) if cs else ("coding", coding_key.get(cd)) if cd else ("project", None))
            memos[g] = (target, title, text)
        return {
            "coders": sorted(coders.values()),
            "sources": {r[0]: r[1:] for r in q(
                "SELECT s.guid, s.name, s.sha256, f.guid FROM source s LEFT JOIN source_folder f ON f.id = s.folder_id")},
            "folders": {r[0]: r[1:] for r in q("SELECT f.guid, f.name, p.guid FROM source_folder f "
                                               "LEFT JOIN source_folder p ON p.id = f.parent_id")},
            "pages": sorted(q('SELECT s.guid, p.page, p.label, p.start, p."end" FROM source_page p '
                              "JOIN source s ON s.id = p.source_id")),
            "codes": {r[0]: (cpath(cid), r[3], r[4], r[5]) for cid, r in codes.items()},
            "codings": sorted(coding_key.values()),
            "cases": {r[0]: r[1:] for r in q("SELECT guid, name, description FROM case_")},
            "attributes": {r[0]: r[1:] for r in q("SELECT guid, name, type FROM attribute")},
            "values": sorted((cases[c], attrs[a], v) for c, a, v in q("SELECT case_id, attribute_id, value FROM attribute_value")),
            "links": sorted((cases[c], src[s]) for c, s in q("SELECT case_id, source_id FROM case_source")),
            "passages": {r[0]: (cases[r[1]], src[r[2]], r[3], r[4]) for r in q(
                'SELECT guid, case_id, source_id, start, "end" FROM case_passage')},
            "memos": memos,
            "queries": {r[0]: r[1:] for r in q("SELECT guid, name, definition FROM saved_query")},
            "tombstones": sorted(r[0] for r in q("SELECT guid FROM tombstone")),
        }
    finally:
        con.close()


def content(path: Path) -> dict:
    """What a user sees, with no GUID in it: two merges that agree here agree for the user."""
    con = store_read.connect(path)
    try:
        q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        codes = {r[0]: r[1:] for r in q("SELECT id, parent_id, name, color, description FROM code")}

        def cpath(cid):
            parts = []
            while cid is not None:
                parts.append(codes[cid][1])
                cid = codes[cid][0]
            return "/".join(reversed(parts))

        coders = dict(q("SELECT id, name FROM coder"))
        src = dict(q("SELECT id, name FROM source"))
        cases = dict(q("SELECT id, name FROM case_"))
        attrs = dict(q("SELECT id, name FROM attribute"))
        coding = {r[0]: (src[r[1]], cpath(r[2]), coders[r[3]], r[4], r[5])
                  for r in q('SELECT id, source_id, code_id, coder_id, start, "end" FROM coding')}
        memos = []
        for title, text, s, c, cs, cd, author in q(
                "SELECT title, text, source_id, code_id, case_id, coding_id, author_id FROM memo"):
            target = (("source", src.get(s)) if s else ("code", cpath(c)) if c else ("case", cases.get(cs)) if cs
                      else ("coding", coding.get(cd)) if cd else ("project", None))
            memos.append((target, title, text, coders.get(author)))
        return {
            "coders": sorted(coders.values()),
            "sources": sorted(src.values()),
            "folders": sorted((r[0], r[1] or "") for r in q(
                "SELECT f.name, p.name FROM source_folder f LEFT JOIN source_folder p ON p.id = f.parent_id")),
            "in folders": sorted(q("SELECT s.name, f.name FROM source s JOIN source_folder f ON f.id = s.folder_id")),
            "codes": sorted((cpath(cid), r[2], r[3]) for cid, r in codes.items()),
            "codings": sorted(coding.values()),
            "cases": sorted(q("SELECT name, description FROM case_")),
            "attributes": sorted(q("SELECT name, type FROM attribute")),
            "values": sorted((cases[c], attrs[a], v) for c, a, v in q(
                "SELECT case_id, attribute_id, value FROM attribute_value")),
            "links": sorted((cases[c], src[s]) for c, s in q("SELECT case_id, source_id FROM case_source")),
            "passages": sorted((cases[c], src[s], a, b) for c, s, a, b in q(
                'SELECT case_id, source_id, start, "end" FROM case_passage')),
            "memos": sorted(memos, key=repr),
            "queries": sorted(q("SELECT name, definition FROM saved_query")),
        }
    finally:
        con.close()


def duplicates(path: Path) -> list:
    """Codes sharing parent and name (case and spaces ignored), and codings sharing their natural key."""
    con = store_read.connect(path)
    try:
        seen, dup = set(), []
        for parent, name in con.execute("SELECT parent_id, name FROM code"):
            key = (parent, name_key(name))
            if key in seen:
                dup.append(("code", key))
            seen.add(key)
        dup += [("coding", r) for r in con.execute(
            'SELECT source_id, code_id, coder_id, start, "end", count(*) FROM coding '
            'GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1')]
        dup += [("folder", r) for r in con.execute(
            "SELECT coalesce(parent_id, 0), name, count(*) FROM source_folder GROUP BY 1, 2 HAVING count(*) > 1")]
        dup += [("case_passage", r) for r in con.execute(
            'SELECT case_id, source_id, start, "end", count(*) FROM case_passage GROUP BY 1, 2, 3, 4 HAVING count(*) > 1')]
        return dup
    finally:
        con.close()


def apply_ops(path: Path, ops: list[tuple]) -> None:
    """Replay random edits (indices taken modulo what exists) through the services, as a user would.

    Each op is (kind, a, b, c); deletions name a deleter chosen by c: one of the two coders (so
    some delete their own work and some another's) or no one.
    """
    from sqlalchemy import select

    from workbench.core.errors import WorkbenchError
    from workbench.services import cases, codebook, coding, memos, saved_queries
    from workbench.services import sources as sources_service
    from workbench.store.models import Attribute, Case, CasePassage, Code, Coder, Coding, SavedQuery, Source
    from workbench.store.project import open_project

    with open_project(path) as p:
        for op, a, b, c in ops:
            with p.reading() as s:
                codes = list(s.scalars(select(Code.id).order_by(Code.id)))
                codings = list(s.scalars(select(Coding.id).order_by(Coding.id)))
                sources = list(s.execute(select(Source.id, Source.length).order_by(Source.id)))
                coders = list(s.scalars(select(Coder.id).order_by(Coder.id)))
                case_ids = list(s.scalars(select(Case.id).order_by(Case.id)))
                attrs = list(s.scalars(select(Attribute.id).order_by(Attribute.id)))
                queries = list(s.scalars(select(SavedQuery.name).order_by(SavedQuery.id)))
            who = DELETERS[c % len(DELETERS)]
            pick = lambda items, i: items[i % len(items)]  # noqa: E731
            try:
                if op == "code" and codes:
                    sid, length = pick(sources, a)
                    start = b % (length - 1)
                    coding.apply_code(p, sid, pick(codes, c), coders[(a + c) % len(coders)],
                                      start, min(length, start + 1 + (c * 7) % 40))
                elif op == "uncode" and codings:
                    coding.remove_codings(p, [pick(codings, a)], deleted_by=who)
                elif op == "new code":
                    parent = None if b % 3 == 0 or not codes else pick(codes, b)
                    codebook.create_code(p, pick(NAMES, a), parent)
                elif op == "rename" and codes:
                    codebook.rename_code(p, pick(codes, a), pick(NAMES, b))
                elif op == "recolour" and codes:
                    codebook.recolor_code(p, pick(codes, a), pick(COLOURS, b))
                elif op == "move" and codes:
                    codebook.move_code(p, pick(codes, a), None if b % 4 == 0 else pick(codes, b))
                elif op == "merge codes" and len(codes) > 1:
                    codebook.merge_codes(p, [pick(codes, a)], pick(codes, b), deleted_by=who)
                elif op == "delete code" and codes:
                    codebook.delete_code(p, pick(codes, a), force=True, deleted_by=who)
                elif op == "memo" and codes:
                    memos.set_memo(p, "code", pick(codes, a), pick(MEMOS, b), pick(coders, c))
                elif op == "coding memo" and codings:
                    memos.set_memo(p, "coding", pick(codings, a), pick(MEMOS, b), pick(coders, c))
                elif op == "value" and case_ids and attrs:
                    attr = pick(attrs, b)
                    with p.reading() as s:
                        kind = s.get(Attribute, attr).type
                    cases.set_attribute_value(p, pick(case_ids, a), attr, VALUES[kind][c % 4])
                elif op == "case":
                    kinds = ("new", "rename", "delete")
                    what = kinds[b % 3] if case_ids else "new"
                    if what == "new":
                        cases.create_case(p, pick(CASES, a))
                    elif what == "rename":
                        cases.rename_case(p, pick(case_ids, a), pick(CASES, c))
                    else:
                        cases.delete_case(p, pick(case_ids, a), deleted_by=who)
                elif op == "link" and case_ids:
                    cases.link_source(p, pick(case_ids, a), pick(sources, b)[0], linked=c % 2 == 0)
                elif op == "passage" and case_ids:
                    # link a passage, or unlink one of those there (by a, then its start), by `who`
                    with p.reading() as s:
                        there = list(s.scalars(select(CasePassage.id).order_by(CasePassage.id)))
                    if there and b % 3 == 0:
                        cases.unlink_passage(p, pick(there, a), deleted_by=who)
                    else:
                        sid, length = pick(sources, b)
                        start = (a * 5) % (length - 1)  # few distinct spans, so copies link the same one
                        cases.link_passage(p, pick(case_ids, a), sid, start, min(length, start + 1 + c % 3 * 10))
                elif op == "folder":  # make a folder, file a source (or take it out), delete a folder
                    folders = sources_service.folder_rows(p)
                    what = b % 3 if folders else 0
                    if what == 0:
                        parent = pick(folders, c).id if folders and c % 3 == 0 else None
                        sources_service.create_folder(p, pick(FOLDERS, a), parent)
                    elif what == 1:
                        where = None if c % 4 == 0 else pick(folders, c).id
                        sources_service.move_to_folder(p, [pick(sources, a)[0]], where)
                    else:
                        leaves = [f for f in folders if not any(g.parent_id == f.id for g in folders)]
                        sources_service.delete_folder(p, pick(leaves, a).id, deleted_by=who)
                elif op == "query":
                    if queries and b % 2:
                        saved_queries.delete_query(p, pick(queries, a), deleted_by=who)
                    else:
                        saved_queries.save_query(p, pick(QUERIES, a), {"filters": {"codes": [pick(NAMES, c)]}},
                                                 replace=True)
            except WorkbenchError:
                pass  # a clash or an empty target: the user would have been told; nothing changed


NAMES = ["autonomy", "Autonomy ", "budget", "trade", "skills", "housing"]
COLOURS = ["#112233", "#445566", "#778899"]
MEMOS = ["first thought", "second thought", "a longer third thought", ""]
VALUES = {"text": ["Africa", "Asia", "Europe", ""], "number": ["2001", "2010", "1999", ""],
          "date": ["2001-01-01", "2002-02-02", "2003-03-03", ""], "bool": ["yes", "no", "yes", ""]}
FOLDERS = ["Interviews", "interviews ", "Policy texts", "2019"]
CASES = ["Johannesburg", "Cape Town", "Tokyo", "Nairobi"]
QUERIES = ["funding talk", "Funding talk", "province"]
DELETERS = ["Thandi", "Pieter", ""]
OPS = ["code", "code", "code", "uncode", "new code", "rename", "recolour", "move", "merge codes", "delete code",
       "memo", "coding memo", "value", "case", "link", "passage", "passage", "folder", "folder", "query"]
