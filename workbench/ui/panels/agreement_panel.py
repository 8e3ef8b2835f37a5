"""The Agreement panel: choose two coders, see agreement per code and source, export it, and
compare a source's text where the coders agree and where only one coded (docs/agreement.md)."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.core.textpos import Utf16Map

COLOURS = {"both": "#b7e4c7", "a": "#a9d6f5", "b": "#ffd6a5", "mixed": "#e0c3fc"}
SOURCE_ROLE = Qt.ItemDataRole.UserRole
CODE_ROLE = Qt.ItemDataRole.UserRole + 1
HEADERS = ["Code / source", "Percent", "Kappa", "Alpha", "u-alpha", "Segments %"]
# What each figure is and when it is low or undefined (docs/agreement.md says more: Help).
HEADER_TIPS = [
    "A code over all compared sources; open it for the figure per source. Selecting a row shows the "
    "two coders' coding of that code in the text below.",
    "<b>Percent agreement</b>: the share of characters on which both coders agree, coded or not coded. "
    "In long texts most characters are coded by neither, so it is high even when the coders never coded "
    "the same passage: 99% can sit beside a kappa of 0.",
    "<b>Cohen's kappa</b>: agreement beyond what chance would give, from −1 to 1 (0: no better than "
    "chance; above 0.6 is usually read as substantial). It is low when the coders rarely coded the same "
    "characters, however high the percent. Shown as – (undefined) when both coded everything or neither "
    "coded anything.",
    "<b>Krippendorff's alpha</b> (nominal), on the same characters: like kappa, 0 is chance and 1 "
    "perfect; 0.8 and above is the usual bar. Undefined (–) when nobody coded or everyone coded everything.",
    "<b>Unitizing alpha</b>: how closely the coders' passage boundaries match, not just the characters "
    "covered. Low when they coded roughly the same places with different starts and ends. Undefined (–) "
    "without any coded passage.",
    "<b>Segment agreement</b> (as MAXQDA): the share of coded passages the other coder also coded with "
    "this code, overlapping by at least the threshold. Undefined (–) when nobody coded the code.",
]


def _fmt(value, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def agreement_job(project_path: str, coders: list[str], threshold: float, report, should_stop) -> dict:
    """The agreement table, on a worker thread: it reads the project through its own read-only
    connection, so it never holds the window's Project past a close."""
    from workbench.core.errors import Cancelled
    from workbench.query.agreement import agreement
    from workbench.store.project import open_project

    with open_project(project_path, readonly=True) as project:
        data = agreement(project, coders, threshold=threshold).to_json()
    if should_stop():
        raise Cancelled("superseded")
    return data


