"""Issue 11: bulk codings, codebook import and cases from CSV do the same as before, in work that
follows the input, not the project: no full scan of `coding` a batch, and a number of statements
that does not grow with the number of codes or cases. (Speed itself: `workbench bench`.)"""
from __future__ import annotations

import random
import sqlite3

import pytest
from sqlalchemy import event, func, select

from workbench.core.changes import Kind
from workbench.services.cases import import_cases_csv
from workbench.core.errors import NotFoundError, ValidationError
from workbench.services.coding import NewCoding, apply_codes, apply_codes_in
from workbench.store import bulk as store_bulk
from workbench.store.models import Code, Coder, Coding, Source


class Statements:
    """The SQL a project's engine runs while the block is open (an executemany counts once)."""

    def __init__(self, engine):
        self.engine, self.seen = engine, []

    def _note(self, conn, cursor, statement, parameters, context, executemany):
        self.seen.append((statement, parameters, executemany))

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._note)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._note)


def _random_items(project, n, seed=1):
    with project.reading() as s:
        sources = s.execute(select(Source.id, Source.length)).all()
        codes = list(s.scalars(select(Code.id)))
        coders = list(s.scalars(select(Coder.id)))
    rng = random.Random(seed)
    out = set()
    while len(out) < n:
        sid, length = rng.choice(sources)
        start = rng.randrange(length - 2)
        out.add((sid, rng.choice(codes), rng.choice(coders), start, rng.randrange(start + 1, length)))
    return sorted(out)


def _keys(path):
    con = sqlite3.connect(path)
    try:
        return set(con.execute('SELECT source_id, code_id, coder_id, start, "end" FROM coding'))
    finally:
        con.close()


@pytest.mark.parametrize("body", ["engine's", "portable"])
def test_existing_keys_match_a_brute_force(project, project_path, body, monkeypatch):
    """Both bodies of store.bulk (SQLite's and the one other engines get), across chunks of 2,000."""
    if body == "portable":
        monkeypatch.setattr(store_bulk, "_is_sqlite", lambda conn: False)
    items = _random_items(project, 2600)
    with project.transaction() as s:
        apply_codes_in(s, [NewCoding(*k) for k in items[:1300]])
    stored = _keys(project_path)
    asked = set(items) | {(k[0], k[1], k[2], k[3], k[4] + 1) for k in items[:40]} | {(9999, 1, 1, 0, 1)}
    with project.reading() as s:
        assert store_bulk.existing_keys(s, asked) == asked & stored
        assert store_bulk.existing_keys(s, set()) == set()


@pytest.mark.parametrize("body", ["engine's", "portable"])
def test_bulk_insert_gives_every_coding_its_id_and_skips_repeats(project, project_path, body, monkeypatch):
    if body == "portable":
        monkeypatch.setattr(store_bulk, "_is_sqlite", lambda conn: False)
    before = _keys(project_path)
    items = _random_items(project, 1500, seed=2)
    repeat = next(iter(before))
    with project.transaction() as s:
        changes = apply_codes_in(s, [NewCoding(*k) for k in items] + [NewCoding(*repeat), NewCoding(*items[0])])
    assert len(changes.warnings) == 2 and len(changes.created[Kind.CODING]) == 1500
    assert _keys(project_path) == before | set(items)
    con = sqlite3.connect(project_path)
    got = {r[0]: r[1:] for r in con.execute('SELECT id, source_id, code_id, coder_id, start, "end" FROM coding')}
    con.close()
    assert [got[i] for i in changes.created[Kind.CODING]] == items  # ids in the order the items came


def test_ids_are_each_items_own_when_the_largest_id_is_taken(project, project_path):
    """SQLite gives a new row the id above the largest; with the largest possible id taken it
    picks free ids at random, and the ids handed back must still be the items' own rows."""
    con = sqlite3.connect(project_path)
    con.execute('INSERT INTO coding (id, guid, source_id, code_id, coder_id, start, "end", created_at) '
                "SELECT 9223372036854775807, 'f0000000-0000-7000-8000-000000000000', source_id, code_id, "
                "coder_id, start, \"end\" + 1, created_at FROM coding ORDER BY id LIMIT 1")
    con.commit()
    con.close()
    items = [k for k in _random_items(project, 300, seed=5) if k not in _keys(project_path)]
    with project.transaction() as s:
        changes = apply_codes_in(s, [NewCoding(*k) for k in items])
    con = sqlite3.connect(project_path)
    got = {r[0]: r[1:] for r in con.execute('SELECT id, source_id, code_id, coder_id, start, "end" FROM coding')}
    con.close()
    assert [got[i] for i in changes.created[Kind.CODING]] == items


def _lengths(project):
    with project.reading() as s:
        return dict(s.execute(select(Source.id, Source.length)).all())


