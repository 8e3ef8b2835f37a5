"""Parsing XML from other people's files: no DOCTYPE, no entities, no network, names without namespaces.

REFI-QDA files never need a DOCTYPE or entity declarations; a file that has one
is refused with a message saying what was found. Elements are then renamed to
their local names, so `urn:QDA-XML:project:1.0`, `...:1:0` and `...:0:4`
files read alike (NOTES.md §8: namespace variants seen in the wild).
"""
from __future__ import annotations

import re
from pathlib import Path
from xml.etree.ElementTree import Element

from workbench.core.errors import ImportRefused

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"

_EXTERNAL = re.compile(rb"<!(?:DOCTYPE|ENTITY)[^>]*\b(?:SYSTEM|PUBLIC)\b", re.IGNORECASE)


def dtd_message(data: bytes) -> str:
    """What a refused declaration at the head of `data` was, in a few words."""
    head = data[: 1 << 20]
    if _EXTERNAL.search(head):
        return "the XML refers to an external resource (a SYSTEM or PUBLIC identifier); it was not fetched"
    if b"<!ENTITY" in head.upper():
        return "the XML declares entities (<!ENTITY>), which can expand without bound; REFI-QDA files never need them"
    return "the XML has a DOCTYPE declaration; REFI-QDA files never need one"


def parse_xml(data: bytes, path: Path | str, what: str = "the XML") -> tuple[Element, str]:
    """The root element (tags reduced to local names) and the root's namespace URI.

    Raises ImportRefused naming `path` for anything that is not plain, well-formed XML.
    """
    import defusedxml.ElementTree as dET
    from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

    if not data.strip():
        raise ImportRefused(f"{path}: {what} is empty")
    try:
        root = dET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DTDForbidden:
        raise ImportRefused(f"{path}: refused: {dtd_message(data)}") from None
    except EntitiesForbidden:
        raise ImportRefused(f"{path}: refused: {dtd_message(data)}") from None
    except ExternalReferenceForbidden:
        raise ImportRefused(f"{path}: refused: the XML refers to an external resource; it was not fetched") from None
    except dET.ParseError as exc:
        raise ImportRefused(f"{path}: {what} is not well-formed ({exc})") from None
    except (ValueError, LookupError) as exc:  # e.g. an unknown encoding in the XML declaration
        raise ImportRefused(f"{path}: {what} cannot be decoded ({exc})") from None
    namespace = ""
    if root.tag.startswith("{"):
        namespace = root.tag[1:].split("}", 1)[0]
    strip_namespaces(root)
    return root, namespace


def strip_namespaces(root: Element) -> None:
    """Rename every element to its local name (attributes of REFI-QDA are un-prefixed already)."""
    for el in root.iter():
        tag = el.tag
        if isinstance(tag, str) and tag.startswith("{"):
            el.tag = tag.split("}", 1)[1]


def text_of(el: Element | None, child: str) -> str:
    """The text of el's first child named `child`, '' when absent or empty."""
    if el is None:
        return ""
    found = el.find(child)
    return (found.text or "") if found is not None else ""
