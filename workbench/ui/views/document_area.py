"""The centre of the window: the open source's title, the coder filter, the find bar and the document view."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from workbench.ui.views.document_view import DocumentView
from workbench.ui.views.find_bar import FindBar

MINE = -1  # the coder filter's "only mine" entry; resolved to the current coder's id


class ElidedLabel(QLabel):
    """A one-line label that shortens its text in the middle to fit, the whole text as its tooltip."""

    def __init__(self, text: str = "", parent=None):
        super().__init__(parent)
        self.full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.set_full_text(text)

    def set_full_text(self, text: str) -> None:
        self.full = text
        self.setToolTip(text)
        self._elide()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        self.setText(self.fontMetrics().elidedText(self.full, Qt.TextElideMode.ElideMiddle, max(self.width(), 40)))


class DocumentArea(QWidget):
    coder_filter_changed = Signal(object)  # None (all), MINE, or a coder id

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("documentArea")
        self.view = DocumentView(self)
        self.find_bar = FindBar(self.view, self)
        self.title = ElidedLabel("No source open", self)
        self.title.setObjectName("documentTitle")
        f = QFont(self.title.font())
        f.setPointSizeF(f.pointSizeF() * 1.25)
        f.setWeight(QFont.Weight.DemiBold)
        self.title.setFont(f)
        self.subtitle = ElidedLabel("", self)
        self.subtitle.setObjectName("documentSubtitle")
        self.subtitle.setEnabled(False)
        self.coder_filter = QComboBox(self)
        self.coder_filter.setObjectName("coderFilter")
        self.coder_filter.setToolTip("Show the codings of all coders, only yours, or one coder's")
        self.coder_filter.currentIndexChanged.connect(
            lambda _i: self.coder_filter_changed.emit(self.coder_filter.currentData()))
        head = QHBoxLayout()
        head.setContentsMargins(10, 6, 10, 6)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        head.addLayout(titles, 1)
        head.addWidget(QLabel("Show codings of", self))
        head.addWidget(self.coder_filter)
        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addLayout(head)
        lay.addWidget(line)
        lay.addWidget(self.find_bar)
        lay.addWidget(self.view, 1)
        self.set_coders([], None)

    def set_coders(self, coders: list[tuple[int, str]], me: str | None) -> None:
        """Fill the filter: all, mine, then each coder; keeps the current choice when it still exists."""
        keep = self.coder_filter.currentData()
        self.coder_filter.blockSignals(True)
        self.coder_filter.clear()
        self.coder_filter.addItem("all coders", None)
        self.coder_filter.addItem(f"only mine ({me})" if me else "only mine", MINE)
        for cid, name in coders:
            self.coder_filter.addItem(name, cid)
        i = 0 if keep is None else self.coder_filter.findData(keep)
        self.coder_filter.setCurrentIndex(max(i, 0))
        self.coder_filter.blockSignals(False)

    def show_source(self, name: str | None, detail: str = "") -> None:
        self.title.set_full_text(name or "No source open")
        self.subtitle.set_full_text(detail)
