"""Where a Word source's headings lie in its stored text, for the document view to set them as
headings. Display only: the stored text and its offsets are never touched (issue 10, item 10).

The importer writes one Word paragraph a line, so each heading paragraph's text is found as a
whole line, in order, from where the previous one was found.
"""
from __future__ import annotations

from pathlib import Path

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _style_levels(styles) -> dict[str, int]:
    """Paragraph style id -> heading level (0 for Title, 1-9 for Heading n)."""
    levels = {}
    if styles is None:
        return levels
    for st in styles.iter(f"{W}style"):
        sid = st.get(f"{W}styleId") or ""
        name_el = st.find(f"{W}name")
        name = (name_el.get(f"{W}val") if name_el is not None else sid).strip().lower()
        if name == "title":
            levels[sid] = 0
        elif name.startswith("heading ") and name[8:].isdigit():
            levels[sid] = int(name[8:])
    return levels


def docx_heading_texts(data: bytes) -> list[tuple[str, int]]:
    """(text, level) of the heading paragraphs of a .docx, in order; [] when it cannot be read."""
    from workbench.core.errors import WorkbenchError
    from workbench.io.importers.zipguard import open_package

    try:
        pkg = open_package(Path("source.docx"), data, "a Word document (.docx)", "damaged")
        document = pkg.xml("word/document.xml")
        levels = _style_levels(pkg.xml("word/styles.xml"))
    except (WorkbenchError, OSError, ValueError):
        return []
    body = document.find(f"{W}body") if document is not None else None
    out = []
    for p in (body if body is not None else []):
        if p.tag != f"{W}p":
            continue
        style = p.find(f"{W}pPr/{W}pStyle")
        level = levels.get(style.get(f"{W}val", "")) if style is not None else None
        if level is None:
            outline = p.find(f"{W}pPr/{W}outlineLvl")
            level = int(outline.get(f"{W}val", "9")) + 1 if outline is not None else None
        if level is None:
            continue
        text = "".join(t.text or "" for t in p.iter(f"{W}t")).strip()
        if text:
            out.append((text, level))
    return out


def heading_spans(text: str, headings: list[tuple[str, int]]) -> list[tuple[int, int, int]]:
    """(start, end, level) in code points of each heading found as a line of text, in order."""
    spans, pos = [], 0
    for heading, level in headings:
        at = pos
        while True:
            i = text.find(heading, at)
            if i < 0:
                break
            line_start = text.rfind("\n", 0, i) + 1
            line_end = text.find("\n", i)
            line_end = len(text) if line_end < 0 else line_end
            if text[line_start:line_end].strip() == heading:
                spans.append((line_start, line_end, level))
                pos = line_end
                break
            at = i + 1
    return spans


def source_headings(project, source_id: int, kind: str, text: str) -> list[tuple[int, int, int]]:
    """The headings of a Word source as (start, end, level) code points; [] for other kinds."""
    if kind != "docx":
        return []
    from workbench.services.sources import source_original

    with project.reading() as s:
        data = source_original(s, source_id)
    return heading_spans(text, docx_heading_texts(data)) if data else []
