"""Widgets of the coding window: the document view with its margin, and the panels around it."""
