"""The merge guarantees of issue 5, on random edit histories of copies of one project."""
from __future__ import annotations

import itertools
import os
import shutil

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from merge_support import OPS, apply_ops, canonical, duplicates
import store_read
from workbench.services.handout import hand_out
from workbench.services.merge import merge_files
from workbench.store import sqlite as wsqlite
from workbench.store.project import open_project

op = st.tuples(st.sampled_from(OPS), st.integers(0, 50), st.integers(0, 50), st.integers(0, 50))
history = st.lists(op, max_size=8)
_counter = itertools.count()
# MERGE_EXAMPLES=300 for a deeper search by hand; the suite keeps it quick.
EXAMPLES = int(os.environ.get("MERGE_EXAMPLES", "25"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _copies(template, tmp_path, n, histories, handout_first=True):
    root = tmp_path / f"ex{next(_counter)}"
    root.mkdir()
    origin = root / "origin.qwb"
    shutil.copy(template, origin)
    paths = []
    with open_project(origin) as p:
        for i in range(n):
            dest = root / f"copy{i}.qwb"
            if i == 0 and handout_first:
                hand_out(p, dest, f"coder{i}")
            else:  # a plain file copy must merge just as well
                wsqlite.checkpoint(origin)
                shutil.copy(origin, dest)
            paths.append(dest)
    for path, ops in zip(paths, histories):
        apply_ops(path, ops)
    return root, paths


def _alive(path):
    con = store_read.connect(path)
    try:
        alive = {}
        for table in ("code", "coding", "memo", "case_", "attribute", "source"):
            alive.update({g: table for (g,) in con.execute(f"SELECT guid FROM {table}")})
        tombs = {g: d for g, d in con.execute("SELECT guid, detail FROM tombstone")}
        return alive, tombs
    finally:
        con.close()


def _assert_nothing_lost(result, sides):
    alive_r, tombs_r = _alive(result)
    for side, others in sides:
        alive, _ = _alive(side)
        deleted_elsewhere = set().union(*(_alive(o)[1] for o in others))
        for guid, table in alive.items():
            if guid in deleted_elsewhere or guid in alive_r:
                continue
            detail = tombs_r.get(guid, "")
            assert "merged into guid:" in detail, f"{table} {guid} of {side.name} was lost"
            assert detail.rsplit(":", 1)[1] in alive_r or detail.split("guid:")[1] in alive_r


def _sound(path):
    assert wsqlite.integrity_problems(path) == []
    assert duplicates(path) == []


@SETTINGS
@given(a_ops=history, b_ops=history)
def test_two_copies_merge_symmetric_idempotent_and_lossless(_small_template, tmp_path, a_ops, b_ops):
    root, (a, b) = _copies(_small_template, tmp_path, 2, [a_ops, b_ops])
    a_into_b, b_into_a = root / "ab.qwb", root / "ba.qwb"
    shutil.copy(b, a_into_b)
    shutil.copy(a, b_into_a)
    merge_files(a_into_b, [a])
    merge_files(b_into_a, [b])
    for result in (a_into_b, b_into_a):
        _sound(result)
        _assert_nothing_lost(result, [(a, [b]), (b, [a])])
    once = canonical(b_into_a)
    assert canonical(a_into_b) == once
    merge_files(b_into_a, [b])
    assert canonical(b_into_a) == once


@settings(max_examples=max(EXAMPLES * 3 // 5, 1), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a_ops=history, b_ops=history, c_ops=history)
def test_three_copies_merge_lossless_and_idempotent(_small_template, tmp_path, a_ops, b_ops, c_ops):
    root, (a, b, c) = _copies(_small_template, tmp_path, 3, [a_ops, b_ops, c_ops])
    result = root / "abc.qwb"
    shutil.copy(a, result)
    merge_files(result, [b, c])
    _sound(result)
    _assert_nothing_lost(result, [(a, [b, c]), (b, [a, c]), (c, [a, b])])
    once = canonical(result)
    merge_files(result, [b, c])
    assert canonical(result) == once
