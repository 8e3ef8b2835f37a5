"""Text search gives the same hits on the same texts whatever the engine.

query.search finds the hits in Python; each engine's index (FTS5 in a file, store/pg_search.py
on a server) only narrows the sources to read and must never leave one out. Checked three
ways: the server index's fold against the matcher's own character classes for every code
point; the hits of awkward texts on both engines against a scan of every text; and the
candidates of each engine against the sources that really hold a hit.
"""
from __future__ import annotations

import re
import sys

import pytest
from sqlalchemy import text

from workbench.query.search import _char_class, fold_char, parse_query, search, search_in
from workbench.store.pg_search import fold_key
from workbench.store.project import create_project

TEXTS = {
    "accents.txt": "CAFÉ society; the cafe\u0301 on Rue Zürich, São Paulo and Réunion. Ørsted, Łódź, Straße.",
    "punctuation.txt": "partner.Every city e-mail sign-off l'autonomie (province)… city_hall 2019. city,city",
    "lines.txt": "sister\ncity agreements\r\nsister  city, and the SISTER-CITY deal",
    "apart.txt": "a sister of the city; memorandum, then signed",
    "greek.txt": "ΣΟΦΟΣ και σοφός; ΟΔΟΣ; ﬁnance ﬂow; ǅemal; İstanbul",
    "astral.txt": "Mayor 😀 said 𝐜𝐢𝐭𝐲 and city; the 𐐨𐐯 clinic",
}
QUERIES = ["cafe", "zurich", '"sao paulo"', "reunion", "orsted", "lodz", "strasse", "straße", "every", "partner",
           "mail", "sign*", "autonomie", "city", "cit*", '"sister city"', "sister", "hall", "2019", "σοφος",
           "σοφός", "οδος", '"memorandum signed"', '"memorandum then signed"', "finance", "ﬁnance", "ǆemal", "istanbul", "clinic", "said", "𐐨𐐯", "province"]


def _token_char(c: str) -> bool:
    return bool(re.fullmatch(r"[^\W_]", c))


def test_the_server_fold_gives_every_character_a_query_can_match_one_key():
    """For each character a query token can hold (a folded word character), every character its
    class in query.search accepts folds, in store.pg_search, to the same key."""
    bad = []
    for cp in range(sys.maxunicode + 1):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        y = chr(cp)
        if not _token_char(y):
            continue
        c = fold_char(y)
        if not _token_char(c):
            continue
        cls = re.compile(_char_class(c))
        key = fold_key(c)
        alts = {c, c.upper(), c.lower(), c.title(), y, y.upper(), y.lower()}
        for x in alts:
            if len(x) == 1 and cls.fullmatch(x) and fold_key(x) != key:
                bad.append((c, x, key, fold_key(x)))
    assert bad == []


def test_combining_marks_vanish_from_the_server_key_and_every_gap_is_one_space():
    assert fold_key("Rene\u0301") == fold_key("René") == fold_key("RENE") == "rene"
    assert fold_key("sister,\n  city_hall") == "sister city hall"
    gaps = [chr(cp) for cp in range(sys.maxunicode + 1)
            if not 0xD800 <= cp <= 0xDFFF and not _token_char(chr(cp))]
    assert {fold_key(x) for x in gaps} <= {"", " "}


@pytest.fixture
def both(request, tmp_path):
    """The same texts in a project file and in a server project."""
    from workbench.services.sources import import_files

    folder = tmp_path / "texts"
    folder.mkdir()
    files = []
    for name, body in TEXTS.items():
        (folder / name).write_text(body, encoding="utf-8")
        files.append(folder / name)
    dbs = request.getfixturevalue("pg_databases")
    db = dbs.fresh()
    projects = [create_project(tmp_path / "p.qwb", coder="T"), create_project(dbs.cluster.url(db, "p"), coder="T")]
    try:
        for p in projects:
            assert all(o.status == "imported" for o in import_files(p, files, coder="T"))
        yield projects
    finally:
        for p in projects:
            p.close()
        dbs.drop(db)


def _hits(result):
    return [(h.source, h.start, h.end, h.term) for h in result.hits]


def test_the_same_hits_on_both_engines_and_as_a_scan(both):
    file_project, server_project = both
    for q in QUERIES:
        on_file, on_server = search(file_project, q), search(server_project, q)
        with file_project.reading() as s:
            scanned = search_in(s, q, None)
        assert on_file.used_index and on_server.used_index
        assert _hits(on_file) == _hits(on_server) == _hits(scanned), q
    assert [h.source for h in search(server_project, "every").hits] == ["punctuation.txt"]
    assert len(search(server_project, '"sister city"').hits) == 3


