"""The workbench beside Taguette 1.5.2 on the same workload, each driven as its users drive it (issue 11).

Taguette runs from PyPI in its own virtual environment (benchmarks/.venv-taguette; make it with
`python -m venv benchmarks/.venv-taguette && benchmarks/.venv-taguette/bin/pip install taguette==1.5.2`)
as a single-user server on loopback, and is driven over its HTTP API as its web page drives it;
the workbench twice: through its command line, one `workbench` process an operation (start-up
included: "cold CLI"), and in-process through the same service, query and export calls the CLI and
the window make, on a project already open, after one warm-up call ("warm", as a window user or a
script works, and as Taguette's server is). Both get the same transcripts, codebook and codings of
`workbench bench`'s workload; the build steps are timed once, the shared operations --runs times
(interleaved) and their medians printed. With --keep DIR, both built projects stay in DIR/compare
and a later run measures against them without building again.

Each operation's cost is CPU time: for the cold CLI, the child process's (getrusage); warm, this
process's (time.process_time); for
Taguette, its server process's (/proc/PID/stat, before and after) plus this client's for the
HTTP calls. Wall times are printed beside them. Ratios are Taguette's cost over ours; the issue
asks for at least 2 on every shared operation.

Taguette converts a .txt through Calibre, which is not installed here; the same transcripts go
to it as HTML (a <p> a line, escaped), which it stores without conversion: its lightest import.
Its highlight offsets count the UTF-8 bytes of that HTML's text, so each coding's offsets are
counted so, the line breaks before them left out, and the passages are the same. Its listings
come 50 highlights a page; a listing here reads every page, as scrolling to the end does.

Each highlight over HTTP costs Taguette an html5lib parse of its whole document, 0.1-0.2 s CPU
for an L transcript: the L workload's 60,000 would take hours. So --http-highlights of them
(1,000) are made over HTTP and timed, that cost is scaled to all of them for the build figure,
and the rest are written into Taguette's database as its handler writes them
(taguette_fill.py, run by Taguette's own Python, its snippets checked against taguette.extract).

Usage: .venv/bin/python benchmarks/taguette_compare.py [--size M] [--keep DIR] [--runs 3] [--port 7466]
"""
from __future__ import annotations

import argparse
import csv
import html
import http.cookiejar
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from itertools import accumulate
from pathlib import Path

HERE = Path(__file__).resolve().parent
TAGUETTE = HERE / ".venv-taguette" / "bin" / "taguette"
WORKBENCH = [sys.executable, "-c", "import sys; from workbench.cli.main import main; sys.exit(main())"]
CLK = os.sysconf("SC_CLK_TCK")


