"""PDF lines joined into paragraphs, hyphenation undone, and pages kept as data (issue 9.9).

Every PDF is laid out here line by line (conftest.build_pdf, 12 pt Helvetica on a Letter
page with 1-inch margins, lines 14 pt apart); the expected texts are written by hand."""
from __future__ import annotations

import pytest
from pdf_policy import POLICY, POLICY_TEXT, TEXT_1, TEXT_2, down_the_page

from workbench.io.importers.base import PageSpan, read_document
from workbench.io.transcript import find_turns

# Lines long enough to fill most of the 468-point measure (60+ characters).
FULL_1 = "Agreements between the two cities were signed in the council"
FULL_2 = "chamber and were then sent on to the Province for its approval."
FULL_3 = "The Province took eleven months to reply to the first of them."


def text_of(write, build, *items) -> str:
    return read_document(write("t.pdf", build.pdf([down_the_page(*items)]))).text


def test_policy_paragraphs_and_pages(write, build):
    doc = read_document(write("policy.pdf", build.pdf(POLICY)))
    assert doc.text == POLICY_TEXT
    second = len(TEXT_1) + 2
    assert doc.pages == [PageSpan(1, "", 0, len(TEXT_1)), PageSpan(2, "", second, second + len(TEXT_2))]
    assert [doc.text[p.start:p.end] for p in doc.pages] == [TEXT_1, TEXT_2]


def test_a_phrase_that_wrapped_is_found(write, build):
    text = read_document(write("policy.pdf", build.pdf(POLICY))).text
    for phrase in ("serve local economic development", "between the municipalities of the region",
                   "protects the region from agreements that bind", "city-to-city networks"):
        assert phrase in text


@pytest.mark.parametrize("labels, expected", [
    ("<< /Nums [0 << /S /r >> 1 << /S /D >>] >>", ["i", "1"]),
    ("<< /Nums [0 << /S /D /P (A-) /St 3 >>] >>", ["A-3", "A-4"]),
])
def test_page_labels(write, build, labels, expected):
    doc = read_document(write("labelled.pdf", build.pdf(POLICY, page_labels=labels)))
    assert [p.label for p in doc.pages] == expected
    assert doc.text == POLICY_TEXT


@pytest.mark.parametrize("labels", ["(not a dictionary)", "<< /Nums 7 >>", "<< /Kids [null] >>"])
def test_broken_page_labels_leave_page_numbers(write, build, labels):
    doc = read_document(write("odd.pdf", build.pdf(POLICY, page_labels=labels)))
    assert doc.text == POLICY_TEXT
    assert all(p.label in ("", str(p.page)) for p in doc.pages), doc.pages


@pytest.mark.parametrize("first, second, expected", [
    # a word hyphenated by the typesetter, a lower-case letter after the hyphen
    ("Agreements between the two cities were signed in the cham-", "ber and sent on.",
     "Agreements between the two cities were signed in the chamber and sent on."),
    ("Agreements between the two cities were signed in the cham\u00ad", "ber and sent on.",
     "Agreements between the two cities were signed in the chamber and sent on."),
    # a compound broken at one of its hyphens keeps it
    ("Agreements between the two cities rest on their city-to-", "city network.",
     "Agreements between the two cities rest on their city-to-city network."),
    ("Agreements between the two cities were signed by the self-", "help-group members.",
     "Agreements between the two cities were signed by the self-help-group members."),
    # no lower-case letter after it, or a digit before it: the hyphen stays
    ("Agreements between the two cities joined the network of Afro-", "Asian towns.",
     "Agreements between the two cities joined the network of Afro-Asian towns."),
    ("Agreements between the two cities were signed in the years 2015-", "2019 and kept.",
     "Agreements between the two cities were signed in the years 2015-2019 and kept."),
    # dashes: spaced, it is a word of its own; glued, the words stay glued
    ("Agreements between the two cities were signed in the chamber -", "and sent on.",
     "Agreements between the two cities were signed in the chamber - and sent on."),
    ("Agreements between the two cities were signed in the chamber\u2014", "and sent on.",
     "Agreements between the two cities were signed in the chamber\u2014and sent on."),
])
def test_line_ends_joined(write, build, first, second, expected):
    assert text_of(write, build, first, second) == expected


def test_a_compound_written_elsewhere_keeps_its_hyphen(write, build):
    hyphenated = ("Agreements between the two cities serve the well-being of residents",
                  "and the council reported on the well-", "being of the staff as well.")
    assert text_of(write, build, *hyphenated) == (
        "Agreements between the two cities serve the well-being of residents and the council reported on "
        "the well-being of the staff as well.")
    # Written nowhere else, the rule cannot tell it from a hyphenated word (module docstring).
    assert text_of(write, build, "Agreements between the two cities serve the council and the well-",
                   "being of the staff as well.") == (
        "Agreements between the two cities serve the council and the wellbeing of the staff as well.")


