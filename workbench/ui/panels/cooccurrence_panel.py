"""Co-occurrence: code by code, the places where both overlap; a click lists those passages."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel

from workbench.query.matrix import Matrix
from workbench.ui.panels.matrix_view import MatrixView


class CooccurrencePanel(MatrixView):
    """The matrix view with codes for columns: a cell counts overlapping places (or sources)."""

    object_name = "cooccurrencePanel"

    def _controls(self) -> QHBoxLayout:
        self.count = QComboBox(objectName="cooccurCount")
        self.count.addItems(["places", "sources"])
        self.with_children = QCheckBox("With subcodes", objectName="cooccurWithChildren")
        self.cols = QComboBox()  # not shown: the columns are the codes
        row = QHBoxLayout()
        row.addWidget(QLabel("Count"))
        row.addWidget(self.count)
        row.addWidget(self.with_children)
        return row

    def refresh_choices(self) -> None:
        pass

    def compute(self) -> Matrix:
        from workbench.query.cooccur import code_cooccurrence

        return code_cooccurrence(self.handle.project, with_children=self.with_children.isChecked(),
                                 count=self.count.currentText())

    def title(self) -> str:
        return "Code co-occurrence"

    def cell_excerpts(self, row: int, col: int):
        from workbench.query.cooccur import overlap_segments

        with self.handle.project.reading() as s:
            return overlap_segments(s, self.matrix.row_ids[row], self.matrix.col_keys[col],
                                    with_children=self.matrix.with_children)
