"""The PySide6 window, on top of services and query. Nothing below imports this package."""
