"""Bringing a codebook outline into a project, and listing the codebook for export."""
from __future__ import annotations

from sqlalchemy import select

from workbench.core.paths import join_path
from workbench.services.codebook import create_code_in, ensure_code_path_in, normalize_color
from workbench.services.lookup import CodeTree
from workbench.store.models import Code
from workbench.store.project import Project


def merge_entries(project: Project, entries: list[tuple[list[str], str, str | None]]) -> str:
    """Create the codes not yet there; fill descriptions and colours given. One transaction.

    An entry whose path compares equal to a code already there (or made earlier in the same
    file) under the one name rule, but is spelled otherwise, is that code: every such fold is
    named in the summary ("'interesting' is 'Interesting'"), never silent.
    """
    created = updated = 0
    folds: list[str] = []
    with project.transaction() as s:
        tree = CodeTree(s)
        for parts, desc, color in entries:
            found = tree.find(join_path(parts))
            if found is not None and tree.parts(found) != [" ".join(p.split()) for p in parts]:
                folds.append(f"{join_path(parts)!r} is {tree.path(found)!r}")
            if found is None:
                parent = None
                if len(parts) > 1:  # parents not listed (or listed later) are made, not skipped
                    parent, made = ensure_code_path_in(s, join_path(parts[:-1]), create=True, tree=tree)
                    created += len(made)
                create_code_in(s, parts[-1], parent, normalize_color(color) if color else None, desc)
                tree = CodeTree(s)
                created += 1
            else:
                code = s.get(Code, found)
                changed = False
                if desc and code.description != desc:
                    code.description, changed = desc, True
                if color and code.color != normalize_color(color):
                    code.color, changed = normalize_color(color), True
                updated += changed
    summary = f"{created} codes created, {updated} updated"
    if folds:
        summary += f"; {len(folds)} folded into codes of the same name: " + "; ".join(folds)
    return summary


def codebook_entries(project: Project) -> list[tuple[list[str], str, str]]:
    """(path parts, description, colour) of every code in tree order."""
    with project.reading() as s:
        tree = CodeTree(s)
        info = {r.id: (r.description, r.color) for r in s.execute(select(Code.id, Code.description, Code.color))}
        return [(tree.parts(cid), *info[cid]) for cid in tree.in_order()]
