"""Every write in services is one operation returning one Changes that names exactly the rows it
touched (issue 13, item 1).

The expected ids come from outside the code under test: every table is read before and after the
operation and the two compared row by row; the Changes the operation reported must name the same
ids, kind by kind. A second test finds the write functions by reading the services' source, so a
new one that is not in the table fails here.
"""
from __future__ import annotations

import ast
import inspect
import pkgutil
from pathlib import Path

import pytest
from sqlalchemy import select

import workbench.services as services_pkg
from workbench.core.changes import WHATS, Changes, Kind
from workbench.services import cases as cs
from workbench.services import codebook as cb
from workbench.services import case_tables, codebook_io, codebook_undo, coders, coding, memos, projects, saved_queries
from workbench.services import sources
from workbench.services.code_hits import code_hits
from workbench.services.lookup import case_by_name, code_by_path, coder_by_name, source_by_name
from workbench.store.models import Attribute, Base, Coding, SourceFolder

# A table's rows are reported under one kind, by their own id; rows without an id of their own
# are reported on the case they belong to, as "updated".
BY_ID = {"project": Kind.PROJECT, "coder": Kind.CODER, "source_folder": Kind.FOLDER, "source": Kind.SOURCE,
         "code": Kind.CODE, "coding": Kind.CODING, "case_": Kind.CASE, "case_passage": Kind.PASSAGE,
         "attribute": Kind.ATTRIBUTE, "memo": Kind.MEMO, "saved_query": Kind.QUERY, "report": Kind.REPORT}
BY_CASE = {"case_source": Kind.LINK, "attribute_value": Kind.VALUE}
# Rows that go with their source (pages, speaker turns), and bookkeeping no view shows.
NOT_REPORTED = {"source_page", "speaker_turn", "tombstone", "project_meta"}

# Long jobs that write through other functions' operations or into other files; each returns its
# own report (import outcomes, a merge report) and is tested where it lives.
JOBS = {"sources.import_files", "merge.apply_merge", "merge.merge_files", "merge.copy_then_merge",
        "handout.hand_out",
        # A team project's members: roles on the server, tested against it in tests/team and tests/ui.
        "team.grant", "team.revoke"}


def test_every_table_is_named():
    assert set(Base.metadata.tables) == set(BY_ID) | set(BY_CASE) | NOT_REPORTED


def _snapshot(project) -> dict[str, dict]:
    out = {}
    with project.reading() as s:
        for name, table in Base.metadata.tables.items():
            if name in NOT_REPORTED:
                continue
            rows = [dict(r._mapping) for r in s.execute(select(table))]
            if name in BY_ID:
                out[name] = {r["id"]: r for r in rows}
            else:
                out[name] = {tuple(sorted(r.items())): r for r in rows}
    return out


def _actual(before: dict, after: dict) -> Changes:
    """What the database says the operation did, as a Changes."""
    ch = Changes()
    for name, kind in BY_ID.items():
        old, new = before[name], after[name]
        ch.add("created", kind, *sorted(set(new) - set(old)))
        ch.add("deleted", kind, *sorted(set(old) - set(new)))
        ch.add("updated", kind, *sorted(i for i in set(old) & set(new) if old[i] != new[i]))
        if name == "coding":  # the codes and sources whose codings came, went or moved
            moved = [new.get(i) or old[i] for i in set(old) ^ set(new)]
            moved += [r for i in set(old) & set(new) if old[i] != new[i] for r in (old[i], new[i])]
            ch.add("counts", Kind.CODE, *sorted({r["code_id"] for r in moved}))
            ch.add("counts", Kind.SOURCE, *sorted({r["source_id"] for r in moved}))
        if name == "memo":  # a memo's target shows it
            moved = [new.get(i) or old[i] for i in set(old) ^ set(new)]
            moved += [r for i in set(old) & set(new) if old[i] != new[i] for r in (old[i], new[i])]
            for col, target in (("source_id", Kind.SOURCE), ("case_id", Kind.CASE), ("code_id", Kind.CODE),
                                ("coding_id", Kind.CODING)):
                ch.add("counts", target, *sorted({r[col] for r in moved if r[col] is not None}))
    came_went = set(before["case_"]) ^ set(after["case_"])  # a case made or deleted has its links with it
    for name, kind in BY_CASE.items():
        old, new = before[name], after[name]
        ch.add("updated", kind, *sorted({r["case_id"] for k, r in (old | new).items()
                                         if (k in old) != (k in new)} - came_went))
    return ch


def _ids(project, session_fn):
    with project.reading() as s:
        return session_fn(s)


def _coding_id(s, code_path="autonomy"):
    return s.scalar(select(Coding.id).where(Coding.code_id == code_by_path(s, code_path)).order_by(Coding.id))


def _make_folder(p):
    return sources.create_folder(p, "Interviews").first_created


