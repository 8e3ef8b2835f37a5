"""A small streaming XML writer: escaping that keeps CR and tabs, and drops what XML 1.0 cannot hold."""
from __future__ import annotations

import re

# XML 1.0 cannot carry these at all (not even as references); they are dropped.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Anything an attribute value may need changed; most values (GUIDs, numbers, dates) have none.
_SPECIAL = re.compile('[&<>"\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]')


def escape_text(value: str) -> str:
    if _SPECIAL.search(value) is None:
        return value
    value = _INVALID.sub("", value)
    # A bare CR would come back as LF after parsing; a reference keeps it.
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def escape_attr(value: str) -> str:
    if _SPECIAL.search(value) is None:
        return value
    return (escape_text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;"))


class XmlOut:
    """Pieces of an XML document, indented two spaces a level; attributes that are None are left out."""

    def __init__(self):
        self._parts: list[str] = ['<?xml version="1.0" encoding="utf-8"?>\n']
        self._depth = 0

    @staticmethod
    def _attrs(attrs: dict[str, str | None] | None) -> str:
        if not attrs:
            return ""
        return "".join(f' {k}="{escape_attr(v)}"' for k, v in attrs.items() if v is not None)

    def open(self, tag: str, attrs: dict[str, str | None] | None = None) -> None:
        self._parts.append(f"{'  ' * self._depth}<{tag}{self._attrs(attrs)}>\n")
        self._depth += 1

    def close(self, tag: str) -> None:
        self._depth -= 1
        self._parts.append(f"{'  ' * self._depth}</{tag}>\n")

    def empty(self, tag: str, attrs: dict[str, str | None] | None = None) -> None:
        self._parts.append(f"{'  ' * self._depth}<{tag}{self._attrs(attrs)}/>\n")

    def element(self, tag: str, text: str, attrs: dict[str, str | None] | None = None) -> None:
        self._parts.append(f"{'  ' * self._depth}<{tag}{self._attrs(attrs)}>{escape_text(text)}</{tag}>\n")

    def getvalue(self) -> bytes:
        return "".join(self._parts).encode("utf-8")
