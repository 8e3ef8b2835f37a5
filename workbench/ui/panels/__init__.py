"""Panels of the main window: self-contained widgets the window docks or shows in dialogs.

The analysis panels (query, matrix, co-occurrence, text search, frequencies) are built from
a Project (or a project path); the window adds them with add_panel(widget, title, area) and
shows passages by connecting `coding_activated(int)` (a coding id) to its show_coding.
"""
