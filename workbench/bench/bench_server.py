"""`workbench bench --server`: the team-server figures of issue 14 (Speed), on loopback.

With no --url it starts a throwaway PostgreSQL cluster the way the test suite does (initdb and
pg_ctl in a temporary folder, as the `postgres` user when run as root, 127.0.0.1 and a free port,
trust on loopback: bench/pg_cluster.py, the cluster the test suite uses too), and removes it
after. It builds the workload of --size as a file (bench/workload.py), then measures:

- publish: the file as a new team project (services/server_copies.publish), target < 20 s (L);
- checkout: the server project back into a new file, target < 10 s (L);
- four client PROCESSES, each signed in as its own login role with its own Project, coding N
  codings each at once (one transaction a coding, as the window does); afterwards every coding
  each client reported is counted on the server: none lost, none doubled; p95 latency of one
  coding, target < 50 ms;
- "another client's coding seen": from a client's commit to the moment a watcher sees it, by a
  LISTEN on channel "wb_"+schema when the project's live triggers exist, else by polling the
  coding table every 10 ms (and the output says which); p95 target < 1 s;
- retrieval, matrix, frequencies and search on the server beside the file (benchmarks/
  postgres_vs_file.py's figures), each a ratio server/file, target <= 3.

Timings are wall-clock (the server works in other processes). On a 2-core machine shared with
other work the absolute numbers are noise; compare ratios.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from workbench.bench.core import Figure
from workbench.bench.pg_cluster import Cluster, Unavailable

CLIENTS = 4
CODINGS_PER_CLIENT = {"S": 100, "M": 300, "L": 1000, "XL": 1000}
TARGETS = {"publish": 20.0, "checkout": 10.0, "coding_p95_ms": 50.0, "seen_p95_s": 1.0, "ratio": 3.0}
COMMON_WORD = "city"


def _sql(url: str, *statements: str) -> None:
    """Run statements on the database of url, each outside a transaction (through the store)."""
    from sqlalchemy import create_engine, text

    from workbench.core.location import parse_location
    from workbench.store.project import backend_for

    loc = parse_location(url if "project=" in url else url + "?project=bench_admin")
    engine = create_engine(backend_for(loc, readonly=False).admin().url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for st in statements:
                conn.execute(text(st))
    finally:
        engine.dispose()


# --- the client processes ---------------------------------------------------------------------

def client_main(url: str, n: int, index: int) -> None:
    """One client: open the project as its role, wait for "go" on stdin, code n passages one
    transaction each, print {"guids", "latencies", "commits"} as JSON."""
    from sqlalchemy import select

    from workbench.core.ids import new_guid
    from workbench.services.coders import ensure_coder
    from workbench.services.coding import NewCoding, apply_codes_in
    from workbench.store.models import Code, Source
    from workbench.store.project import open_project

    with open_project(url) as project:
        with project.reading() as s:
            sources = list(s.execute(select(Source.id, Source.length).order_by(Source.id)))
            codes = list(s.scalars(select(Code.id).order_by(Code.id)))
        with project.transaction() as s:
            coder = ensure_coder(s, project.signed_in or f"client {index}")
        print("ready", flush=True)
        sys.stdin.readline()
        guids, latencies, commits = [], [], []
        for i in range(n):
            sid, length = sources[(i * CLIENTS + index) % len(sources)]
            start = (i * 7 + index * 3) % max(1, length - 20)
            guid = new_guid()
            t = time.perf_counter()
            with project.transaction() as s:
                apply_codes_in(s, [NewCoding(sid, codes[(i + index) % len(codes)], coder, start, start + 12,
                                             guid=guid)])
            latencies.append(time.perf_counter() - t)
            commits.append(time.time())
            guids.append(guid)
    print(json.dumps({"guids": guids, "latencies": latencies, "commits": commits}), flush=True)


def _clients(urls: list[str], n: int, first_index: int = 0) -> list[subprocess.Popen]:
    """Client processes, started and ready; client i codes passages no other index codes as its role."""
    procs = []
    for index, url in enumerate(urls, start=first_index):
        procs.append(subprocess.Popen([sys.executable, "-m", "workbench.bench.bench_server", "client", url, str(n),
                                       str(index)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
    for p in procs:
        line = p.stdout.readline()
        if line.strip() != "ready":
            for q in procs:
                q.kill()
            raise RuntimeError(f"a client did not start (said {line.strip()!r})")
    return procs


class Watcher(threading.Thread):
    """Sees other clients' codings appear: by LISTEN when the project sends notifications,
    else by polling the coding table. seen maps a coding's GUID (or id) to the time first seen."""

    def __init__(self, url: str, schema: str, listen: bool):
        super().__init__(daemon=True)
        self.url, self.schema, self.listen = url, schema, listen
        self.seen: dict = {}
        self.stop = threading.Event()
        self.error: str | None = None

    def run(self) -> None:
        try:
            self._listen() if self.listen else self._poll()
        except Exception as exc:  # the figure says it could not be measured
            self.error = f"{type(exc).__name__}: {exc}"

    def _poll(self) -> None:
        from sqlalchemy import select

        from workbench.store.models import Coding
        from workbench.store.project import open_project

        with open_project(self.url, readonly=True) as p:
            with p.reading() as s:
                last = s.scalar(select(Coding.id).order_by(Coding.id.desc()).limit(1)) or 0
            while not self.stop.is_set():
                with p.reading() as s:  # ids commit out of order: look a little below the largest seen
                    new = list(s.execute(select(Coding.id, Coding.guid).where(Coding.id > last - 50)))
                now = time.time()
                for cid, guid in new:
                    self.seen.setdefault(guid, now)
                    last = max(last, cid)
                time.sleep(0.01)

    def _listen(self) -> None:
        from workbench.store.project import open_project

        with open_project(self.url, readonly=True) as p:
            raw = p.engine.raw_connection()
            try:
                driver = raw.driver_connection
                driver.autocommit = True
                driver.execute(f'LISTEN "wb_{self.schema}"')
                ids = []
                while not self.stop.is_set():
                    for note in driver.notifies(timeout=0.2):
                        now = time.time()
                        body = json.loads(note.payload)
                        if body.get("table") == "coding" and body.get("op") == "insert":
                            for cid in body.get("ids", []):
                                ids.append(cid)
                                self.seen.setdefault(("id", cid), now)
            finally:
                raw.close()
            if ids:  # ids to GUIDs, once at the end
                from sqlalchemy import select

                from workbench.store.models import Coding

                with p.reading() as s:
                    guid_of = dict(s.execute(select(Coding.id, Coding.guid).where(Coding.id.in_(ids))).all())
                self.seen = {guid_of.get(k[1], k): v for k, v in self.seen.items()}


