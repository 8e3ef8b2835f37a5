"""Help inside the program: the user guide and the notes on agreement, queries and merging, shown in
a viewer in the window (issue 10, item 11). The documents ship in the package as workbench.docs."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout

from workbench.ui.actions import make_action


def docs_folder() -> Path | None:
    """The folder holding guide.md: the installed package's, else the checkout's docs/."""
    try:
        from importlib import resources

        folder = Path(str(resources.files("workbench.docs")))
        if (folder / "guide.md").is_file():
            return folder
    except (ImportError, TypeError):
        pass
    folder = Path(__file__).resolve().parents[2] / "docs"
    return folder if (folder / "guide.md").is_file() else None


class HelpViewer(QDialog):
    """A Markdown document with its pictures; links to the other documents open here, web links outside."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("helpViewer")
        self.setWindowTitle("Help")
        self.browser = QTextBrowser(self, objectName="helpText")
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._link)
        self.back = QPushButton("Back", self, objectName="helpBack")
        self.back.clicked.connect(self.go_back)
        close = QPushButton("Close", self)
        close.clicked.connect(self.close)
        row = QHBoxLayout()
        row.addWidget(self.back)
        row.addStretch(1)
        row.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.browser, 1)
        lay.addLayout(row)
        self.history: list[Path] = []
        self.current: Path | None = None
        self.resize(880, 760)

    def show_document(self, path: Path, anchor: str = "") -> None:
        if self.current is not None and self.current != path:
            self.history.append(self.current)
        self.current = path
        doc = self.browser.document()
        doc.setBaseUrl(QUrl.fromLocalFile(str(path.parent) + "/"))
        self.browser.setMarkdown(path.read_text(encoding="utf-8"))
        self.setWindowTitle(f"Help — {self.browser.documentTitle() or path.stem}")
        if anchor:
            self.browser.scrollToAnchor(anchor)
        self.back.setEnabled(bool(self.history))

    def go_back(self) -> None:
        if self.history:
            path = self.history.pop()
            self.current = None  # going back is not a step forward to remember
            self.show_document(path)

    def _link(self, url: QUrl) -> None:
        if url.scheme() in ("", "file") and self.current is not None:
            target = (self.current.parent / url.path()).resolve() if url.path() else self.current
            if target.suffix == ".md" and target.is_file():
                self.show_document(target, url.fragment())
                return
            if not url.path() and url.fragment():
                self.browser.scrollToAnchor(url.fragment())
                return
        QDesktopServices.openUrl(url)


class HelpActions(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.viewer: HelpViewer | None = None
        self.guide = make_action(window, "User guide", lambda: self.show("guide.md"), name="userGuide",
                                 keys=QKeySequence(QKeySequence.StandardKey.HelpContents), bare=True,
                                 tip="A walk through a study, from import to the Word report and merging")
        self.agreement = make_action(window, "Agreement measures explained", lambda: self.show("agreement.md"),
                                     name="agreementHelp", bare=True,
                                     tip="What percent agreement, kappa and alpha say, and when they are low")
        self.queries = make_action(window, "Queries explained", lambda: self.show("queries.md"), name="queryHelp",
                                   bare=True)
        self.merging = make_action(window, "Merging explained", lambda: self.show("merge.md"), name="mergeHelp",
                                   bare=True)

    def add_to(self, menu) -> None:
        menu.addAction(self.guide)
        menu.addSeparator()
        menu.addActions([self.agreement, self.queries, self.merging])
        menu.addSeparator()

    def show(self, name: str, anchor: str = "") -> HelpViewer | None:
        folder = docs_folder()
        if folder is None or not (folder / name).is_file():
            self.w.show_error(f"{name}: the help documents are not installed with this copy of the program")
            return None
        if self.viewer is None:
            self.viewer = HelpViewer(self.w)
            self.viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.viewer.destroyed.connect(lambda: setattr(self, "viewer", None))
        self.viewer.show_document(folder / name, anchor)
        self.viewer.show()
        if QGuiApplication.platformName() != "offscreen":  # a platform without windows to raise
            self.viewer.raise_()
        return self.viewer
