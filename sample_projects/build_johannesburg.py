#!/usr/bin/env python3
"""Builds sample_projects/johannesburg.qwb from the files in sample_projects/johannesburg/.

Anyone can rebuild it: `python sample_projects/build_johannesburg.py [OUT.qwb]`.
The first five interviews come in as Word files (as most transcripts arrive), the rest and the
policy texts as plain text. Codings are given as exact quotes and located in the stored text.
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FOLDER = HERE / "johannesburg"
OUT = HERE / "johannesburg.qwb"
DOCX_SOURCES = ("interview01", "interview02", "interview03", "interview04", "interview05")
PROJECT_MEMO = (
    "A thesis on how Johannesburg organises and carries out its city-to-city partnerships, asking "
    "whether the cooperation delivered the social and economic development the agreements promise. "
    "Working proposition: objectives and implementation diverge; city international relations are an "
    "exercise in autonomy hemmed in by provincial and national requirements. Thandi and Pieter coded "
    "all sources independently; compare their agreement before refining the codebook."
)


def source_files() -> list[Path]:
    files = []
    for txt in sorted((FOLDER / "sources").glob("*.txt")):
        docx = txt.with_suffix(".docx")
        files.append(docx if txt.name.startswith(DOCX_SOURCES) and docx.exists() else txt)
    return files


def build(out: Path = OUT) -> Path:
    from workbench.services.cases import import_cases_csv
    from workbench.services.codebook_io import merge_entries
    from workbench.services.coders import ensure_coder
    from workbench.services.coding import NewCoding, apply_codes_in
    from workbench.services.lookup import code_by_path, source_by_name
    from workbench.services.memos import set_memo_in
    from workbench.io.codebook_outline import parse_outline, read_text_file
    from workbench.services.sources import import_files
    from workbench.store import sqlite
    from workbench.store.models import Source
    from workbench.store.project import create_project

    for p in (out, Path(f"{out}-wal"), Path(f"{out}-shm")):
        p.unlink(missing_ok=True)
    project = create_project(out, name="Johannesburg city-to-city partnerships", coder="Thandi")
    try:
        files = source_files()
        outcomes = import_files(project, files, coder="Thandi")
        failed = [o.message for o in outcomes if o.status != "imported"]
        if failed:
            raise SystemExit("sample sources failed to import:\n" + "\n".join(failed))
        names = {f.stem: f.name for f in files}

        # The codebook, with the colours given beside it.
        with open(FOLDER / "codebook_colors.csv", encoding="utf-8") as fh:
            colours = {r["path"]: r["color"] for r in csv.DictReader(fh)}
        outline = FOLDER / "codebook.txt"
        entries = [(parts, desc, colours.get("/".join(parts), color))
                   for parts, desc, color in parse_outline(outline, read_text_file(outline))]
        merge_entries(project, entries)

        # Cases: the CSV names the .txt files; point it at the names the sources were imported under.
        cases_csv = out.parent / f".{out.stem}-cases.csv"
        with open(FOLDER / "cases.csv", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        col = rows[0].index("sources")
        for row in rows[1:]:
            row[col] = ";".join(names[Path(n).stem] for n in row[col].split(";"))
        with open(cases_csv, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
        try:
            import_cases_csv(project, cases_csv)
        finally:
            cases_csv.unlink()

        codings = json.loads((FOLDER / "codings.json").read_text(encoding="utf-8"))
        with project.transaction() as s:
            texts: dict[str, tuple[int, str]] = {}
            items = []
            for c in codings:
                name = names[Path(c["source"]).stem]
                if name not in texts:
                    sid = source_by_name(s, name)
                    texts[name] = (sid, s.get(Source, sid).text)
                sid, text = texts[name]
                start = text.find(c["quote"])
                if start < 0 or text.find(c["quote"], start + 1) >= 0:
                    raise SystemExit(f"{name}: quote not found exactly once: {c['quote'][:60]!r}")
                items.append(NewCoding(sid, code_by_path(s, c["code"]), ensure_coder(s, c["coder"]),
                                       start, start + len(c["quote"]), c.get("memo")))
            apply_codes_in(s, items)
            set_memo_in(s, "project", None, PROJECT_MEMO)
    finally:
        project.close()
    sqlite.checkpoint(out)
    import sqlite3

    con = sqlite3.connect(out)
    con.execute("VACUUM")
    con.close()
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    print("built", build(target))
