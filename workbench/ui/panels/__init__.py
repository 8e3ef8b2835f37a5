"""Analysis panels the main window docks: query, matrix, co-occurrence, text search, frequencies.

Each is a standalone QWidget built from a Project (or a project path) that the window adds
with add_panel(widget, title, area); passages are shown by connecting `coding_activated(int)`
(a coding id) to the window's show_coding.
"""
