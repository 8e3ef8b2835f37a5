"""Undoable edits: each user action is one QUndoCommand whose steps call pairs of service functions."""
