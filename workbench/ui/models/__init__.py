"""Qt item models over the store: ids plus cached display rows, never ORM objects."""
from PySide6.QtCore import Qt

ID_ROLE = Qt.ItemDataRole.UserRole  # the entity id of a row (code, source, case or coding)
KIND_ROLE = Qt.ItemDataRole.UserRole + 1  # what the id names, where a model mixes kinds
