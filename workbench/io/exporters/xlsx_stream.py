"""A minimal streaming .xlsx writer for one large sheet of text and numbers.

XlsxWriter (used for the small matrix sheet) spends about 10 microseconds a cell in its
per-cell bookkeeping: 60,000 excerpts of ten columns took it 6-7 s here. This writes the
sheet's XML straight into the zip as rows arrive (inline strings, a bold header, a frozen
first row), about 1 microsecond a cell. Only what a table of excerpts needs is supported.
"""
from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from workbench.io.exporters.excerpts import xml_text

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '</Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>')
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')


def _letters(j: int) -> str:
    out = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        out = chr(65 + r) + out
    return out


def write_sheet(path: str | Path, header: Sequence[str], rows: Iterable[Sequence], widths: Sequence[float] = (),
                sheet_name: str = "Sheet1", tick=None) -> int:
    """Write rows (str cells as text, int/float as numbers, '' or None left empty) under a bold
    header. Strings must already be XML-safe (see excerpts.xml_safe). Returns the row count.
    `tick(n)` is called every 1,000 rows and may raise to abandon the file."""
    cols = [_letters(j) for j in range(len(header))]
    n = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK.format(name=xml_text(sheet_name)[:31]))
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        z.writestr("xl/styles.xml", _STYLES)
        with z.open("xl/worksheets/sheet1.xml", "w") as raw:
            buf: list[str] = [
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>']
            if widths:
                buf.append("<cols>" + "".join(f'<col min="{j + 1}" max="{j + 1}" width="{w}" customWidth="1"/>'
                                              for j, w in enumerate(widths)) + "</cols>")
            buf.append('<sheetData><row r="1">')
            buf.extend(f'<c r="{c}1" t="inlineStr" s="1"><is><t>{xml_text(h)}</t></is></c>' for c, h in zip(cols, header))
            buf.append("</row>")
            for i, row in enumerate(rows, start=2):
                buf.append(f'<row r="{i}">')
                for c, v in zip(cols, row):
                    if v is None or v == "":
                        continue
                    if isinstance(v, str):
                        buf.append(f'<c r="{c}{i}" t="inlineStr"><is><t xml:space="preserve">{xml_text(v)}</t></is></c>')
                    else:
                        buf.append(f'<c r="{c}{i}"><v>{v}</v></c>')
                buf.append("</row>")
                n += 1
                if n % 1000 == 0:
                    raw.write("".join(buf).encode("utf-8"))
                    buf = []
                    if tick:
                        tick(n)
            buf.append("</sheetData></worksheet>")
            raw.write("".join(buf).encode("utf-8"))
    return n
