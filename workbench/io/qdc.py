"""The codebook as a REFI-QDA codebook (.qdc): in from any tool's variant, out valid against Codebook-mrt2019.xsd.

Import merges by code path like the outline and CSV formats: codes not yet there
are created (keeping the file's GUIDs when free), descriptions and colours given
fill existing codes. Elements are read by local name, so the namespace variants
seen in the wild (`codebook:1:0`, `0:4`, none) all read.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from workbench.core.errors import ImportRefused, ValidationError
from workbench.core.paths import join_path, name_key
from workbench.io.atomic import atomic_write_with
from workbench.io.refi.xmlsafe import CODEBOOK_NS, parse_xml, text_of

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from workbench.core.codetree import CodeTree
    from workbench.store.project import Project

MAX_QDC_BYTES = 64 * 1024 * 1024


def _read_codes(el: Element, parts: list[str], out: list[tuple[list[str], str, str, str]]) -> None:
    for code in el.findall("Code"):
        name = " ".join((code.get("name") or "").split()) or "(unnamed code)"
        path = parts + [name]
        out.append((path, code.get("guid") or "", code.get("color") or "", text_of(code, "Description").strip()))
        _read_codes(code, path, out)


def read_qdc(path: Path) -> tuple[list[tuple[list[str], str, str, str]], list[str]]:
    """(path parts, guid, colour, description) of every code, parents first; and notes for the user."""
    try:
        size = path.stat().st_size
        if size > MAX_QDC_BYTES:
            raise ImportRefused(f"{path}: the file is {size // 2**20} MiB, too large for a codebook")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportRefused(f"{path}: no such file") from None
    except OSError as exc:
        raise ImportRefused(f"{path}: cannot be read ({exc.strerror})") from None
    root, ns = parse_xml(data, path, "the codebook")
    notes: list[str] = []
    if root.tag == "Project":  # a project file given where a codebook was meant: take its codebook
        root = root.find("CodeBook")
        notes.append("read the codebook of a project file")
        if root is None:
            raise ImportRefused(f"{path}: a REFI-QDA project without a codebook")
    elif root.tag != "CodeBook":
        raise ImportRefused(f"{path}: not a REFI-QDA codebook (the root element is <{root.tag}>)")
    elif ns != CODEBOOK_NS:
        notes.append(f"namespace {ns or '(none)'!r} is not {CODEBOOK_NS!r}; read anyway")
    codes_el = root.find("Codes")
    entries: list[tuple[list[str], str, str, str]] = []
    if codes_el is not None:
        _read_codes(codes_el, [], entries)
    if not entries:
        raise ImportRefused(f"{path}: the codebook holds no codes")
    n_sets = len(root.findall("Sets/Set"))
    if n_sets:
        notes.append(f"{n_sets} code set{'s' if n_sets != 1 else ''} not carried (codes are grouped by the tree only)")
    return entries, notes


def import_codebook(project: Project, path: Path) -> str:
    """Merge the codes of a .qdc into the project's codebook in one transaction."""
    import uuid

    from sqlalchemy import select

    from workbench.io.refi.qdpx_codes import parse_color
    from workbench.services.codebook import create_code_in
    from workbench.services.lookup import CodeTree
    from workbench.store.models import Code

    path = Path(path)
    entries, notes = read_qdc(path)
    created = updated = 0
    with project.transaction() as s:
        used = set(s.scalars(select(Code.guid)))
        tree = CodeTree(s)
        # Codes found by walking the tree name by name, never through a joined path: a name may hold
        # '/' or end in '\\', which a path cannot always tell apart.
        children: dict[int | None, dict[str, int]] = {}
        for parent_id, kids in tree.children.items():
            for c in kids:  # the first by position, as CodeTree.find takes it
                children.setdefault(parent_id, {}).setdefault(name_key(tree.name[c]), c)
        found: dict[tuple[str, ...], int] = {}
        names = dict(tree.name)  # every code's name, the ones made here too
        folds: list[str] = []
        for parts, raw_guid, raw_color, desc in entries:
            color = parse_color(raw_color) if raw_color else None
            key = tuple(name_key(p) for p in parts)
            parent = found.get(key[:-1]) if len(key) > 1 else None
            existing = children.get(parent, {}).get(key[-1])
            if existing is not None:
                if found.get(key) is not None or names[existing] != " ".join(parts[-1].split()):
                    # Another spelling of a code there, or the same code twice in the file: one code, said.
                    folds.append(f"{join_path(parts)!r} is {names[existing]!r}")
                found[key] = existing
                code = s.get(Code, existing)
                changed = False
                if desc and code.description != desc:
                    code.description, changed = desc, True
                if color and code.color != color:
                    code.color, changed = color, True
                updated += changed
                continue
            try:
                guid = str(uuid.UUID(raw_guid.strip().strip("{}")))
            except ValueError:
                guid = None
            if guid in used:
                guid = None
            try:
                cid = create_code_in(s, parts[-1], parent, color, desc, guid=guid)
            except ValidationError as exc:
                raise ImportRefused(f"{path}: code {join_path(parts)!r}: {exc}") from None
            used.add(s.get(Code, cid).guid)
            names[cid] = s.get(Code, cid).name
            children.setdefault(parent, {})[key[-1]] = found[key] = cid
            created += 1
    if folds:
        notes.insert(0, f"{len(folds)} folded into codes of the same name: " + "; ".join(folds))
    return "; ".join([f"{created} codes created, {updated} updated"] + notes)


