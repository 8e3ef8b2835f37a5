"""The codebook's shape in memory: parents, children in order, paths, subtrees.

Built from plain rows, so that a reader with the sqlite3 module alone (store.peek) and a
session (services.lookup) make the same tree.
"""
from __future__ import annotations

from collections.abc import Iterable

from workbench.core.paths import join_path, name_key, split_path


class CodeTree:
    """The codebook's shape (ids, parents, names), for paths and subtrees, from the code table's
    rows (id, parent_id, name, position) read in one query."""

    def __init__(self, rows: Iterable[tuple[int, int | None, str, int]]):
        rows = list(rows)
        self.parent: dict[int, int | None] = {cid: parent for cid, parent, _, _ in rows}
        self.name: dict[int, str] = {cid: name for cid, _, name, _ in rows}
        self.position: dict[int, int] = {cid: position for cid, _, _, position in rows}
        self.cut = self._cut_damage()
        self.children: dict[int | None, list[int]] = {}
        for cid, _, name, position in sorted(rows, key=lambda r: (r[3], r[2].casefold())):
            self.children.setdefault(self.parent[cid], []).append(cid)
        self._paths: dict[int, str] = {}

    def _cut_damage(self) -> list[int]:
        """Make a damaged tree a tree again, in memory only: a code whose parent is missing,
        or the smallest id of each parent cycle, is shown as a top-level code.

        Only a damaged file has either (merge and move refuse to make a cycle), and every
        walk up or down the tree would otherwise lose codes or never end. Returns the ids cut.
        """
        cut: list[int] = []
        state: dict[int, int] = {}  # 1: on the current walk, 2: known to reach the top
        for start in self.parent:
            walk, cur = [], start
            while cur is not None and state.get(cur) is None:
                state[cur] = 1
                walk.append(cur)
                parent = self.parent[cur]
                if parent is not None and parent not in self.parent:
                    self.parent[cur] = parent = None  # a dangling parent id
                    cut.append(cur)
                elif parent is not None and state.get(parent) == 1:
                    loop = walk[walk.index(parent):]
                    root = min(loop)
                    self.parent[root] = None
                    cut.append(root)
                    break
                cur = parent
            for c in walk:
                state[c] = 2
        return sorted(cut)

    def add(self, code_id: int, parent_id: int | None, name: str, position: int) -> None:
        """Record a code just created in the session, so bulk imports need not reload the tree."""
        self.parent[code_id] = parent_id
        self.name[code_id] = name
        self.position[code_id] = position
        self.children.setdefault(parent_id, []).append(code_id)

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

    def feeds(self, row_ids: list[int], with_children: bool) -> dict[int, tuple[int, ...]]:
        """For a table whose rows are row_ids: which row indexes each code's codings count in.

        A code feeds its own row and, with children, the row of every shown ancestor.
        """
        row_of = {cid: i for i, cid in enumerate(row_ids)}
        out: dict[int, tuple[int, ...]] = {}
        for cid in self.parent:
            chain, cur = [], cid
            while cur is not None:
                if cur in row_of:
                    chain.append(row_of[cur])
                if not with_children:
                    break
                cur = self.parent[cur]
            if chain:
                out[cid] = tuple(chain)
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
