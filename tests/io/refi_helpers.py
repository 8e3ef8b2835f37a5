"""Helpers for the REFI-QDA tests: building QDPX files by hand, validating, and snapshotting projects."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
import store_read

DATA = Path(__file__).parent / "refi_data"
# The samples other tools wrote live in ../shared beside the checkout (see the briefs), never at one
# absolute path.
SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "refi-qda" / "samples"
NS = "urn:QDA-XML:project:1.0"


def need_sample(path: Path = SAMPLES) -> Path:
    """`path` when it exists; else a skip, or a failure when the environment says CI=true."""
    if path.exists():
        return path
    message = f"the shared REFI-QDA sample {path} is missing (expected in ../shared beside the checkout)"
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"{message}; under CI=true a missing fixture is a failure", pytrace=False)
    pytest.skip(message)


def sample_files(pattern: str) -> list[Path]:
    """The samples matching `pattern`, or one placeholder whose test then calls need_sample and skips or fails."""
    found = sorted(SAMPLES.glob(pattern)) if SAMPLES.is_dir() else []
    return found or [SAMPLES / f"(no {pattern} sample)"]


def schema(kind: str = "Project"):
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(DATA / f"{kind}-mrt2019.xsd")))


def assert_valid(xml: bytes, kind: str = "Project") -> None:
    from lxml import etree

    s = schema(kind)
    doc = etree.fromstring(xml)
    assert s.validate(doc), [str(e) for e in s.error_log][:5]


def make_zip(path: Path, entries: dict[str, bytes], qde: bytes | str | None = None,
             qde_name: str = "project.qde") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        if qde is not None:
            zf.writestr(qde_name, qde.encode("utf-8") if isinstance(qde, str) else qde)
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


def qde(body: str, origin: str = "Test tool 1.0", name: str = "Hand made") -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="{NS}" name="{name}" origin="{origin}">'
            f"{body}</Project>")


def code_paths(con) -> dict[int, str]:
    rows = {r[0]: (r[1], r[2]) for r in con.execute("SELECT id, parent_id, name FROM code")}

    def path(i):
        parent, name = rows[i]
        return name if parent is None else f"{path(parent)}/{name}"

    return {i: path(i) for i in rows}


def snapshot(path: Path) -> dict:
    """Everything a round trip must keep, read with plain SQL (no workbench code), dates left out."""
    con = store_read.connect(path)
    try:
        paths = code_paths(con)
        coders = dict(con.execute("SELECT id, name FROM coder"))
        sources = {r[0]: r for r in con.execute("SELECT id, guid, name, kind, text, original_sha256 FROM source")}
        cases = dict(con.execute("SELECT id, name FROM case_"))
        attrs = dict(con.execute("SELECT id, name FROM attribute"))
        coding_guid = dict(con.execute("SELECT id, guid FROM coding"))
        out = {
            "coders": sorted(con.execute("SELECT guid, name FROM coder")),
            "sources": sorted((g, n, k if k in ("docx", "pdf") else "text", t, o if k in ("docx", "pdf") else "")
                              for _, g, n, k, t, o in sources.values()),
            "codes": sorted((paths[i], g, c, d) for i, g, c, d in
                            con.execute("SELECT id, guid, color, description FROM code")),
            "codings": sorted((g, sources[s][2], paths[c], coders[k], a, b, sources[s][4][a:b]) for g, s, c, k, a, b in
                              con.execute('SELECT guid, source_id, code_id, coder_id, start, "end" FROM coding')),
            "cases": sorted((g, n, d, tuple(sorted(sources[s][2] for (s,) in con.execute(
                "SELECT source_id FROM case_source WHERE case_id=?", (i,)))))
                for i, g, n, d in con.execute("SELECT id, guid, name, description FROM case_")),
            "attributes": sorted(con.execute("SELECT guid, name, type FROM attribute")),
            "values": sorted((cases[c], attrs[a], v) for c, a, v in
                             con.execute("SELECT case_id, attribute_id, value FROM attribute_value")),
            "memos": sorted(
                (g, t, x, "source:" + sources[s][2] if s else "code:" + paths[c] if c else
                 "case:" + cases[k] if k else "coding:" + coding_guid[d] if d else "project")
                for g, t, x, s, c, k, d in
                con.execute("SELECT guid, title, text, source_id, code_id, case_id, coding_id FROM memo")),
            "project": con.execute("SELECT name, description FROM project").fetchone(),
        }
        return out
    finally:
        con.close()


def report_body(path: Path) -> dict:
    import json

    con = store_read.connect(path)
    try:
        rows = con.execute("SELECT body FROM report WHERE kind='qdpx-import'").fetchall()
    finally:
        con.close()
    assert len(rows) == 1
    return json.loads(rows[0][0])
