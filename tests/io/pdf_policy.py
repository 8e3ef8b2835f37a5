"""A two-page policy PDF laid out line by line as a word processor would, and its text by hand.

Page 1 parts paragraphs by a larger gap (and one by a short line ending a sentence); page 2
by a first-line indent, with a bulleted item whose second line hangs under its text.
"""
from __future__ import annotations


def down_the_page(*items, top: float = 720, leading: float = 14) -> list[tuple]:
    """Lines `leading` points apart from `top`: a string sits at x=72, (text, x) or
    (text, x, size) where given; a number adds that many points of space before the next."""
    out, y = [], top
    for item in items:
        if isinstance(item, (int, float)):
            y -= item
            continue
        text, x, *size = (item, 72) if isinstance(item, str) else item
        out.append((text, x, y, *size))
        y -= leading
    return out


PAGE_1 = down_the_page(
    ("1. Purpose", 72, 16),
    10,
    "The City pursues international relations that serve local economic",
    "development and the exchange of skills between the munici-",
    "palities of the region, as the council resolved in 2019.",
    10,
    "Partnerships rest on city-to-city agreements, on twinning and on city-to-",
    "city networks. Each agreement is submitted to the Province before it is",
    "signed, and the Province replies within ninety days.",
    "Provincial sign-off can take a year, and the council has asked for a",
    "shorter route for agreements that carry no cost to the Province.",
)
PAGE_2 = down_the_page(
    ("The Province answered that the delay protects the region from agree-", 108),
    "ments that bind the city to costs it has not budgeted for; a shorter",
    "route would need a change to the provincial framework.",
    ("Both sides agree that self-governance of the city abroad needs a clear", 108),
    "budget line; the city-to-city exchanges of 2019 were paid by the self-",
    "governance fund, which the council renews every year.",
    "\u2022 Training for engineers in water management and road maintenance,",
    ("to be paid from the exchange budget of the city.", 84),
    "\u2022 A clinic in the township.",
)
POLICY = [PAGE_1, PAGE_2]

TEXT_1 = (
    "1. Purpose\n\n"
    "The City pursues international relations that serve local economic development and the exchange of "
    "skills between the municipalities of the region, as the council resolved in 2019.\n\n"
    "Partnerships rest on city-to-city agreements, on twinning and on city-to-city networks. Each agreement "
    "is submitted to the Province before it is signed, and the Province replies within ninety days.\n\n"
    "Provincial sign-off can take a year, and the council has asked for a shorter route for agreements that "
    "carry no cost to the Province."
)
TEXT_2 = (
    "The Province answered that the delay protects the region from agreements that bind the city to costs it "
    "has not budgeted for; a shorter route would need a change to the provincial framework.\n\n"
    "Both sides agree that self-governance of the city abroad needs a clear budget line; the city-to-city "
    "exchanges of 2019 were paid by the self-governance fund, which the council renews every year.\n\n"
    "\u2022 Training for engineers in water management and road maintenance, to be paid from the exchange "
    "budget of the city.\n\n"
    "\u2022 A clinic in the township."
)
POLICY_TEXT = TEXT_1 + "\n\n" + TEXT_2