def export_codebook(project: Project, path: Path) -> str:
    """Write the codebook as a .qdc valid against Codebook-mrt2019.xsd."""
    from sqlalchemy import select

    from workbench.services.lookup import CodeTree
    from workbench.store.models import Code

    with project.reading() as s:
        tree = CodeTree(s)
        rows = s.execute(select(Code.id, Code.guid, Code.name, Code.color, Code.description)).all()
    return write_codebook(Path(path), tree, rows)


def write_codebook(path: Path, tree: CodeTree, rows) -> str:
    """Write the .qdc of a codebook: its tree, and its codes' rows (id, guid, name, color,
    description), read through the store or by the sqlite3 module alone (store.peek)."""
    from workbench import __version__
    from workbench.io.refi.qdpx_xml import XmlOut, refuse_unholdable_names

    rows = {r[0]: r for r in rows}
    if not rows:
        raise ValidationError(f"{path}: the codebook is empty; a .qdc file must hold at least one code")
    refuse_unholdable_names(path, {tree.path(cid): r[2] for cid, r in rows.items()})
    x = XmlOut()
    x.open("CodeBook", {"xmlns": CODEBOOK_NS, "origin": f"Qualitative Workbench {__version__}"})
    x.open("Codes")

    def write(code_id: int) -> None:
        _, guid, name, color, description = rows[code_id]
        attrs = {"guid": guid.upper(), "name": name, "isCodable": "true", "color": color or None}
        children = tree.children.get(code_id, [])
        if not (description or children):
            x.empty("Code", attrs)
            return
        x.open("Code", attrs)
        if description:
            x.element("Description", description)
        for child in children:
            write(child)
        x.close("Code")

    for root in tree.children.get(None, []):
        write(root)
    x.close("Codes")
    x.close("CodeBook")
    data = x.getvalue()
    atomic_write_with(path, lambda tmp: tmp.write_bytes(data))
    return "; ".join(filter(None, [f"{len(rows)} codes", x.dropped_note()]))


def quick_export_codebook(location, path: Path) -> str | None:
    """export_codebook by the sqlite3 module alone (store.peek.quick_read): the same file, without
    the store's imports, which cost a cold `workbench codebook --export` more than the work
    (issue 11). None when the project must go through the store (a server, an older schema)."""
    from workbench.core.codetree import CodeTree
    from workbench.store.peek import quick_read

    with quick_read(location) as r:
        if r is None:
            return None
        tree, rows = CodeTree(r.code_tree_rows()), r.codebook_rows()
    return write_codebook(Path(path), tree, rows)
