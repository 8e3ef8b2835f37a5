"""Tell what a file really is from its first bytes, so a misnamed file gets a clear message."""
from __future__ import annotations

from pathlib import Path

from workbench.core.errors import ImportRefused

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
ODT_MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument.text"

# (prefix, description) checked at offset 0, most specific first.
_PREFIXES: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"SQLite format 3\x00", "an SQLite database (a project file?)"),
    (b"ID3", "an audio recording (MP3)"),
    (b"fLaC", "an audio recording (FLAC)"),
    (b"OggS", "an audio or video recording (Ogg)"),
    (b"\x1aE\xdf\xa3", "a video recording (WebM/Matroska)"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"),
    (b"\xca\xfe\xba\xbe", "a program"),
]

# Text formats that look like text but should not be imported under another text format's name.
_TEXT_PREFIXES: list[tuple[bytes, str]] = [
    (b"{\\rtf", "an RTF document"),
]


def _utf16_le(name: str) -> bytes:
    return name.encode("utf-16-le")


def describe_ole(data: bytes) -> str:
    """An OLE compound file: an encrypted Office 2007+ file or an old binary Office file."""
    if _utf16_le("EncryptedPackage") in data:
        return "a password-protected Office document"
    if _utf16_le("WordDocument") in data:
        return "an old Word document (.doc, Word 97-2003)"
    if _utf16_le("Workbook") in data or _utf16_le("Book") in data:
        return "an old Excel workbook (.xls)"
    if _utf16_le("PowerPoint Document") in data:
        return "an old PowerPoint presentation (.ppt)"
    return "an old Microsoft Office file (OLE compound document)"


def describe_zip(data: bytes) -> str:
    """Which kind of zip-packaged document this is, judged by the member names it holds."""
    if data[30:30 + len(ODT_MIMETYPE)] == ODT_MIMETYPE:
        return "an OpenDocument text (.odt)"
    if b"mimetypeapplication/vnd.oasis.opendocument" in data[:200]:
        return "an OpenDocument file (spreadsheet or presentation)"
    if b"word/document" in data:
        return "a Word document (.docx)"
    if b"xl/workbook" in data:
        return "an Excel workbook (.xlsx)"
    if b"ppt/presentation" in data:
        return "a PowerPoint presentation (.pptx)"
    if b"content.xml" in data and b"META-INF/manifest.xml" in data:
        return "an OpenDocument file"
    return "a zip archive"


def describe(data: bytes) -> str | None:
    """A short phrase naming what the bytes are ("a PDF document"), or None if not recognised."""
    head = data[:1024]
    if head.startswith(OLE_MAGIC):
        return describe_ole(data)
    if head.startswith(ZIP_MAGIC) or head.startswith(EMPTY_ZIP_MAGIC):
        return describe_zip(data)
    if head.lstrip(b" \t\r\n").startswith(b"%PDF-"):
        return "a PDF document"
    for prefix, what in _PREFIXES:
        if head.startswith(prefix):
            return what
    if head[4:8] == b"ftyp":
        return "an audio or video recording (MP4/M4A/MOV)"
    if head.startswith(b"RIFF") and head[8:12] in (b"WAVE", b"AVI "):
        return "an audio or video recording (WAV/AVI)"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    for prefix, what in _TEXT_PREFIXES:
        if stripped.startswith(prefix):
            return what
    lowered = stripped[:200].lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "an HTML page"
    return None


def refuse_as(path: Path, expected: str, data: bytes, fallback: str) -> ImportRefused:
    """The error for a file whose content is not `expected`: say what it looks like instead."""
    what = describe(data)
    if what is None:
        return ImportRefused(f"{path}: {fallback}")
    hint = ""
    if what == "a password-protected Office document":
        return ImportRefused(f"{path}: is password-protected; remove the password in Word and import it again")
    for suffix, phrase in ((".docx", "Word document (.docx)"), (".odt", ".odt"), (".pdf", "PDF"),
                           (".rtf", "RTF"), (".html", "HTML")):
        if phrase in what:
            hint = f"; rename it to {suffix} to import it"
            break
    if ".doc," in what:
        hint = "; open it in Word or LibreOffice and save it as .docx"
    return ImportRefused(f"{path}: is not {expected}: it looks like {what}{hint}")
