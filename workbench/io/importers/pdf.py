"""PDF sources: the text of each page in reading order (pypdf), pages parted by a blank line.

A PDF holds glyphs placed on a page, not paragraphs, so this is pypdf's reading of the
content streams: good for documents typed in a word processor, empty for scans (which
are refused with a hint, since there is nothing to code without OCR). The lines of a
paragraph are joined again by pdf_layout; where each page's text lies in the stored text
(and its printed label, from /PageLabels) goes with the document, so excerpts cite pages.

pypdf parses content slowly, and a few KB of PDF can ask it to parse gigabytes (many
pages drawing one packed stream, a form drawn thousands of times). So pages that share
their content and resources are read once, and the content each reading would parse is
weighed first against a budget that grows with the file (limits.py; issue 12, item 5).
"""
from __future__ import annotations

import io
import logging
from pathlib import Path

from workbench.core.errors import ImportRefused
from workbench.io.importers.base import Extracted, PageSpan
from workbench.io.importers.limits import PDF_WORK_FLOOR, PDF_WORK_PER_BYTE, TextBudget
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
    except ImportRefused:
        raise
    except Exception as exc:  # pypdf raises many types on damaged files
        raise ImportRefused(f"{path}: is a damaged PDF that cannot be read ({_reason(exc)})") from None
    if reader.is_encrypted:
        # Many PDFs are encrypted only to restrict printing or copying: they open with
        # an empty password, as in any PDF viewer. Only a real password stops the import.
        try:
            opened = reader.decrypt("")
        except (DependencyError, NotImplementedError) as exc:
            raise ImportRefused(f"{path}: is encrypted in a way the workbench cannot read ({_reason(exc)})") from None
        except Exception:
            opened = PasswordType.NOT_DECRYPTED
        if opened == PasswordType.NOT_DECRYPTED:
            raise ImportRefused(f"{path}: is password-protected; save a copy without the password "
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
        raise ImportRefused(f"{path}: is a damaged PDF: its pages cannot be read ({_reason(exc)})") from None
    if not pages:
        raise ImportRefused(f"{path}: the PDF has no pages")
    work = ContentWork(path, PDF_WORK_FLOOR + PDF_WORK_PER_BYTE * len(data))
    budget = TextBudget(path, len(data))
    seen: dict[tuple, PageLines] = {}  # pages that share content and resources give the same lines
    read: list[PageLines] = []
    for number, page in enumerate(pages, 1):
        key = _sharing_key(page)
        if key not in seen:
            seen[key] = _page_lines(path, number, page, work)
        read.append(seen[key])
        budget.charge(sum(len(line.text) + 1 for line in seen[key].lines) + 2)
    texts = paragraphs(read)
    empty = [n for n, t in enumerate(texts, 1) if not t.strip()]
    if len(empty) == len(texts):
        raise ImportRefused(f"{path}: no text could be found (scanned images? the workbench does not read text "
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


def _page_lines(path: Path, number: int, page, work: "ContentWork") -> PageLines:
    try:
        forms = work.charge_page(page)
        kwargs = {"visitor_operand_before": work.visitor(forms)} if forms else {}
        lines = page_lines(page, **kwargs)
    except ImportRefused:
        raise
    except Exception as exc:
        if work.exceeded:
            raise work.refusal() from None
        raise ImportRefused(f"{path}: page {number} of the PDF cannot be read ({_reason(exc)})") from None
    if work.exceeded:
        raise work.refusal()
    return lines


def _ref(obj, depth: int = 0) -> object:
    """What identifies a PDF object: its object number when indirect; a direct array or
    dictionary by what it holds (a page tree copies inherited resources to every page)."""
    number = getattr(obj, "idnum", None)
    if number is not None:
        return ("ref", number, getattr(obj, "generation", 0))
    if depth < 4 and isinstance(obj, list):
        return tuple(_ref(x, depth + 1) for x in obj[:64]) if len(obj) <= 64 else ("obj", id(obj))
    if depth < 4 and isinstance(obj, dict) and len(obj) <= 64:
        return tuple(sorted((str(k), _ref(v, depth + 1)) for k, v in obj.items()))
    if isinstance(obj, (str, int, float)):
        return ("value", str(obj))
    return ("obj", id(obj))


def _sharing_key(page) -> tuple:
    raw = getattr(page, "raw_get", page.get)
    try:
        return (_ref(raw("/Contents")) if "/Contents" in page else None,
                _ref(raw("/Resources")) if "/Resources" in page else None)
    except Exception:
        return ("page", id(page))


class ContentWork:
    """How many bytes of content pypdf is asked to parse, charged before it parses them.

    A page's own content streams are weighed up front. A form XObject is parsed again each
    time a page draws it (`Do`), so a visitor charges its size at every `Do`; the parse it
    would start is stopped by raising (pypdf swallows errors inside forms, so `exceeded`
    is checked again when the page is done).
    """

    def __init__(self, path: Path, limit: int):
        self.path, self.limit, self.used = path, limit, 0
        self.exceeded = False

    def charge(self, size: int) -> None:
        self.used += size
        if self.used > self.limit:
            self.exceeded = True
            raise self.refusal()

    def refusal(self) -> ImportRefused:
        return ImportRefused(f"{self.path}: is refused: reading its text would make the PDF reader parse more "
                            f"than {self.limit / 2**20:.0f} MiB of page content (the limit for a file of this "
                            f"size; see workbench import --help)")

    def charge_page(self, page) -> dict[str, int]:
        """Charge the page's content and fonts' maps; return its forms' decoded sizes by name."""
        contents = page.get("/Contents")
        self.charge(_stream_size(contents.get_object()) if contents is not None else 0)
        forms: dict[str, int] = {}
        resources = page.get("/Resources")
        _forms(resources.get_object() if resources is not None else None, forms, set(), self)
        return forms

    def visitor(self, forms: dict[str, int]):
        def before(operator, operands, _cm, _tm):
            if self.exceeded:
                raise self.refusal()
            if operator == b"Do" and operands:
                self.charge(forms.get(str(operands[0]), 0))
        return before


def _stream_size(obj) -> int:
    if obj is None:
        return 0
    if isinstance(obj, list):
        return sum(_stream_size(x.get_object()) for x in obj)
    get_data = getattr(obj, "get_data", None)
    return len(get_data()) if get_data is not None else 0


def _forms(resources, forms: dict[str, int], seen: set, work: ContentWork, depth: int = 0) -> None:
    """Every form XObject reachable from `resources`, by name (the largest of a name), once each."""
    if resources is None or depth > 20 or not hasattr(resources, "get"):
        return
    for font in _values(resources.get("/Font")):
        cmap = font.get("/ToUnicode") if hasattr(font, "get") else None
        if cmap is not None and _ref(cmap) not in seen:
            seen.add(_ref(cmap))
            work.charge(_stream_size(cmap.get_object()))
    xobjects = resources.get("/XObject")
    if xobjects is None or not hasattr(xobjects.get_object(), "items"):
        return
    for name, ref in xobjects.get_object().items():
        xobj = ref.get_object()
        if not hasattr(xobj, "get") or xobj.get("/Subtype") != "/Form":
            continue
        key = _ref(ref)
        if key in seen:
            continue
        seen.add(key)
        forms[str(name)] = max(forms.get(str(name), 0), _stream_size(xobj))
        inner = xobj.get("/Resources")
        _forms(inner.get_object() if inner is not None else None, forms, seen, work, depth + 1)


def _values(obj):
    obj = obj.get_object() if obj is not None else None
    if not hasattr(obj, "values"):
        return []
    return [v.get_object() for v in obj.values()]