def _codings(project) -> int:
    with project.reading() as s:
        return s.scalar(select(func.count()).select_from(Coding))


# What is wrong with an item, how it is said: a bad item anywhere in a batch refuses the batch.
BAD_ITEMS = {
    "unknown source": (lambda k, n: (9999, *k[1:]), NotFoundError, "no source named '#9999'"),
    "unknown code": (lambda k, n: (k[0], 9999, *k[2:]), NotFoundError, "no code named '#9999'"),
    "unknown coder": (lambda k, n: (*k[:2], 9999, *k[3:]), NotFoundError, "no coder named '#9999'"),
    "negative start": (lambda k, n: (*k[:3], -1, k[4]), ValidationError, "offsets -1-"),
    "end past the text": (lambda k, n: (*k[:3], 0, n + 1), ValidationError, "offsets 0-"),
    "empty span": (lambda k, n: (*k[:3], 5, 5), ValidationError, "offsets 5-5 "),
    "end past 64 bits": (lambda k, n: (*k[:3], 1, 2**64), ValidationError, f"offsets 1-{2**64} "),
}


@pytest.mark.parametrize("what", list(BAD_ITEMS))
def test_a_bad_item_anywhere_in_a_batch_is_named_and_nothing_is_stored(project, what):
    make, error, words = BAD_ITEMS[what]
    lengths, before = _lengths(project), _codings(project)
    keys = _random_items(project, 200, seed=6)
    items = [NewCoding(*k) for k in keys]
    items[137] = NewCoding(*make(keys[137], lengths[keys[137][0]]))
    items[180] = NewCoding(*keys[180][:3], 2, 2**70)  # a later bad item is not the one named
    with pytest.raises(error) as exc:
        apply_codes(project, items)
    assert words in str(exc.value) and str(2**70) not in str(exc.value), str(exc.value)
    assert _codings(project) == before


@pytest.mark.file_only  # the query plan is read with SQLite's EXPLAIN QUERY PLAN
def test_bulk_coding_never_scans_the_coding_table(project):
    """The look-up of existing codings was a row-value IN planned as a full scan (issue 11)."""
    items = _random_items(project, 1200, seed=3)
    with project.transaction() as s:
        apply_codes_in(s, [NewCoding(*k) for k in items[:600]])
    with Statements(project.engine) as st, project.transaction() as s:
        apply_codes_in(s, [NewCoding(*k) for k in items[600:]])
    reads = [(sql, params) for sql, params, many in st.seen if "coding" in sql and sql.lstrip().upper().startswith(
        ("SELECT", "WITH"))]
    assert reads
    con = sqlite3.connect(project.path)
    try:
        for sql, params in reads:
            plan = " | ".join(r[-1] for r in con.execute("EXPLAIN QUERY PLAN " + sql, params or ()))
            assert "SCAN coding" not in plan and "SCAN c " not in plan + " ", (sql[:120], plan)
    finally:
        con.close()


def _outline(n: int) -> str:
    """n codes in three levels, parents first; some listed only below a parent not listed."""
    lines, i = [], 0
    while len(lines) < n:
        lines.append(f"theme {i}")
        for j in range(3):
            lines.append(f"  aspect {i}.{j} | what {i}.{j} covers")
            lines.append(f"    detail {i}.{j}")
        i += 1
    return "\n".join(lines[:n]) + "\n"


def _count_statements(project, fn) -> int:
    with Statements(project.engine) as st:
        fn()
    return len(st.seen)


def test_codebook_import_runs_as_many_statements_for_300_codes_as_for_30(tmp_path):
    from workbench.io.codebook_outline import import_codebook
    from workbench.store.project import create_project

    counts = []
    for n in (30, 300):
        path = tmp_path / f"book{n}.txt"
        path.write_text(_outline(n), encoding="utf-8")
        with create_project(tmp_path / f"p{n}.qwb", name="p") as project:
            counts.append(_count_statements(project, lambda: import_codebook(project, path)))
    assert counts[0] == counts[1] and counts[1] < 20, counts


def _codebook(path):
    """(path, colour, position, description) of every code, read with sqlite3."""
    con = sqlite3.connect(path)
    rows = {i: r for i, *r in con.execute("SELECT id, parent_id, name, color, position, description FROM code")}
    con.close()

    def path_of(i):
        parent, name = rows[i][0], rows[i][1]
        return name if parent is None else f"{path_of(parent)}/{name}"

    return sorted((path_of(i), color, pos, desc) for i, (_, _, color, pos, desc) in rows.items())


