"""Dockable panels of the main window that stand on their own (agreement, ...)."""
