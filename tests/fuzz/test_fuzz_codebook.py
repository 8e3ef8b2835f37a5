"""Properties over any name: code paths and the .txt/.csv codebooks give every accepted name back."""
from __future__ import annotations

import itertools
import sqlite3

from hypothesis import assume, given
from hypothesis import strategies as st

from workbench.core.changes import Kind
from workbench.core.paths import join_path, split_path
from workbench.core.paths import name_key

from .harness import fuzz_settings, run_cli, record_call

# Names as the codebook service stores them: whitespace collapsed, not empty.
names = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=24).map(
    lambda s: " ".join(s.split())).filter(bool)
_serial = itertools.count()


@fuzz_settings(300)
@given(parts=st.lists(names, min_size=1, max_size=6))
def test_split_path_inverts_join_path(parts):
    def check():
        assert split_path(join_path(parts)) == parts

    outcome = record_call("code path join/split", check)
    assert outcome.category == "clean", str(outcome)


def _stored(path) -> list[tuple[str, ...]]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = con.execute("SELECT id, parent_id, name FROM code").fetchall()
    con.close()
    by_id = {r[0]: r for r in rows}

    def parts(cid):
        out = []
        while cid is not None:
            out.append(by_id[cid][2])
            cid = by_id[cid][1]
        return tuple(reversed(out))

    return sorted(parts(r[0]) for r in rows)


@fuzz_settings(5)
@given(tree=st.lists(st.tuples(names, st.integers(0, 5)), min_size=1, max_size=8),
       suffix=st.sampled_from([".txt", ".csv"]))
def test_codebook_round_trips_keep_every_name(tmp_path_factory, tree, suffix):
    from workbench.services.codebook import create_code
    from workbench.store.project import create_project

    folder = tmp_path_factory.mktemp("codebook")
    source, fresh = folder / "source.qwb", folder / "fresh.qwb"
    project = create_project(source)
    try:
        made: list[int] = []
        for name, parent_pick in tree:
            parent = made[parent_pick % len(made)] if made and parent_pick else None
            siblings = [n for n, p in _names_under(project, parent)]
            assume(name_key(name) not in {name_key(s) for s in siblings})
            assume(_storable(name))  # names the one rule refuses are refused at creation, in words
            made.append(create_code(project, name, parent).created[Kind.CODE][0])
    finally:
        project.close()
    create_project(fresh).close()
    out = folder / f"codebook-{next(_serial)}{suffix}"
    exported = run_cli(f"codebook {suffix} round trip", ["codebook", str(source), "--export", str(out)])
    assert exported.category == "clean" and exported.code == 0, str(exported)
    imported = run_cli(None, ["codebook", str(fresh), "--import", str(out)])
    assert imported.category == "clean" and imported.code == 0, str(imported)
    assert _stored(fresh) == _stored(source)


def _storable(name: str) -> bool:
    from workbench.core.errors import ValidationError
    from workbench.core.names import clean_name

    try:
        return clean_name("code", name) == name
    except ValidationError:
        return False


def _names_under(project, parent):
    from sqlalchemy import select

    from workbench.store.models import Code

    with project.reading() as s:
        where = Code.parent_id.is_(None) if parent is None else Code.parent_id == parent
        return [(n, parent) for n in s.scalars(select(Code.name).where(where))]
