"""Finding sources, codes, cases, attributes and coders by the names users type."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.core.errors import NotFoundError
from workbench.core.paths import join_path, name_key, split_path
from workbench.core.suggest import nearest
from workbench.store.models import Attribute, Case, Code, Coder, Source


class CodeTree:
    """The codebook's shape (ids, parents, names) loaded in one query, for paths and subtrees."""

    def __init__(self, session: Session):
        rows = session.execute(select(Code.id, Code.parent_id, Code.name, Code.position)).all()
        self.parent: dict[int, int | None] = {r.id: r.parent_id for r in rows}
        self.name: dict[int, str] = {r.id: r.name for r in rows}
        self.position: dict[int, int] = {r.id: r.position for r in rows}
        self.children: dict[int | None, list[int]] = {}
        for r in sorted(rows, key=lambda r: (r.position, r.name.casefold())):
            self.children.setdefault(r.parent_id, []).append(r.id)
        self._paths: dict[int, str] = {}

    def parts(self, code_id: int) -> list[str]:
        out = []
        cur: int | None = code_id
        while cur is not None:
            out.append(self.name[cur])
            cur = self.parent[cur]
        return out[::-1]

    def path(self, code_id: int) -> str:
        p = self._paths.get(code_id)
        if p is None:
            p = self._paths[code_id] = join_path(self.parts(code_id))
        return p

    def paths(self) -> dict[int, str]:
        return {cid: self.path(cid) for cid in self.parent}

    def subtree(self, code_id: int) -> list[int]:
        """code_id and all its descendants, in tree order."""
        out, stack = [], [code_id]
        while stack:
            cur = stack.pop()
            out.append(cur)
            stack.extend(reversed(self.children.get(cur, [])))
        return out

    def in_order(self) -> list[int]:
        """Every code in tree order (pre-order, siblings by position)."""
        out: list[int] = []
        for root in self.children.get(None, []):
            out.extend(self.subtree(root))
        return out

    def depth(self, code_id: int) -> int:
        return len(self.parts(code_id)) - 1

    def find(self, path: str) -> int | None:
        """The code at path, names compared ignoring case and surrounding spaces."""
        parent: int | None = None
        for part in split_path(path):
            key = name_key(part)
            match = [c for c in self.children.get(parent, []) if name_key(self.name[c]) == key]
            if not match:
                return None
            parent = match[0]
        return parent


def code_by_path(session: Session, path: str, tree: CodeTree | None = None) -> int:
    tree = tree or CodeTree(session)
    try:
        found = tree.find(path)
    except ValueError as exc:
        raise NotFoundError("code", path) from exc
    if found is None:
        paths = list(tree.paths().values())
        raise NotFoundError("code", path, nearest(path, paths))
    return found


def source_by_name(session: Session, name: str) -> int:
    sid = session.scalar(select(Source.id).where(Source.name == name))
    if sid is None:
        sid = session.scalar(select(Source.id).where(Source.name.ilike(name)))
    if sid is None:
        names = session.scalars(select(Source.name)).all()
        raise NotFoundError("source", name, nearest(name, names))
    return sid


def case_by_name(session: Session, name: str) -> int:
    cid = session.scalar(select(Case.id).where(Case.name == name))
    if cid is None:
        cid = session.scalar(select(Case.id).where(Case.name.ilike(name)))
    if cid is None:
        names = session.scalars(select(Case.name)).all()
        raise NotFoundError("case", name, nearest(name, names))
    return cid


def attribute_by_name(session: Session, name: str) -> int:
    aid = session.scalar(select(Attribute.id).where(Attribute.name.ilike(name)))
    if aid is None:
        names = session.scalars(select(Attribute.name)).all()
        raise NotFoundError("attribute", name, nearest(name, names))
    return aid


def coder_by_name(session: Session, name: str) -> int:
    cid = session.scalar(select(Coder.id).where(Coder.name == name))
    if cid is None:
        cid = session.scalar(select(Coder.id).where(Coder.name.ilike(name)))
    if cid is None:
        names = session.scalars(select(Coder.name)).all()
        raise NotFoundError("coder", name, nearest(name, names))
    return cid
