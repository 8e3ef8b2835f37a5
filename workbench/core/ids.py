"""Typed ids, so a code id is never passed where a source id is meant."""
from __future__ import annotations

import uuid
from typing import NewType

ProjectId = NewType("ProjectId", int)
CoderId = NewType("CoderId", int)
SourceId = NewType("SourceId", int)
CodeId = NewType("CodeId", int)
CodingId = NewType("CodingId", int)
CaseId = NewType("CaseId", int)
AttributeId = NewType("AttributeId", int)
MemoId = NewType("MemoId", int)


def new_guid() -> str:
    """A fresh GUID in the canonical lower-case, brace-free form we store."""
    return str(uuid.uuid4())


def normalize_guid(value: str) -> str:
    """GUIDs from other tools come in upper case and with braces; compare them in one form."""
    return str(uuid.UUID(value.strip().strip("{}")))
