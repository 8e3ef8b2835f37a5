"""Source texts read together (issue 11): a listing reads all its sources' texts in one go and
a streamed export a few sources at a time, instead of a query a source. With more sources than
one read window holds, and sources without codings between them, every excerpt's text is still
its source's text between its offsets, as the test's own copy of the texts gives it, and the
streamed CSV is byte for byte the one written from the held report (collect)."""
from __future__ import annotations

import csv
import random

from query_expect import add_source

from workbench.io.exporters import excerpts as excerpts_module
from workbench.io.exporters.excerpts import collect
from workbench.io.exporters.excerpts_csv import export_csv, write_csv
from workbench.query.segments import Filters, query_segments
from workbench.services.codebook import ensure_code_path_in
from workbench.services.coders import ensure_coder
from workbench.services.coding import NewCoding, apply_codes_in

N_SOURCES = 2 * excerpts_module._TEXTS_AHEAD + 7


def _many_sources(project) -> dict[str, str]:
    """N_SOURCES sources of distinct text, every third without codings; the codings of 'wide/a'
    and 'wide/b' lie in random places. Returns each source's text by name."""
    rng = random.Random(5)
    texts = {}
    with project.transaction() as s:
        codes = [ensure_code_path_in(s, p, create=True)[0] for p in ("wide/a", "wide/b")]
        coder = ensure_coder(s, "Thandi")
        items = []
        for i in range(N_SOURCES):
            text = "\n".join(f"source {i} line {k} " + "word " * rng.randint(1, 12) for k in range(20)) + "\n"
            name = f"many_{i:02d}.txt"
            texts[name] = text
            sid = add_source(s, name, text)
            if i % 3 == 2:
                continue
            for _ in range(4):
                a = rng.randrange(len(text) - 40)
                items.append(NewCoding(sid, rng.choice(codes), coder, a, a + rng.randint(3, 40)))
        apply_codes_in(s, items)
    return texts


def test_listing_texts_are_the_sources_text_between_the_offsets(project):
    texts = _many_sources(project)
    segments = query_segments(project, Filters(codes=("wide",), with_children=True))
    listed = list(segments)
    assert len(listed) == len(segments) == 4 * (N_SOURCES - N_SOURCES // 3)
    assert len({seg.source for seg in listed}) == N_SOURCES - N_SOURCES // 3
    for seg in listed:
        assert seg.text == texts[seg.source][seg.start:seg.end]
    again = query_segments(project, Filters(codes=("wide",), with_children=True))
    assert again[7:40] == listed[7:40] and again[3] == listed[3]


def test_streamed_csv_over_many_sources_is_the_held_one(project, tmp_path):
    texts = _many_sources(project)
    filters = Filters(codes=("wide",), with_children=True)
    n = export_csv(project, tmp_path / "streamed.csv", filters)
    assert write_csv(collect(project, filters), tmp_path / "held.csv") == n == 4 * (N_SOURCES - N_SOURCES // 3)
    assert (tmp_path / "held.csv").read_bytes() == (tmp_path / "streamed.csv").read_bytes()
    with open(tmp_path / "streamed.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == n
    for row in rows:
        assert row["text"] == texts[row["source"]][int(row["start"]):int(row["end"])]
