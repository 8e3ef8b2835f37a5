"""Coding search hits in one step, optionally widened to their sentence or paragraph.

The window makes `hit_codings` one undoable step (ui/panels/code_hits_command.py); the
command line and a panel without an undo stack call `code_hits`.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select

from workbench.core.changes import Changes
from workbench.core.errors import ValidationError
from workbench.services.coding import NewCoding, apply_codes_in
from workbench.store.models import Source, SpeakerTurn
from workbench.store.project import Project

EXTENDS = ("none", "sentence", "paragraph")
# A sentence ends at . ! ? or … (with any closing quotes or brackets) followed by white space.
_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s)")


def paragraph_span(text: str, start: int, end: int, label_ends: list[tuple[int, int, int]] = ()) -> tuple[int, int]:
    """The line(s) holding start..end, without surrounding white space, and without a speaker
    label ('[00:01:09] Ms Dlamini:') when a turn of the transcript starts the first line."""
    s = text.rfind("\n", 0, start) + 1
    nl = text.find("\n", max(end - 1, start))
    e = len(text) if nl < 0 else nl
    for t_start, t_end, label_end in label_ends:
        if t_start <= s < t_end and label_end <= start:
            s = max(s, label_end)
    while s < start and text[s].isspace():
        s += 1
    while e > end and text[e - 1].isspace():
        e -= 1
    return s, e


def sentence_span(text: str, start: int, end: int, label_ends: list[tuple[int, int, int]] = ()) -> tuple[int, int]:
    """The sentence(s) holding start..end, kept within their paragraph."""
    p_start, p_end = paragraph_span(text, start, end, label_ends)
    s = p_start
    for m in _SENTENCE_END.finditer(text, p_start, start):
        s = m.end()
    m = _SENTENCE_END.search(text, max(end - 1, start), p_end)
    e = m.end() if m else p_end
    while s < start and text[s].isspace():
        s += 1
    return s, max(e, end)


def widen(text: str, start: int, end: int, extend: str, label_ends=()) -> tuple[int, int]:
    if extend == "sentence":
        return sentence_span(text, start, end, label_ends)
    if extend == "paragraph":
        return paragraph_span(text, start, end, label_ends)
    return start, end


def hit_codings(project: Project, hits: Iterable[tuple[int, int, int]], code_id: int, coder_id: int,
                extend: str = "none") -> list[NewCoding]:
    """The codings that code every (source id, start, end) hit, widened as asked; hits that
    widen to the same passage give one coding."""
    if extend not in EXTENDS:
        raise ValidationError(f"extend must be one of {', '.join(EXTENDS)}, not {extend!r}")
    hits = list(hits)
    if not hits:
        return []
    with project.reading() as s:
        ids = {h[0] for h in hits}
        texts = dict(s.execute(select(Source.id, Source.text).where(Source.id.in_(ids))).all())
        labels: dict[int, list[tuple[int, int, int]]] = {}
        if extend != "none":
            for sid, t_start, t_end, label_end in s.execute(
                    select(SpeakerTurn.source_id, SpeakerTurn.start, SpeakerTurn.end, SpeakerTurn.label_end)
                    .where(SpeakerTurn.source_id.in_(ids))):
                labels.setdefault(sid, []).append((t_start, t_end, label_end))
    spans = []
    for sid, start, end in hits:
        text = texts.get(sid)
        if text is None:
            raise ValidationError(f"source #{sid} is no longer in the project")
        spans.append((sid, *widen(text, start, end, extend, labels.get(sid, []))))
    return [NewCoding(sid, code_id, coder_id, a, b) for sid, a, b in sorted(set(spans))]


def code_hits(project: Project, hits: Iterable[tuple[int, int, int]], code_id: int, coder_id: int,
              extend: str = "none") -> Changes:
    """Code every (source id, start, end) with one code, as one transaction.

    A passage that already has this code by this coder is skipped with a warning."""
    items = hit_codings(project, hits, code_id, coder_id, extend)
    if not items:
        return Changes()
    with project.transaction() as s:
        return apply_codes_in(s, items)
