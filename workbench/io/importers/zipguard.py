"""Opening zip-packaged documents (.docx, .odt) safely: size limits before parsing, clear refusals.

A zip's directory states how large each member unpacks. A member or a total past these
limits, or a big member packed more tightly than any real document, is refused before a
byte is inflated, so a zip bomb costs nothing. Reads are bounded as well, in case the
directory lies.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as DefusedET

from workbench.core.errors import ImportRefused
from workbench.io.importers.sniff import EMPTY_ZIP_MAGIC, OLE_MAGIC, ZIP_MAGIC, describe_ole, refuse_as

MAX_MEMBER_BYTES = 100 * 1024 * 1024
MAX_TOTAL_BYTES = 300 * 1024 * 1024
MAX_MEMBERS = 20_000
# Word's document.xml packs about 5-15:1; a member over a megabyte packed past 100:1 is a bomb.
MAX_RATIO = 100
RATIO_FLOOR_BYTES = 1024 * 1024


class Package:
    """A zip document whose directory passed the size checks; members are read bounded."""

    def __init__(self, path: Path, zf: zipfile.ZipFile, damaged: str):
        self.path = path
        self.zf = zf
        self.damaged = damaged
        self.names = set(zf.namelist())

    def read(self, name: str) -> bytes | None:
        """The member's bytes, or None when the package has no such member."""
        try:
            info = self.zf.getinfo(name)
        except KeyError:
            return None
        try:
            with self.zf.open(info) as f:
                data = f.read(MAX_MEMBER_BYTES + 1)
        except RuntimeError:  # zipfile: "File ... is encrypted, password required"
            raise ImportRefused(f"{self.path}: is password-protected") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError):
            raise ImportRefused(f"{self.path}: {self.damaged}") from None
        if len(data) > MAX_MEMBER_BYTES:
            raise _too_large(self.path, len(data))
        return data

    def xml(self, name: str, replace: tuple[bytes, bytes] | None = None):
        """The member parsed as XML (an ElementTree element), or None when it is absent.

        XML with a DOCTYPE, entities or external references is refused: no real
        document needs them, and they are how XML parsers are attacked.
        `replace` swaps one byte string for another before parsing (a namespace alias).
        """
        data = self.read(name)
        if data is None:
            return None
        if replace is not None:
            data = data.replace(*replace)
        try:
            return DefusedET.fromstring(data, forbid_dtd=True)
        except (DefusedXmlException, ParseError):
            raise ImportRefused(f"{self.path}: {self.damaged} (its part {name} is not readable XML)") from None


def _too_large(path: Path, size: int) -> ImportRefused:
    return ImportRefused(f"{path}: is too large: it would unpack to {size // 2**20} MiB or more "
                        f"(the limit is {MAX_TOTAL_BYTES // 2**20} MiB in all, "
                        f"{MAX_MEMBER_BYTES // 2**20} MiB a part); refused as a possible zip bomb")


def open_package(path: Path, data: bytes, expected: str, damaged: str) -> Package:
    """Open `data` as a zip document or raise ImportRefused saying why it cannot be read.

    `expected` names the format ("a Word document (.docx)"), `damaged` is the message
    for a file that is a broken zip or not a document at all.
    """
    if data.startswith(OLE_MAGIC):
        # Office 2007+ files with a password are OLE compound files holding EncryptedPackage.
        if describe_ole(data) == "a password-protected Office document":
            raise ImportRefused(f"{path}: is password-protected; remove the password and import it again")
        raise refuse_as(path, expected, data, damaged)
    if not (data.startswith(ZIP_MAGIC) or data.startswith(EMPTY_ZIP_MAGIC)):
        raise refuse_as(path, expected, data, damaged)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError, NotImplementedError):
        raise ImportRefused(f"{path}: {damaged}") from None
    if len(infos) > MAX_MEMBERS:
        raise ImportRefused(f"{path}: {damaged} (it holds {len(infos)} parts)")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise ImportRefused(f"{path}: is password-protected")
        size = info.file_size
        total += size
        if size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
            raise _too_large(path, max(size, total))
        if size > RATIO_FLOOR_BYTES and size > MAX_RATIO * max(info.compress_size, 1):
            raise ImportRefused(f"{path}: is too large: a part packed {size // max(info.compress_size, 1)}:1 "
                               f"would unpack to {size // 2**20} MiB; refused as a possible zip bomb")
    return Package(path, zf, damaged)