def test_each_index_keeps_every_source_that_holds_a_hit(both):
    for p in both:
        index = p.backend.search
        with p.transaction() as s:
            index.ensure(s)
        for q in QUERIES:
            with p.reading() as s:
                holding = {h.source_id for h in search_in(s, q, None).hits}
                candidates = set(index.matching_sources(s, parse_query(q)))
            assert holding <= candidates, (p.backend.kind, q)
    server = both[1]
    with server.reading() as s:  # a phrase narrows by the phrase, not by its words alone
        only = server.backend.search.matching_sources(s, parse_query('"sister city"'))
        names = {r[0] for r in s.execute(text("SELECT name FROM source WHERE id = ANY(:i)"), {"i": only})}
    assert names == {"lines.txt"}  # apart.txt has both words, apart


GLUED = "the SISTER-CITY deal; sister\u0301city and city\U0001F600 again"


@pytest.fixture
def glued(request, both, tmp_path):
    """Both projects with one more text, where a mark or an emoji is glued to a word."""
    from workbench.services.sources import import_files

    f = tmp_path / "glued.txt"
    f.write_text(GLUED, encoding="utf-8")
    for p in both:
        import_files(p, [f], coder="T")
    return both


def _glued_hits(p):
    return [GLUED[h.start:h.end] for h in search(p, "city").hits if h.source == "glued.txt"]


def test_a_server_project_finds_words_a_mark_or_an_emoji_is_glued_to(glued):
    assert _glued_hits(glued[1]) == ["CITY", "city", "city"]


def test_a_project_file_finds_words_a_mark_or_an_emoji_is_glued_to(glued):
    assert _glued_hits(glued[0]) == ["CITY", "city", "city"]


def test_a_server_index_of_the_earlier_layout_is_made_anew(both):
    """A project searched by an earlier version has source_fold as a folded copy of each text
    (source_id, folded): the next program to open it replaces it, and finds the same hits."""
    from workbench.store.project import open_project

    server = both[1]
    want = _hits(search(server, '"sister city"'))
    with server.transaction() as s:
        s.execute(text("DROP TABLE source_fold"))
        s.execute(text("CREATE TABLE source_fold (source_id integer PRIMARY KEY, folded text NOT NULL)"))
        s.execute(text("INSERT INTO source_fold SELECT id, lower(text) FROM source"))
    location = server.backend.location
    server.close()  # the earlier version's program is gone; a new one opens the project
    again = open_project(location)
    try:
        with again.reading() as s:
            assert not again.backend.search.is_fresh(s)
        assert _hits(search(again, '"sister city"')) == want
        with again.reading() as s:
            cols = set(s.execute(text("SELECT column_name FROM information_schema.columns "
                                      "WHERE table_name = 'source_fold' AND table_schema = current_schema()")).scalars())
            assert again.backend.search.is_fresh(s)
        assert cols == {"source_id", "token", "n", "pos", "ext"}
    finally:
        again.close()


def test_a_server_index_grows_under_row_level_security(request, both, tmp_path):
    """In a team project a coder's search indexes new sources under row-level security
    (store.team_roles), where PostgreSQL refuses COPY FROM: the rows go in by INSERT. Here
    the login role alice, who is no superuser (they bypass every policy), brings the index
    of a project with one more source up to date through plain SQLAlchemy."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from workbench.services.sources import import_files
    from workbench.store.pg_search import WordIndex

    server = both[1]
    search(server, "city")
    f = tmp_path / "later.txt"
    f.write_text("a later city", encoding="utf-8")
    import_files(server, [f], coder="T")
    loc = server.backend.location
    with server.transaction() as s:
        s.execute(text(f"GRANT USAGE ON SCHEMA {loc.project} TO alice"))
        s.execute(text("GRANT SELECT ON source TO alice"))
        s.execute(text("GRANT SELECT, INSERT ON source_fold TO alice"))
        s.execute(text("ALTER TABLE source_fold ENABLE ROW LEVEL SECURITY"))
        s.execute(text("CREATE POLICY wb_test ON source_fold FOR ALL TO alice USING (true) WITH CHECK (true)"))
    dbs = request.getfixturevalue("pg_databases")
    engine = create_engine(dbs.cluster.url(loc.database, user="alice").replace("postgresql:", "postgresql+psycopg:"),
                           connect_args={"options": f"-c search_path={loc.project}"})
    try:
        with Session(engine) as s, s.begin():
            assert not WordIndex().is_fresh(s)
            assert WordIndex().ensure(s)
        with Session(engine) as s:
            assert WordIndex().is_fresh(s)
    finally:
        engine.dispose()
    assert "later.txt" in {h.source for h in search(server, "city").hits}
