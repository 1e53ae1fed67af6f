"""Exact amounts: how a filed number is stored in SQLite and read back, and how computed
amounts (sums, value = shares x price) are made. One home for these rules: the store, the
views, the reports and the exports use them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

# value of a transaction row in SQL (the views): shares x price, else the filed total value.
# SQLite multiplies in binary floating point, so the views round to 6 places; the reports
# compute the same rule exactly in Decimal (`value`).
VALUE_SQL = (
    "CASE WHEN r.shares IS NOT NULL AND r.price_per_share IS NOT NULL "
    "THEN round(r.shares * r.price_per_share, 6) ELSE r.total_value END"
)


def to_sql(d: Decimal | None) -> int | float | str | None:
    """A filed Decimal as stored: INTEGER when integral and within 64 bits, REAL when that
    reads back as the same decimal, else the exact decimal text."""
    if d is None:
        return None
    if d == d.to_integral_value() and -(2**63) <= d < 2**63:
        return int(d)  # SQLite integers are 64-bit; a bigger one stays exact text
    f = float(d)
    # REAL only when it reads back as the same decimal; else keep the exact text.
    return f if Decimal(repr(f)) == d else str(d)


def dec(v: Any) -> Decimal | None:
    """A stored number back to the exact Decimal that was filed (inverse of `to_sql`)."""
    if v is None or v == "":
        return None
    if isinstance(v, float):
        return Decimal(repr(v))
    return Decimal(str(v))


def tidy(d: Decimal) -> Decimal:
    """A computed amount without the trailing zeros multiplication and addition leave
    (5500 x 54 is 297000, not 297000.00); filed values are never passed through here."""
    if d == d.to_integral_value():
        return d.quantize(Decimal(1))
    return d.normalize()


def dsum(values: Iterable[Decimal]) -> Decimal:
    """An exact sum, tidied."""
    return tidy(sum(values, Decimal(0)))


def value(
    kind: str, shares: Decimal | None, price: Decimal | None, total_value: Decimal | None
) -> Decimal | None:
    """value of a row: shares x price (exact), else the filed total value; None for a
    holding. The SQL twin is VALUE_SQL."""
    if kind != "transaction":
        return None
    if shares is not None and price is not None:
        return tidy(shares * price)
    return total_value


def row_value(r: Mapping[str, Any]) -> Decimal | None:
    """`value` of a report row (a dict with kind, shares, price_per_share, total_value)."""
    return value(r["kind"], r["shares"], r["price_per_share"], r["total_value"])
