"""A passage dragged out of the document view, as drag data the code tree and case list accept.

It sits with the models because the models read it on a drop; the document view only makes it.
"""
from __future__ import annotations

import json

from PySide6.QtCore import QMimeData

PASSAGE_MIME = "application/x-qwb-passage"  # {"source_id", "start", "end"} in code points


def passage_mime(source_id: int, start: int, end: int, text: str) -> QMimeData:
    data = QMimeData()
    data.setData(PASSAGE_MIME, json.dumps({"source_id": source_id, "start": start, "end": end}).encode())
    data.setText(text)
    return data


def read_passage(data: QMimeData) -> dict | None:
    if not data.hasFormat(PASSAGE_MIME):
        return None
    try:
        d = json.loads(bytes(data.data(PASSAGE_MIME)).decode())
        return {k: int(d[k]) for k in ("source_id", "start", "end")}
    except (ValueError, KeyError, TypeError):
        return None
