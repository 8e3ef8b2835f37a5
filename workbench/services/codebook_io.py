"""Bringing a codebook outline into a project, and listing the codebook (for export, for scripts)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from workbench.core.changes import Changes, Kind
from workbench.core.paths import join_path
from workbench.services.codebook import CodeMaker, normalize_color
from workbench.services.lookup import CodeTree
from workbench.store.models import Code, Coding
from workbench.store.project import Project


def merge_entries(project: Project, entries: list[tuple[list[str], str, str | None]]) -> Changes:
    """Create the codes not yet there; fill descriptions and colours given. One transaction;
    `result` holds the one-line summary.

    An entry whose path compares equal to a code already there (or made earlier in the same
    file) under the one name rule, but is spelled otherwise, is that code: every such fold is
    named in the summary ("'interesting' is 'Interesting'"), never silent.
    """
    created = updated = 0
    folds: list[str] = []
    changes = Changes()
    with project.transaction() as s:
        maker = CodeMaker(s)  # one read of the tree, one insert a level: linear in the file (issue 11)
        for parts, desc, color in entries:
            found = maker.find(parts)
            if found is not None and maker.parts(found) != [" ".join(p.split()) for p in parts]:
                folds.append(f"{join_path(parts)!r} is {join_path(maker.parts(found))!r}")
            if found is None:
                parent = None
                if len(parts) > 1:  # parents not listed (or listed later) are made, not skipped
                    parent, made = maker.ensure(parts[:-1])
                    created += len(made)
                maker.make(parts[-1], parent, normalize_color(color) if color else None, desc)
                created += 1
            elif maker.update(found, desc or None, normalize_color(color) if color else None):
                updated += 1
                if found > 0:  # a code made earlier in this file is created, not updated
                    changes.add("updated", Kind.CODE, found)
        changes.add("created", Kind.CODE, *maker.write().values())
    summary = f"{created} codes created, {updated} updated"
    if folds:
        summary += f"; {len(folds)} folded into codes of the same name: " + "; ".join(folds)
    return changes.with_result(summary)


def codebook_entries(project: Project) -> list[tuple[list[str], str, str]]:
    """(path parts, description, colour) of every code in tree order."""
    with project.reading() as s:
        tree = CodeTree(s)
        info = {r.id: (r.description, r.color) for r in s.execute(select(Code.id, Code.description, Code.color))}
        return [(tree.parts(cid), *info[cid]) for cid in tree.in_order()]


@dataclass(frozen=True)
class CodeListing:
    """One code as `workbench codes list` shows it; `codings` counts its own, not its subcodes'."""

    path: str
    name: str
    description: str
    color: str
    codings: int
    depth: int


def code_listing(project: Project) -> list[CodeListing]:
    """Every code in tree order with its own coding count."""
    with project.reading() as s:
        tree = CodeTree(s)
        info = {r.id: (r.description, r.color) for r in s.execute(select(Code.id, Code.description, Code.color))}
        counts = dict(s.execute(select(Coding.code_id, func.count()).group_by(Coding.code_id)).all())
        return [CodeListing(tree.path(cid), tree.name[cid], *info[cid], counts.get(cid, 0), tree.depth(cid))
                for cid in tree.in_order()]
