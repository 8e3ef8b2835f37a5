"""Space between paragraphs and above headings in the document view, display only (issue 10, item 10).

QPlainTextEdit's layout ignores block margins, and the stored text of a Word source has one
paragraph a line with no blank lines between, so without this the paragraphs of a .docx run
together. This layout adds, below each block, the paragraph spacing of the source's kind plus the
next block's top margin (set on heading blocks by DocumentView.set_headings). The text, and so
every offset, stays exactly as stored: only the blocks' heights change.
"""
from __future__ import annotations

from PySide6.QtWidgets import QPlainTextDocumentLayout

PARAGRAPH_KINDS = frozenset({"docx", "odt"})  # importers that write one paragraph a line


class ParagraphLayout(QPlainTextDocumentLayout):
    """A plain-text layout whose blocks are taller by `spacing` pixels and the next block's top margin."""

    def __init__(self, document):
        super().__init__(document)
        self.spacing = 0.0
        self.margins = False  # some block has a top margin (a heading): look at the next block

    def blockBoundingRect(self, block):  # noqa: N802 - Qt's name
        r = super().blockBoundingRect(block)
        if self.spacing or self.margins:
            after = block.next()
            if after.isValid():
                r.setHeight(r.height() + self.spacing + (after.blockFormat().topMargin() if self.margins else 0.0))
        return r

    def set_spacing(self, spacing: float, margins: bool) -> None:
        """New spacing; the view repaints and its scroll bars follow."""
        if (spacing, margins) == (self.spacing, self.margins):
            return
        self.spacing, self.margins = spacing, margins
        self.documentSizeChanged.emit(self.documentSize())
        self.update.emit()
