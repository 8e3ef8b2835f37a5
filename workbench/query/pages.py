"""Which pages an excerpt of a paginated source (a PDF) lies on, for citing it by page.

A PDF's pages are stored at import (table source_page: where each page's text lies in
the stored text); a source without them (every other format, and PDFs imported before
pages were kept) is cited by paragraph instead. Pages are named by their printed label
when the PDF has one ("iv", "A-3"), else by their number in the file (1 = first).
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class PageRef(NamedTuple):
    """The first and last page an excerpt touches, by label (or number)."""

    first: str
    last: str

    @property
    def label(self) -> str:
        """'4' or '4-5' (an en dash between labels that hold a hyphen: 'A-3–A-4')."""
        if self.first == self.last:
            return self.first
        dash = "\u2013" if "-" in self.first or "-" in self.last else "-"
        return f"{self.first}{dash}{self.last}"

    @property
    def citation(self) -> str:
        """'p. 4' or 'pp. 4-5'."""
        return f"p. {self.first}" if self.first == self.last else f"pp. {self.label}"


class _SourcePages(NamedTuple):
    starts: list[int]
    names: list[str]


class PageIndex:
    """The pages of the given sources, read once; `locate` answers from memory."""

    def __init__(self, session: Session, source_ids: Iterable[int]):
        # Imported here: an index built from rows needs no SQLAlchemy (store.peek)
        from sqlalchemy import select

        from workbench.store.models import SourcePage

        self._pages: dict[int, _SourcePages] = {}
        ids = sorted(set(source_ids))
        for i in range(0, len(ids), 500):
            self._add(session.execute(
                select(SourcePage.source_id, SourcePage.start, SourcePage.page, SourcePage.label)
                .where(SourcePage.source_id.in_(ids[i:i + 500]))
                .order_by(SourcePage.source_id, SourcePage.page)))

    @classmethod
    def from_rows(cls, rows) -> "PageIndex":
        """The index of page rows (source_id, start, page, label) read some other way, ordered by
        source and page."""
        self = cls.__new__(cls)
        self._pages = {}
        self._add(rows)
        return self

    def _add(self, rows) -> None:
        for sid, start, page, label in rows:
            pages = self._pages.setdefault(sid, _SourcePages([], []))
            pages.starts.append(start)
            pages.names.append(label or str(page))

    def paginated(self, source_id: int) -> bool:
        return source_id in self._pages

    def locate(self, source_id: int, start: int, end: int) -> PageRef | None:
        """The pages holding text[start:end], or None for a source without pages."""
        pages = self._pages.get(source_id)
        if pages is None:
            return None
        first = max(0, bisect_right(pages.starts, start) - 1)
        last = max(first, bisect_right(pages.starts, max(start, end - 1)) - 1)
        return PageRef(pages.names[first], pages.names[last])
