"""Dialogs of the coding window: the code picker, the coder prompt, code properties."""
