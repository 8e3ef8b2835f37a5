"""All memos of a project as a Word document: one section per kind (project, sources, cases, codes,
codings), each memo under a heading naming what it is on, with its author and date."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from workbench.io.atomic import atomic_path
from workbench.io.exporters.excerpts import xml_safe

SECTIONS = (("project", "Project memo"), ("source", "Memos on sources"), ("case", "Memos on cases"),
            ("code", "Memos on codes"), ("coding", "Memos on coded passages"))


def write_memos(memos, path: str | Path, project_name: str) -> int:
    """memos: services.memos.MemoRow (or anything with kind, target, author, updated_at, text).
    Writes the file whole or not at all; returns how many memos it holds."""
    import docx

    document = docx.Document()
    document.add_paragraph(xml_safe(project_name), style="Title")
    document.add_paragraph(f"Memos, {date.today().isoformat()}: {len(memos)} in all.")
    for kind, title in SECTIONS:
        items = [m for m in memos if m.kind == kind]
        if not items:
            continue
        document.add_heading(title, level=1)
        for m in items:
            if kind != "project":
                document.add_heading(xml_safe(m.target), level=2)
            by = " · ".join(x for x in (m.author, (m.updated_at or "")[:10]) if x)
            if by:
                document.add_paragraph(by).runs[0].italic = True
            for para in m.text.split("\n\n"):
                document.add_paragraph(xml_safe(para.strip("\n")))
    with atomic_path(path) as tmp:
        document.save(str(tmp))
    return len(memos)
