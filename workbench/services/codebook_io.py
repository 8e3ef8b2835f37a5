"""Bringing a codebook outline into a project, and listing the codebook for export."""
from __future__ import annotations

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from workbench.core.errors import ValidationError
from workbench.core.ids import new_guid
from workbench.core.paths import name_key
from workbench.core.timeutil import now_iso
from workbench.services.codebook import PALETTE, normalize_color
from workbench.services.lookup import CodeTree
from workbench.store.models import Code
from workbench.store.project import Project


def merge_entries(project: Project, entries: list[tuple[list[str], str, str | None]]) -> str:
    """Create the codes not yet there; fill descriptions and colours given. One transaction.

    The tree is loaded once and kept up to date as codes are made, and sibling names are
    looked up in a dictionary, so a codebook of n codes costs time linear in n (issue 12,
    item 5); one code at a time through create_code_in would cost n queries of all siblings.
    New codes get their ids here (the transaction holds the write lock) and go in at the end
    in one multi-row insert.
    """
    created = updated = 0
    with project.transaction() as s:
        book = _Codebook(s)
        for parts, desc, color in entries:
            color = normalize_color(color) if color else None
            parent: int | None = None
            for depth, name in enumerate(parts):
                last = depth == len(parts) - 1
                found = book.child(parent, name)
                if found is None:
                    # Parents not listed (or listed later) are made, not skipped.
                    parent = book.create(parent, name, color if last else None, desc if last else "")
                    created += 1
                elif last:
                    updated += book.update(found, desc, color)
                    parent = found
                else:
                    parent = found
        book.flush()
    return f"{created} codes created, {updated} updated"


class _Codebook:
    """The codebook of one transaction, indexed by (parent, name key), for bulk merging."""

    def __init__(self, session: Session):
        self.s = session
        self.tree = CodeTree(session)
        self.color = dict(session.execute(select(Code.id, Code.color)).all())
        self.by_key: dict[tuple[int | None, str], int] = {}
        for cid, parent in self.tree.parent.items():
            self.by_key.setdefault((parent, name_key(self.tree.name[cid])), cid)
        self.next_id = (session.scalar(select(func.max(Code.id))) or 0) + 1
        self.pending: dict[int, dict] = {}

    def child(self, parent: int | None, name: str) -> int | None:
        return self.by_key.get((parent, name_key(name)))

    def create(self, parent: int | None, name: str, color: str | None, description: str) -> int:
        name = " ".join(name.split())
        if not name:
            raise ValidationError("a code needs a name")
        siblings = len(self.tree.children.get(parent, []))
        if color is None:
            color = PALETTE[siblings % len(PALETTE)] if parent is None else self.color[parent]
        now = now_iso()
        cid, self.next_id = self.next_id, self.next_id + 1
        self.pending[cid] = dict(id=cid, guid=new_guid(), name=name, parent_id=parent, color=color,
                                 description=description, position=siblings, created_at=now, updated_at=now)
        self.tree.add(cid, parent, name, siblings)
        self.color[cid] = color
        self.by_key[(parent, name_key(name))] = cid
        return cid

    def update(self, cid: int, description: str, color: str | None) -> bool:
        if cid in self.pending:  # listed twice in the file: the later line fills in
            row, changed = self.pending[cid], False
            if description and row["description"] != description:
                row["description"], changed = description, True
            if color and row["color"] != color:
                row["color"], changed = color, True
            return False
        values = {}
        code = self.s.execute(select(Code.description, Code.color).where(Code.id == cid)).one()
        if description and code.description != description:
            values["description"] = description
        if color and code.color != color:
            values["color"] = color
        if values:
            self.s.execute(update(Code).where(Code.id == cid).values(**values, updated_at=now_iso()))
            self.color[cid] = values.get("color", self.color[cid])
        return bool(values)

    def flush(self) -> None:
        rows = list(self.pending.values())  # parents were made before their children: ids ascend
        for i in range(0, len(rows), 500):
            self.s.execute(insert(Code), rows[i:i + 500])
        self.pending.clear()


def codebook_entries(project: Project) -> list[tuple[list[str], str, str]]:
    """(path parts, description, colour) of every code in tree order."""
    with project.reading() as s:
        tree = CodeTree(s)
        info = {r.id: (r.description, r.color) for r in s.execute(select(Code.id, Code.description, Code.color))}
        return [(tree.parts(cid), *info[cid]) for cid in tree.in_order()]
