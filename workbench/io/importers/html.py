"""HTML sources (saved web pages, Word's "Save as Web Page"): the text a browser shows.

Paragraphs, headings, lists, tables and block quotes are parted by a blank line; divs,
list items, table rows and <br> start a new line; list items get "• " or their number;
table cells are joined by a tab so a row stays one line. Whitespace collapses inside a
paragraph as a browser collapses it (<pre> keeps it). Scripts, styles, the <head> and
elements marked hidden are dropped; character references are decoded.
"""
from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser
from pathlib import Path

from workbench.io.importers.base import Extracted
from workbench.io.importers.limits import MAX_LIST_NUMBER, TextBudget, list_number
from workbench.io.importers.listnumbers import BULLET, format_odf_number
from workbench.io.importers.text import check_is_text, decode, normalize_newlines

_PARAGRAPH = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "blockquote", "pre",
              "hr", "figure", "address", "form", "fieldset", "details", "menu"}
_LINE = {"div", "li", "tr", "dt", "dd", "section", "article", "header", "footer", "main", "nav", "aside",
         "figcaption", "caption", "summary", "body", "center", "legend", "hgroup", "search"}
_SKIP = {"script", "style", "template", "noscript", "title", "svg", "select", "iframe", "object",
         "audio", "video", "canvas", "map", "textarea", "datalist"}
_HEAD = {"meta", "link", "title", "style", "script", "base", "noscript", "template"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_WS = re.compile(r"[ \t\n\r\f]+")
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.IGNORECASE)
# The WHATWG encoding standard reads these labels as Windows-1252, as every browser does.
_AS_CP1252 = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii", "cp819", "ibm819"}
_WEB_CODECS = {codecs.lookup(name).name for name in (
    "utf-8", "cp866", "iso8859-2", "iso8859-3", "iso8859-4", "iso8859-5", "iso8859-6", "iso8859-7",
    "iso8859-8", "iso8859-10", "iso8859-13", "iso8859-14", "iso8859-15", "iso8859-16", "koi8-r", "koi8-u",
    "mac-roman", "cp874", "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257",
    "cp1258", "mac-cyrillic", "gbk", "gb18030", "big5", "euc-jp", "iso2022-jp", "shift_jis", "cp932",
    "euc-kr", "cp949")}