def _deleted_code(p):
    cid = _ids(p, lambda s: code_by_path(s, "development outcome"))
    return cb.delete_code(p, cid, force=True).result


def _coding_memo(p):
    cid = _ids(p, _coding_id)
    memos.set_memo(p, "coding", cid, "note on the passage")
    return cid


def _passage(p):
    jhb, sid = _ids(p, lambda s: (case_by_name(s, "Johannesburg"), source_by_name(s, "interview_addis.txt")))
    return cs.link_passage(p, jhb, sid, 0, 10).ids("created", Kind.PASSAGE)[0]


def _removed(p):
    return coding.remove_codings(p, [_ids(p, _coding_id)]).result


def _fold_setup(p):
    """A merge of autonomy into provincial constraint that folds a repeat coding with a memo into a
    coding of the target that has one too, and moves a code memo; returns (source ids, target id)."""
    src, tgt, coder = _ids(p, lambda s: (code_by_path(s, "autonomy"), code_by_path(s, "provincial constraint"),
                                         coder_by_name(s, "Thandi")))
    sid = _ids(p, lambda s: source_by_name(s, "policy.txt"))
    coding.apply_codes(p, [coding.NewCoding(sid, src, coder, 0, 10, memo="mine"),
                           coding.NewCoding(sid, tgt, coder, 0, 10, memo="theirs")])
    memos.set_memo(p, "code", src, "about autonomy")
    return [src], tgt


def _merged(p):
    return codebook_undo.merge_codes_kept(p, *_fold_setup(p)).result


def _case_state(p):
    """The case tables as they were, then changes to every one of them."""
    state = case_tables.case_tables(p)
    jhb, sid = _ids(p, lambda s: (case_by_name(s, "Johannesburg"), source_by_name(s, "policy.txt")))
    cs.create_case(p, "Nairobi")
    cs.delete_case_kept(p, _ids(p, lambda s: case_by_name(s, "Addis Ababa")))
    cs.create_attribute(p, "population", "number")
    cs.set_links(p, [], [(jhb, sid)])
    return state, case_tables.case_tables(p)  # to be, and as the changes left them


def _removed_with_memo_rows(p):
    cid = _coding_memo(p)
    rows = coding.coding_memo_rows(p, [cid])
    return coding.remove_codings(p, [cid]).result, rows


def _csv(p, tmp_path):
    f = tmp_path / "more.csv"
    f.write_text("name,country,sources\nNairobi,Kenya,policy.txt\nAddis Ababa,Ethiopia,interview_jhb.txt\n",
                 encoding="utf-8")
    return f


