"""Reading a `.qde` element tree into plain records, tolerating what real files leave out.

Nothing here touches a project. Every optional attribute or child may be
missing (a MAXQDA file without a creating user, a qc file without source
names, NVivo without colours); GUIDs are keyed case- and brace-insensitively;
what the workbench cannot carry is listed in `dropped`, never silently lost.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from workbench.core.ids import normalize_guid
from workbench.io.refi.xmlsafe import text_of


_CANONICAL = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def guid_key(raw: str | None) -> str:
    """One form for comparing GUIDs: lower case, no braces ('' for none)."""
    if not raw:
        return ""
    key = raw.strip().strip("{}").lower()
    if _CANONICAL.fullmatch(key):  # nearly always; uuid.UUID is slow for 100,000 of them
        return key
    try:
        return normalize_guid(raw)
    except ValueError:
        return key


@dataclass
class QCoding:
    guid: str
    code: str
    user: str
    created: str
    notes: list[str] = field(default_factory=list)


@dataclass
class QSelection:
    guid: str
    start: int
    end: int
    user: str
    created: str
    description: str = ""
    codings: list[QCoding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    name: str = ""  # QualCoder and ATLAS.ti write the selected text here


@dataclass
class QValue:
    variable: str
    kind: str  # TextValue, BooleanValue, ... or '' when the value is absent
    value: str


@dataclass
class QText:
    """A text we can import: a TextSource, a PDF's text Representation, or a media transcript."""

    guid: str
    name: str
    element: str  # TextSource, PDFSource, Transcript
    plain_path: str
    inline: str | None
    rich_path: str
    original_path: str
    user: str
    created: str
    modified: str
    description: str = ""
    selections: list[QSelection] = field(default_factory=list)
    whole: list[QCoding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    values: list[QValue] = field(default_factory=list)


@dataclass
class QCode:
    guid: str
    name: str
    color: str
    description: str
    codable: bool
    notes: list[str] = field(default_factory=list)
    children: list["QCode"] = field(default_factory=list)


@dataclass
class QVariable:
    guid: str
    name: str
    type: str
    description: str


@dataclass
class QCase:
    guid: str
    name: str
    description: str
    values: list[QValue] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    from_set: bool = False
    selections: list[str] = field(default_factory=list)  # SelectionRef targets: passages of the case


@dataclass
class QNote:
    guid: str
    name: str
    inline: str | None
    plain_path: str
    description: str
    user: str
    created: str
    modified: str


@dataclass
class QLink:
    guid: str
    name: str
    origin: str
    target: str


@dataclass
class Dropped:
    """Something in the file the workbench cannot carry, for the import report."""

    kind: str
    name: str
    reason: str


@dataclass
class QdeProject:
    name: str = ""
    origin: str = ""
    creating_user: str = ""
    created: str = ""
    description: str = ""
    notes: list[str] = field(default_factory=list)  # project-level NoteRefs
    users: list[tuple[str, str, str]] = field(default_factory=list)  # (key, raw guid, name)
    codes: list[QCode] = field(default_factory=list)
    variables: list[QVariable] = field(default_factory=list)
    cases: list[QCase] = field(default_factory=list)
    texts: list[QText] = field(default_factory=list)
    notes_list: list[QNote] = field(default_factory=list)
    links: list[QLink] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    code_sets: int = 0
    description_read: bool = False


def _int(value: str | None) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _note_refs(el: Element) -> list[str]:
    return [guid_key(r.get("targetGUID")) for r in el.findall("NoteRef") if r.get("targetGUID")]


def _coding(el: Element) -> QCoding:
    ref = el.find("CodeRef")
    return QCoding(guid_key(el.get("guid")), guid_key(ref.get("targetGUID")) if ref is not None else "",
                   guid_key(el.get("creatingUser")), el.get("creationDateTime") or "", _note_refs(el))


def _values(el: Element) -> list[QValue]:
    out = []
    for vv in el.findall("VariableValue"):
        ref = vv.find("VariableRef")
        kind, value = "", ""
        for child in vv:
            if child.tag != "VariableRef":
                kind, value = child.tag, (child.text or "")
                break
        out.append(QValue(guid_key(ref.get("targetGUID") if ref is not None else ""), kind, value))
    return out


def _selections(el: Element, dropped: list[Dropped], owner: str) -> list[QSelection]:
    out = []
    for sel in el.findall("PlainTextSelection"):
        start, end = _int(sel.get("startPosition")), _int(sel.get("endPosition"))
        if start is None or end is None:
            dropped.append(Dropped("selection", f"{owner} {sel.get('name') or sel.get('guid')}",
                                   "start or end position missing or not a number"))
            continue
        out.append(QSelection(guid_key(sel.get("guid")), start, end, guid_key(sel.get("creatingUser")),
                              sel.get("creationDateTime") or "", text_of(sel, "Description").strip(),
                              [_coding(c) for c in sel.findall("Coding")], _note_refs(sel), sel.get("name") or ""))
    return out


def _text(el: Element, element: str, guid: str, name: str, dropped: list[Dropped]) -> QText:
    inline_el = el.find("PlainTextContent")
    inline = (inline_el.text or "") if inline_el is not None else None
    return QText(guid_key(guid), name, element, el.get("plainTextPath") or "", inline,
                 el.get("richTextPath") or "", "", guid_key(el.get("creatingUser")),
                 el.get("creationDateTime") or "", el.get("modifiedDateTime") or "",
                 text_of(el, "Description").strip(), _selections(el, dropped, name),
                 [_coding(c) for c in el.findall("Coding")], _note_refs(el), _values(el))


def _count_codings(el: Element, selection_tag: str) -> tuple[int, int]:
    sels = el.findall(selection_tag)
    return len(sels), sum(len(s.findall("Coding")) for s in sels)


def _code(el: Element) -> QCode:
    codable = (el.get("isCodable") or "true").strip().lower() not in ("false", "0")
    return QCode(el.get("guid") or "", el.get("name") or "", el.get("color") or "",
                 text_of(el, "Description"), codable, _note_refs(el), [_code(c) for c in el.findall("Code")])


def project_of(root: Element) -> QdeProject:
    """The records the Project element's own attributes give; its children are read by read_section and
    read_source, as they come."""
    return QdeProject(root.get("name") or "", root.get("origin") or "", guid_key(root.get("creatingUserGUID")),
                      root.get("creationDateTime") or "")


def read_project(root: Element) -> QdeProject:
    """The records of a whole Project element whose tags are local names (see xmlsafe.parse_xml)."""
    p = project_of(root)
    sources_read = False
    for el in root:
        if el.tag == "Sources" and not sources_read:  # the first <Sources> only
            sources_read = True
            for child in el:
                p.texts += read_source(p, child)
        else:
            read_section(p, el)
    return p


def read_section(p: QdeProject, el: Element) -> None:
    """Add the records of one top-level element of the Project but its <Sources> to `p`."""
    tag = el.tag
    if tag == "Users":
        for u in el.findall("User"):
            if u.get("guid"):
                p.users.append((guid_key(u.get("guid")), u.get("guid"), (u.get("name") or u.get("id") or "").strip()))
    elif tag == "CodeBook":
        p.codes += [_code(c) for c in el.findall("Codes/Code")]
    elif tag == "Variables":
        for v in el.findall("Variable"):
            p.variables.append(QVariable(v.get("guid") or "", (v.get("name") or "").strip(),
                                         (v.get("typeOfVariable") or "Text").strip(), text_of(v, "Description")))
    elif tag == "Cases":
        for c in el.findall("Case"):
            _read_case(p, c)
    elif tag == "Notes":
        for n in el.findall("Note"):
            _read_note(p, n)
    elif tag == "Links":
        for ln in el.findall("Link"):
            p.links.append(QLink(ln.get("guid") or "", ln.get("name") or "", guid_key(ln.get("originGUID")),
                                 guid_key(ln.get("targetGUID"))))
    elif tag == "Sets":
        for s in el.findall("Set"):
            _read_set(p, s)
    elif tag == "Graphs":
        for g in el.findall("Graph"):
            p.dropped.append(Dropped("graph", g.get("name") or g.get("guid") or "",
                                     f"a network graph of {len(g.findall('Vertex'))} nodes and "
                                     f"{len(g.findall('Edge'))} edges (the workbench has no graphs)"))
    elif tag == "Description":
        if not p.description_read:  # the first one, as text_of would take
            p.description, p.description_read = el.text or "", True
    elif tag == "NoteRef":
        if el.get("targetGUID"):
            p.notes.append(guid_key(el.get("targetGUID")))


def _read_case(p: QdeProject, c: Element) -> None:
    case = QCase(c.get("guid") or "", (c.get("name") or "").strip(), text_of(c, "Description"), _values(c),
                 [guid_key(r.get("targetGUID")) for r in c.findall("SourceRef")],
                 selections=[guid_key(r.get("targetGUID")) for r in c.findall("SelectionRef")
                             if r.get("targetGUID")])
    p.cases.append(case)
    n_code = len(c.findall("CodeRef"))
    if n_code:
        p.dropped.append(Dropped("case references", case.name or c.get("guid") or "",
                                 f"{n_code} code references of a case (the workbench links cases to sources "
                                 "and passages, not to codes)"))


def _read_note(p: QdeProject, n: Element) -> None:
    inline_el = n.find("PlainTextContent")
    p.notes_list.append(QNote(n.get("guid") or "", (n.get("name") or "").strip(),
                              (inline_el.text or "") if inline_el is not None else None,
                              n.get("plainTextPath") or "", text_of(n, "Description").strip(),
                              guid_key(n.get("creatingUser")), n.get("creationDateTime") or "",
                              n.get("modifiedDateTime") or ""))
    count = len(n.findall("PlainTextSelection"))
    if count:
        p.dropped.append(Dropped("note selections", n.get("name") or "", f"{count} selections inside a note"))


def _read_set(p: QdeProject, s: Element) -> None:
    name = (s.get("name") or "").strip()
    members = [guid_key(m.get("targetGUID") or m.get("guid")) for m in s.findall("MemberSource")]
    codes, notes = len(s.findall("MemberCode")), len(s.findall("MemberNote"))
    if members:
        # A document group (ATLAS.ti, MAXQDA) is what a case is here: a named group of sources.
        p.cases.append(QCase(s.get("guid") or "", name, text_of(s, "Description"), [], members, from_set=True))
    if codes or notes:
        p.code_sets += bool(codes)
        p.dropped.append(Dropped("set", name, f"a set of {codes} codes and {notes} notes (the workbench "
                                              "groups codes by the code tree only)"))
    if not (members or codes or notes):
        p.dropped.append(Dropped("set", name, "an empty set"))


def read_source(p: QdeProject, el: Element) -> list[QText]:
    """The texts one child of <Sources> gives (none, one, or a media source's transcripts); what cannot be
    carried goes to p.dropped."""
    tag, name, guid = el.tag, (el.get("name") or "").strip(), el.get("guid") or ""
    if tag == "TextSource":
        return [_text(el, "TextSource", guid, name, p.dropped)]
    elif tag == "PDFSource":
        n_sel, n_cod = _count_codings(el, "PDFSelection")
        if n_sel:
            p.dropped.append(Dropped("PDF region selections", name, f"{n_sel} page-region selections with "
                                     f"{n_cod} codings (only text selections of a PDF are carried)"))
        rep = el.find("Representation")
        if rep is None:
            p.dropped.append(Dropped("PDF source", name, "a PDF without a text representation"))
            return []
        text = _text(rep, "PDFSource", guid, name, p.dropped)
        text.original_path = el.get("path") or el.get("currentPath") or ""
        text.user, text.created = guid_key(el.get("creatingUser")) or text.user, el.get("creationDateTime") or ""
        text.description = text_of(el, "Description").strip() or text.description
        text.whole = [_coding(c) for c in el.findall("Coding")] + text.whole
        text.notes = _note_refs(el) + text.notes
        text.values = _values(el) + text.values
        return [text]
    elif tag in ("PictureSource", "AudioSource", "VideoSource"):
        kind = {"PictureSource": "picture", "AudioSource": "audio", "VideoSource": "video"}[tag]
        sel_tag = {"PictureSource": "PictureSelection", "AudioSource": "AudioSelection",
                   "VideoSource": "VideoSelection"}[tag]
        n_sel, n_cod = _count_codings(el, sel_tag)
        p.dropped.append(Dropped(f"{kind} source", name, f"{kind} with {n_sel} selections and {n_cod} codings "
                                 "(the workbench holds texts only)"))
        texts = []
        for tr in el.findall("Transcript"):
            n_ts = len(tr.findall("TranscriptSelection"))
            if n_ts:
                p.dropped.append(Dropped("transcript selections", tr.get("name") or name,
                                         f"{n_ts} selections by media sync points"))
            text = _text(tr, "Transcript", tr.get("guid") or "", (tr.get("name") or "").strip() or
                         f"{name} transcript", p.dropped)
            texts.append(text)
        return texts
    p.dropped.append(Dropped("source", name or tag, f"an unknown kind of source ({tag})"))
    return []
