"""The bullets and numbers LibreOffice draws before list items, rebuilt from ODF list styles."""
from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element

from workbench.io.importers.limits import MAX_LIST_NUMBER, list_number
from workbench.io.importers.listnumbers import BULLET, format_odf_number

TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
LEVELS = 10


@dataclass
class LevelStyle:
    bullet: str | None = None  # the bullet character, or None for a numbered level
    num_format: str = "1"
    prefix: str = ""
    suffix: str = ""
    display: int = 1
    start: int = 1
    letter_sync: bool = False


def _int(value: str | None, default: int) -> int:
    return max(0, list_number(value, default))


def _level_style(el: Element) -> LevelStyle:
    if el.tag == f"{TEXT}list-level-style-bullet":
        char = el.get(f"{TEXT}bullet-char") or BULLET
        if "\ue000" <= char[0] <= "\uf8ff":  # a symbol-font glyph
            char = BULLET
        return LevelStyle(bullet=char)
    if el.tag == f"{TEXT}list-level-style-image":
        return LevelStyle(bullet=BULLET)
    return LevelStyle(
        num_format=el.get(f"{STYLE}num-format", ""),
        prefix=el.get(f"{STYLE}num-prefix", ""),
        suffix=el.get(f"{STYLE}num-suffix", ""),
        display=_int(el.get(f"{TEXT}display-levels"), 1),
        start=_int(el.get(f"{TEXT}start-value"), 1),
        letter_sync=el.get(f"{STYLE}num-letter-sync") == "true",
    )


class ListStyles:
    """List styles of a document and the running counts of its lists."""

    def __init__(self, *roots: Element | None):
        self.styles: dict[str, dict[int, LevelStyle]] = {}
        for root in roots:
            if root is None:
                continue
            for style in root.iter(f"{TEXT}list-style"):
                levels = {}
                for child in style:
                    level = _int(child.get(f"{TEXT}level"), 0)
                    if 1 <= level <= LEVELS:
                        levels[level - 1] = _level_style(child)
                self.styles[style.get(f"{STYLE}name", "")] = levels
        self.by_style: dict[str | None, list[int | None]] = {}
        self.counters: list[int | None] = [None] * LEVELS

    def start_list(self, style: str | None, continues: bool) -> None:
        """A top-level list begins; it restarts the count unless it continues the last one."""
        if not continues or style not in self.by_style:
            self.by_style[style] = [None] * LEVELS
        self.counters = self.by_style[style]

    def label(self, style: str | None, level: int, start_value: int | None = None) -> str:
        """The label of the next item at `level` (0-based) of a list in `style`, with a space."""
        levels = self.styles.get(style or "")
        if not levels:
            return ""
        level = min(level, LEVELS - 1)
        own = levels.get(level)
        counters = self.counters
        for deeper in range(level + 1, LEVELS):
            counters[deeper] = None
        if own is None:
            return ""
        if own.bullet is not None:
            return own.bullet + " "
        if start_value is not None:
            counters[level] = start_value
        else:
            counters[level] = own.start if counters[level] is None else min(counters[level] + 1, MAX_LIST_NUMBER)
        numbers = []
        for i in range(max(0, level - own.display + 1), level + 1):
            lv = levels.get(i, LevelStyle())
            if lv.bullet is not None:
                continue
            value = counters[i] if counters[i] is not None else lv.start
            numbers.append(format_odf_number(value, lv.num_format, lv.letter_sync))
        number = ".".join(n for n in numbers if n)
        if not (own.prefix or number or own.suffix):
            return ""
        return f"{own.prefix}{number}{own.suffix} "
