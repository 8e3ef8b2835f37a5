"""Text with surrogates (a PDF's half pairs, a file name's stray bytes) is repaired, never stored
broken: valid pairs join into their character, each lone half becomes U+FFFD, and the count of
lone halves (which the import's warning gives) is counted here by hand."""
from __future__ import annotations

import pytest

from workbench.core.text import repair_text

HIGH, LOW = "\ud83d", "\ude00"  # the two halves of 😀


@pytest.mark.parametrize("raw, text, lone", [
    ("city partnerships", "city partnerships", 0),
    (HIGH + LOW, "😀", 0),
    (HIGH, "\ufffd", 1),
    ("a" + HIGH + LOW + "b" + "\udc80", "a😀b\ufffd", 1),  # one pair, one stray low half
    (LOW + HIGH, "\ufffd\ufffd", 2),  # the halves in the wrong order are no pair
    (HIGH + LOW + HIGH + LOW + "\udc80" + "\ud800", "😀😀\ufffd\ufffd", 2),
    ("Zürich " + HIGH + " " + HIGH + LOW, "Zürich \ufffd 😀", 1),
])
def test_pairs_join_and_each_lone_half_is_counted_once(raw, text, lone):
    assert repair_text(raw) == (text, lone)
