"""Hand-computed expectations on the small project of tests/conftest.py, from its phrases."""
from __future__ import annotations

import importlib.util
from pathlib import Path

# Loaded by path: several test folders have a conftest.py, so "import conftest" is ambiguous.
_spec = importlib.util.spec_from_file_location("_small_project_conftest",
                                               Path(__file__).resolve().parents[1] / "conftest.py")
_small = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_small)
CODINGS, SOURCES = _small.CODINGS, _small.SOURCES


def span(source: str, phrase: str) -> tuple[int, int]:
    """Offsets (code points) of phrase in a small-project source; it must occur once."""
    text = SOURCES[source]
    assert text.count(phrase) == 1, phrase
    start = text.index(phrase)
    return start, start + len(phrase)


def coded(source: str, phrase: str) -> dict:
    start, end = span(source, phrase)
    return {"source": source, "start": start, "end": end, "text": phrase}


def codings_where(**match) -> list[tuple]:
    """The conftest CODINGS (source, code, coder, phrase) matching the given fields."""
    keys = ("source", "code", "coder", "phrase")
    return [c for c in CODINGS if all(dict(zip(keys, c))[k] in (v if isinstance(v, (set, list)) else {v})
                                      for k, v in match.items())]


def add_source(session, name: str, text: str) -> int:
    """Store a text as a source directly (the importers are tested elsewhere)."""
    from workbench.io.importers.base import ImportedDocument
    from workbench.services.sources import store_document

    return store_document(session, ImportedDocument(name=name, kind="txt", text=text,
                                                    original=text.encode("utf-8")), None)


def place_sources_in_reverse(project) -> list[str]:
    """Put the sources in the list in the reverse of the order they were added, so a source's
    place and its id disagree; returns their names in list order."""
    from sqlalchemy import text

    with project.transaction() as s:
        ids = [i for (i,) in s.execute(text("SELECT id FROM source ORDER BY id"))]
        for place, sid in enumerate(reversed(ids)):
            s.execute(text("UPDATE source SET position = :p WHERE id = :i"), {"p": place, "i": sid})
        return [name for (name,) in s.execute(text("SELECT name FROM source ORDER BY position, name"))]
