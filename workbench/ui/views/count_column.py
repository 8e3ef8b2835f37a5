"""The layout the source list and the codebook tree share: a stretching name, a fixed count column."""
from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QTreeView, QWidget


def name_and_count_columns(panel: QWidget, tree: QTreeView) -> None:
    """Column 0 (the name) stretches, column 1 (the count) keeps the width of its header,
    and the panel keeps about 16 characters of name however small the window."""
    head = tree.header()
    head.setStretchLastSection(False)
    head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    # A fixed width: ResizeToContents would read every row's count after each coding.
    head.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
    head.resizeSection(1, panel.fontMetrics().horizontalAdvance("Codings") + 18)
    panel.setMinimumWidth(panel.fontMetrics().horizontalAdvance("n" * 16) + head.sectionSize(1) + 40)