class _Renderer(HTMLParser):
    def __init__(self, budget: TextBudget):
        super().__init__(convert_charrefs=True)
        self.budget = budget
        self.out: list[str] = []
        self.trailing_newlines = 0
        self.want_newlines = 0
        self.started = False
        self.boundary = True  # at a line start or after a cell separator: drop leading spaces
        self.space = False  # a collapsed space waits for the next word
        self.skip_tag: str | None = None
        self.skip_depth = 0
        self.in_head = False
        self.pre = 0
        self.pre_start = False
        self.cells = 0  # open table cells: block breaks inside a cell become spaces
        self.tables: list[list] = []  # per open table: [cells in the current row, a cell is open]
        self.lists: list[list] = []  # [kind, next number, type]
        self.label: str | None = None  # a list item's label, written with its first text

    # --- output -------------------------------------------------------------------
    def _write(self, text: str) -> None:
        if not text:
            return
        if self.started and self.want_newlines > self.trailing_newlines:
            self.out.append("\n" * (self.want_newlines - self.trailing_newlines))
            self.boundary, self.space = True, False
        elif self.space and not self.boundary:
            self.out.append(" ")
        self.want_newlines = 0
        self.space = False
        self.started = True
        if self.label is not None:
            self.budget.charge(len(self.label))
            self.out.append(self.label)
            self.label = None
        self.budget.charge(len(text))
        self.out.append(text)
        stripped = text.rstrip("\n")
        self.trailing_newlines = len(text) - len(stripped) if stripped else self.trailing_newlines + len(text)
        self.boundary = text.endswith("\n") or text.endswith("\t")

    def _break(self, count: int) -> None:
        if self.cells:
            self.space = True
        elif self.label is not None:
            return  # <li><p>text: the paragraph starts on the item's line
        elif self.started:
            if self.lists:
                count = 1  # paragraphs inside a list item keep the list compact
            self.want_newlines = max(self.want_newlines, count)

    # --- parser callbacks ------------------------------------------------------------
    def handle_starttag(self, tag, attrs):
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_depth += 1
            return
        if tag == "head":
            self.in_head = True
            return
        if tag == "body" or (self.in_head and tag not in _HEAD):
            self.in_head = False  # flow content ends a <head> left open
        attributes = dict(attrs)
        if tag in _SKIP or self.in_head or ("hidden" in attributes and tag not in _VOID):
            if tag not in _VOID and not (self.in_head and tag not in _SKIP):
                self.skip_tag, self.skip_depth = tag, 1
            return
        self._block_start(tag, attributes)

    def _block_start(self, tag: str, attributes: dict) -> None:
        if tag == "br":
            if self.cells:
                self._break(1)
            else:
                self._write("\n")
        elif tag in ("ul", "ol", "menu"):
            self._break(1 if self.lists else 2)
            number = list_number(attributes.get("start"), 1)
            self.lists.append([tag, number, attributes.get("type") or "1"])
        elif tag == "li":
            self._break(1)
            self._list_label(attributes)
        elif tag == "table":
            self._break(2)
            self.tables.append([0, False])
        elif tag == "tr":
            self._close_cell()
            if self.tables:
                self.tables[-1][0] = 0
            self._break(1)
        elif tag in ("td", "th"):
            self._close_cell()
            if self.tables:
                row = self.tables[-1]
                if row[0]:
                    if self.cells:
                        self.space = True  # a table nested in a cell: its cells become spaces
                    else:
                        self.space = False
                        self._write("\t")
                row[0] += 1
                row[1] = True
                self.cells += 1
        elif tag == "pre":
            self._break(2)
            self.pre += 1
            self.pre_start = True
        elif tag in _PARAGRAPH:
            self._break(2)
        elif tag in _LINE:
            self._break(1)

    def _close_cell(self) -> None:
        if self.tables and self.tables[-1][1]:
            self.tables[-1][1] = False
            self.cells = max(0, self.cells - 1)

    def _list_label(self, attributes: dict) -> None:
        if self.cells:
            return
        if not self.lists or self.lists[-1][0] != "ol":
            self.label = BULLET + " "
            return
        _, number, kind_type = self.lists[-1]
        number = list_number(attributes.get("value"), number)
        self.lists[-1][1] = min(number + 1, MAX_LIST_NUMBER)
        self.label = f"{format_odf_number(number, kind_type if kind_type in 'aAiI' else '1')}. "

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_depth -= 1
                if self.skip_depth == 0:
                    self.skip_tag = None
            return
        if tag == "head":
            self.in_head = False
            return
        if self.in_head:
            return
        if tag in ("ul", "ol", "menu"):
            if self.lists:
                self.lists.pop()
            self._break(1 if self.lists else 2)
        elif tag in ("td", "th"):
            self._close_cell()
        elif tag == "tr":
            self._close_cell()
            self._break(1)
        elif tag == "table":
            self._close_cell()
            if self.tables:
                self.tables.pop()
            self._break(2)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
            self._break(2)
        elif tag in _PARAGRAPH:
            self._break(2)
        elif tag in _LINE:
            self._break(1)

    def handle_data(self, data):
        if self.in_head and data.strip():
            self.in_head = False  # text ends a <head> left open
        if self.skip_tag is not None or self.in_head:
            return
        if self.pre:
            if self.pre_start and data.startswith("\n"):
                data = data[1:]  # a newline right after <pre> is not shown
            self.pre_start = False
            self._write(data)
            return
        text = _WS.sub(" ", data)
        if text.startswith(" "):
            self.space = True
            text = text[1:]
        if not text:
            return
        trailing = text.endswith(" ")
        self._write(text.rstrip(" ") if trailing else text)
        self.space = trailing

    def text(self) -> str:
        return "".join(self.out)


def _declared_codec(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    label = m.group(1).decode("ascii", "replace").lower()
    if label in _AS_CP1252:
        return "cp1252"
    if label.startswith("utf-16"):
        return "utf-8"  # a page saved as bytes cannot be UTF-16 without a BOM (WHATWG)
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        return None
    # Only the encodings of the WHATWG standard that browsers obey: a page declaring
    # unicode_escape, rot13 or UTF-7 would otherwise pick one of Python's text transforms.
    return codec if codec in _WEB_CODECS else None


def decode_html(path: Path, data: bytes, warnings: list[str], encoding: str | None = None) -> tuple[str, str]:
    """The user's choice, else a byte-order mark, then a <meta> charset, then the plain-text guesses."""
    if encoding:
        return decode(path, data, warnings, encoding)
    boms = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    codec = None if data.startswith(boms) else _declared_codec(data)
    if codec is not None:
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            warnings.append(f"the page says it is {codec} but is not; its encoding was guessed")
    return decode(path, data, warnings)


def extract(path: Path, data: bytes, encoding: str | None = None) -> Extracted:
    check_is_text(path, data, expected="an HTML page")
    warnings: list[str] = []
    source, encoding = decode_html(path, data, warnings, encoding)
    renderer = _Renderer(TextBudget(path, len(data)))
    renderer.feed(source)
    renderer.close()
    return Extracted(normalize_newlines(renderer.text()), encoding, warnings)
