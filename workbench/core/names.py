"""The one rule for names: how they are cleaned when stored and compared when matched.

Every create, rename, import and merge of a code, case, attribute, coder, source or
folder goes through `clean_name` and compares by `name_key`; the store keeps the key in
a column under a unique index, so two names the rule calls equal can never both exist
(issue 9: "Addis Ababa" / "addis ababa" / "Addis  Ababa" are one case everywhere).
Lengths are checked here, before a value reaches any engine (PostgreSQL enforces
VARCHAR(n); SQLite does not).
"""
from __future__ import annotations

import unicodedata

from workbench.core.errors import ValidationError

# The longest name each kind may have: the column sizes of the store (store/models.py).
MAX_LENGTH = {
    "code": 300,
    "case": 300,
    "attribute": 200,
    "coder": 200,
    "source": 500,
    "folder": 300,
    "saved query": 300,
    "project": 200,
    "memo title": 300,
}


def clean_name(kind: str, name: str) -> str:
    """The name as stored: runs of whitespace made one space, ends trimmed; refused when empty,
    too long, or holding characters that are not text (controls, lone surrogates)."""
    if not isinstance(name, str):
        raise ValidationError(f"a {kind} name must be text")
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationError(f"a {kind} needs a name")
    for ch in cleaned:
        cat = unicodedata.category(ch)
        if cat == "Cs":
            raise ValidationError(f"the {kind} name {cleaned.encode('utf-8', 'backslashreplace').decode()!r} "
                                  "is not valid Unicode (it holds a lone surrogate)")
        if cat == "Cc":
            raise ValidationError(f"the {kind} name {cleaned!r} holds a control character (U+{ord(ch):04X})")
    limit = MAX_LENGTH.get(kind)
    if limit is not None and len(cleaned) > limit:
        raise ValidationError(f"a {kind} name can have at most {limit} characters (this one has {len(cleaned)})")
    return cleaned


def name_key(name: str) -> str:
    """How names compare: whitespace runs as one space, ends trimmed, case folded, composed form.

    'Zürich' typed with a combining diaeresis and 'ZÜRICH' have one key; no other folding
    (accents, punctuation) is done, so 'Sao Paulo' and 'São Paulo' stay two names.
    """
    collapsed = " ".join(name.split())
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", collapsed).casefold())


def fit(text: str, limit: int) -> str:
    """A text the program makes itself (a report's title from file names) cut to its column's
    length, an ellipsis ending what was cut: PostgreSQL enforces VARCHAR(n), SQLite does not."""
    return text if len(text) <= limit else text[:limit - 1] + "…"