# (name, set-up returning an argument or None, the operation) - each on the small project.
OPERATIONS = [
    ("create_case", None, lambda p, a: cs.create_case(p, "Nairobi", "a city")),
    ("rename_case", None, lambda p, a: cs.rename_case(p, _ids(p, lambda s: case_by_name(s, "Johannesburg")), "Joburg")),
    ("describe_case", None,
     lambda p, a: cs.describe_case(p, _ids(p, lambda s: case_by_name(s, "Johannesburg")), "Gauteng")),
    ("delete_case", _coding_memo, lambda p, a: cs.delete_case(p, _ids(p, lambda s: case_by_name(s, "Johannesburg")))),
    ("delete_case_kept", None,
     lambda p, a: cs.delete_case_kept(p, _ids(p, lambda s: case_by_name(s, "Johannesburg")))),
    ("restore_case", lambda p: cs.delete_case_kept(p, _ids(p, lambda s: case_by_name(s, "Johannesburg"))).result,
     lambda p, rows: cs.restore_case(p, rows)),
    ("define_attribute", None, lambda p, a: cs.define_attribute(p, "population", "number")),
    ("create_attribute", None, lambda p, a: cs.create_attribute(p, "population", "number")),
    ("rename_attribute", None, lambda p, a: cs.rename_attribute(
        p, _ids(p, lambda s: s.scalar(select(Attribute.id).where(Attribute.name == "country"))), "nation")),
    ("delete_attribute_kept", None, lambda p, a: cs.delete_attribute_kept(
        p, _ids(p, lambda s: s.scalar(select(Attribute.id).where(Attribute.name == "country"))))),
    ("restore_attribute", lambda p: cs.delete_attribute_kept(
        p, _ids(p, lambda s: s.scalar(select(Attribute.id).where(Attribute.name == "country")))).result,
     lambda p, rows: cs.restore_attribute(p, rows)),
    ("set_attribute_value", None, lambda p, a: cs.set_attribute_value(
        p, _ids(p, lambda s: case_by_name(s, "Johannesburg")),
        _ids(p, lambda s: s.scalar(select(Attribute.id).where(Attribute.name == "country"))), "Gauteng")),
    ("link_source", None, lambda p, a: cs.link_source(
        p, *_ids(p, lambda s: (case_by_name(s, "Addis Ababa"), source_by_name(s, "policy.txt"))))),
    ("set_links", None, lambda p, a: cs.set_links(
        p, [_ids(p, lambda s: (case_by_name(s, "Addis Ababa"), source_by_name(s, "policy.txt")))],
        [_ids(p, lambda s: (case_by_name(s, "Johannesburg"), source_by_name(s, "policy.txt")))])),
    ("link_passage", None, lambda p, a: cs.link_passage(
        p, *_ids(p, lambda s: (case_by_name(s, "Johannesburg"), source_by_name(s, "interview_addis.txt"))), 0, 10)),
    ("unlink_passage", _passage, lambda p, pid: cs.unlink_passage(p, pid)),
    ("restore_passage", lambda p: cs.unlink_passage(p, _passage(p)).result,
     lambda p, record: cs.restore_passage(p, record)),
    ("link_by_name", None, lambda p, a: cs.link_by_name(p, "Nairobi", "policy.txt", 0, 12)),
    ("unlink_by_name", None, lambda p, a: cs.unlink_by_name(p, "Johannesburg", "policy.txt")),
    ("import_cases_csv", lambda p: None, None),  # filled in below: needs tmp_path
    ("code_hits", None, lambda p, a: code_hits(
        p, [(_ids(p, lambda s: source_by_name(s, "policy.txt")), 0, 10)],
        _ids(p, lambda s: code_by_path(s, "autonomy")), _ids(p, lambda s: coder_by_name(s, "Thandi")))),
    ("create_code", None, lambda p, a: cb.create_code(p, "new code")),
    ("rename_code", None, lambda p, a: cb.rename_code(p, _ids(p, lambda s: code_by_path(s, "autonomy")), "self-rule")),
    ("recolor_code", None, lambda p, a: cb.recolor_code(p, _ids(p, lambda s: code_by_path(s, "autonomy")), "#123456")),
    ("describe_code", None, lambda p, a: cb.describe_code(p, _ids(p, lambda s: code_by_path(s, "autonomy")), "why")),
    ("move_code", None, lambda p, a: cb.move_code(p, _ids(p, lambda s: code_by_path(s, "autonomy/own funding")),
                                                  None, 0)),
    ("delete_code", _coding_memo, lambda p, a: cb.delete_code(p, _ids(p, lambda s: code_by_path(s, "autonomy")),
                                                              force=True)),
    ("restore_code", _deleted_code, lambda p, snap: cb.restore_code(p, snap)),
    ("merge_codes", _coding_memo, lambda p, a: cb.merge_codes(
        p, [_ids(p, lambda s: code_by_path(s, "autonomy"))], _ids(p, lambda s: code_by_path(s, "provincial constraint")))),
    ("merge_codes_kept", _fold_setup, lambda p, a: codebook_undo.merge_codes_kept(p, *a)),
    ("unmerge_codes", _merged, lambda p, snap: codebook_undo.unmerge_codes(p, snap)),
    ("restore_case_tables", _case_state, lambda p, states: case_tables.restore_case_tables(p, *states)),
    ("merge_entries", None, lambda p, a: codebook_io.merge_entries(
        p, [(["autonomy", "fresh"], "a new one", "#aa0000"), (["autonomy"], "described", "")])),
    ("add_coder", None, lambda p, a: coders.add_coder(p, "Lerato")),
    ("apply_codes", None, lambda p, a: coding.apply_codes(p, [coding.NewCoding(
        *_ids(p, lambda s: (source_by_name(s, "policy.txt"), code_by_path(s, "autonomy"), coder_by_name(s, "Pieter"))),
        0, 10, memo="why")])),
    ("apply_code", None, lambda p, a: coding.apply_code(
        p, *_ids(p, lambda s: (source_by_name(s, "policy.txt"), code_by_path(s, "autonomy"),
                               coder_by_name(s, "Pieter"))), 0, 10)),
    ("remove_codings", _coding_memo, lambda p, cid: coding.remove_codings(p, [cid])),
    ("restore_codings", _removed, lambda p, records: coding.restore_codings(p, records)),
    ("restore_codings (memo rows)", _removed_with_memo_rows, lambda p, a: coding.restore_codings(p, *a)),
    ("set_memo (new)", None, lambda p, a: memos.set_memo(p, "code", _ids(p, lambda s: code_by_path(s, "autonomy")),
                                                         "a memo")),
    ("set_memo (edit)", _coding_memo, lambda p, cid: memos.set_memo(p, "coding", cid, "another note")),
    ("set_memo (delete)", _coding_memo, lambda p, cid: memos.set_memo(p, "coding", cid, "")),
    ("set_project_details", None, lambda p, a: projects.set_project_details(p, "Twinning", "cities")),
    ("save_query", None, lambda p, a: saved_queries.save_query(p, "all autonomy", {"codes": ["autonomy"]})),
    ("delete_query", lambda p: saved_queries.save_query(p, "q", {"codes": ["autonomy"]}),
     lambda p, a: saved_queries.delete_query(p, "q")),
    ("redecode_source", lambda p: coding.remove_codings(p, _ids(p, lambda s: list(s.scalars(select(Coding.id).where(
        Coding.source_id == source_by_name(s, "policy.txt")))))), lambda p, a: sources.redecode_source(
        p, _ids(p, lambda s: source_by_name(s, "policy.txt")), "cp1252")),
    ("rename_source", None, lambda p, a: sources.rename_source(
        p, _ids(p, lambda s: source_by_name(s, "policy.txt")), "policy 2001.txt")),
    ("delete_source", None, lambda p, a: sources.delete_source(
        p, _ids(p, lambda s: source_by_name(s, "interview_jhb.txt")), force=True)),
    ("delete_source_kept", _coding_memo, lambda p, a: sources.delete_source_kept(
        p, _ids(p, lambda s: source_by_name(s, "interview_jhb.txt")))),
    ("restore_source", lambda p: sources.delete_source_kept(
        p, _ids(p, lambda s: source_by_name(s, "interview_jhb.txt"))).result,
     lambda p, rows: sources.restore_source(p, rows)),
    ("create_folder", None, lambda p, a: sources.create_folder(p, "Interviews")),
    ("rename_folder", _make_folder, lambda p, fid: sources.rename_folder(p, fid, "Talks")),
    ("delete_folder", lambda p: (_make_folder(p), sources.move_to_folder(
        p, [_ids(p, lambda s: source_by_name(s, "policy.txt"))],
        _ids(p, lambda s: s.scalar(select(SourceFolder.id))))),
     lambda p, a: sources.delete_folder(p, a[0])),
    ("move_to_folder", _make_folder, lambda p, fid: sources.move_to_folder(
        p, [_ids(p, lambda s: source_by_name(s, "policy.txt"))], fid)),
]


