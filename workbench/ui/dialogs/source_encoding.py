"""Choosing the encoding of a text source whose letters came out wrong, before it is coded.

The import guesses the code page of text that is not UTF-8 and says how sure it is
(issue 12, item 11); this dialog lets the user read the kept original again in another
encoding, with a preview. Codings count characters of the text, so a coded source is refused.
"""
from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout,
                               QWidget)

from workbench.core.changes import Changes, Kind
from workbench.io.importers.encodings import CHOICES, label_of
from workbench.services.sources import encoding_choice, redecode_source

PREVIEW_CHARS = 4000


class SourceEncodingDialog(QDialog):
    """A list of encodings and the source's text as each would read it."""

    def __init__(self, project, source_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("sourceEncodingDialog")
        self.project, self.source_id = project, source_id
        info = encoding_choice(project, source_id)
        self.setWindowTitle(f"Text encoding of {info['name']}")
        self.note = QLabel(self)
        self.note.setObjectName("encodingNote")
        self.note.setWordWrap(True)
        self.choice = QComboBox(self)
        self.choice.setObjectName("encodingChoice")
        for codec, label in CHOICES:
            self.choice.addItem(label, codec)
        self.preview = QPlainTextEdit(self)
        self.preview.setObjectName("encodingPreview")
        self.preview.setReadOnly(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.note)
        lay.addWidget(self.choice)
        lay.addWidget(self.preview, 1)
        lay.addWidget(self.buttons)
        self.resize(560, 420)
        self.locked = not info["choosable"] or info["codings"] > 0
        now = label_of(info["encoding"].removeprefix("utf-8+")) if info["encoding"] else "UTF-8"
        if not info["choosable"]:
            self.note.setText(f"{info['name']} is a {info['kind']} document: its text does not depend on an "
                              "encoding.")
        elif info["codings"]:
            self.note.setText(f"{info['name']} is read as {now} and already has {info['codings']} codings; its "
                              "text can no longer change. Choose the encoding before coding a source.")
        else:
            self.note.setText(f"{info['name']} is read as {now}. If letters look wrong, choose another encoding; "
                              "the preview shows the text it gives.")
        index = self.choice.findData(info["encoding"]) if info["encoding"] else 0
        self.choice.setCurrentIndex(max(index, 0))
        self.choice.setEnabled(not self.locked)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not self.locked)
        self.choice.currentIndexChanged.connect(self._show_preview)
        self._show_preview()

    def encoding(self) -> str:
        return self.choice.currentData()

    def _show_preview(self) -> None:
        if self.locked:
            self.preview.setPlainText("")
            return
        info = encoding_choice(self.project, self.source_id, self.encoding())
        ok = info["problem"] is None
        self.preview.setPlainText(info["text"][:PREVIEW_CHARS] if ok else info["problem"])
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)


def choose_source_encoding(window, source_id: int) -> bool:
    """Ask for a source's encoding and read it again; True when the text changed."""
    ctx = window.ctx
    if ctx is None:
        return False
    dlg = SourceEncodingDialog(ctx.project, source_id, window)
    accepted = dlg.exec() == QDialog.DialogCode.Accepted
    encoding = dlg.encoding()
    dlg.deleteLater()
    if not accepted:
        return False
    changed = ctx.attempt(redecode_source, ctx.project, source_id, encoding,
                          changes=Changes().add("updated", Kind.SOURCE, source_id))
    if changed and window.document_view.source_id == source_id:
        window.document_view.load(None, [])  # the open text is the old reading: show the new one
        window.open_source(source_id)
    return bool(changed)
