"""The codebook as a Word document: each code under a heading that follows the tree, with its
colour, how much it is used, and its definition, for the methods chapter or an appendix."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from workbench.io.atomic import atomic_path
from workbench.store.project import Project


def export_codebook(project: Project, path: Path) -> str:
    import docx
    from sqlalchemy import select

    from workbench.io.exporters.docx_xml import BodyWriter
    from workbench.query.frequencies import code_frequencies_in
    from workbench.services.lookup import CodeTree
    from workbench.store.models import Code, ProjectInfo

    with project.reading() as s:
        tree = CodeTree(s)
        info = {r.id: r for r in s.execute(select(Code.id, Code.description, Code.color))}
        own = {f.code_id: f for f in code_frequencies_in(s)}
        rolled = {f.code_id: f for f in code_frequencies_in(s, with_children=True)}
        name = s.scalars(select(ProjectInfo.name)).first() or project.path.stem
    order = tree.in_order()
    document = docx.Document()
    w = BodyWriter(document)
    w.paragraph("Title", f"Codebook: {name}")
    w.paragraph("Normal", f"{len(order)} codes; {date.today().isoformat()}")
    w.table(["code", "colour", "codings", "sources", "with subcodes"],
            [["    " * tree.depth(c) + tree.name[c], info[c].color, own[c].segments, own[c].sources,
              rolled[c].segments] for c in order],
            shade=lambda i, j: info[order[i]].color.lstrip("#") if j == 1 else None)
    for cid in order:
        depth = tree.depth(cid)
        w.paragraph(f"Heading {min(depth + 1, 3)}", tree.name[cid])
        f, r = own[cid], rolled[cid]
        usage = f"{f.segments} codings in {f.sources} sources and {f.cases} cases by {f.coders} coders"
        if tree.children.get(cid):
            usage += f"; with subcodes {r.segments} codings in {r.sources} sources"
        w.runs("Normal", [("\u25a0\u25a0 ", {"color": info[cid].color}), (info[cid].color + "  ", {}),
                          (usage, {"italic": True})])
        if len(tree.parts(cid)) > 3:
            w.paragraph("Normal", tree.path(cid), bold_prefix="Path: ")
        desc = (info[cid].description or "").strip()
        w.paragraph("Normal", desc if desc else "(no definition yet)", italic=not desc)
    w.flush()
    with atomic_path(path) as tmp:
        document.save(str(tmp))
    return f"{len(order)} codes"