# -- the workbench side --------------------------------------------------------------------------
def workbench(*args: str) -> tuple[float, float, str]:
    """(CPU s, wall s, stdout) of one `workbench` call."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run([*WORKBENCH, *map(str, args)], capture_output=True, text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"workbench {' '.join(map(str, args))}: {proc.stderr.strip()[-500:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall, proc.stdout


# -- the Taguette side ---------------------------------------------------------------------------
class Taguette:
    """A Taguette server on loopback and a logged-in HTTP client of it."""

    def __init__(self, folder: Path, port: int):
        if not TAGUETTE.exists():
            raise SystemExit(f"{TAGUETTE}: not found; install Taguette 1.5.2 there (see this script's docstring)")
        self.log = folder / "taguette.log"
        self.proc = subprocess.Popen([str(TAGUETTE), "--no-browser", "--port", str(port), "--database",
                                      str(folder / "taguette.sqlite3")], stdout=self.log.open("w"),
                                     stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{port}"
        self.jar = http.cookiejar.CookieJar()
        self.http = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        url = self._join_url()
        self.http.open(url.replace("http://localhost", "http://127.0.0.1")).read()

    def _join_url(self) -> str:
        for _ in range(600):
            text = self.log.read_text(errors="replace")
            for word in text.split():
                if word.startswith("http://localhost") and "token=" in word:
                    return word
            if self.proc.poll() is not None:
                raise SystemExit(f"Taguette stopped: {text[-1000:]}")
            time.sleep(0.1)
        raise SystemExit("Taguette did not start within a minute")

    def cpu(self) -> float:
        with open(f"/proc/{self.proc.pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK

    def _xsrf(self) -> str:
        if not any(c.name == "_xsrf" for c in self.jar):
            self.http.open(self.base + "/project/new").read()  # a page with a form sets the cookie
        return next(c.value for c in self.jar if c.name == "_xsrf")

    def request(self, path: str, *, form: dict | None = None, body: dict | None = None,
                files: dict | None = None) -> tuple[bytes, str]:
        headers = {"X-XSRFToken": self._xsrf()}
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        elif files is not None:
            boundary = uuid.uuid4().hex
            parts = []
            for k, v in (form or {}).items():
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
            for k, (name, ctype, content) in files.items():
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; filename="{name}"\r\n'
                             f"Content-Type: {ctype}\r\n\r\n".encode() + content + b"\r\n")
            data = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif form is not None:
            data = urllib.parse.urlencode({**form, "_xsrf": headers["X-XSRFToken"]}).encode()
        req = urllib.request.Request(self.base + urllib.parse.quote(path, safe="/?=&.:"), data=data, headers=headers)
        with self.http.open(req) as resp:
            return resp.read(), resp.geturl()

    def timed(self, fn) -> tuple[float, float, object]:
        """(CPU s of server and client, wall s, result) of fn()."""
        c0, s0, t = time.process_time(), self.cpu(), time.perf_counter()
        out = fn()
        wall = time.perf_counter() - t
        return self.cpu() - s0 + time.process_time() - c0, wall, out

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def as_html(text: str) -> bytes:
    return ("<html><head><meta charset=\"utf-8\"></head><body>" + "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n")) +
            "</body></html>").encode("utf-8")


# -- the comparison ------------------------------------------------------------------------------
def workload_rows(project: Path):
    """(source name, code path, coder, start, end) of every workload coding."""
    from workbench.query.segments import query_segments
    from workbench.store.project import open_project

    with open_project(project, readonly=True) as p:
        rows = [(s.source, s.code, s.coder, s.start, s.end) for s in query_segments(p)]
    return rows


def warm(fn) -> tuple[float, float, object]:
    """(CPU s, wall s, result) of fn() in this process: the workbench already open, as in the window."""
    c, t = time.process_time(), time.perf_counter()
    out = fn()
    return time.process_time() - c, time.perf_counter() - t, out


def median(values: list[float]) -> float:
    v = sorted(values)
    return v[len(v) // 2] if len(v) % 2 else (v[len(v) // 2 - 1] + v[len(v) // 2]) / 2


def taguette_offsets(rows, texts: dict[str, str], docs: dict, tag_ids: dict) -> list[list[int]]:
    """[document id, start, end, tag id] of each coding in Taguette's terms: its offsets count the
    UTF-8 bytes of the document's text, the line breaks (its paragraph ends) not counted."""
    out = []
    by_source: dict[str, list] = {}
    for src, code, _coder, start, end in rows:
        by_source.setdefault(src, []).append((start, end, code))
    for src, items in by_source.items():
        cum = [0, *accumulate(0 if ch == "\n" else len(ch.encode("utf-8")) for ch in texts[src])]
        out.extend([docs[src], cum[start], cum[end], tag_ids[code]] for start, end, code in items
                   if cum[end] > cum[start])
    return out


