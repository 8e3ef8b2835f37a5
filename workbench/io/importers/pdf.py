"""PDF sources: the text of each page in reading order (pypdf), pages parted by a blank line.

A PDF holds glyphs placed on a page, not paragraphs, so this is pypdf's reading of the
content streams: good for documents typed in a word processor, empty for scans (which
are refused with a hint, since there is nothing to code without OCR). The lines of a
paragraph are joined again by pdf_layout; where each page's text lies in the stored text
(and its printed label, from /PageLabels) goes with the document, so excerpts cite pages.
"""
from __future__ import annotations

import io
import logging
from pathlib import Path

from workbench.core.errors import ImportError_
from workbench.io.importers.base import Extracted, PageSpan
from workbench.io.importers.pdf_layout import PageLines, page_lines, paragraphs
from workbench.io.importers.sniff import refuse_as

# pypdf reports recoverable damage through logging; with no handler configured Python
# would print each line on stderr in the middle of the command's own output.
logging.getLogger("pypdf").addHandler(logging.NullHandler())


def _open(path: Path, data: bytes):
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
    except ImportError_:
        raise
    except Exception as exc:  # pypdf raises many types on damaged files
        raise ImportError_(f"{path}: is a damaged PDF that cannot be read ({_reason(exc)})") from None
    if reader.is_encrypted:
        # Many PDFs are encrypted only to restrict printing or copying: they open with
        # an empty password, as in any PDF viewer. Only a real password stops the import.
        try:
            opened = reader.decrypt("")
        except (DependencyError, NotImplementedError) as exc:
            raise ImportError_(f"{path}: is encrypted in a way the workbench cannot read ({_reason(exc)})") from None
        except Exception:
            opened = PasswordType.NOT_DECRYPTED
        if opened == PasswordType.NOT_DECRYPTED:
            raise ImportError_(f"{path}: is password-protected; save a copy without the password "
                               "and import that")
    return reader


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:200] if text else type(exc).__name__


def extract(path: Path, data: bytes) -> Extracted:
    if b"%PDF-" not in data[:1024]:
        raise refuse_as(path, "a PDF document", data, "is not a PDF document (it does not start with %PDF)")
    reader = _open(path, data)
    try:
        pages = list(reader.pages)
    except Exception as exc:
        raise ImportError_(f"{path}: is a damaged PDF: its pages cannot be read ({_reason(exc)})") from None
    if not pages:
        raise ImportError_(f"{path}: the PDF has no pages")
    read: list[PageLines] = []
    for number, page in enumerate(pages, 1):
        try:
            read.append(page_lines(page))
        except Exception as exc:
            raise ImportError_(f"{path}: page {number} of the PDF cannot be read ({_reason(exc)})") from None
    texts = paragraphs(read)
    empty = [n for n, t in enumerate(texts, 1) if not t.strip()]
    if len(empty) == len(texts):
        raise ImportError_(f"{path}: no text could be found (scanned images? the workbench does not read text "
                           "in images; run OCR on the PDF first)")
    warnings = []
    if empty:
        shown = ", ".join(map(str, empty[:10])) + (" ..." if len(empty) > 10 else "")
        warnings.append(f"no text on page{'s' if len(empty) > 1 else ''} {shown} (scanned images?)")
    return Extracted("\n\n".join(texts), "", warnings, _spans(texts, _labels(reader, len(texts))))


def _spans(texts: list[str], labels: list[str]) -> list[PageSpan]:
    """Where each page's text lies in the pages joined by blank lines (code points, end exclusive)."""
    spans, pos = [], 0
    for number, (text, label) in enumerate(zip(texts, labels), 1):
        spans.append(PageSpan(number, label, pos, pos + len(text)))
        pos += len(text) + 2
    return spans


def _labels(reader, count: int) -> list[str]:
    """The printed page labels ("iv", "A-3") when the PDF has /PageLabels, else ""s."""
    try:
        if "/PageLabels" not in reader.root_object:
            return [""] * count
        labels = [str(label)[:40] for label in reader.page_labels]
    except Exception:  # a damaged label tree: cite page numbers instead
        return [""] * count
    return labels if len(labels) == count else [""] * count
