"""The committed sample project is what its sources build, and it is the study DOMAIN.md describes."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

import store_read

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_projects" / "johannesburg.qwb"


def _builder():
    spec = importlib.util.spec_from_file_location("build_johannesburg", ROOT / "sample_projects" / "build_johannesburg.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def dump(path: Path) -> dict:
    """The content of a project, without GUIDs and times, which differ between builds."""
    con = store_read.connect(path)
    try:
        paths = {}
        rows = {r[0]: r for r in con.execute("SELECT id, parent_id, name FROM code")}

        def path_of(cid):
            if cid not in paths:
                _, parent, name = rows[cid]
                paths[cid] = name if parent is None else f"{path_of(parent)}/{name}"
            return paths[cid]

        return {
            "sources": sorted(con.execute("SELECT name, kind, sha256, length FROM source")),
            "turns": sorted(con.execute(
                "SELECT s.name, t.speaker, t.start, t.end, t.timestamp FROM speaker_turn t JOIN source s ON s.id=t.source_id")),
            "codes": sorted((path_of(i), c, d) for i, c, d in con.execute("SELECT id, color, description FROM code")),
            "codings": sorted(
                (s, path_of(code), coder, a, b)
                for s, code, coder, a, b in con.execute(
                    "SELECT s.name, c.code_id, k.name, c.start, c.end FROM coding c "
                    "JOIN source s ON s.id=c.source_id JOIN coder k ON k.id=c.coder_id")
            ),
            "cases": sorted(con.execute(
                "SELECT c.name, a.name, v.value FROM attribute_value v JOIN case_ c ON c.id=v.case_id "
                "JOIN attribute a ON a.id=v.attribute_id")),
            "links": sorted(con.execute(
                "SELECT c.name, s.name FROM case_source l JOIN case_ c ON c.id=l.case_id JOIN source s ON s.id=l.source_id")),
            "memos": sorted(r[0] for r in con.execute("SELECT text FROM memo")),
        }
    finally:
        con.close()


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "johannesburg.qwb"
    return _builder().build(out)


def test_committed_sample_matches_what_its_sources_build(rebuilt):
    assert SAMPLE.exists(), "run: python sample_projects/build_johannesburg.py"
    assert dump(rebuilt) == dump(SAMPLE)


def test_sample_is_the_study_of_domain_md():
    d = dump(SAMPLE)
    interviews = [s for s in d["sources"] if s[0].startswith("interview")]
    policies = [s for s in d["sources"] if s[0].startswith("policy")]
    assert len(interviews) >= 8 and len(policies) >= 3
    assert {s[1] for s in interviews} >= {"docx", "txt"}
    with_turns = {t[0] for t in d["turns"]}
    assert {s[0] for s in interviews} <= with_turns  # every transcript has speaker turns
    assert all(t[4] for t in d["turns"] if t[0].startswith("interview") and t[1] != "Interviewer")
    tops = {c[0] for c in d["codes"] if "/" not in c[0]}
    assert {"autonomy", "provincial constraint", "development outcome"} <= tops
    for top in ("autonomy", "provincial constraint", "development outcome"):
        assert any(c[0].startswith(top + "/") for c in d["codes"])
        assert next(c for c in d["codes"] if c[0] == top)[2]  # a definition
    attrs = {a for _, a, _ in d["cases"]}
    assert {"country", "region", "year_signed", "partnership_type"} <= attrs
    coders = {c[2] for c in d["codings"]}
    assert coders == {"Thandi", "Pieter"}
    by = {coder: {(c[0], c[1], c[3], c[4]) for c in d["codings"] if c[2] == coder} for coder in coders}
    assert by["Thandi"] & by["Pieter"], "the coders agree on some passages"
    assert by["Thandi"] ^ by["Pieter"], "and not on others"


def test_sample_words_counts():
    con = store_read.connect(SAMPLE)
    for name, text in con.execute("SELECT name, text FROM source WHERE name LIKE 'interview%'"):
        assert len(text.split()) >= 1500, name
    con.close()