@pytest.mark.parametrize("items, expected", [
    # a gap larger than the line spacing
    ((FULL_1, FULL_2, 10, FULL_3), f"{FULL_1} {FULL_2}\n\n{FULL_3}"),
    # a larger font: a heading
    (((FULL_1, 72, 14), FULL_2, FULL_3), f"{FULL_1}\n\n{FULL_2} {FULL_3}"),
    # a first-line indent starts a paragraph; the line after it continues at the margin
    ((FULL_1, FULL_2, (FULL_3, 108), FULL_1), f"{FULL_1} {FULL_2}\n\n{FULL_3} {FULL_1}"),
    # a short line that ends a sentence
    (("The council met on Monday.", FULL_3), f"The council met on Monday.\n\n{FULL_3}"),
    # a short line without a full stop before a capital: a heading in the body's size
    (("Background", FULL_3, FULL_1), f"Background\n\n{FULL_3} {FULL_1}"),
    # ... but a short line followed by a lower-case word runs on (a long address did not fit)
    (("The full report is published at", "https://www.joburg.org.za/international-relations/reports"),
     "The full report is published at https://www.joburg.org.za/international-relations/reports"),
    # a bullet starts an item even after a full line; its second line hangs under its text
    ((FULL_1, "\u2022 " + FULL_2, ("and then filed with the minutes.", 84)),
     f"{FULL_1}\n\n\u2022 {FULL_2} and then filed with the minutes."),
    # a hanging indent after a full first line that does not end a sentence (a reference list)
    ((FULL_1, ("chamber, and sent to the Province.", 90)), f"{FULL_1} chamber, and sent to the Province."),
    # ... but after one that ends a sentence, the indented line is a paragraph of its own
    ((FULL_2, ("The Province replied within the year.", 108)),
     f"{FULL_2}\n\nThe Province replied within the year."),
    # a table of contents: each entry with its dot leader is a paragraph
    (("1 Purpose . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . 1",
      "2 Approval . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . 2"),
     "1 Purpose . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . 1\n\n"
     "2 Approval . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . 2"),
])
def test_paragraph_breaks(write, build, items, expected):
    assert text_of(write, build, *items) == expected


@pytest.mark.parametrize("third", [(FULL_3, 320, 720), (FULL_3, 72, 734)])
def test_text_out_of_reading_order_is_not_joined(write, build, third):
    # A second column, or a header drawn last: the next line is not a line below.
    lines = [(FULL_1, 72, 720), (FULL_2, 72, 706), third]
    assert read_document(write("cols.pdf", build.pdf([lines]))).text == f"{FULL_1} {FULL_2}\n\n{FULL_3}"


def test_a_paragraph_is_not_joined_across_pages(write, build):
    doc = read_document(write("two.pdf", build.pdf([down_the_page(FULL_1), down_the_page(FULL_2)])))
    assert doc.text == f"{FULL_1}\n\n{FULL_2}"
    assert doc.pages == [PageSpan(1, "", 0, len(FULL_1)), PageSpan(2, "", len(FULL_1) + 2, len(doc.text))]


def test_turns_of_a_transcript_stay_apart(write, build):
    # Full lines with no spacing between turns: the label (or timestamp) starts a paragraph.
    lines = ("[00:00:05] Interviewer: How does the city choose the partners for its exchanges,",
             "and who decides on them?",
             "Ms Dlamini: We set our own agenda and we fund the exchanges from our own budget,",
             "Interviewer: And the Province, does it have a say in any of the agreements at all?",
             "[00:01:09] Ms Dlamini: Every agreement waits for the provincial sign-off.")
    text = text_of(write, build, *lines)
    assert text == (f"{lines[0]} {lines[1]}\n\n{lines[2]}\n\n{lines[3]}\n\n{lines[4]}")
    assert [t.speaker for t in find_turns(text)] == ["Interviewer", "Ms Dlamini", "Interviewer", "Ms Dlamini"]


def test_east_asian_lines_join_without_a_space():
    # Helvetica cannot show these, so the lines are given as pypdf would place them.
    from workbench.io.importers.pdf_layout import Line, PageLines, paragraphs

    first, second = "\u5e02\u8bae\u4f1a\u51b3\u5b9a" * 6, "\u4e0e\u5176\u4ed6\u57ce\u5e02\u5408\u4f5c\u3002"
    page = PageLines([Line(first, 72, 720, 12), Line(second, 72, 706, 12), Line(first, 72, 692, 12)], (0, 612))
    assert paragraphs([page]) == [f"{first}{second}\n\n{first}"]
