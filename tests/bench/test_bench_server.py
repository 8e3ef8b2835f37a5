"""`workbench bench --server --size S`: the team-server figures print, beside their targets, and the
four clients' codings are all there, none doubled (the one bound that is not speed)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _server_programs_or_skip():
    from pg_server import Unavailable, find_binaries

    try:
        find_binaries()
    except Unavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL: {exc} (CI=true: the server tests must run)", pytrace=False)
        pytest.skip(f"PostgreSQL: {exc}")


def test_bench_server_smoke(tmp_path):
    _server_programs_or_skip()
    exe = Path(sys.executable).with_name("workbench")
    done = subprocess.run([str(exe), "bench", "--server", "--size", "S", "--codings", "25", "--json",
                           "--keep", str(tmp_path)], capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = {f["name"]: f for f in json.loads(done.stdout)["figures"]}
    names = list(figures)
    assert any(n.startswith("publish S") for n in names) and any(n.startswith("checkout S") for n in names)
    lost = figures["4 client processes x 25 codings at once: codings lost"]
    assert lost["value"] == 0 and "100 new rows for 100 reported" in lost["note"]
    assert "per role [25, 25, 25, 25]" in lost["note"]  # each client signed in as its own role
    assert figures["codings doubled"]["value"] == 0
    assert figures["p95 latency of one coding (its own transaction)"]["target"] == 50
    seen = figures["another client's coding seen, p95"]
    assert seen["target"] == 1 and ("LISTEN" in seen["note"] or "polling" in seen["note"])
    assert "never seen" not in seen["note"] and seen["value"] >= 0
    # A real window in its own process painted the clients' codings of the source it shows.
    painted = figures["another client's coding painted in an open window, p95"]
    assert painted["target"] == 1 and painted["value"] >= 0, painted
    assert int(painted["note"].split()[0]) > 0 and "window:" not in painted["note"]
    ratios = [f for n, f in figures.items() if n.endswith("server / file")]
    assert len(ratios) == 6 and all(f["target"] == 3 and f["value"] > 0 for f in ratios)


def test_bench_server_help_names_the_options():
    from workbench.cli.main import main

    with pytest.raises(SystemExit):
        main(["bench", "--help"])


def test_url_without_server_is_refused(capsys):
    from workbench.cli.main import main

    with pytest.raises(SystemExit) as exc:
        main(["bench", "--url", "postgresql://x@127.0.0.1/db"])
    assert exc.value.code == 2
    assert "--server" in capsys.readouterr().err


# The payload of the live helper's triggers (common.md): {"table", "op", "ids", "by"} on "wb_" + schema.
def test_the_watcher_sees_a_coding_by_listen(pg_databases, project_path):
    import time

    from workbench.bench.bench_server import Watcher, _live_triggers
    from workbench.services.server_copies import publish
    name = pg_databases.fresh()
    try:
        url = pg_databases.cluster.url(name, "p")
        publish(project_path, url)
        assert _live_triggers(url, "p")  # publishing installs the live triggers (store/live.py)
        watcher = Watcher(url, "p", listen=True)
        watcher.start()
        time.sleep(0.5)
        # written with plain SQL, as any client may: the project's own triggers announce it
        guid = "01a23562-0000-7000-8000-000000000001"
        pg_databases.cluster.sql(name, "INSERT INTO p.coding (guid, source_id, code_id, coder_id, start, \"end\", "
                                       f"created_at) SELECT '{guid}', s.id, c.id, k.id, 0, 9, '2026-12-02T00:00:00Z' "
                                       "FROM p.source s, p.code c, p.coder k ORDER BY s.id, c.id, k.id LIMIT 1")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not watcher.seen:
            time.sleep(0.05)
        watcher.stop.set()
        watcher.join(timeout=10)
        assert watcher.error is None
        assert list(watcher.seen) == [guid]  # by its GUID, from the id the notification carried
    finally:
        pg_databases.drop(name)
