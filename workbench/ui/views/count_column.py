"""The layout the source list and the codebook tree share: a stretching name, a fixed count column."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QTreeView, QWidget


def name_and_count_columns(panel: QWidget, tree: QTreeView) -> None:
    """Column 0 (the name) stretches, the count columns keep the width of their header (or of a
    five-digit number), and the panel keeps about 16 characters of name however small the window."""
    head = tree.header()
    head.setStretchLastSection(False)
    head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    fm = panel.fontMetrics()
    counts = 0
    for col in range(1, tree.model().columnCount()):
        # A fixed width: ResizeToContents would read every row's count after each coding.
        head.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
        title = str(tree.model().headerData(col, Qt.Orientation.Horizontal) or "")
        head.resizeSection(col, max(fm.horizontalAdvance(title), fm.horizontalAdvance("0000")) + 14)
        counts += head.sectionSize(col)
    panel.setMinimumWidth(fm.horizontalAdvance("n" * 16) + counts + 40)