def _live_triggers(url: str, schema: str) -> bool:
    from sqlalchemy import text

    from workbench.store.project import open_project

    with open_project(url, readonly=True) as p, p.reading() as s:
        return bool(s.scalar(text("SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                                  "JOIN pg_namespace n ON n.oid = c.relnamespace "
                                  "WHERE n.nspname = :s AND c.relname = 'coding' AND NOT t.tgisinternal"),
                             {"s": schema}))


def _p95(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def concurrent_coding(url: str, schema: str, n: int, can_make_roles: bool) -> list[Figure]:
    """Four client processes coding n codings each at once, and a watcher timing when it sees them."""
    from sqlalchemy import func, select

    from workbench.core.location import parse_location
    from workbench.store.models import Coder, Coding
    from workbench.store.project import open_project

    loc = parse_location(url)
    roles = [f"bench_client_{i + 1}" for i in range(CLIENTS)]
    note = ""
    if can_make_roles:
        from workbench.store.team_admin import grant

        stmts = []
        for r in roles:
            stmts += [f"DROP ROLE IF EXISTS {r}", f"CREATE ROLE {r} LOGIN"]
        try:
            _sql(url, *stmts)
            for r in roles:  # each a coder of the team project, as a member would be (store/team_roles.py)
                grant(url, r, "coder")
            urls = [str(_as_user(loc, r).url(hide_password=False)) for r in roles]
        except Exception as exc:  # no CREATEROLE here: every client signs in as the URL's user
            note = f"clients share the URL's role (could not make roles: {type(exc).__name__})"
            urls = [url] * CLIENTS
    else:
        urls = [url] * CLIENTS
        note = "clients share the URL's role"
    # One client alone first, in the same run: what a coding costs when nobody else is coding,
    # so the four-client figure can be read against this machine's load.
    solo = _clients(urls[:1], max(10, n // 4), first_index=CLIENTS + 1)  # passages client 0 never codes
    solo[0].stdin.write("go\n")
    solo[0].stdin.flush()
    out, _ = solo[0].communicate(timeout=1800)
    alone = json.loads(out.strip().splitlines()[-1])["latencies"]
    with open_project(url, readonly=True) as p, p.reading() as s:
        before = s.scalar(select(func.count()).select_from(Coding))
    listen = _live_triggers(url, schema)
    watcher = Watcher(url, schema, listen)
    watcher.start()
    time.sleep(0.3)
    window = _Window.start(url)  # an open window on the project, painting others' codings
    procs = _clients(urls, n)
    t0 = time.perf_counter()
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    results = []
    for p in procs:
        out, _ = p.communicate(timeout=1800)
        if p.returncode:
            raise RuntimeError(f"a client failed (exit {p.returncode})")
        results.append(json.loads(out.strip().splitlines()[-1]))
    wall = time.perf_counter() - t0
    time.sleep(1.5)  # the watcher's last look
    watcher.stop.set()
    watcher.join(timeout=10)
    painted = window.finish(url) if window is not None else {}
    guids = [g for r in results for g in r["guids"]]
    latencies = [x for r in results for x in r["latencies"]]
    with open_project(url, readonly=True) as p, p.reading() as s:
        after = s.scalar(select(func.count()).select_from(Coding))
        found = set(s.scalars(select(Coding.guid).where(Coding.guid.in_(guids)))) if len(guids) < 30000 else set()
        by_role = (select(Coder.name, func.count(Coding.id)).join(Coding, Coding.coder_id == Coder.id)
                   .where(Coder.name.in_(roles), Coding.guid.in_(guids)).group_by(Coder.name))
        per_coder = dict(s.execute(by_role).all()) if urls[0] != urls[-1] else {}
    lost = len(set(guids) - found)
    doubled = (after - before) - len(set(guids))
    seen_lat = [watcher.seen[g] - c for r in results for g, c in zip(r["guids"], r["commits"]) if g in watcher.seen]
    unseen = len(guids) - len(seen_lat)
    how = "LISTEN on wb_" + schema if listen else "polling every 10 ms (no live triggers on this project yet)"
    figures = [
        Figure(f"{CLIENTS} client processes x {n} codings at once: codings lost", lost, "codings", 0,
               note=(f"{after - before} new rows for {len(guids)} reported" + (f"; {note}" if note else "")
                     + (f"; per role {sorted(per_coder.values())}" if per_coder else ""))),
        Figure("codings doubled", max(doubled, 0), "codings", 0),
        Figure("p95 latency of one coding (its own transaction)", _p95(latencies) * 1000, "ms",
               TARGETS["coding_p95_ms"], note=f"median {statistics.median(latencies) * 1000:.1f} ms, "
                                               f"{len(guids) / wall:.0f} codings/s in all; one client alone: "
                                               f"p95 {_p95(alone) * 1000:.1f} ms, median "
                                               f"{statistics.median(alone) * 1000:.1f} ms"),
        Figure("another client's coding seen, p95", _p95(seen_lat), "s", TARGETS["seen_p95_s"],
               note=f"measured by {how}" + (f"; {unseen} never seen" if unseen else "")
               + (f"; watcher failed: {watcher.error}" if watcher.error else "")),
    ]
    if window is None:
        figures.append(Figure("another client's coding painted in an open window, p95", float("nan"), "s",
                              TARGETS["seen_p95_s"], note="not measured: no Qt (PySide6) here"))
    else:
        commit_of = {g: c for r in results for g, c in zip(r["guids"], r["commits"])}
        shown = [painted[g] - commit_of[g] for g in painted if g in commit_of]
        figures.append(Figure("another client's coding painted in an open window, p95",
                              _p95(shown) if shown else float("nan"), "s", TARGETS["seen_p95_s"],
                              note=f"{len(shown)} codings of the source the window shows (an offscreen "
                                   f"MainWindow in its own process, signed in as the owner), from the "
                                   f"client's commit to the repaint that drew it"
                                   + (f"; window: {window.error}" if window.error else "")))
    return figures


class _Window:
    """A MainWindow in a process of its own (ui.window_bench.watch_live), showing the first source."""

    def __init__(self, proc, out: Path, folder: str):
        self.proc, self.out, self.folder, self.error = proc, out, folder, ""

    @classmethod
    def start(cls, url: str) -> "_Window | None":
        import importlib.util
        import os
        import tempfile

        from sqlalchemy import select

        from workbench.store.models import Source
        from workbench.store.project import open_project

        if importlib.util.find_spec("PySide6") is None:
            return None
        with open_project(url, readonly=True) as p, p.reading() as s:
            sid = s.scalar(select(Source.id).order_by(Source.id).limit(1))
        folder = tempfile.mkdtemp(prefix="workbench-bench-window-")
        out = Path(folder) / "painted.json"
        env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
        proc = subprocess.Popen([sys.executable, "-c", "import sys; from workbench.ui.window_bench import "
                                 "watch_live; watch_live(*sys.argv[1:])", url, str(sid), "3600", str(out)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=env)
        line = proc.stdout.readline()
        if line.strip() != "ready":
            proc.kill()
            raise RuntimeError(f"the bench's window did not open: {proc.stderr.read()[-500:]}")
        return cls(proc, out, folder)

    def finish(self, url: str) -> dict[str, float]:
        """Stop the window; {coding GUID: the moment it was painted}."""
        import shutil

        from sqlalchemy import select

        from workbench.store.models import Coding
        from workbench.store.project import open_project

        try:
            self.proc.stdin.write("stop\n")
            self.proc.stdin.flush()
            _, err = self.proc.communicate(timeout=120)
            if self.proc.returncode:
                self.error = f"exit {self.proc.returncode}: {err.strip().splitlines()[-1:] }"
                return {}
            by_id = {int(k): v for k, v in json.loads(self.out.read_text()).items()}
            with open_project(url, readonly=True) as p, p.reading() as s:
                guid_of = dict(s.execute(select(Coding.id, Coding.guid).where(Coding.id.in_(list(by_id)))).all())
            return {guid_of[k]: v for k, v in by_id.items() if k in guid_of}
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def _as_user(loc, role: str):
    from dataclasses import replace

    return replace(loc, user=role, password=None)


# --- server against file ----------------------------------------------------------------------

def _operations(project):
    from workbench.query.frequencies import code_frequencies
    from workbench.query.matrix import code_matrix
    from workbench.query.search import search
    from workbench.query.segments import Filters, query_segments

    freqs = code_frequencies(project, with_children=True)
    top = max(freqs, key=lambda f: f.segments)
    filters = Filters(codes=(top.code,), with_children=True)
    search(project, COMMON_WORD)  # the index is brought up to date once, outside the timing
    return [
        ("code frequencies of all codes", lambda: code_frequencies(project)),
        ("retrieve the most-used code with subcodes", lambda: list(query_segments(project, filters))),
        ("matrix codes x cases", lambda: code_matrix(project, "cases")),
        ("matrix codes x cases (with subcodes)", lambda: code_matrix(project, "cases", with_children=True)),
        (f"search a common word ({COMMON_WORD!r})", lambda: search(project, COMMON_WORD)),
        ("search a phrase", lambda: search(project, '"memorandum signed"')),
    ]


def ratios(file_project: Path, url: str, repeat: int = 3) -> list[Figure]:
    from workbench.store.project import open_project

    out = []
    with open_project(file_project, readonly=True) as fp, open_project(url, readonly=True) as sp:
        for (name, on_file), (_, on_server) in zip(_operations(fp), _operations(sp)):
            f_times, s_times = [], []
            for _ in range(repeat):  # interleaved: both engines see the same noise
                t = time.perf_counter()
                on_file()
                f_times.append(time.perf_counter() - t)
                t = time.perf_counter()
                on_server()
                s_times.append(time.perf_counter() - t)
            f, s = min(f_times), min(s_times)
            out.append(Figure(f"{name}: server / file", s / f if f else float("nan"), "x", TARGETS["ratio"],
                              note=f"file {f * 1000:.1f} ms, server {s * 1000:.1f} ms"))
    return out


# --- the whole run ----------------------------------------------------------------------------

def run_server_bench(size: str, url: str | None = None, keep: Path | None = None, as_json: bool = False,
                     codings: int | None = None) -> int:
    """Print (or give as JSON) every figure; 0 when they were measured, 1 when a part failed."""
    from workbench.bench.workload import SIZES, build_workload
    from workbench.services.server_copies import checkout, publish

    tmp = None
    if keep is None:
        tmp = tempfile.TemporaryDirectory(prefix="workbench-bench-server-")
        keep = Path(tmp.name)
    cluster = None
    figures: list[Figure] = []
    say = (lambda *a: None) if as_json else (lambda *a: print(*a, flush=True))
    try:
        say(f"workload {size}: building the file...")
        file_project, _ = build_workload(SIZES[size], keep / f"workload-{size}")
        schema = f"bench_{os.getpid()}_{int(time.time())}"
        if url is None:
            try:
                cluster = Cluster(prefix="workbench-bench-pg-", max_connections=100).start()
            except Unavailable as exc:
                print(f"workbench bench --server: no PostgreSQL server here ({exc}); give one with --url", file=sys.stderr)
                return 1
            _sql(cluster.url("postgres"), "CREATE DATABASE bench")
            database_url = cluster.url("bench")
            say(f"a throwaway cluster on 127.0.0.1:{cluster.port}")
        else:
            database_url = url.split("?", 1)[0]
        project_url = f"{database_url}?project={schema}"

        t = time.perf_counter()
        publish(file_project, project_url)
        figures.append(Figure(f"publish {size} (a new team project)", time.perf_counter() - t, "s",
                              TARGETS["publish"] if size in ("L", "XL") else None))
        _show(say, figures[-1])
        dest = keep / f"checkout-{schema}.qwb"
        t = time.perf_counter()
        checkout(project_url, dest)
        figures.append(Figure(f"checkout {size} (a file copy)", time.perf_counter() - t, "s",
                              TARGETS["checkout"] if size in ("L", "XL") else None))
        _show(say, figures[-1])
        dest.unlink(missing_ok=True)
        n = codings or CODINGS_PER_CLIENT[size]
        for f in concurrent_coding(project_url, schema, n, can_make_roles=True):
            figures.append(f)
            _show(say, f)
        for f in ratios(file_project, project_url):
            figures.append(f)
            _show(say, f)
    finally:
        if cluster is not None:
            cluster.stop()
        if tmp is not None:
            tmp.cleanup()
    if as_json:
        print(json.dumps({"size": size, "server": "throwaway cluster" if url is None else "given",
                          "figures": [f.as_dict() for f in figures]}, ensure_ascii=False, indent=2))
    return 0


def _show(say, f: Figure) -> None:
    mark = {True: "ok  ", False: "SLOW", None: "    "}[f.ok]
    target = "" if f.target is None else f" (target {'<' if f.target else ''} {f.target:g} {f.unit})".replace("  ", " ")
    value = f"{f.value:.0f}" if f.unit == "codings" else f"{f.value:.3f}"
    say(f"  {mark} {f.name}: {value} {f.unit}{target}" + (f" — {f.note}" if f.note else ""))


if __name__ == "__main__":  # a client process: python -m workbench.bench.bench_server client URL N INDEX
    if len(sys.argv) == 5 and sys.argv[1] == "client":
        client_main(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit("usage: python -m workbench.bench.bench_server client URL N INDEX")
