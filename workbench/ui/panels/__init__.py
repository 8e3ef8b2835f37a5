"""Panels of the main window: self-contained widgets the window docks or shows in dialogs."""
