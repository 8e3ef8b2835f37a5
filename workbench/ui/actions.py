"""Building QActions the same way everywhere: object name, shortcuts, status tip, slot."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence


def make_action(parent: QObject, text: str, slot: Callable, *, name: str | None = None,
                keys=None, tip: str = "", bare: bool = False) -> QAction:
    """A QAction named `name` (tests find it by that) with its shortcuts and tip.

    With bare, the slot is called without the `checked` argument QAction.triggered carries:
    for slots whose optional parameters must not receive it.
    """
    a = QAction(text, parent)
    if name:
        a.setObjectName(name)
    if keys is not None and keys != "":  # a string, a StandardKey, a QKeySequence, or a list of them
        a.setShortcuts([QKeySequence(k) for k in (keys if isinstance(keys, list) else [keys])])
    if tip:
        a.setStatusTip(tip)
        a.setToolTip(tip)
    a.triggered.connect((lambda _=False: slot()) if bare else slot)
    return a
