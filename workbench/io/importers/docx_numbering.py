"""The numbers and bullets Word draws before list paragraphs, rebuilt from numbering.xml.

Word stores "3.2" of a numbered clause nowhere in the text: it counts list paragraphs as
it lays them out. Policy texts are cited by clause number, so the importer counts them
the same way and writes the label before the paragraph's text ("3.2. Approval").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from workbench.io.importers.limits import MAX_LIST_NUMBER, list_number
from workbench.io.importers.listnumbers import BULLET, format_number

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
VAL = f"{W}val"
_SYMBOL_FONTS = {"symbol", "wingdings", "wingdings 2", "wingdings 3", "webdings"}
_SUFFIX = {"tab": " ", "space": " ", "nothing": ""}
MAX_LABEL = 64  # characters of a level's text (Word's dialog takes far fewer)


@dataclass
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    suffix: str = " "
    legal: bool = False  # isLgl: every level shown in decimal
    style: str | None = None  # a paragraph style tied to this level


@dataclass
class Num:
    abstract_id: str
    levels: dict[int, Level]
    start_overrides: dict[int, int] = field(default_factory=dict)


def _val(el: Element | None, default: str | None = None) -> str | None:
    if el is None:
        return default
    return el.get(VAL, default)


def _bullet_text(lvl: Element, text: str) -> str:
    fonts = lvl.find(f"{W}rPr/{W}rFonts")
    font = (fonts.get(f"{W}ascii") or fonts.get(f"{W}hAnsi") or "") if fonts is not None else ""
    if font.casefold() in _SYMBOL_FONTS or any("\ue000" <= ch <= "\uf8ff" for ch in text) or not text:
        return BULLET
    if text == "o":  # Courier New "o": Word's second-level hollow bullet
        return "\u25e6"
    return text


def _level(lvl: Element) -> Level:
    level = Level()
    level.start = list_number(_val(lvl.find(f"{W}start")), 1)
    level.fmt = _val(lvl.find(f"{W}numFmt"), "decimal") or "decimal"
    level.text = _val(lvl.find(f"{W}lvlText"), "") or ""
    level.suffix = _SUFFIX.get(_val(lvl.find(f"{W}suff"), "tab") or "tab", " ")
    legal = lvl.find(f"{W}isLgl")
    level.legal = legal is not None and _val(legal, "true") not in ("0", "false")
    level.style = _val(lvl.find(f"{W}pStyle"))
    if level.fmt == "bullet":
        level.text = _bullet_text(lvl, level.text)
    return level


def _levels(parent: Element) -> dict[int, Level]:
    out = {}
    for lvl in parent.findall(f"{W}lvl"):
        ilvl = list_number(lvl.get(f"{W}ilvl"), -1)
        if 0 <= ilvl <= 8:
            out[ilvl] = _level(lvl)
    return out


class ListNumbering:
    """Counts list paragraphs in document order and gives each its label."""

    def __init__(self, numbering: Element | None, styles: Element | None):
        self.nums: dict[str, Num] = {}
        self.style_num: dict[str, tuple[str | None, int | None]] = {}
        self.counters: dict[str, list[int | None]] = {}
        if numbering is not None:
            abstracts = {a.get(f"{W}abstractNumId"): _levels(a) for a in numbering.findall(f"{W}abstractNum")}
            for num in numbering.findall(f"{W}num"):
                abstract_id = _val(num.find(f"{W}abstractNumId"))
                if abstract_id not in abstracts:
                    continue
                levels = dict(abstracts[abstract_id])
                overrides = {}
                for override in num.findall(f"{W}lvlOverride"):
                    ilvl = list_number(override.get(f"{W}ilvl"), 0)
                    start = _val(override.find(f"{W}startOverride"))
                    if start is not None:
                        overrides[ilvl] = list_number(start, 1)
                    full = override.find(f"{W}lvl")
                    if full is not None:
                        levels[ilvl] = _level(full)
                self.nums[num.get(f"{W}numId", "")] = Num(abstract_id, levels, overrides)
        if styles is not None:
            self._read_styles(styles)

    def _read_styles(self, styles: Element) -> None:
        own: dict[str, tuple[str | None, int | None]] = {}
        based: dict[str, str] = {}
        for style in styles.findall(f"{W}style"):
            sid = style.get(f"{W}styleId")
            if not sid:
                continue
            parent = _val(style.find(f"{W}basedOn"))
            if parent:
                based[sid] = parent
            numpr = style.find(f"{W}pPr/{W}numPr")
            if numpr is not None:
                ilvl = _val(numpr.find(f"{W}ilvl"))
                level = list_number(ilvl, -1)
                own[sid] = (_val(numpr.find(f"{W}numId")), level if level >= 0 else None)
        for sid in set(own) | set(based):
            # numId and ilvl are inherited separately along the basedOn chain.
            num_id, ilvl, seen, cur = None, None, set(), sid
            while cur is not None and cur not in seen and (num_id is None or ilvl is None):
                seen.add(cur)
                own_id, own_lvl = own.get(cur, (None, None))
                num_id = num_id if num_id is not None else own_id
                ilvl = ilvl if ilvl is not None else own_lvl
                cur = based.get(cur)
            if num_id is not None:
                self.style_num[sid] = (num_id, ilvl)

    def label(self, ppr: Element | None) -> str:
        """The number or bullet (with its trailing space) for a paragraph with these properties."""
        if not self.nums:
            return ""
        num_id: str | None = None
        ilvl: int | None = None
        style = _val(ppr.find(f"{W}pStyle")) if ppr is not None else None
        numpr = ppr.find(f"{W}numPr") if ppr is not None else None
        if numpr is not None:
            num_id = _val(numpr.find(f"{W}numId"))
            lvl = list_number(_val(numpr.find(f"{W}ilvl")), -1)
            ilvl = lvl if lvl >= 0 else None
        if num_id is None and style in self.style_num:
            num_id, style_ilvl = self.style_num[style]
            ilvl = style_ilvl if ilvl is None else ilvl
        num = self.nums.get(num_id or "0")
        if num is None:
            return ""
        if ilvl is None:
            ilvl = next((i for i, lv in num.levels.items() if style and lv.style == style), 0)
        return self._count(num_id, num, min(ilvl, 8))

    def _count(self, num_id: str, num: Num, ilvl: int) -> str:
        level = num.levels.get(ilvl)
        if level is None:
            return ""
        # Lists sharing an abstract definition continue one count, unless a num restarts it.
        key = f"num:{num_id}" if num.start_overrides else f"abs:{num.abstract_id}"
        counters = self.counters.setdefault(key, [None] * 9)

        def start(i: int) -> int:
            lv = num.levels.get(i)
            return num.start_overrides.get(i, lv.start if lv else 1)

        counters[ilvl] = start(ilvl) if counters[ilvl] is None else min(counters[ilvl] + 1, MAX_LIST_NUMBER)
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = None
        if level.fmt == "bullet":
            return level.text[:MAX_LABEL] + level.suffix if level.text else ""
        text = level.text[:MAX_LABEL]  # a label as long as the file likes, on every paragraph, adds up
        if "%" in text:
            for i in range(ilvl, -1, -1):  # high levels first so %1 does not eat %10
                lv = num.levels.get(i, Level())
                value = counters[i] if counters[i] is not None else start(i)
                fmt = "decimal" if level.legal and lv.fmt != "none" else lv.fmt
                text = text.replace(f"%{i + 1}", format_number(value, fmt))
        return text + level.suffix if text else ""
