"""Markdown sources, kept exactly as written.

A researcher codes what they see in their editor: the '#', '*' and '[]()' marks stay in
the text so that offsets, quotations and the file on disk all agree. Markdown is plain
text, so it is decoded and checked like a .txt file.
"""
from __future__ import annotations

from pathlib import Path

from workbench.io.importers.base import Extracted
from workbench.io.importers.text import check_is_text, decode, normalize_newlines


def extract(path: Path, data: bytes, encoding: str | None = None) -> Extracted:
    check_is_text(path, data, expected="a Markdown text file")
    warnings: list[str] = []
    text, encoding = decode(path, data, warnings, encoding)
    return Extracted(normalize_newlines(text), encoding, warnings)
