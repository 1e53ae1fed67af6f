"""The type of every exported column, and the exact text of stored values.

SQLite keeps numbers as INTEGER, REAL (only when the REAL reads back as the filed decimal)
or the exact decimal text; dates as ISO text as filed (an impossible date such as
2007-02-30 is kept as filed). The lake gets typed columns:

- numbers (shares, prices, values): DECIMAL(38, 18) -- 20 digits before the point, 18
  after. The SEC's own data sets hold share counts as NUMBER(16, 2); filers give prices
  with up to 6-8 decimals. A stored value with more than 18 decimals or 20 integer
  digits does not fit: its column is NULL and the exact text goes to `exact_text`;
- dates: DATE; an impossible date: NULL, exact text in `exact_text`;
- times: TIMESTAMP (UTC); the form's 1/0 boxes and flags: BOOLEAN; counts and positions:
  BIGINT; everything else (CIKs as 10-digit text, accessions, codes, names): VARCHAR.

Nothing is ever rounded: a value either fits its type exactly or is kept as text.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from ..amounts import dec, value

PRECISION, SCALE = 38, 18
MAX_ABS = Decimal(10) ** (PRECISION - SCALE)

DECIMAL_COLUMNS = frozenset(
    "shares total_value price_per_share value shares_owned_following value_owned_following "
    "conversion_or_exercise_price underlying_shares underlying_value".split()
)
DATE_COLUMNS = frozenset(
    "filing_date transaction_date deemed_execution_date period_of_report "
    "date_of_original_submission exercise_date expiration_date due_date as_of_date".split()
)
TIMESTAMP_COLUMNS = frozenset("acceptance_datetime stored_at failed_at fetched_at".split())
BOOL_COLUMNS = frozenset(
    "no_securities_owned not_subject_to_section16 form3_holdings_reported "
    "form4_transactions_reported aff10b5one equity_swap_involved late plan_10b5_1 "
    "is_director is_officer is_ten_percent_owner is_other is_latest".split()
)
INT_COLUMNS = frozenset("row_num owner_count position attempts".split())

EXACT_TEXT = "exact_text"
EXACT_TEXT_DOC = (
    "JSON object {column: exact stored text} for the values of this row that do not fit "
    "their typed column (a number with more than 18 decimals or 20 integer digits, an "
    "impossible date as filed), whose typed column is then empty; empty when every value "
    "fits (nearly always). Parquet only: CSV and NDJSON carry every value as exact text."
)
YEAR_DOC = {
    "transaction_date": "Hive partition: year of transaction_date "
    "(`__HIVE_DEFAULT_PARTITION__`, read as NULL, when the row has none).",
    "as_of_date": "Hive partition: year of as_of_date.",
    "filing_date": "Hive partition: year of the filing date of the filing the row belongs to.",
}
VALUE_DOC = (
    "shares x price_per_share, exact (the SQLite view rounds it to 6 decimals), else the "
    "filed total value."
)


def kind(dataset: str, column: str) -> str:
    """decimal, date, timestamp, bool, int or text."""
    if column in DECIMAL_COLUMNS:
        return "decimal"
    if column in DATE_COLUMNS or (dataset == "signatures" and column == "date"):
        return "date"
    if column in TIMESTAMP_COLUMNS:
        return "timestamp"
    if column in BOOL_COLUMNS:
        return "bool"
    if column in INT_COLUMNS:
        return "int"
    return "text"


SQL_TYPE = {
    "decimal": f"DECIMAL({PRECISION},{SCALE})",
    "date": "DATE",
    "timestamp": "TIMESTAMP (UTC)",
    "bool": "BOOLEAN",
    "int": "BIGINT",
    "text": "VARCHAR",
}
TEXT_FORM = {
    "decimal": "decimal string, exact as stored (e.g. 54.49)",
    "date": "YYYY-MM-DD as filed",
    "timestamp": "ISO 8601 UTC as stored",
    "bool": "CSV 1/0, NDJSON true/false",
    "int": "integer",
    "text": "text",
}


def exact_decimal(v: Any) -> Decimal | None:
    """A stored number back to the exact Decimal that was filed (amounts.dec); None for
    text that is no number (never stored by insider, but the lake does not trust it)."""
    try:
        return dec(v)
    except InvalidOperation:
        return None


def plain(d: Decimal) -> str:
    """Decimal text without exponent: 1E+5 -> 100000, 1.5E-7 -> 0.00000015."""
    return format(d, "f")


def fits(d: Decimal) -> bool:
    if not d.is_finite() or abs(d) >= MAX_ABS:
        return False
    return d.normalize().as_tuple().exponent >= -SCALE  # type: ignore[operator]


def stored_text(v: Any) -> str | None:
    """The exact text of a stored number (what goes to exact_text or a CSV cell)."""
    if v is None:
        return None
    d = exact_decimal(v)
    return str(v) if d is None else plain(d)


def product(shares: Any, price: Any, total: Any) -> Decimal | None:
    """`value` of a view row, exact: the rule of amounts.VALUE_SQL (shares x price when
    both are given, else the filed total value) without its rounding to 6 places."""
    return value("transaction", exact_decimal(shares), exact_decimal(price), exact_decimal(total))
