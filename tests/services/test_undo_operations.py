"""The operations the window's undo calls (issue 13): each puts the project back exactly.

Expected state comes from outside the code under test: every table read with plain SQL before
the action and after its undo, compared row by row (tombstones included, so a later merge sees
nothing deleted). Both engines, through the `engine`-parametrised `project` fixture.
"""
from __future__ import annotations

from sqlalchemy import text

from workbench.core.changes import Kind

from workbench.services import case_tables, codebook_undo, coding, memos
from workbench.services import cases as cs
from workbench.services.lookup import case_by_name, code_by_path, coder_by_name, source_by_name
from workbench.store.models import Base

SKIP = {"project_meta"}


def _tables(project) -> dict[str, list[tuple]]:
    """Every row of every table but for the row versions, which a write-back moves on (docs/team.md)."""
    with project.reading() as s:
        out = {}
        for name, table in Base.metadata.tables.items():
            if name in SKIP:
                continue
            cols = ", ".join(f'"{c.name}"' for c in table.columns if c.name != "version")
            out[name] = sorted(tuple(map(repr, r)) for r in s.execute(text(f"SELECT {cols} FROM {name}")))
        return out


def _ids(project, fn):
    with project.reading() as s:
        return fn(s)


def _count(project, sql: str) -> int:
    with project.reading() as s:
        return s.execute(text(sql)).scalar()


def test_unmerge_puts_every_row_back(project):
    src, tgt, coder, sid = _ids(project, lambda s: (code_by_path(s, "autonomy"), code_by_path(s, "provincial constraint"),
                                                    coder_by_name(s, "Thandi"), source_by_name(s, "policy.txt")))
    # A repeat coding (same coder, passage) on both codes, each with a memo; memos on both codes.
    coding.apply_codes(project, [coding.NewCoding(sid, src, coder, 0, 10, memo="mine"),
                                 coding.NewCoding(sid, tgt, coder, 0, 10, memo="theirs")])
    memos.set_memo(project, "code", src, "about autonomy")
    memos.set_memo(project, "code", tgt, "about constraints")
    before = _tables(project)
    ch = codebook_undo.merge_codes_kept(project, [src], tgt)
    assert _count(project, f"SELECT count(*) FROM code WHERE id = {src}") == 0
    theirs = _count(project, "SELECT count(*) FROM memo WHERE text LIKE 'theirs%mine%'")
    assert theirs == 1  # the repeat's memo was appended to the target coding's memo
    assert _tables(project) != before
    version_before = _count(project, f"SELECT version FROM code WHERE id = {tgt}")
    back = codebook_undo.unmerge_codes(project, ch.result)
    assert _tables(project) == before
    # The kept code written back goes on to a new version, never back to one a stale view saw.
    assert _count(project, f"SELECT version FROM code WHERE id = {tgt}") > version_before
    assert back.ids("created", Kind.CODE) == [src]
    assert tgt in back.ids("updated", Kind.CODE)


def test_unmerge_then_merge_again_is_the_same_merge(project):
    src, tgt = _ids(project, lambda s: (code_by_path(s, "autonomy"), code_by_path(s, "provincial constraint")))
    first = codebook_undo.merge_codes_kept(project, [src], tgt)
    after_first = _tables(project)
    codebook_undo.unmerge_codes(project, first.result)
    codebook_undo.merge_codes_kept(project, [src], tgt)
    strip = {"tombstone", "code", "memo"}  # times of the second merge differ; rows and ids do not
    assert {k: v for k, v in _tables(project).items() if k not in strip} == \
        {k: v for k, v in after_first.items() if k not in strip}


def test_restore_codings_gives_memos_back_their_guid_author_and_dates(project):
    cid = _ids(project, lambda s: s.execute(text("SELECT min(id) FROM coding")).scalar())
    memos.set_memo(project, "coding", cid, "why this passage")
    q = ("SELECT m.guid, m.author_id, m.created_at, m.updated_at, m.text, c.guid FROM memo m "
         "JOIN coding c ON c.id = m.coding_id")
    with project.reading() as s:
        before = sorted(tuple(r) for r in s.execute(text(q)))
    rows = coding.coding_memo_rows(project, [cid])
    records = coding.remove_codings(project, [cid]).result
    ch = coding.restore_codings(project, records, rows)
    with project.reading() as s:
        after = sorted(tuple(r) for r in s.execute(text(q)))
    assert after == before
    assert len(ch.ids("created", Kind.CODING)) == 1 and len(ch.ids("created", Kind.MEMO)) == 1


def test_restore_case_tables_undoes_a_csv_import(project, tmp_path):
    f = tmp_path / "more.csv"
    f.write_text("name,country,sources\nNairobi,Kenya,policy.txt\nJohannesburg,RSA,interview_jhb.txt\n",
                 encoding="utf-8")
    before = case_tables.case_tables(project)
    raw_before = _tables(project)
    cs.import_cases_csv(project, f)
    after = case_tables.case_tables(project)
    assert after != before
    case_tables.restore_case_tables(project, before, since=after)
    assert _tables(project)["case_"] == raw_before["case_"]
    for name in ("attribute", "attribute_value", "case_source"):
        assert _tables(project)[name] == raw_before[name], name
    case_tables.restore_case_tables(project, after, since=before)  # redo
    assert _ids(project, lambda s: case_by_name(s, "Nairobi")) is not None


def test_import_sources_names_what_the_run_made(project, tmp_path):
    """The import job's Changes: the sources made by id, the coder and case made for them, the
    outcomes in `result`; a skipped repeat and a failed file name nothing."""
    from workbench.services.sources import import_sources

    a, b, empty = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "empty.txt"
    a.write_text("First interview about the twinning.\n", encoding="utf-8")
    b.write_text("Second interview about the twinning.\n", encoding="utf-8")
    empty.write_text("")
    sources_before = {r[0] for r in _rows(project, "SELECT id FROM source")}
    ch = import_sources(project, [a, b, a, empty], coder="Zanele", case="Nairobi")
    made = {r[0] for r in _rows(project, "SELECT id FROM source")} - sources_before
    assert [o.status for o in ch.result] == ["imported", "imported", "skipped", "failed"]
    assert set(ch.ids("created", Kind.SOURCE)) == made and len(made) == 2
    assert ch.ids("created", Kind.CODER) == [r[0] for r in _rows(project, "SELECT id FROM coder WHERE name = 'Zanele'")]
    assert ch.ids("created", Kind.CASE) == [r[0] for r in _rows(project, "SELECT id FROM case_ WHERE name = 'Nairobi'")]
    again = import_sources(project, [a], coder="Zanele", case="Nairobi")
    assert not again.kinds() and again.result[0].status == "skipped"


def _rows(project, sql: str) -> list[tuple]:
    with project.reading() as s:
        return [tuple(r) for r in s.execute(text(sql))]
