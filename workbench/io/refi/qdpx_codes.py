"""The codebook of a QDPX as code rows, in time linear in the number of codes.

create_code_in checks a new name against every sibling and counts them, a query or two a
code: a file with thousands of codes under one parent made the import quadratic (4,000
siblings took 69 s). A new project has no other codes, so the names taken under each parent
are kept here, ids are given in order, and all codes go in with one executemany. The rules are create_code_in's: runs of
whitespace become one space, sibling names must differ by `name_key`, a top-level code
without a colour takes the next palette colour and a child its parent's. A new project has
no tombstones, so nothing needs unburying.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from workbench.core.errors import ValidationError
from workbench.core.names import MAX_LENGTH, clean_name
from workbench.core.paths import name_key
from workbench.io.refi.qde_read import QCode, guid_key
from workbench.io.refi.report import ImportReport
from workbench.services.codebook import PALETTE
from workbench.store.models import Code

_HEX = re.compile(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
_RGB = re.compile(r"rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})")


def parse_color(raw: str) -> str | None:
    """'#rrggbb' from the colour notations seen in the wild (#RGB, #RRGGBB, #AARRGGBB, rgb()); None if none."""
    raw = (raw or "").strip()
    m = _HEX.fullmatch(raw)
    if m:
        h = m.group(1)
        if len(h) == 3:
            h = "".join(c * 2 for c in h)
        elif len(h) == 8:
            h = h[2:] if raw.startswith("#") else h[:6]  # '#AARRGGBB' (Qt) or 'RRGGBBAA'
        return "#" + h.lower()
    m = _RGB.match(raw)
    if m and all(int(x) < 256 for x in m.groups()):
        return "#" + "".join(f"{int(x):02x}" for x in m.groups())
    return None


def storable_name(kind: str, raw: str, fallback: str, warn) -> str:
    """The name as the one name rule stores it (core.names); a name it refuses (controls, lone
    surrogates, too long) is repaired, and the repair said: an import refuses no file for a name."""
    try:
        return clean_name(kind, raw or fallback)
    except ValidationError:
        pass
    kept = "".join(ch for ch in raw if unicodedata.category(ch) not in ("Cc", "Cs"))
    fixed = " ".join(kept.split())[:MAX_LENGTH[kind]].strip() or fallback
    warn(f"{kind} name {raw[:60]!r}: could not be stored as it was (control characters, broken Unicode or "
         f"over {MAX_LENGTH[kind]} characters); stored as {fixed[:60]!r}")
    return fixed


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, or 'name (2)', 'name (3)'... when taken (by name_key); the result is added to `taken`."""
    base, n, out = name, 2, name
    while name_key(out) in taken:
        out = f"{base} ({n})"
        n += 1
    taken.add(name_key(out))
    return out


class CodeMaker:
    """Writes a file's code tree; `ids` maps the file's code GUIDs to the new rows."""

    def __init__(self, s: Session, rep: ImportReport, new_guid: Callable[[str], str]):
        self.s, self.rep, self.new_guid = s, rep, new_guid
        self.ids: dict[str, int] = {}
        self.notes: list[tuple[str, int]] = []  # (note key, code id)
        self.count = 0
        self._taken: dict[int | None, set[str]] = {}
        self._color: dict[int, str] = {}
        self._not_codable: list[str] = []
        self._rows: list[dict] = []
        self._next_id = (s.scalar(select(func.max(Code.id))) or 0) + 1

    def make(self, codes: list[QCode]) -> None:
        stack: list[tuple[QCode, int | None]] = [(c, None) for c in reversed(codes)]
        while stack:  # depth first in file order (parents before children), no recursion for deep trees
            q, parent = stack.pop()
            cid = self._make(q, parent)
            stack += [(c, cid) for c in reversed(q.children)]
        if self._rows:
            self.s.execute(insert(Code.__table__), self._rows)
        if self._not_codable:
            names = ", ".join(repr(n) for n in self._not_codable[:5]) + (", ..." if len(self._not_codable) > 5 else "")
            self.rep.warn(f"{len(self._not_codable)} codes marked not codable (folders) were imported as ordinary "
                          f"codes: {names}")

    def _make(self, q: QCode, parent: int | None) -> int:
        key = guid_key(q.guid)
        name = storable_name("code", q.name, "(unnamed code)", self.rep.warn)
        color = parse_color(q.color) if q.color else None
        if q.color and color is None:
            self.rep.warn(f"code {name!r}: colour {q.color!r} is not a colour; a default was used")
        taken = self._taken.setdefault(parent, set())
        position = len(taken)
        unique = unique_name(name, taken)
        if unique != name:
            self.rep.warn(f"code {name!r} appears twice under the same parent; the second is named {unique!r}")
        if key in self.ids:
            self.rep.warn(f"code GUID {q.guid} is used twice; the second code {name!r} gets a new one")
        if color is None:
            color = PALETTE[position % len(PALETTE)] if parent is None else self._color[parent]
        cid, self._next_id = self._next_id, self._next_id + 1
        self._rows.append({"id": cid, "guid": self.new_guid(q.guid), "name": unique, "parent_id": parent,
                           "color": color, "description": q.description.strip(), "position": position})
        self._color[cid] = color
        self.ids.setdefault(key, cid)
        self.count += 1
        if not q.codable:
            self._not_codable.append(unique)
        self.notes += [(n, cid) for n in q.notes]
        return cid
