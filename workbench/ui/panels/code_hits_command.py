"""Coding search hits as one undoable step on the window's undo stack.

Connect a SearchPanel to the window with
    SearchPanel(ctx.project, code_hits_callback=lambda hits, code, extend:
                ctx.execute(code_hits_command(ctx, hits, code, extend)))
"""
from __future__ import annotations

from workbench.services.code_hits import hit_codings
from workbench.ui.commands.base import StepCommand
from workbench.ui.commands.coding import ApplyCodings


def code_hits_command(ctx, hits, code_id: int, extend: str = "none") -> StepCommand | None:
    """A command coding every hit with one code (widened to sentence or paragraph if asked);
    None when the person coding declines to give a name."""
    coder_id = ctx.ensure_coder()
    if coder_id is None:
        return None
    hits = list(hits)
    step = ApplyCodings(lambda: hit_codings(ctx.project, hits, code_id, coder_id, extend),
                        deleted_by=ctx.coder_name or "")
    return StepCommand(ctx, f"Code {len(hits)} search hit{'s' if len(hits) != 1 else ''}", [step])
