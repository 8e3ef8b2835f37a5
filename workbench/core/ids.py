"""Typed ids, so a code id is never passed where a source id is meant."""
from __future__ import annotations

import os
import threading
import time
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


_TAIL_BITS = 74  # rand_a (12 bits) and rand_b (62 bits) of a version 7 UUID, read as one counter
_TAIL_MAX = (1 << _TAIL_BITS) - 1
_RAND_B_MASK = (1 << 62) - 1
_lock = threading.Lock()
_last_ms = -1
_last_tail = 0


def _next_stamp() -> tuple[int, int]:
    """This process's next (millisecond, tail) pair, strictly above the one before it.

    A new millisecond starts the tail at a random 73-bit value (the top bit left clear, so the
    counter has room to climb): two processes stamping in the same millisecond meet only if
    their random starts fall within a few thousand of each other out of 2**73. Within one
    millisecond, or if the clock steps back, the tail counts up from the last one, so the
    order of GUIDs made by one process is the order they were made in.
    """
    global _last_ms, _last_tail
    now_ms = time.time_ns() // 1_000_000
    with _lock:
        if now_ms > _last_ms:
            _last_ms, _last_tail = now_ms, int.from_bytes(os.urandom(10), "big") >> 7
        elif _last_tail < _TAIL_MAX:
            _last_tail += 1
        else:  # 2**73 GUIDs in one millisecond will not happen; borrow the next one if it did
            _last_ms, _last_tail = _last_ms + 1, int.from_bytes(os.urandom(10), "big") >> 7
        return _last_ms, _last_tail


def new_guid() -> str:
    """A fresh GUID in the canonical lower-case, brace-free form we store.

    Time-ordered (the UUID version 7 layout of RFC 9562: a 48-bit Unix time in milliseconds,
    then the version and variant bits around 74 bits of counter and randomness), so a new row
    lands at the right-hand edge of each unique GUID index instead of at a random page of it:
    uuid4 GUIDs made inserting codings grow faster than the rows written (issue 11). Still an
    RFC 4122 variant UUID string, as the REFI-QDA GUIDType pattern asks.
    """
    ms, tail = _next_stamp()
    value = ((ms & 0xFFFF_FFFF_FFFF) << 80 | 0x7 << 76 | (tail >> 62) << 64
             | 0b10 << 62 | (tail & _RAND_B_MASK))
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def normalize_guid(value: str) -> str:
    """GUIDs from other tools come in upper case and with braces; compare them in one form."""
    return str(uuid.UUID(value.strip().strip("{}")))
