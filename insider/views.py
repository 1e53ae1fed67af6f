"""The documented views: "current rows", the ownership line's columns, and every view and
screen view as SQL over the tables of schema.py. Not versioned data: db.ensure_db_shape
recreates the views whenever this text changes (docs/schema.md describes every column)."""

from __future__ import annotations

from . import roles
from .amounts import VALUE_SQL
from .links import filing_url_sql


# ---------------------------------------------------------------- views (latest only)
# "Current rows": a row counts unless an amendment restated its part of the form (amend.py
# sets superseded_by). The views and every report query use this one condition.
def current(alias: str = "r") -> str:
    """The condition that a row of ownership_rows (under `alias`) is current."""
    return f"{alias}.superseded_by IS NULL"


CURRENT_ROW = current("r")
# A filing still speaks for itself (its roles, its owners) unless an amendment replaced
# every part it reported.
LIVE_FILING = (
    "(f.superseded_by IS NULL OR EXISTS (SELECT 1 FROM ownership_rows lr "
    f"WHERE lr.accession = f.accession AND {current('lr')}))"
)
# The columns of the transaction-like views as (name, SQL expression), in order: the one
# source of the views' SQL, of COMMON_COLUMNS and of the documented column lists
# (schemadoc.py). One row per row of a filing (see docs/schema.md, joint filings). Owners
# come from the filing's denormalised owner columns (one join, no per-row subquery); the
# footnote texts are an index lookup on the field_footnotes primary key that SQLite only
# runs for rows (and queries) that use the column.
_FOOTNOTES_SQL = """(SELECT group_concat(x.note, char(10)) FROM (
        SELECT ff.field || ' [' || ff.footnote_id || ']: ' || coalesce(fn.text, '') AS note
        FROM field_footnotes ff
        LEFT JOIN footnotes fn ON fn.accession = ff.accession AND fn.footnote_id = ff.footnote_id
        WHERE ff.accession = r.accession AND ff.row_num = r.row_num
        ORDER BY ff.field, ff.position) x)"""
_COMMON = (
    ("accession", "r.accession"),
    ("filing_date", "f.filing_date"),
    ("transaction_date", "r.transaction_date"),
    ("issuer_cik", "f.issuer_cik"),
    ("issuer_ticker", "i.ticker"),
    ("owner_cik", "f.owner_ciks"),
    ("owner_name", "f.owner_names"),
    ("owner_roles", "f.owner_roles"),
    ("security_title", "r.security_title"),
    ("code", "r.code"),
    ("code_meaning", "tc.meaning"),
    ("shares", "r.shares"),
    ("price_per_share", "r.price_per_share"),
    ("value", VALUE_SQL),
    ("acquired_disposed", "r.acquired_disposed"),
    ("shares_owned_following", "r.shares_owned_following"),
    ("direct_or_indirect", "r.direct_or_indirect"),
    ("footnotes", _FOOTNOTES_SQL),
)
# The columns every transaction-like view starts with, in this order.
COMMON_COLUMNS: tuple[str, ...] = tuple(name for name, _ in _COMMON)

_TXN_EXTRAS = (
    ("form", "f.form"),
    ("form_table", "r.form_table"),
    ("row_num", "r.row_num"),
    ("issuer_name", "i.name"),
    ("owner_count", "f.owner_count"),
    ("period_of_report", "f.period_of_report"),
    ("deemed_execution_date", "r.deemed_execution_date"),
    ("timeliness", "r.timeliness"),
    ("total_value", "r.total_value"),
    ("value_owned_following", "r.value_owned_following"),
    ("nature_of_ownership", "r.nature_of_ownership"),
    ("conversion_or_exercise_price", "r.conversion_or_exercise_price"),
    ("exercise_date", "r.exercise_date"),
    ("expiration_date", "r.expiration_date"),
    ("underlying_security_title", "r.underlying_security_title"),
    ("underlying_shares", "r.underlying_shares"),
    ("underlying_value", "r.underlying_value"),
    ("late", "r.late"),
    ("due_date", "r.due_date"),
    ("late_source", "r.late_source"),
    ("plan_10b5_1", "r.plan_10b5_1"),
    ("plan_10b5_1_source", "r.plan_10b5_1_source"),
    ("amends_accession", "f.amends_accession"),
    ("source", "f.source"),
)
_HOLDING_EXTRAS = (
    ("as_of_date", "coalesce(r.transaction_date, f.period_of_report)"),
    ("kind", "r.kind"),
    ("form", "f.form"),
    ("form_table", "r.form_table"),
    ("row_num", "r.row_num"),
    ("issuer_name", "i.name"),
    ("owner_count", "f.owner_count"),
    ("nature_of_ownership", "r.nature_of_ownership"),
    ("nature_footnotes", "r.nature_footnotes"),
    ("value_owned_following", "r.value_owned_following"),
    ("conversion_or_exercise_price", "r.conversion_or_exercise_price"),
    ("exercise_date", "r.exercise_date"),
    ("expiration_date", "r.expiration_date"),
    ("underlying_security_title", "r.underlying_security_title"),
    ("underlying_shares", "r.underlying_shares"),
    ("underlying_value", "r.underlying_value"),
    ("source", "f.source"),
)
TRANSACTION_VIEW_COLUMNS: tuple[str, ...] = COMMON_COLUMNS + tuple(n for n, _ in _TXN_EXTRAS)
HOLDING_VIEW_COLUMNS: tuple[str, ...] = COMMON_COLUMNS + tuple(n for n, _ in _HOLDING_EXTRAS)


