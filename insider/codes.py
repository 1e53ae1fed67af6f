"""SEC transaction codes (Form 4 General Instructions, section 8) in words."""

from __future__ import annotations

CODES: dict[str, str] = {
    "P": "open-market or private purchase",
    "S": "open-market or private sale",
    "V": "voluntarily reported earlier than required",
    "A": "grant or award from the issuer",
    "D": "disposition to the issuer",
    "F": "payment of exercise price or tax by delivering or withholding securities",
    "I": "discretionary transaction",
    "M": "exercise or conversion of a derivative exempt under Rule 16b-3",
    "C": "conversion of a derivative",
    "E": "expiration of a short derivative position",
    "H": "expiration or cancellation of a long derivative position with value received",
    "O": "exercise of an out-of-the-money derivative",
    "X": "exercise of an in-the-money or at-the-money derivative",
    "G": "bona fide gift",
    "L": "small acquisition under Rule 16a-6",
    "W": "acquisition or disposition by will or the laws of descent and distribution",
    "Z": "deposit into or withdrawal from a voting trust",
    "J": "other acquisition or disposition (described in a footnote)",
    "K": "equity swap or similar instrument",
    "U": "disposition in a change-of-control tender of shares",
}

# Short labels for tables where the full meaning would not fit.
SHORT: dict[str, str] = {
    "P": "purchase",
    "S": "sale",
    "V": "voluntary report",
    "A": "grant/award",
    "D": "disposition to issuer",
    "F": "tax/price withholding",
    "I": "discretionary",
    "M": "option exercise",
    "C": "conversion",
    "E": "short expiration",
    "H": "long expiration",
    "O": "OTM exercise",
    "X": "exercise",
    "G": "gift",
    "L": "small acquisition",
    "W": "will/descent",
    "Z": "voting trust",
    "J": "other",
    "K": "equity swap",
    "U": "tender",
}

EXERCISE_CODES = frozenset({"M", "X", "O", "C"})


def meaning(code: str | None) -> str:
    """The code in words; unknown codes are named as such, never dropped."""
    if not code:
        return "holding"
    return CODES.get(code.upper(), f"unknown code {code}")


def short(code: str | None) -> str:
    if not code:
        return "holding"
    return SHORT.get(code.upper(), f"code {code}")
