"""A small streaming XML writer: escaping that keeps CR and tabs, and says what XML 1.0 cannot hold.

XML 1.0 cannot carry most C0 control characters, lone surrogates, U+FFFE and
U+FFFF at all, not even as character references. Names that hold one are
refused before writing (`unholdable`): a code name must survive a round trip
unchanged or not be exported. In other text (descriptions, memos, values) they
are left out, and `XmlOut.dropped` lists where, for the export's summary.
"""
from __future__ import annotations

import re

# XML 1.0 cannot carry these at all (not even as references).
INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Anything an attribute value may need changed; most values (GUIDs, numbers, dates) have none.
_SPECIAL = re.compile('[&<>"\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]')
# What the user calls the elements and fields a dropped character was in.
_KINDS = {"Note": "memo", "Code": "code", "Case": "case", "TextSource": "source", "PDFSource": "source",
          "Representation": "source", "User": "coder", "Variable": "attribute", "Project": "project"}
_FIELDS = {"name": "name", "Description": "description", "PlainTextContent": "text", "TextValue": "value"}
MAX_DROPPED = 20


def unholdable(value: str) -> str:
    """The characters of `value` XML 1.0 cannot hold, as 'U+0007, U+FFFE' ('' when none)."""
    return ", ".join(sorted({f"U+{ord(c):04X}" for c in INVALID.findall(value)}))


def _escape_text(value: str) -> str:
    # A bare CR would come back as LF after parsing; a reference keeps it.
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _escape_attr(value: str) -> str:
    return _escape_text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


# Pieces held before they are written to the sink: a few hundred kilobytes of XML.
_FLUSH_PARTS = 4096


class XmlOut:
    """Pieces of an XML document, indented two spaces a level; attributes that are None are left out.

    With a `sink` (a binary file) the pieces are written out as they accumulate, so a document of any
    size is never held whole; without one, `getvalue` gives the document."""

    def __init__(self, sink=None):
        self._sink = sink
        self._parts: list[str] = ['<?xml version="1.0" encoding="utf-8"?>\n']
        self._depth = 0
        self._owners: list[tuple[str, str | None]] = []  # (tag, name) of each open named element
        self.dropped: list[str] = []  # "memo 'Plan' text: U+000C", at most MAX_DROPPED
        self.n_dropped = 0  # values that lost characters

    def _clean(self, value: str, owner: tuple[str, str | None], field: str) -> str:
        if INVALID.search(value) is None:
            return value
        self.n_dropped += 1
        if len(self.dropped) < MAX_DROPPED:
            tag, name = owner
            kind = _KINDS.get(tag, tag)
            where = f"{kind} {INVALID.sub('', name)!r}" if name else kind
            self.dropped.append(f"{where} {_FIELDS.get(field, field)}: {unholdable(value)}")
        return INVALID.sub("", value)

    def _attrs(self, tag: str, attrs: dict[str, str | None] | None) -> str:
        if not attrs:
            return ""
        out = []
        for k, v in attrs.items():
            if v is None:
                continue
            if _SPECIAL.search(v) is not None:
                v = _escape_attr(self._clean(v, (tag, attrs.get("name")), k))
            out.append(f' {k}="{v}"')
        return "".join(out)

    def open(self, tag: str, attrs: dict[str, str | None] | None = None) -> None:
        self._parts.append(f"{'  ' * self._depth}<{tag}{self._attrs(tag, attrs)}>\n")
        self._depth += 1
        # An element with no name of its own (VariableValue, Coding) belongs to the named one around it.
        name = attrs.get("name") if attrs else None
        inherit = self._owners and not name and tag not in _KINDS
        self._owners.append(self._owners[-1] if inherit else (tag, name))

    def close(self, tag: str) -> None:
        self._depth -= 1
        self._owners.pop()
        self._parts.append(f"{'  ' * self._depth}</{tag}>\n")
        if self._sink is not None and len(self._parts) >= _FLUSH_PARTS:
            self.flush()

    def flush(self) -> None:
        """Write the pieces held so far to the sink."""
        if self._sink is not None and self._parts:
            self._sink.write("".join(self._parts).encode("utf-8"))
            self._parts.clear()

    def empty(self, tag: str, attrs: dict[str, str | None] | None = None) -> None:
        self._parts.append(f"{'  ' * self._depth}<{tag}{self._attrs(tag, attrs)}/>\n")
        if self._sink is not None and len(self._parts) >= _FLUSH_PARTS:
            self.flush()

    def element(self, tag: str, text: str, attrs: dict[str, str | None] | None = None) -> None:
        if _SPECIAL.search(text) is not None:
            text = _escape_text(self._clean(text, self._owners[-1] if self._owners else ("", None), tag))
        self._parts.append(f"{'  ' * self._depth}<{tag}{self._attrs(tag, attrs)}>{text}</{tag}>\n")

    def dropped_note(self) -> str:
        """One sentence on what was left out, or ''."""
        if not self.n_dropped:
            return ""
        more = f"; and {self.n_dropped - len(self.dropped)} more" if self.n_dropped > len(self.dropped) else ""
        return (f"characters XML 1.0 cannot hold were left out of {self.n_dropped} values: "
                + "; ".join(self.dropped) + more)

    def getvalue(self) -> bytes:
        if self._sink is not None:
            raise RuntimeError("XmlOut.getvalue: the document went to its sink")
        return "".join(self._parts).encode("utf-8")


def refuse_unholdable_names(out, names: dict[str, str], kind: str = "code") -> None:
    """Raise ValidationError when a name (keyed by how the user knows it, e.g. its code path) holds a
    character XML 1.0 cannot carry: it could not come back unchanged."""
    from workbench.core.errors import ValidationError

    bad = [(label, unholdable(name)) for label, name in names.items() if INVALID.search(name)]
    if not bad:
        return
    shown = "; ".join(f"{label!r} holds {chars}" for label, chars in bad[:5]) + ("; ..." if len(bad) > 5 else "")
    raise ValidationError(f"{out}: {len(bad)} {kind} name{'s' if len(bad) != 1 else ''} hold characters a REFI-QDA "
                          f"file (XML 1.0) cannot carry, so {'they' if len(bad) != 1 else 'it'} could not come back "
                          f"unchanged ({shown}); rename and export again. Nothing was written")
