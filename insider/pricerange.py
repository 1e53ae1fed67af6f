"""The trade-price range of a weighted-average price, read from its footnote.

Filers of many small trades report one weighted-average price and footnote it: "a weighted
average price ... at prices ranging from $188.970 to $189.960, inclusive". One such footnote
per row buries the table under near-identical paragraphs; the reports keep the range as
data (`price_range_low`/`price_range_high`) and the tables show it in one column.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

_NUM = r"\$?\s?([0-9][0-9,]*(?:\.[0-9]+)?)"
_RANGE = re.compile(
    rf"ranging\s+from\s+(?:a\s+low\s+of\s+)?{_NUM}\s+to\s+(?:a\s+high\s+of\s+)?{_NUM}", re.I
)
_AVERAGE = re.compile(r"weighted[\s-]+average", re.I)


def range_in(text: str | None) -> tuple[Decimal, Decimal] | None:
    """(low, high) when `text` is a weighted-average footnote naming a price range."""
    if not text or not _AVERAGE.search(text):
        return None
    m = _RANGE.search(text)
    if not m:
        return None
    try:
        low, high = (Decimal(g.replace(",", "")) for g in m.groups())
    except InvalidOperation:
        return None
    return (low, high) if low <= high else None


def price_range(notes: list[dict[str, Any]] | None) -> tuple[Decimal, Decimal] | None:
    """The range named by the footnotes of one price (the first one that names one)."""
    for n in notes or []:
        r = range_in(n.get("text"))
        if r:
            return r
    return None