def build(tg: Taguette, folder: Path, ctx, paths, texts, codes, record, http_highlights: int) -> dict:
    """The same project on both sides, each build step timed once; returns the state to keep."""
    project = folder / "ours.qwb"
    workbench("new", project, "--name", "compare", "--coder", "coder 1")
    ours = workbench("import", project, *paths)
    _, url = tg.request("/project/new", form={"name": "compare", "description": ""})
    pid = int(url.rstrip("/").rsplit("/", 1)[1])

    def upload():
        ids = {}
        for p in paths:
            out, _ = tg.request(f"/api/project/{pid}/document/new", form={"name": p.name, "description": ""},
                                files={"file": (p.stem + ".html", "text/html", as_html(texts[p.name]))})
            ids[p.name] = json.loads(out)["created"]
        return ids

    theirs = tg.timed(upload)
    docs = theirs[2]
    record(f"import {len(paths)} transcripts (built once)", ours, None, theirs)

    ours = workbench("codebook", project, "--import", folder / "codebook.txt")

    def tags():
        return {c: json.loads(tg.request(f"/api/project/{pid}/tag/new",
                                         body={"path": c.replace("/", "."), "description": ""})[0])["id"]
                for c in codes}

    theirs = tg.timed(tags)
    tag_ids = theirs[2]
    rows = workload_rows(ctx.project)
    batch = folder / "codings.csv"
    with batch.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "code", "start", "end", "coder", "memo"])
        w.writerows([src, code, start, end, coder, ""] for src, code, coder, start, end in rows)
    ours = workbench("code", project, "--batch", batch, "--create")
    highlights = taguette_offsets(rows, texts, docs, tag_ids)
    over_http = highlights[:http_highlights]

    def by_http():
        for doc, s, e, tag in over_http:
            try:
                tg.request(f"/api/project/{pid}/document/{doc}/highlight/new",
                           body={"start_offset": s, "end_offset": e, "tags": [tag]})
            except urllib.error.HTTPError:
                pass  # a passage of line breaks only: Taguette refuses it as empty

    theirs = tg.timed(by_http)
    share = len(highlights) / max(1, len(over_http))
    record(f"code {len(rows):,} passages (built once; ours: one code --batch; Taguette: {len(over_http):,} "
           f"highlight calls, cost scaled by {share:.0f})", ours, None, (theirs[0] * share, theirs[1] * share))
    rest = folder / "highlights.json"
    rest.write_text(json.dumps(highlights[len(over_http):]))
    tg.close()  # the rest written into its database as its handler writes them (taguette_fill.py)
    fill = subprocess.run([str(TAGUETTE.parent / "python"), str(HERE / "taguette_fill.py"),
                           str(folder / "taguette.sqlite3"), str(rest)], capture_output=True, text=True)
    if fill.returncode != 0:
        raise SystemExit(f"taguette_fill.py: {fill.stderr[-2000:]}")
    rest.unlink()
    return {"pid": pid, "docs": docs, "tags": tag_ids}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="M", help="the bench workload (S, M, L, XL); L takes Taguette many minutes")
    ap.add_argument("--keep", help="build (or reuse) the workload, and both built projects, in this folder")
    ap.add_argument("--runs", type=int, default=3, help="times each shared operation is measured (medians)")
    ap.add_argument("--port", type=int, default=7466)
    ap.add_argument("--http-highlights", type=int, default=1000,
                    help="highlights made over HTTP (timed); the rest are written into Taguette's database")
    args = ap.parse_args(argv)

    from workbench.bench.core import BenchContext
    from workbench.bench.workload import code_paths

    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="taguette-compare-"))
    ctx = BenchContext(args.size, root)
    print(f"workload {ctx.label}", flush=True)
    # With --keep, both built projects stay in `folder` and a later run measures against them.
    folder = root / "compare" if args.keep else Path(tempfile.mkdtemp(prefix="compare-", dir=ctx.tmp))
    folder.mkdir(parents=True, exist_ok=True)
    state_file = folder / "state.json"
    work = Path(tempfile.mkdtemp(prefix="out-", dir=ctx.tmp))
    paths = sorted(ctx.sources_dir.glob("*.txt"))
    texts = {p.name: p.read_text(encoding="utf-8") for p in paths}
    codes = code_paths(ctx.spec.codes)
    subtree = "theme 3" if any(c.startswith("theme 3/") for c in codes) else codes[0].split("/")[0]
    leaf = next(c for c in codes if c.startswith(subtree + "/") and c.count("/") == 2)
    outline = folder / "codebook.txt"
    outline.write_text("".join("  " * c.count("/") + c.rsplit("/", 1)[-1] + "\n" for c in codes), encoding="utf-8")
    # name -> (cold CPU, warm CPU or None, Taguette CPU, cold wall, warm wall, Taguette wall), medians
    results: dict[str, tuple] = {}

    def record(name, cold, hot, theirs):
        results[name] = (cold[0], hot[0] if hot else None, theirs[0], cold[1], hot[1] if hot else None, theirs[1])
        if hot is None:
            print(f"  {name}: cold CLI {cold[0]:.2f} s CPU, Taguette {theirs[0]:.2f} s CPU", flush=True)

    tg = Taguette(folder, args.port)
    try:
        if state_file.exists():
            state = json.loads(state_file.read_text())
            print("reusing the projects built by an earlier run in", folder, flush=True)
        else:
            for stale in ("ours.qwb", "ours.qwb-wal", "ours.qwb-shm"):
                (folder / stale).unlink(missing_ok=True)
            state = build(tg, folder, ctx, paths, texts, codes, record, args.http_highlights)
            state_file.write_text(json.dumps(state))
            tg = Taguette(folder, args.port)  # build stopped it to write the highlights
        pid = state["pid"]
        project_file = folder / "ours.qwb"
        runs = measure(tg, pid, project_file, work, codes, outline, leaf, subtree, args.runs)
        for name, samples in runs.items():
            record(name, *[tuple(median([s[i][j] for s in samples]) for j in (0, 1)) if samples[0][i] else None
                           for i in range(3)])
    finally:
        tg.close()
    print(f"\nCPU seconds, medians of {args.runs} interleaved runs. 'cold CLI' is one `workbench` process an "
          "operation, start-up\nincluded (Python started and the project opened: through SQLAlchemy and the "
          "models, or by the\nsqlite3 module alone for the read-only commands that can, store.peek); 'warm' is "
          "the same\nservice/query/export call the CLI and the window make, in a process with the project "
          "already open,\nafter one warm-up call: like Taguette's server, which is warm. Ratios are Taguette's "
          "CPU over ours\n(target >= 2, both cold and warm).")
    print("\noperation | cold CLI CPU s | warm CPU s | Taguette CPU s | cold ratio | warm ratio | warm wall ratio")
    worst_cold = worst_warm = None
    for name, (cold, hot, theirs, _cold_wall, hot_wall, their_wall) in results.items():
        cold_ratio = theirs / max(cold, 1e-9)
        worst_cold = cold_ratio if worst_cold is None else min(worst_cold, cold_ratio)
        if hot is None:
            mark = "ok  " if cold_ratio >= 2 else "SLOW"
            print(f"{mark} {name} | {cold:.3f} | - | {theirs:.3f} | {cold_ratio:.1f}x | - | -")
            continue
        warm_ratio = theirs / max(hot, 1e-9)
        worst_warm = warm_ratio if worst_warm is None else min(worst_warm, warm_ratio)
        mark = "ok  " if warm_ratio >= 2 and cold_ratio >= 2 else "SLOW"
        print(f"{mark} {name} | {cold:.3f} | {hot:.3f} | {theirs:.3f} | {cold_ratio:.1f}x | {warm_ratio:.1f}x | "
              f"{their_wall / max(hot_wall, 1e-9):.1f}x")
    print(f"\nsmallest ratio: warm {worst_warm:.1f}x, cold CLI {worst_cold:.1f}x")
    shutil.rmtree(work, ignore_errors=True)
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return 0