class ComparisonView(QWidget):
    """A source's text, coloured where the two coders agree, where only A or only B coded."""

    def __init__(self, project, parent=None):
        super().__init__(parent)
        self.setObjectName("comparisonView")
        self.project = project
        self.coders: list[str] = []
        self.title = QLabel(objectName="comparisonTitle")
        self.legend = QLabel(objectName="comparisonLegend")
        self.text = QTextEdit(objectName="comparisonText", readOnly=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.legend)
        layout.addWidget(self.text, 1)
        self.spans: list[tuple[int, int, str]] = []

    def show_source(self, source_id: int, coders: list[str], codes: list[int] | None = None) -> None:
        from workbench.query.agreement import comparison_spans
        from workbench.query.lookups import source_name_text

        name, text = source_name_text(self.project, source_id)
        self.coders = list(coders[:2])
        self.spans = comparison_spans(self.project, source_id, self.coders, codes)
        a, b = self.coders
        self.title.setText(name)
        self.legend.setText(
            f'<span style="background:{COLOURS["both"]}">&nbsp;agree&nbsp;</span> '
            f'<span style="background:{COLOURS["a"]}">&nbsp;only {a}&nbsp;</span> '
            f'<span style="background:{COLOURS["b"]}">&nbsp;only {b}&nbsp;</span> '
            f'<span style="background:{COLOURS["mixed"]}">&nbsp;each coded a code the other did not&nbsp;</span>')
        self.text.setPlainText(text)
        pos = Utf16Map(text)
        cursor = QTextCursor(self.text.document())
        for start, end, kind in self.spans:
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(COLOURS[kind]))
            cursor.setPosition(pos.to_utf16(start))
            cursor.setPosition(pos.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(fmt)
        if self.spans:  # show the first place the coders compared, not the title lines above it
            cursor.setPosition(pos.to_utf16(self.spans[0][0]))
            self.text.setTextCursor(cursor)
            bar = self.text.verticalScrollBar()
            bar.setValue(bar.value() + self.text.cursorRect().top() - 2 * self.text.fontMetrics().height())

    def kind_at(self, codepoint: int) -> str | None:
        """What the view shows at a code-point offset (for tests and tooltips)."""
        for start, end, kind in self.spans:
            if start <= codepoint < end:
                return kind
        return None


class AgreementPanel(QWidget):
    """Coders, threshold, the table per code (with its sources), exports, and the comparison view."""

    computed = Signal(dict)
    exported = Signal(str)  # the path written

    def __init__(self, project, parent=None, show_help=None):
        super().__init__(parent)
        self.setObjectName("agreementPanel")
        self.project = project
        self.table_data: dict | None = None
        self.job = None
        self.coder_a = QComboBox(objectName="agreementCoderA")
        self.coder_b = QComboBox(objectName="agreementCoderB")
        self.threshold = QDoubleSpinBox(objectName="agreementThreshold")
        self.threshold.setRange(1, 100)
        self.threshold.setValue(90)
        self.threshold.setSuffix(" %")
        self.threshold.setToolTip("A segment counts as matched when the other coder's overlaps it this much")
        self.compute_button = QPushButton("Compare", objectName="agreementCompute")
        self.compute_button.clicked.connect(self.compute)
        self.threshold.valueChanged.connect(lambda _: self.table_data is not None and self.compute())
        word = QPushButton("Export Word…", objectName="agreementExportWord")
        word.clicked.connect(lambda: self._export("Word document (*.docx)", ".docx"))
        csv = QPushButton("Export CSV…", objectName="agreementExportCsv")
        csv.clicked.connect(lambda: self._export("CSV (*.csv)", ".csv"))
        help_button = QPushButton("What do these figures mean?", objectName="agreementHelpButton")
        help_button.setToolTip("Help: the agreement measures explained (docs/agreement.md)")
        help_button.setEnabled(show_help is not None)
        if show_help is not None:
            help_button.clicked.connect(lambda: show_help())
        self.status = QLabel(objectName="agreementStatus")
        self.tree = QTreeWidget(objectName="agreementTable")
        self.tree.setHeaderLabels(HEADERS)
        for col, tip in enumerate(HEADER_TIPS):
            self.tree.headerItem().setToolTip(col, tip)
        self.tree.setColumnWidth(0, 320)  # room for source names under their code
        self.tree.currentItemChanged.connect(self._row_chosen)
        self.comparison = ComparisonView(project)
        bar = QHBoxLayout()
        for w in (QLabel("Coder A"), self.coder_a, QLabel("Coder B"), self.coder_b, QLabel("Segment overlap"),
                  self.threshold, self.compute_button, word, csv):
            bar.addWidget(w)
        bar.addStretch()
        bar.addWidget(help_button)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tree)
        split.addWidget(self.comparison)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)
        self.reload_coders()

    def reload_coders(self) -> None:
        from workbench.services.coders import coder_names

        names = coder_names(self.project)
        for i, combo in enumerate((self.coder_a, self.coder_b)):
            current = combo.currentText()
            combo.clear()
            combo.addItems(names)
            if current in names:
                combo.setCurrentText(current)
            elif len(names) > i:
                combo.setCurrentIndex(i)

    def coders(self) -> list[str]:
        return [self.coder_a.currentText(), self.coder_b.currentText()]

    def compute(self):
        """Compute the table off the GUI thread (0.8 s on the L workload); `computed` says when.
        A newer request supersedes one still running."""
        from workbench.ui.jobs import Job, JobRunner

        if self.job is not None:
            self.job.cancel()
        job = Job(agreement_job, str(self.project.path), self.coders(), self.threshold.value() / 100.0,
                  label="Comparing coders")
        job.finished.connect(lambda data, job=job: job is self.job and self._computed(data))
        job.failed.connect(lambda message, job=job: job is self.job and self._failed(message))
        job.cancelled.connect(lambda job=job: job is self.job and self._failed(""))
        self.job = job
        self.status.setText("Comparing…")
        JobRunner.instance().start(job)
        return job

    def compute_now(self) -> None:
        """The same on this thread (an export asked before any table was made)."""
        from workbench.core.errors import WorkbenchError
        from workbench.query.agreement import agreement

        try:
            table = agreement(self.project, self.coders(), threshold=self.threshold.value() / 100.0)
        except WorkbenchError as exc:
            self.status.setText(str(exc))
            return
        self._computed(table.to_json())

    def _computed(self, data: dict) -> None:
        self.job = None
        self.table_data = data
        self._fill(data)
        self.computed.emit(data)

    def _failed(self, message: str) -> None:
        self.job = None
        self.status.setText(message)

    def closeEvent(self, event) -> None:
        if self.job is not None:
            self.job.cancel()
            self.job = None
        super().closeEvent(event)

    def _fill(self, data: dict) -> None:
        from workbench.services.lookup import CodeTree, code_by_path, source_by_name

        self.tree.clear()
        with self.project.reading() as s:
            ids = {name: source_by_name(s, name) for name in data["compared_sources"]}
            tree = CodeTree(s)
            codes = {c["code"]: code_by_path(s, c["code"], tree) for c in data["codes"]}

        def row(label: str, f: dict) -> QTreeWidgetItem:
            item = QTreeWidgetItem([label, _fmt(f["percent"], 2), _fmt(f["kappa"]), _fmt(f["alpha"]),
                                    _fmt(f["u_alpha"]), _fmt(f["segments"]["percent"], 1)])
            for col in range(1, len(HEADERS)):
                item.setToolTip(col, HEADER_TIPS[col])
                item.setTextAlignment(col, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return item

        for c in data["codes"]:
            item = row(c["code"], c)
            item.setData(0, CODE_ROLE, codes[c["code"]])
            self.tree.addTopLevelItem(item)
            for src in c["sources"]:
                child = row(src["source"], src)
                child.setData(0, SOURCE_ROLE, ids[src["source"]])
                child.setData(0, CODE_ROLE, codes[c["code"]])
                item.addChild(child)
        self.tree.addTopLevelItem(row("Overall", data["overall"]))
        n = len(data["compared_sources"])
        self.status.setText(f"{n} source{'s' if n != 1 else ''} coded by both coders compared."
                            if n else "The two coders have no source in common yet.")

    def _row_chosen(self, item, _previous=None) -> None:
        """The comparison follows the row: a source under a code shows that code there; a code shows
        itself in the source where the coders differ most (its lowest percent)."""
        if item is None:
            return
        code = item.data(0, CODE_ROLE)
        sid = item.data(0, SOURCE_ROLE)
        if sid is None and code is not None and item.childCount():
            worst = min((item.child(i) for i in range(item.childCount())),
                        key=lambda c: float(c.text(1)) if c.text(1) not in ("", "–") else 101.0)
            sid = worst.data(0, SOURCE_ROLE)
        if sid is not None:
            self.comparison.show_source(sid, self.coders(), [code] if code is not None else None)
            name = item.text(0) if item.data(0, SOURCE_ROLE) is None else item.parent().text(0)
            self.comparison.title.setText(f"{self.comparison.title.text()} — code “{name}”" if code is not None
                                          else self.comparison.title.text())

    def export(self, path: str) -> None:
        from workbench.io.agreement_export import export_table

        if self.table_data is None:
            self.compute_now()
        if self.table_data is not None:
            export_table(self.table_data, path)
            self.status.setText(f"Exported to {path}")
            self.exported.emit(str(path))

    def _export(self, filter_: str, suffix: str) -> None:
        from workbench.core.errors import WorkbenchError

        from workbench.ui import file_dialogs

        path = file_dialogs.save_file(self, "report", "Export agreement table", f"agreement{suffix}", filter_, suffix)
        if path:
            try:
                self.export(path)
            except WorkbenchError as exc:
                self.status.setText(str(exc))
