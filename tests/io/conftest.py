"""Builders for importer fixtures: every test file is made in the test, never checked in."""
from __future__ import annotations

import io
import zipfile
from types import SimpleNamespace

import pytest

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# --- PDF ---------------------------------------------------------------------------------
def _pdf_string(line: str) -> bytes:
    raw = line.encode("cp1252")
    out = bytearray(b"(")
    for b in raw:
        if b in b"()\\":
            out += b"\\" + bytes([b])
        elif b < 32 or b > 126:
            out += b"\\%03o" % b
        else:
            out.append(b)
    return bytes(out + b")")


def _placed(lines: list[tuple]) -> bytes:
    """Each line its own text object at (x, y) in points from the bottom left, 12 pt or the size given."""
    out = []
    for text, x, y, *size in lines:
        out.append(f"BT /F1 {size[0] if size else 12} Tf 1 0 0 1 {x} {y} Tm ".encode() + _pdf_string(text) + b" Tj ET")
    return b" ".join(out)


def build_pdf(pages: list[list[str] | list[tuple]], page_labels: str | None = None) -> bytes:
    """A minimal valid PDF: one page a list of lines, Helvetica in WinAnsiEncoding.

    A page of strings sets them 14 pt apart from (72, 720); a page of tuples (text, x, y)
    or (text, x, y, size) places each line. `page_labels` is the catalog's /PageLabels
    dictionary as PDF source, e.g. "<< /Nums [0 << /S /r >> 1 << /S /D >>] >>"."""
    objects: list[bytes] = []
    n_pages = len(pages)
    font_id = 3 + 2 * n_pages
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n_pages))
    labels = f" /PageLabels {page_labels}" if page_labels else ""
    objects.append(f"<< /Type /Catalog /Pages 2 0 R{labels} >>".encode())
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    for i, lines in enumerate(pages):
        content_id = 4 + 2 * i
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 {font_id} 0 R >> >> "
            f"/Contents {content_id} 0 R >>".encode()
        )
        if lines and not isinstance(lines[0], str):
            stream = _placed(lines)
        else:
            stream = b"BT /F1 12 Tf 14 TL 72 720 Td " + b" T* ".join(_pdf_string(s) + b" Tj" for s in lines) + b" ET"
        if not lines:
            stream = b""
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# --- zip packages ------------------------------------------------------------------------
def build_zip(members: dict[str, bytes | str], stored_first: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        if stored_first is not None:
            zf.writestr(zipfile.ZipInfo(stored_first), members[stored_first], compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            if name != stored_first:
                zf.writestr(name, data)
    return buf.getvalue()


_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>"""
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
 Target="word/document.xml"/>
</Relationships>"""
_NAMESPACES = (
    f'xmlns:w="{W_NS}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)


def build_docx(body: str, footnotes: str | None = None, endnotes: str | None = None,
               numbering: str | None = None, styles: str | None = None) -> bytes:
    """A hand-made .docx: `body` is the XML inside <w:body>; the other parts' inner XML."""
    members: dict[str, bytes | str] = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _ROOT_RELS,
        "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?>\n<w:document {_NAMESPACES}>'
                             f"<w:body>{body}</w:body></w:document>",
    }
    rels = []
    for i, (kind, root, inner) in enumerate(
        [("footnotes", "footnotes", footnotes), ("endnotes", "endnotes", endnotes),
         ("numbering", "numbering", numbering), ("styles", "styles", styles)], start=2):
        if inner is None:
            continue
        members[f"word/{kind}.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?>\n'
                                       f"<w:{root} {_NAMESPACES}>{inner}</w:{root}>")
        rels.append(f'<Relationship Id="rId{i}" '
                    f'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}" '
                    f'Target="{kind}.xml"/>')
    members["word/_rels/document.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(rels) + "</Relationships>")
    return build_zip(members)


def w_p(*runs: str, ppr: str = "") -> str:
    """A paragraph of plain runs (each string a <w:r><w:t>) or raw XML (starting with '<')."""
    inner = "".join(r if r.startswith("<") else f'<w:r><w:t xml:space="preserve">{r}</w:t></w:r>' for r in runs)
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{inner}</w:p>"


ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"'
)


def build_odt(body: str, automatic_styles: str = "", mimetype: str = "application/vnd.oasis.opendocument.text",
              manifest_extra: str = "") -> bytes:
    """A hand-made .odt: `body` is the XML inside <office:text>."""
    content = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {ODF_NS} office:version="1.3">'
               f"<office:automatic-styles>{automatic_styles}</office:automatic-styles>"
               f"<office:body><office:text>{body}</office:text></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
                'manifest:version="1.3">'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
                f"{manifest_extra}</manifest:file-entry></manifest:manifest>")
    return build_zip({"mimetype": mimetype, "content.xml": content, "META-INF/manifest.xml": manifest},
                     stored_first="mimetype")


def ole_file(stream_names: list[str]) -> bytes:
    """Bytes that look like an OLE compound file naming these streams (enough for sniffing)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = b"".join(n.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64 for n in ["Root Entry", *stream_names])
    return header + directory + b"\x00" * 1024


@pytest.fixture
def write(tmp_path):
    """write(name, data) -> Path of a file in tmp_path holding `data` (bytes or UTF-8 text)."""
    def _write(name: str, data: bytes | str):
        path = tmp_path / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return path
    return _write


@pytest.fixture
def build():
    """The fixture builders: build.pdf, build.docx, build.odt, build.zip, build.ole, build.w_p."""
    return SimpleNamespace(pdf=build_pdf, docx=build_docx, odt=build_odt, zip=build_zip, ole=ole_file, w_p=w_p)