def test_codebook_import_makes_what_creating_each_code_makes(tmp_path):
    """The batched import against the one-at-a-time service (create_code_in): the same tree,
    colours (palette for top-level codes, the parent's for subcodes), positions, descriptions."""
    from workbench.io.codebook_outline import import_codebook, parse_outline
    from workbench.services.codebook import create_code_in
    from workbench.store.project import create_project

    text = _outline(40) + "orphan parent/child | listed without its parent\ntheme 0\n  Aspect 0.0 | respelled\n"
    book = tmp_path / "book.txt"
    book.write_text(text, encoding="utf-8")
    with create_project(tmp_path / "batched.qwb", name="b") as project:
        summary = import_codebook(project, book)
    assert "'theme 0/Aspect 0.0' is 'theme 0/aspect 0.0'" in summary  # the fold is still reported
    with create_project(tmp_path / "one-by-one.qwb", name="o") as project, project.transaction() as s:
        made: dict[tuple, int] = {}
        for parts, desc, _ in parse_outline(book, text):
            key = tuple(p.casefold() for p in parts)
            if key in made and desc:  # listed again: its description is filled in
                s.get(Code, made[key]).description = desc
            for depth in range(1, len(parts) + 1):
                if key[:depth] not in made:
                    parent = made[key[:depth - 1]] if depth > 1 else None
                    made[key[:depth]] = create_code_in(s, parts[depth - 1], parent,
                                                       description=desc if depth == len(parts) else "")
    assert _codebook(tmp_path / "batched.qwb") == _codebook(tmp_path / "one-by-one.qwb")


def _cases_csv(tmp_path, n: int, name: str = "cases") -> str:
    path = tmp_path / f"{name}.csv"
    rows = ["name,region,year signed,first visit,active,sources"]
    rows += [f"City {i},Region {i % 3},{1990 + i},2020-01-{1 + i % 28:02d},{'yes' if i % 2 else 'no'},"
             f"{'policy.txt' if i % 2 else 'interview_jhb.txt;Interview_JHB.txt'}" for i in range(n)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_cases_csv_runs_as_many_statements_for_300_cases_as_for_30(project_path, tmp_path):
    import shutil

    from workbench.store.project import open_project

    counts = []
    for n in (30, 300):
        copy = shutil.copy(project_path, tmp_path / f"copy{n}.qwb")
        with open_project(copy) as project:
            counts.append(_count_statements(project, lambda: import_cases_csv(project, _cases_csv(tmp_path, n))))
    assert counts[0] == counts[1] and counts[1] < 40, counts


def _case_values(path):
    con = sqlite3.connect(path)
    try:
        return sorted(con.execute("SELECT c.name, a.name, v.value FROM attribute_value v JOIN case_ c ON c.id = v.case_id "
                                  "JOIN attribute a ON a.id = v.attribute_id"))
    finally:
        con.close()


def test_cases_csv_creates_updates_and_clears_values_and_links_once(project, project_path, tmp_path):
    first = tmp_path / "first.csv"
    first.write_text("name,region,population,sources\n"
                     "Lyon,Europe,513000,policy.txt\n"
                     "Johannesburg,Africa,5600000,policy.txt; interview_jhb.txt\n", encoding="utf-8")
    r = import_cases_csv(project, first).result
    assert (r.created, r.updated, r.linked) == (1, 1, 1)  # Johannesburg had both sources already
    second = tmp_path / "second.csv"
    second.write_text("name,region,population\n"
                      "lyon,,520000\n"  # folds into Lyon; an empty cell clears the value
                      "Tokyo,Asia,14000000\n"
                      "TOKYO,Asia (East),\n", encoding="utf-8")  # the same case again: the last row wins
    r = import_cases_csv(project, second).result
    assert (r.created, r.updated, r.linked) == (1, 2, 0)
    assert r.folded == [("lyon", "Lyon"), ("TOKYO", "Tokyo")]
    values = _case_values(project_path)
    assert ("Lyon", "population", "520000") in values and not [v for v in values if v[:2] == ("Lyon", "region")]
    assert [v for v in values if v[0] == "Tokyo"] == [("Tokyo", "region", "Asia (East)")]
    assert ("Johannesburg", "population", "5600000") in values and ("Johannesburg", "country", "South Africa") in values
    con = sqlite3.connect(project_path)
    links = sorted(con.execute("SELECT c.name, s.name FROM case_source l JOIN case_ c ON c.id = l.case_id "
                               "JOIN source s ON s.id = l.source_id"))
    positions = sorted(con.execute("SELECT position, name FROM case_"))
    con.close()
    assert links == [("Addis Ababa", "interview_addis.txt"), ("Johannesburg", "interview_jhb.txt"),
                     ("Johannesburg", "policy.txt"), ("Lyon", "policy.txt")]
    assert positions == [(0, "Johannesburg"), (1, "Addis Ababa"), (2, "Lyon"), (3, "Tokyo")]
