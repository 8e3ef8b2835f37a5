"""Shared fixtures: a small project built once per session and copied for each test."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbench.store import sqlite
from workbench.store.project import create_project, open_project

SOURCES = {
    "interview_jhb.txt": (
        "[00:00:05] Interviewer: How does the city choose its partners?\n"
        "[00:00:12] Ms Dlamini: We set our own agenda and fund the exchanges ourselves.\n"
        "[00:01:02] Interviewer: And the province?\n"
        "[00:01:09] Ms Dlamini: Every agreement waits for provincial sign-off, sometimes a year.\n"
    ),
    "interview_addis.txt": (
        "[00:00:03] Interviewer: What did the twinning deliver? 😀\n"
        "[00:00:10] Mr Bekele: Training for engineers, and a clinic that opened in 2019.\n"
        "[00:00:40] Interviewer: Anything left undone?\n"
        "[00:00:48] Mr Bekele: The bus project never left the drawing board.\n"
    ),
    "policy.txt": (
        "1. Purpose\n"
        "The City pursues international relations that serve local development.\n"
        "2. Approval\n"
        "Agreements are submitted to the Province before signature.\n"
    ),
}

CODES = [
    ("autonomy", None),
    ("autonomy/own funding", None),
    ("provincial constraint", None),
    ("development outcome", None),
    ("development outcome/unrealised objective", None),
]


def _phrase(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


# (source, code, coder, phrase)
CODINGS = [
    ("interview_jhb.txt", "autonomy", "Thandi", "We set our own agenda"),
    ("interview_jhb.txt", "autonomy/own funding", "Thandi", "fund the exchanges ourselves"),
    ("interview_jhb.txt", "autonomy", "Pieter", "We set our own agenda and fund"),
    ("interview_jhb.txt", "provincial constraint", "Thandi", "Every agreement waits for provincial sign-off"),
    ("interview_jhb.txt", "provincial constraint", "Pieter", "Every agreement waits for provincial sign-off"),
    ("interview_addis.txt", "development outcome", "Thandi", "Training for engineers, and a clinic"),
    ("interview_addis.txt", "development outcome/unrealised objective", "Pieter",
     "The bus project never left the drawing board."),
    ("policy.txt", "provincial constraint", "Thandi", "Agreements are submitted to the Province before signature."),
]


def build_small_project(path: Path, source_dir: Path) -> None:
    from workbench.services.cases import import_cases_csv
    from workbench.services.codebook import ensure_code_path_in
    from workbench.services.coders import ensure_coder
    from workbench.services.coding import NewCoding, apply_codes_in
    from workbench.services.lookup import source_by_name
    from workbench.services.sources import import_files

    source_dir.mkdir(parents=True, exist_ok=True)
    files = []
    for name, text in SOURCES.items():
        f = source_dir / name
        f.write_text(text, encoding="utf-8")
        files.append(f)
    project = create_project(path, name="Small study", coder="Thandi")
    try:
        import_files(project, files, coder="Thandi")
        csv = source_dir / "cases.csv"
        csv.write_text(
            "name,country,region,year_signed,sources\n"
            "Johannesburg,South Africa,Africa,2001,interview_jhb.txt;policy.txt\n"
            "Addis Ababa,Ethiopia,Africa,2006,interview_addis.txt\n",
            encoding="utf-8",
        )
        import_cases_csv(project, csv)
        with project.transaction() as s:
            for code_path, _ in CODES:
                ensure_code_path_in(s, code_path, create=True)
            items = []
            for source, code_path, coder, phrase in CODINGS:
                sid = source_by_name(s, source)
                cid, _ = ensure_code_path_in(s, code_path, create=False)
                start, end = _phrase(SOURCES[source], phrase)
                items.append(NewCoding(sid, cid, ensure_coder(s, coder), start, end))
            apply_codes_in(s, items)
    finally:
        project.close()
    sqlite.checkpoint(path)


@pytest.fixture(scope="session")
def _small_template(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("template")
    path = root / "small.qwb"
    build_small_project(path, root / "sources")
    return path


@pytest.fixture
def project_path(_small_template, tmp_path) -> Path:
    """A fresh copy of the small project (3 sources, 2 cases, 5 codes, 8 codings by 2 coders)."""
    dest = tmp_path / "small.qwb"
    shutil.copy(_small_template, dest)
    yield dest
    problems = sqlite.integrity_problems(dest)
    assert problems == [], problems
    assert stale_name_keys(dest) == []


NAMED_TABLES = ("coder", "source", "case_", "attribute", "code", "saved_query", "source_folder")


def stale_name_keys(path: Path) -> list[tuple]:
    """Rows whose stored name key is not the one rule's key of their name (core.names): every
    writer, ORM or Core, must keep them in step, or the unique index guards nothing."""
    import sqlite3

    from workbench.core.names import name_key

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [(t, name, key) for t in NAMED_TABLES
                for name, key in con.execute(f"SELECT name, name_key FROM {t}") if key != name_key(name)]
    finally:
        con.close()


@pytest.fixture
def project(project_path):
    """The small project, open for writing."""
    p = open_project(project_path)
    yield p
    p.close()


@pytest.fixture
def empty_project(tmp_path):
    path = tmp_path / "empty.qwb"
    p = create_project(path, name="Empty", coder="Thandi")
    yield p
    p.close()
    assert sqlite.integrity_problems(path) == []
