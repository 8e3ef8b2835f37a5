"""The Word report from the window, with the options the command line has: title, a template whose
styles are used (.dotx or .docx), the paper size (from the locale, or chosen), grouping by code or
by case (issue 10, item 7)."""
from __future__ import annotations

import zipfile
from pathlib import Path

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout)

from workbench.ui import file_dialogs

# Width, height in millimetres.
PAPER = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}
LETTER_TERRITORIES = {QLocale.Country.UnitedStates, QLocale.Country.Canada}


def locale_paper(locale: QLocale | None = None) -> str:
    """Letter in the United States and Canada, A4 everywhere else."""
    return "Letter" if (locale or QLocale()).territory() in LETTER_TERRITORIES else "A4"


def usable_template(template: str, tmp_dir: Path) -> str:
    """A .dotx (a Word template) as the .docx python-docx reads: the same package with the main
    part's content type said as a document's."""
    if Path(template).suffix.lower() != ".dotx":
        return template
    out = tmp_dir / (Path(template).stem + ".docx")
    try:
        with zipfile.ZipFile(template) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "[Content_Types].xml":
                    data = data.replace(b"wordprocessingml.template.main+xml", b"wordprocessingml.document.main+xml")
                dst.writestr(item, data)
    except (OSError, zipfile.BadZipFile) as exc:
        from workbench.core.errors import ValidationError

        raise ValidationError(f"{template}: cannot be used as a Word template ({exc})") from None
    return str(out)


def paper_template(template: str | None, paper: str, tmp_dir: Path) -> str:
    """The template (or a blank document) with the paper size on every section, orientation kept,
    saved in tmp_dir: the report is written on it, so the written report is never read back whole."""
    import docx
    from docx.shared import Mm

    width, height = PAPER[paper]
    document = docx.Document(template) if template else docx.Document()
    for section in document.sections:
        landscape = section.page_width is not None and section.page_height is not None \
            and section.page_width > section.page_height
        section.page_width, section.page_height = (Mm(height), Mm(width)) if landscape else (Mm(width), Mm(height))
    out = tmp_dir / "paper.docx"
    document.save(str(out))
    return str(out)


def report_job(project_path: str, out: str, filters: dict, expr: str | None, group_by: str, title: str | None,
               template: str | None, paper: str | None, report=None, should_stop=None) -> int:
    """The report, off the GUI thread on a read-only connection of its own. paper None keeps the
    template's own page size."""
    import tempfile

    from workbench.io.exporters.docx_report import export_report
    from workbench.query.segments import Filters
    from workbench.store.project import open_project

    # Streamed from the query, a source at a time: the whole project's report holds one source's
    # excerpts at once (issue 11), as `workbench export` does.
    with open_project(project_path, readonly=True) as project, \
            tempfile.TemporaryDirectory(prefix="workbench-report-") as tmp:
        used = usable_template(template, Path(tmp)) if template else None
        if paper:
            used = paper_template(used, paper, Path(tmp))
        n = export_report(project, out, Filters.from_dict(filters), expr, group_by, title or None, used,
                          report, should_stop, one_quote=True)
    return n


class ReportDialog(QDialog):
    """The report's options; the window asks where to save it after OK."""

    def __init__(self, project_name: str, group_by: str = "code", parent=None):
        super().__init__(parent)
        self.setObjectName("reportDialog")
        self.setWindowTitle("Word report of coded excerpts")
        self.title = QLineEdit(self, objectName="reportTitle")
        self.title.setPlaceholderText(project_name)
        self.template = QLineEdit(self, objectName="reportTemplate")
        self.template.setPlaceholderText("none: Word's own styles")
        browse = QPushButton("Choose…", self, objectName="reportTemplateBrowse")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.template, 1)
        row.addWidget(browse)
        self.paper = QComboBox(self, objectName="reportPaper")
        here = locale_paper()
        self.paper.addItem(f"{here} (this computer's standard)", here)
        self.paper.addItem("A4", "A4")
        self.paper.addItem("Letter", "Letter")
        self.paper.addItem("As the template", None)
        self.group_by = QComboBox(self, objectName="reportGroupBy")
        self.group_by.addItem("by code (headings follow the code tree)", "code")
        self.group_by.addItem("by case (a heading per case, then per code)", "case")
        self.group_by.setCurrentIndex(max(self.group_by.findData(group_by), 0))
        form = QFormLayout()
        form.addRow("Title", self.title)
        form.addRow("Template", row)
        form.addRow("Paper", self.paper)
        form.addRow("Group", self.group_by)
        note = QLabel("Each excerpt is a Quote, with its source, case, paragraph and coder; a passage several "
                      "coders coded alike is one quote naming them all. A template lends its styles "
                      "(Title, Heading 1–3, Quote), not its text.", self)
        note.setWordWrap(True)
        note.setEnabled(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Write report…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(note)
        lay.addWidget(buttons)
        self.resize(560, 260)

    def _browse(self) -> None:
        path = file_dialogs.open_file(self, "template", "Word template",
                                      "Word templates and documents (*.dotx *.docx);;All files (*)")
        if path:
            self.template.setText(path)

    def options(self) -> dict:
        return {"title": self.title.text().strip() or None, "template": self.template.text().strip() or None,
                "paper": self.paper.currentData(), "group_by": self.group_by.currentData()}