def _select(columns) -> str:
    return ",\n".join(
        f"    {expr}" if expr.endswith(f".{name}") else f"    {expr} AS {name}"
        for name, expr in columns
    )


_JOINS = """
JOIN filings f ON f.accession = r.accession
LEFT JOIN issuers i ON i.cik = f.issuer_cik
LEFT JOIN transaction_codes tc ON tc.code = r.code
"""

_TRANSACTIONS = (
    "SELECT\n"
    + _select(_COMMON + _TXN_EXTRAS)
    + "\nFROM ownership_rows r"
    + _JOINS
    + f"WHERE r.kind = 'transaction' AND {CURRENT_ROW}"
)

# is_latest is maintained on every write (positions.refresh_latest), so the view is a plain
# filtered join: fast with or without a WHERE, on any size of database.
_HOLDINGS_LATEST = (
    "SELECT\n"
    + _select(_COMMON + _HOLDING_EXTRAS)
    + "\nFROM ownership_rows r"
    + _JOINS
    + "WHERE r.is_latest = 1"
)

# The rule behind is_latest: among rows of a position that report an amount and are not
# superseded, the latest by as-of date, then filing date, accession and row.
LATEST_ORDER = (
    "coalesce(r.transaction_date, f.period_of_report) DESC, f.filing_date DESC, "
    "r.accession DESC, r.row_num DESC"
)

VIEWS: dict[str, str] = {
    "transactions": _TRANSACTIONS,
    "sales": "SELECT * FROM transactions WHERE code = 'S'",
    "purchases": "SELECT * FROM transactions WHERE code = 'P'",
    "option_exercises": (
        "SELECT * FROM transactions WHERE code IN ('M', 'X', 'O', 'C') AND form_table = 'II'"
    ),
    "holdings_latest": _HOLDINGS_LATEST,
    "filings_late": "SELECT * FROM transactions WHERE late = 1",
}

# ---------------------------------------------------------------- screens (insider screen)
# One row per current transaction row, with what a market screen shows beside the common
# columns: acceptance time, shares owned before, the change in ownership, the flags and the
# filing's address on sec.gov. The screens (screens.py, screen_queries.py) read these views.
_OWNED_BEFORE = (
    "CASE WHEN r.shares IS NULL OR r.shares_owned_following IS NULL THEN NULL "
    "WHEN r.acquired_disposed = 'A' THEN round(r.shares_owned_following - r.shares, 6) "
    "WHEN r.acquired_disposed = 'D' THEN round(r.shares_owned_following + r.shares, 6) END"
)
_SCREEN_EXTRAS = (
    ("acceptance_datetime", "f.acceptance_datetime"),
    ("issuer_name", "i.name"),
    ("owner_count", "f.owner_count"),
    ("form", "f.form"),
    ("form_table", "r.form_table"),
    ("row_num", "r.row_num"),
    ("owned_before", _OWNED_BEFORE),
    (
        "delta_own_pct",
        f"CASE WHEN ({_OWNED_BEFORE}) > 0 THEN round("
        "(CASE r.acquired_disposed WHEN 'D' THEN -100.0 ELSE 100.0 END) * r.shares "
        f"/ ({_OWNED_BEFORE}), 1) END",
    ),
    ("plan_10b5_1", "r.plan_10b5_1"),
    ("late", "r.late"),
    ("filing_url", filing_url_sql("f.issuer_cik", "r.accession")),
    ("source", "f.source"),
)
SCREEN_VIEW_COLUMNS: tuple[str, ...] = COMMON_COLUMNS + tuple(n for n, _ in _SCREEN_EXTRAS)
_SCREEN_TRADES = (
    "SELECT\n"
    + _select(_COMMON + _SCREEN_EXTRAS)
    + "\nFROM ownership_rows r"
    + _JOINS
    + f"WHERE r.kind = 'transaction' AND {CURRENT_ROW}"
)
# Open-market trades of the stock itself (Table I), as screens mean them unless said otherwise.
_OPEN_MARKET = "SELECT * FROM screen_trades WHERE form_table = 'I' AND code = "

SCREEN_VIEWS: dict[str, str] = {
    "screen_trades": _SCREEN_TRADES,
    "screen_purchases": _OPEN_MARKET + "'P'",
    "screen_sales": _OPEN_MARKET + "'S'",
    "screen_officer_purchases": _OPEN_MARKET
    + "'P' AND "
    + roles.sql_condition("officer", "owner_roles"),
    "screen_ceo_cfo_purchases": _OPEN_MARKET
    + "'P' AND "
    + roles.sql_any(roles.CEO_CFO, "owner_roles"),
    "screen_late": "SELECT * FROM screen_trades WHERE late = 1",
}
VIEWS.update(SCREEN_VIEWS)