def measure(tg: Taguette, pid: int, project_file: Path, work: Path, codes, outline: Path, leaf: str, subtree: str,
            n_runs: int) -> dict[str, list]:
    """Each shared operation `n_runs` times, interleaved: cold CLI, warm in-process, Taguette."""
    from workbench.cli.query import _as_json
    from workbench.io import codebook_outline, qdc
    from workbench.io.exporters.excerpts_csv import export_csv
    from workbench.io.exporters.excerpts_xlsx import export_xlsx
    from workbench.io.refi.qdpx_export import export_qdpx
    from workbench.query.pages import PageIndex
    from workbench.query.segments import Filters, query_segments
    from workbench.store.project import create_project, open_project

    project = open_project(project_file, readonly=True)

    def listing_json(filters):
        """What `workbench query --json` prints, made as it makes it."""
        segments = query_segments(project, filters, None)
        with project.reading() as s:
            pages = PageIndex(s, {seg.source_id for seg in segments})
        return json.dumps([_as_json(seg, False, pages) for seg in segments], ensure_ascii=False, indent=2)

    def tg_listing(path):
        def run():
            n, page, pages = 0, 1, 1
            while page <= pages:
                out = json.loads(tg.request(f"/api/project/{pid}/highlights/{path}?page={page}")[0])
                pages, n = out["pages"], n + len(out["highlights"])
                page += 1
            return n
        return run

    fresh = iter(range(10**6))

    def new_ours() -> Path:
        path = work / f"codebook-{next(fresh)}.qwb"
        workbench("new", path, "--name", "codebook", "--coder", "coder 1")
        return path

    def cold_codebook():
        path = new_ours()
        return workbench("codebook", path, "--import", outline)

    def warm_codebook():
        target = create_project(work / f"warm-codebook-{next(fresh)}.qwb", name="codebook", coder="coder 1")
        try:
            return warm(lambda: codebook_outline.import_codebook(target, outline))
        finally:
            target.close()

    def tg_codebook():
        _, url = tg.request("/project/new", form={"name": f"codebook {next(fresh)}", "description": ""})
        new_pid = int(url.rstrip("/").rsplit("/", 1)[1])
        return tg.timed(lambda: [tg.request(f"/api/project/{new_pid}/tag/new",
                                            body={"path": c.replace("/", "."), "description": ""})
                                 for c in codes])

    one, sub = Filters(codes=(leaf,)), Filters(codes=(subtree,), with_children=True)
    pf = str(project_file)
    # name: (cold CLI args or a callable, warm callable (already timed, or plain), Taguette callable)
    ops = [
        (f"codebook of {len(codes)} codes into a new project", cold_codebook, warm_codebook, tg_codebook),
        (f"list one code's segments ({leaf})", ("query", pf, "--code", leaf, "--json"),
         lambda: listing_json(one), tg_listing(leaf.replace("/", "."))),
        (f"list a code sub-tree ({subtree} and its subcodes)",
         ("query", pf, "--code", subtree, "--with-children", "--json"),
         lambda: listing_json(sub), tg_listing(subtree)),
        ("sub-tree to CSV", ("export", pf, "-o", work / "sub.csv", "--code", subtree, "--with-children"),
         lambda: export_csv(project, work / "sub-warm.csv", sub, None),
         lambda: tg.request(f"/project/{pid}/export/highlights/{subtree}.csv")),
        ("every excerpt to CSV", ("export", pf, "-o", work / "all.csv"),
         lambda: export_csv(project, work / "all-warm.csv", Filters(), None),
         lambda: tg.request(f"/project/{pid}/export/highlights/.csv")),
        ("every excerpt to XLSX", ("export", pf, "-o", work / "all.xlsx"),
         lambda: export_xlsx(project, work / "all-warm.xlsx", Filters(), None),
         lambda: tg.request(f"/project/{pid}/export/highlights/.xlsx")),
        ("codebook to REFI-QDA .qdc", ("codebook", pf, "--export", work / "codebook.qdc"),
         lambda: qdc.export_codebook(project, work / "codebook-warm.qdc"),
         lambda: tg.request(f"/project/{pid}/export/codebook.qdc")),
        ("project exchange file (ours .qdpx, Taguette's .sqlite3)", ("qdpx", "export", pf, "-o", work / "p.qdpx"),
         lambda: export_qdpx(project, work / "p-warm.qdpx"),
         lambda: tg.request(f"/project/{pid}/export/project.sqlite3")),
    ]
    samples: dict[str, list] = {name: [] for name, *_ in ops}
    for filters, path in ((one, leaf), (sub, subtree)):  # the same passages on both sides
        print(f"  {path}: ours {len(json.loads(listing_json(filters)))} segments, "
              f"Taguette {tg_listing(path.replace('/', '.'))()} highlights", flush=True)
    try:
        for name, _cold, hot, _theirs in ops:  # the warm-up call of each
            hot()
        for r in range(n_runs):
            for name, cold, hot, theirs in ops:
                c = cold() if callable(cold) else workbench(*cold)
                h = hot() if hot is warm_codebook else warm(hot)
                t = theirs() if theirs is tg_codebook else tg.timed(theirs)
                samples[name].append((c[:2], h[:2], t[:2]))
                print(f"  run {r + 1}: {name}: cold CLI {c[0]:.3f} s CPU, warm {h[0]:.3f}, Taguette {t[0]:.3f}",
                      flush=True)
    finally:
        project.close()
    return samples


if __name__ == "__main__":
    raise SystemExit(main())
