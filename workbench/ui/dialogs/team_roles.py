"""Team > People and roles: who is in a team project on a server, as what; an owner grants and revokes."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout)

from workbench.core.errors import WorkbenchError
from workbench.services import team

ROLE_WORDS = {
    "owner": "owner: everything, and who is in",
    "coder": "coder: codes, uncodes and writes memos of their own",
    "reader": "reader: reads, queries and exports",
}


class TeamRolesDialog(QDialog):
    """The members of the project with their roles; grant and revoke for an owner, read-only otherwise."""

    granted = Signal(object)  # Changes

    def __init__(self, project, parent=None):
        super().__init__(parent)
        self.project = project
        self.setObjectName("teamRoles")
        self.setWindowTitle("People and roles")
        self.resize(560, 420)
        self.table = QTableWidget(0, 2, self)
        self.table.setObjectName("teamMembers")
        self.table.setHorizontalHeaderLabels(["Person (login role)", "Role"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.login = QLineEdit(self)
        self.login.setObjectName("teamLogin")
        self.login.setPlaceholderText("their PostgreSQL login role")
        self.role = QComboBox(self)
        self.role.setObjectName("teamRole")
        for kind in team.KINDS:
            self.role.addItem(ROLE_WORDS[kind], kind)
        self.role.setCurrentIndex(team.KINDS.index("coder"))
        self.grant_button = QPushButton("Grant", self)
        self.grant_button.setObjectName("teamGrant")
        self.grant_button.clicked.connect(self.grant)
        self.revoke_button = QPushButton("Revoke the selected", self)
        self.revoke_button.setObjectName("teamRevoke")
        self.revoke_button.clicked.connect(self.revoke)
        self.note = QLabel(self)
        self.note.setObjectName("teamNote")
        self.note.setWordWrap(True)
        self.message = QLabel(self)
        self.message.setObjectName("teamMessage")
        self.message.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.login, 1)
        row.addWidget(self.role, 1)
        row.addWidget(self.grant_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.revoke_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addLayout(bottom)
        self.kind = None
        try:
            self.kind = team.my_kind(project)
        except WorkbenchError as exc:
            self.message.setText(str(exc))
        owner = self.kind == "owner"
        for w in (self.login, self.role, self.grant_button, self.revoke_button):
            w.setEnabled(owner)
        self.note.setText(f"You sign in as {project.signed_in}"
                          + (f", {self.kind} of this project." if self.kind else ".")
                          + ("" if owner else " Only an owner grants and revokes roles."))
        self.reload()

    def members(self) -> list[tuple[str, str]]:
        """(person, role) as the table shows them."""
        return [(self.table.item(r, 0).text(), self.table.item(r, 1).data(Qt.ItemDataRole.UserRole))
                for r in range(self.table.rowCount())]

    def reload(self) -> None:
        try:
            rows = team.members(self.project)
        except WorkbenchError as exc:
            self.message.setText(str(exc))
            rows = []
        self.table.setRowCount(len(rows))
        for r, (login, kind) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(login))
            item = QTableWidgetItem(kind)
            item.setData(Qt.ItemDataRole.UserRole, kind)
            self.table.setItem(r, 1, item)

    def grant(self) -> bool:
        login, kind = self.login.text().strip(), self.role.currentData()
        try:
            changes = team.grant(self.project, login, kind)
        except WorkbenchError as exc:
            self.message.setText(str(exc))
            return False
        self.message.setText(f"{login} is now {kind} of the project.")
        self.login.clear()
        self.reload()
        self.granted.emit(changes)  # a new coder row: the window's coder lists follow
        return True

    def revoke(self) -> bool:
        row = self.table.currentRow()
        if row < 0:
            self.message.setText("Select a person first.")
            return False
        login = self.table.item(row, 0).text()
        try:
            team.revoke(self.project, login)
        except WorkbenchError as exc:
            self.message.setText(str(exc))
            return False
        self.message.setText(f"{login} no longer has a role in the project; their codings stay.")
        self.reload()
        return True