@pytest.mark.parametrize("name,setup,op", OPERATIONS, ids=[o[0] for o in OPERATIONS])
def test_an_operation_reports_exactly_the_rows_it_touched(project, tmp_path, name, setup, op):
    if name == "import_cases_csv":
        path = _csv(project, tmp_path)
        setup, op = None, (lambda p, a: cs.import_cases_csv(p, path))
    arg = setup(project) if setup else None
    before = _snapshot(project)
    reported = op(project, arg)
    after = _snapshot(project)
    assert isinstance(reported, Changes), f"{name} returned {type(reported).__name__}, not Changes"
    actual = _actual(before, after)
    assert actual.kinds(), f"{name} changed nothing: the case does not test it"
    for what in (*WHATS, "counts"):
        for kind in Kind:
            want, got = set(actual.ids(what, kind)), set(reported.ids(what, kind))
            if what == "counts":  # a code or source made or deleted now has its counts with it
                want -= set(actual.ids("created", kind)) | set(actual.ids("deleted", kind))
                got -= set(actual.ids("created", kind)) | set(actual.ids("deleted", kind))
            assert got == want, f"{name}: {what} {kind.name}: reported {sorted(got)}, the database {sorted(want)}"


def _write_functions() -> set[str]:
    """Public functions of workbench.services that take a project and open a write transaction."""
    found = set()
    for info in pkgutil.iter_modules(services_pkg.__path__):
        path = Path(services_pkg.__path__[0]) / f"{info.name}.py"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            args = [a.arg for a in node.args.args]
            body = ast.unparse(node)
            if args[:1] == ["project"] and ("project.transaction()" in body or "_put_rows(" in body
                                            or "apply_codes(" in body):
                found.add(f"{info.name}.{node.name}")
    return found


MODULES = {"cases": cs, "case_tables": case_tables, "codebook": cb, "codebook_undo": codebook_undo, "codebook_io": codebook_io, "coders": coders, "coding": coding,
           "memos": memos, "projects": projects, "saved_queries": saved_queries, "sources": sources,
           "code_hits": None}


def test_every_write_function_is_an_operation_in_the_table():
    tested = {o[0].split(" ")[0] for o in OPERATIONS}
    missing = sorted(f for f in _write_functions() - JOBS if f.split(".")[1] not in tested)
    assert missing == [], f"write functions with no row in OPERATIONS: {missing}"
    for f in sorted(_write_functions() - JOBS):
        module, fn = f.split(".")
        if MODULES.get(module) is not None:
            hint = inspect.signature(getattr(MODULES[module], fn)).return_annotation
            assert hint in ("Changes", Changes), f"{f} is annotated to return {hint}, not Changes"
