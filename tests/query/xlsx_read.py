"""Reading an .xlsx back with the standard library (openpyxl is not a dependency)."""
from __future__ import annotations

import re
import zipfile
from xml.etree import ElementTree as ET

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def _col(ref: str) -> int:
    letters = re.match(r"[A-Z]+", ref).group()
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def read_rows(path, sheet: int = 1) -> list[list]:
    """Cell values of one sheet, row by row: strings as str, numbers as int/float."""
    with zipfile.ZipFile(path) as z:
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            root = ET.fromstring(z.read("xl/sharedStrings.xml"))
            shared = ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")) for si in root.findall("m:si", NS)]
        root = ET.fromstring(z.read(f"xl/worksheets/sheet{sheet}.xml"))
    rows = []
    for r in root.iter(f"{{{NS['m']}}}row"):
        row: list = []
        for c in r.findall("m:c", NS):
            j = _col(c.get("r"))
            while len(row) < j:
                row.append(None)
            kind = c.get("t")
            if kind == "inlineStr":
                value = "".join(t.text or "" for t in c.iter(f"{{{NS['m']}}}t"))
            elif kind == "s":
                value = shared[int(c.find("m:v", NS).text)]
            else:
                v = c.find("m:v", NS)
                value = None if v is None else (int(float(v.text)) if float(v.text).is_integer() else float(v.text))
            row.append(value)
        rows.append(row)
    return rows
