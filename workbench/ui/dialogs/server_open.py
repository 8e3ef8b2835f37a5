"""File → Open server project…: a project on a PostgreSQL server, by URL or by its parts.

The user types a `postgresql://user@host[:port]/database?project=NAME` URL, or fills in
host, port, database, project and user. No password field: libpq finds one in its usual
places (~/.pgpass, PGPASSFILE, PGPASSWORD), and the window asks for one only when the
server refuses to sign in without it (`open_server_project`). The password lives in
memory for the session only: recent projects keep the URL without it, and no message
shows it.
"""
from __future__ import annotations

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QSpinBox, QTabWidget,
                               QVBoxLayout, QWidget)

from workbench.core.errors import ProjectError, SignInRefused, WorkbenchError
from workbench.core.location import ServerLocation, check_server_project_name, parse_server_location


class ServerOpenDialog(QDialog):
    """A URL, or host, port, database, project and user; `location()` is what was chosen."""

    def __init__(self, parent=None, url: str = ""):
        super().__init__(parent)
        self.setObjectName("serverOpenDialog")
        self.setWindowTitle("Open a project on a server")
        self.tabs = QTabWidget(self)
        self.url = QLineEdit(url, self)
        self.url.setObjectName("serverUrl")
        self.url.setPlaceholderText("postgresql://you@db.example.org/research?project=study")
        by_url = QWidget(self)
        form = QFormLayout(by_url)
        form.addRow("Address:", self.url)
        hint = QLabel("The project's address, as your group's IT person gave it to you.", by_url)
        hint.setWordWrap(True)
        hint.setEnabled(False)
        form.addRow(hint)
        self.host, self.database, self.project, self.user = (QLineEdit(self) for _ in range(4))
        self.host.setObjectName("serverHost")
        self.database.setObjectName("serverDatabase")
        self.project.setObjectName("serverProject")
        self.user.setObjectName("serverUser")
        self.host.setPlaceholderText("db.example.org")
        self.project.setPlaceholderText("study (lower-case letters, digits and _)")
        self.port = QSpinBox(self)
        self.port.setObjectName("serverPort")
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        by_parts = QWidget(self)
        parts = QFormLayout(by_parts)
        for label, field in (("Server:", self.host), ("Port:", self.port), ("Database:", self.database),
                             ("Project:", self.project), ("User name:", self.user)):
            parts.addRow(label, field)
        self.tabs.addTab(by_url, "Address")
        self.tabs.addTab(by_parts, "Server, database, project")
        self.problem = QLabel("", self)
        self.problem.setObjectName("serverProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020")
        tls = QLabel("The connection to any server but this computer is encrypted (TLS). Passwords are asked "
                     "for when the server needs one and are never stored.", self)
        tls.setWordWrap(True)
        tls.setEnabled(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs)
        lay.addWidget(tls)
        lay.addWidget(self.problem)
        lay.addWidget(self.buttons)
        self.resize(520, 260)

    def location(self) -> ServerLocation:
        """What the fields name; ProjectError (one line, no password) when they name nothing usable."""
        if self.tabs.currentIndex() == 0:
            return parse_server_location(self.url.text().strip())
        host, database = self.host.text().strip(), self.database.text().strip()
        project, user = self.project.text().strip(), self.user.text().strip()
        if not host or not database:
            raise ProjectError("name the server and the database")
        return ServerLocation(host, self.port.value() if self.port.value() != 5432 else None, database,
                              check_server_project_name(project), user or None)

    def accept(self) -> None:
        try:
            self.location()
        except WorkbenchError as exc:
            self.problem.setText(str(exc))
            return
        super().accept()


def ask_password(parent, loc: ServerLocation, message: str) -> str | None:
    """The password prompt; None if the user cancels. Replaced in tests."""
    dlg = QDialog(parent)
    dlg.setObjectName("passwordPrompt")
    dlg.setWindowTitle("Password")
    who = f"{loc.user}@{loc.host}" if loc.user else loc.host
    label = QLabel(f"The server asks for a password to sign {who} in to the project {loc.project}.\n{message}", dlg)
    label.setWordWrap(True)
    field = QLineEdit(dlg)
    field.setObjectName("passwordField")
    field.setEchoMode(QLineEdit.EchoMode.Password)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dlg)
    buttons.accepted.connect(dlg.accept)
    buttons.rejected.connect(dlg.reject)
    lay = QVBoxLayout(dlg)
    lay.addWidget(label)
    lay.addWidget(field)
    lay.addWidget(buttons)
    ok = dlg.exec() == QDialog.DialogCode.Accepted
    text = field.text() if ok else None
    dlg.deleteLater()
    return text


def open_server_project(parent, loc: ServerLocation, readonly: bool = False, tries: int = 3):
    """Open a server project, asking for a password only when the server refuses to sign in
    without one; returns the Project. Raises WorkbenchError (never showing a password) when
    it cannot be opened, or Cancelled-like ProjectError when the user declines the prompt."""
    from workbench.store.project import open_project

    attempt = loc
    for _ in range(tries):
        try:
            return open_project(attempt, readonly=readonly)
        except SignInRefused:
            if attempt.password is not None and attempt is loc:
                raise  # the URL's own password was refused: say so, do not ask
            password = ask_password(parent, loc, "" if attempt is loc else "That password was refused; try again.")
            if password is None:
                raise ProjectError(f"{loc}: not opened (no password given)") from None
            attempt = loc.with_password(password)
    raise ProjectError(f"{loc}: the server refused the password {tries} times; not opened") from None
