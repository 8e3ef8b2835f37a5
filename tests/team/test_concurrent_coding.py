"""Two and four client processes coding one team project at once (issue 14, item 5).

Each process opens its own Project (its own connections, as separate programs would), waits at
a barrier, then makes 200 codings one action each, as a coder codes all day. Afterwards the
project holds exactly the sum: each process's codings counted with plain SQL, none doubled
(each coding key once), none lost (every key a process was told it made is there).
"""
from __future__ import annotations

import multiprocessing

import pytest
from sqlalchemy import text

from store_read import rows
from workbench.store.project import open_project
from workbench.store.team import mark_team

pytestmark = pytest.mark.server_only
EACH = 200


def _coder(url: str, barrier, n: int, out) -> None:
    """One client: EACH codings of passages of one source under code 'autonomy', as coder n."""
    from workbench.services.coders import ensure_coder
    from workbench.services.coding import apply_code
    from workbench.services.lookup import code_by_path, source_by_name

    made = []
    try:
        with open_project(url) as p:
            with p.transaction() as s:
                sid, cid = source_by_name(s, "interview_jhb.txt"), code_by_path(s, "autonomy")
                kid = ensure_coder(s, f"coder {n}")
            with p.reading() as s:
                length = s.execute(text("SELECT length FROM source WHERE id = :i"), {"i": sid}).scalar()
            spans = [(a, b) for a in range(length) for b in range(a + 1, length + 1)][:EACH]
            barrier.wait(60)
            for a, b in spans:
                made.append(apply_code(p, sid, cid, kid, a, b).first_created)
        out.put((n, made, None))
    except Exception as exc:  # noqa: BLE001 - reported to the test
        out.put((n, made, f"{type(exc).__name__}: {exc}"))


@pytest.mark.parametrize("clients", [2, 4])
def test_clients_coding_at_once_lose_and_double_nothing(project_location, clients):
    with open_project(project_location) as p, p.engine.begin() as conn:
        mark_team(conn, conn.execute(text("SELECT current_schema()")).scalar())
    before = rows(project_location, "SELECT count(*) FROM coding")[0][0]
    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(clients), ctx.Queue()
    procs = [ctx.Process(target=_coder, args=(project_location, barrier, n, out)) for n in range(clients)]
    for proc in procs:
        proc.start()
    results = sorted(out.get(timeout=300) for _ in procs)
    for proc in procs:
        proc.join(60)
        assert proc.exitcode == 0
    assert [(n, err) for n, _, err in results] == [(n, None) for n in range(clients)]
    assert all(len(made) == EACH for _, made, _ in results)
    assert rows(project_location, "SELECT count(*) FROM coding")[0][0] == before + clients * EACH
    per_coder = rows(project_location, "SELECT k.name, count(*) FROM coding c JOIN coder k ON k.id = c.coder_id "
                                       "WHERE k.name LIKE 'coder %' GROUP BY k.name ORDER BY k.name")
    assert per_coder == [(f"coder {n}", EACH) for n in range(clients)]
    assert rows(project_location, "SELECT count(*) FROM (SELECT source_id, code_id, coder_id, start, \"end\" "
                                  "FROM coding GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1) d") == [(0,)]
    made = {i for _, ids, _ in results for i in ids}
    assert len(made) == clients * EACH
    there = {r[0] for r in rows(project_location, "SELECT id FROM coding")}
    assert made <= there
