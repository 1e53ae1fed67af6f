"""The database schema: versioned DDL, forward migrations, views and full-text search.

`PRAGMA user_version` says which version a file has. A migration takes a file from version
n to n + 1 and never edits an older step: version 1 is frozen as it shipped, so a file
written by any earlier insider can be brought forward (tests/test_store_schema.py runs
every path). Views, the code table and the full-text indexes are not versioned data:
db.ensure_db_shape recreates them whenever their definition changes.
docs/schema.md describes every table, view and column (tests compare it with a real file).
Its length is SQL text: each frozen migration keeps its DDL as shipped.
"""

from __future__ import annotations

import re
import sqlite3

from . import roles
from .amounts import VALUE_SQL
from .codes import CODES
from .links import filing_url_sql

LATEST = 4

# ---------------------------------------------------------------- version 1 (frozen)
V1 = [
    """CREATE TABLE IF NOT EXISTS issuers (
    cik TEXT PRIMARY KEY,
    name TEXT,
    ticker TEXT
)""",
    """CREATE TABLE IF NOT EXISTS owners (
    cik TEXT PRIMARY KEY,
    name TEXT
)""",
    """CREATE TABLE IF NOT EXISTS filings (
    accession TEXT PRIMARY KEY,
    form TEXT NOT NULL,
    filing_date TEXT,
    acceptance_datetime TEXT,
    period_of_report TEXT,
    date_of_original_submission TEXT,
    issuer_cik TEXT REFERENCES issuers(cik),
    schema_version TEXT,
    no_securities_owned INTEGER,
    not_subject_to_section16 INTEGER,
    form3_holdings_reported INTEGER,
    form4_transactions_reported INTEGER,
    aff10b5one INTEGER,
    remarks TEXT,
    amends_accession TEXT,
    superseded_by TEXT,
    url TEXT,
    raw_xml BLOB NOT NULL,
    parser_version TEXT NOT NULL,
    stored_at TEXT NOT NULL
)""",
    "CREATE INDEX IF NOT EXISTS filings_issuer ON filings(issuer_cik, period_of_report)",
    """CREATE TABLE IF NOT EXISTS filing_owners (
    accession TEXT NOT NULL REFERENCES filings(accession) ON DELETE CASCADE,
    owner_cik TEXT NOT NULL REFERENCES owners(cik),
    position INTEGER NOT NULL,
    name TEXT,
    street1 TEXT, street2 TEXT, city TEXT, state TEXT, zip TEXT,
    is_director INTEGER, is_officer INTEGER, is_ten_percent_owner INTEGER, is_other INTEGER,
    officer_title TEXT, other_text TEXT,
    roles TEXT,
    PRIMARY KEY (accession, owner_cik)
)""",
    "CREATE INDEX IF NOT EXISTS filing_owners_owner ON filing_owners(owner_cik)",
    """CREATE TABLE IF NOT EXISTS ownership_rows (
    accession TEXT NOT NULL REFERENCES filings(accession) ON DELETE CASCADE,
    row_num INTEGER NOT NULL,
    form_table TEXT NOT NULL CHECK (form_table IN ('I', 'II')),
    kind TEXT NOT NULL CHECK (kind IN ('transaction', 'holding')),
    security_title TEXT,
    transaction_date TEXT,
    deemed_execution_date TEXT,
    form_type TEXT,
    code TEXT,
    equity_swap_involved INTEGER,
    timeliness TEXT,
    shares NUMERIC,
    total_value NUMERIC,
    price_per_share NUMERIC,
    acquired_disposed TEXT,
    shares_owned_following NUMERIC,
    value_owned_following NUMERIC,
    direct_or_indirect TEXT,
    nature_of_ownership TEXT,
    conversion_or_exercise_price NUMERIC,
    exercise_date TEXT,
    expiration_date TEXT,
    underlying_security_title TEXT,
    underlying_shares NUMERIC,
    underlying_value NUMERIC,
    late INTEGER,
    plan_10b5_1 INTEGER,
    plan_10b5_1_source TEXT,
    PRIMARY KEY (accession, row_num)
)""",
    "CREATE INDEX IF NOT EXISTS ownership_rows_code ON ownership_rows(code, transaction_date)",
    """CREATE TABLE IF NOT EXISTS footnotes (
    accession TEXT NOT NULL REFERENCES filings(accession) ON DELETE CASCADE,
    footnote_id TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (accession, footnote_id)
)""",
    """CREATE TABLE IF NOT EXISTS field_footnotes (
    accession TEXT NOT NULL,
    row_num INTEGER NOT NULL,
    field TEXT NOT NULL,
    footnote_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (accession, row_num, field, footnote_id),
    FOREIGN KEY (accession, row_num) REFERENCES ownership_rows(accession, row_num)
        ON DELETE CASCADE
)""",
    """CREATE TABLE IF NOT EXISTS signatures (
    accession TEXT NOT NULL REFERENCES filings(accession) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT,
    date TEXT,
    PRIMARY KEY (accession, position)
)""",
    """CREATE TABLE IF NOT EXISTS transaction_codes (
    code TEXT PRIMARY KEY,
    meaning TEXT NOT NULL
)""",
    """CREATE TABLE IF NOT EXISTS sync_failures (
    accession TEXT PRIMARY KEY,
    issuer_cik TEXT,
    url TEXT,
    reason TEXT NOT NULL,
    failed_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1
)""",
    """CREATE TABLE IF NOT EXISTS ticker_cache (
    ticker TEXT PRIMARY KEY,
    cik TEXT NOT NULL,
    title TEXT,
    fetched_at TEXT NOT NULL
)""",
]

# Full-text indexes on names as version 2 created them (external-content FTS5 tables,
# kept in sync by triggers). FTS below is the current definition: db.ensure_db_shape
# recreates the indexes whenever it changes.
_FTS_V2 = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS owners_fts USING fts5("
    "name, content='owners', content_rowid='rowid')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS issuers_fts USING fts5("
    "name, ticker, content='issuers', content_rowid='rowid')",
    """CREATE TRIGGER IF NOT EXISTS owners_fts_ai AFTER INSERT ON owners BEGIN
    INSERT INTO owners_fts(rowid, name) VALUES (new.rowid, new.name);
END""",
    """CREATE TRIGGER IF NOT EXISTS owners_fts_ad AFTER DELETE ON owners BEGIN
    INSERT INTO owners_fts(owners_fts, rowid, name) VALUES ('delete', old.rowid, old.name);
END""",
    """CREATE TRIGGER IF NOT EXISTS owners_fts_au AFTER UPDATE ON owners BEGIN
    INSERT INTO owners_fts(owners_fts, rowid, name) VALUES ('delete', old.rowid, old.name);
    INSERT INTO owners_fts(rowid, name) VALUES (new.rowid, new.name);
END""",
    """CREATE TRIGGER IF NOT EXISTS issuers_fts_ai AFTER INSERT ON issuers BEGIN
    INSERT INTO issuers_fts(rowid, name, ticker) VALUES (new.rowid, new.name, new.ticker);
END""",
    """CREATE TRIGGER IF NOT EXISTS issuers_fts_ad AFTER DELETE ON issuers BEGIN
    INSERT INTO issuers_fts(issuers_fts, rowid, name, ticker)
        VALUES ('delete', old.rowid, old.name, old.ticker);
END""",
    """CREATE TRIGGER IF NOT EXISTS issuers_fts_au AFTER UPDATE ON issuers BEGIN
    INSERT INTO issuers_fts(issuers_fts, rowid, name, ticker)
        VALUES ('delete', old.rowid, old.name, old.ticker);
    INSERT INTO issuers_fts(rowid, name, ticker) VALUES (new.rowid, new.name, new.ticker);
END""",
]

# ---------------------------------------------------------------- version 2
# Added columns are derived from the raw XML (or from other rows), so the step ends by
# re-deriving every table from the stored documents (reparse.rederive_all).
V2 = [
    # As filed on this filing (issuers.name/ticker hold the latest filing's values).
    "ALTER TABLE filings ADD COLUMN issuer_name TEXT",
    "ALTER TABLE filings ADD COLUMN issuer_ticker TEXT",
    # Reporting owners of the filing in document order, joined by '; ' (derived).
    "ALTER TABLE filings ADD COLUMN owner_count INTEGER",
    "ALTER TABLE filings ADD COLUMN owner_ciks TEXT",
    "ALTER TABLE filings ADD COLUMN owner_names TEXT",
    "ALTER TABLE filings ADD COLUMN owner_roles TEXT",
    # Set when a later amendment restates this row's part of the form (see amend.py).
    "ALTER TABLE ownership_rows ADD COLUMN superseded_by TEXT",
    "ALTER TABLE ownership_rows ADD COLUMN due_date TEXT",
    "ALTER TABLE ownership_rows ADD COLUMN late_source TEXT",
    # Texts of the footnotes on natureOfOwnership: tells apart indirect lines that share a
    # nature ("Trust" with footnote F8, "Trust" with F9: two different trusts).
    "ALTER TABLE ownership_rows ADD COLUMN nature_footnotes TEXT",
    # Which position (ownership line) a row reports, and whether it is that position's
    # latest report: holdings_latest reads is_latest = 1 instead of ranking every row.
    "ALTER TABLE ownership_rows ADD COLUMN position_key TEXT",
    "ALTER TABLE ownership_rows ADD COLUMN is_latest INTEGER",
    "CREATE INDEX IF NOT EXISTS ownership_rows_position ON ownership_rows(position_key)",
    "CREATE INDEX IF NOT EXISTS ownership_rows_is_latest ON ownership_rows(is_latest) "
    "WHERE is_latest = 1",
    "CREATE INDEX IF NOT EXISTS filings_filing_date ON filings(filing_date)",
    # The latest filing of an issuer (issuers.name/ticker follow it).
    "CREATE INDEX IF NOT EXISTS filings_issuer_date ON filings(issuer_cik, filing_date, accession)",
    "CREATE INDEX IF NOT EXISTS filings_amends ON filings(amends_accession)",
    "CREATE INDEX IF NOT EXISTS issuers_ticker ON issuers(ticker)",
    "CREATE INDEX IF NOT EXISTS ownership_rows_late ON ownership_rows(late) WHERE late = 1",
    # Full-text search on names, kept in sync by triggers (external-content FTS5 tables).
    *_FTS_V2,
    "INSERT INTO owners_fts(owners_fts) VALUES ('rebuild')",
    "INSERT INTO issuers_fts(issuers_fts) VALUES ('rebuild')",
]

# ---------------------------------------------------------------- version 3
# Number columns lose their NUMERIC affinity: store.py writes INTEGER or REAL when that is
# the exact filed value and the decimal text otherwise, and NUMERIC affinity turned that
# text back into a REAL ("54.123456789012345678" read back as 54.1234567890123). SQLite
# cannot change a column's type, so the table is rebuilt; its rows are derived data and
# the step ends by re-deriving every table from the stored raw XML.
V3 = [
    "DELETE FROM field_footnotes",
    "DROP TABLE ownership_rows",
    """CREATE TABLE ownership_rows (
    accession TEXT NOT NULL REFERENCES filings(accession) ON DELETE CASCADE,
    row_num INTEGER NOT NULL,
    form_table TEXT NOT NULL CHECK (form_table IN ('I', 'II')),
    kind TEXT NOT NULL CHECK (kind IN ('transaction', 'holding')),
    security_title TEXT,
    transaction_date TEXT,
    deemed_execution_date TEXT,
    form_type TEXT,
    code TEXT,
    equity_swap_involved INTEGER,
    timeliness TEXT,
    shares,
    total_value,
    price_per_share,
    acquired_disposed TEXT,
    shares_owned_following,
    value_owned_following,
    direct_or_indirect TEXT,
    nature_of_ownership TEXT,
    conversion_or_exercise_price,
    exercise_date TEXT,
    expiration_date TEXT,
    underlying_security_title TEXT,
    underlying_shares,
    underlying_value,
    late INTEGER,
    plan_10b5_1 INTEGER,
    plan_10b5_1_source TEXT,
    superseded_by TEXT,
    due_date TEXT,
    late_source TEXT,
    nature_footnotes TEXT,
    position_key TEXT,
    is_latest INTEGER,
    PRIMARY KEY (accession, row_num)
)""",
    "CREATE INDEX ownership_rows_code ON ownership_rows(code, transaction_date)",
    "CREATE INDEX ownership_rows_position ON ownership_rows(position_key)",
    "CREATE INDEX ownership_rows_is_latest ON ownership_rows(is_latest) WHERE is_latest = 1",
    "CREATE INDEX ownership_rows_late ON ownership_rows(late) WHERE late = 1",
]

FTS: list[str] = _FTS_V2
FTS_NAMES = ("owners_fts", "issuers_fts")

# Tables that are no migrated data (created IF NOT EXISTS on every writable open by
# db.ensure_db_shape; new storage of later features goes here, not in a version bump).
# insider watch's state (issue 11): the last filing handled, the floor, a pending day.
WATCH_STATE = """CREATE TABLE IF NOT EXISTS watch_state (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
)"""
SHAPE_TABLES: list[str] = [
    """CREATE TABLE IF NOT EXISTS insider_shape (
    part TEXT PRIMARY KEY,
    hash TEXT NOT NULL
)""",
    WATCH_STATE,
    # What `insider export DIR` last wrote to each folder (insider/lake/state.py).
    """CREATE TABLE IF NOT EXISTS lake_partitions (
    lake TEXT NOT NULL,
    dataset TEXT NOT NULL,
    partition TEXT NOT NULL,
    format TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    rows INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    file TEXT NOT NULL,
    exported_at TEXT NOT NULL,
    PRIMARY KEY (lake, dataset, partition)
)""",
    # Per export folder: changed since its last export? (insider/lake/changes.py)
    """CREATE TABLE IF NOT EXISTS lake_exports (
    lake TEXT PRIMARY KEY,
    dirty INTEGER NOT NULL,
    pending INTEGER NOT NULL,
    schema_version INTEGER NOT NULL,
    selection TEXT NOT NULL,
    exported_at TEXT NOT NULL
)""",
]

# version -> (statements taking version-1 to version, re-derive from raw XML afterwards)
# ---------------------------------------------------------------- version 4
# Provenance (issue 10): a filing is stored from its XML ('xml') or from a row of the SEC's
# quarterly Insider Transactions Data Sets ('dataset:2024q3', numbers rounded to 2
# decimals, no raw XML, acceptance time or URL; source_sha256 = the ZIP's SHA-256), and
# which data-set quarters were imported from which ZIP. Existing filings are all 'xml'.
V4 = [
    "ALTER TABLE filings ADD COLUMN source TEXT NOT NULL DEFAULT 'xml'",
    "ALTER TABLE filings ADD COLUMN source_sha256 TEXT",
    "CREATE INDEX IF NOT EXISTS filings_source ON filings(source)",
    """CREATE TABLE IF NOT EXISTS dataset_quarters (
    quarter TEXT PRIMARY KEY,
    url TEXT,
    sha256 TEXT NOT NULL,
    size INTEGER,
    etag TEXT,
    last_modified TEXT,
    filings INTEGER NOT NULL,
    skipped INTEGER NOT NULL,
    rows INTEGER NOT NULL,
    imported_at TEXT NOT NULL
)""",
]

MIGRATIONS: dict[int, tuple[list[str], bool]] = {
    1: (V1, False),
    2: (V2, True),
    3: (V3, True),
    4: (V4, False),
}


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
# screen_late newest first without sorting every late row (created with the shape).
SHAPE_TABLES.append(
    "CREATE INDEX IF NOT EXISTS ownership_rows_late_date ON ownership_rows(late, "
    "transaction_date) WHERE late = 1"
)
# insider status counts filings by source and form from this index, not the table (whose
# rows carry the raw XML).
SHAPE_TABLES.append(
    "CREATE INDEX IF NOT EXISTS filings_source_form ON filings(source, form, filing_date)"
)


def user_tables(conn: sqlite3.Connection) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
            "AND name NOT LIKE 'sqlite_%'"
        )
    ]


def create_views(conn: sqlite3.Connection) -> None:
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'").fetchall():
        conn.execute(f'DROP VIEW "{name}"')
    for name, sql in VIEWS.items():
        conn.execute(f"CREATE VIEW {name} AS {sql}")


def load_codes(conn: sqlite3.Connection) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO transaction_codes(code, meaning) VALUES (?, ?)",
        sorted(CODES.items()),
    )


def recreate_fts(conn: sqlite3.Connection) -> None:
    """Drop the full-text indexes and their triggers, create them as FTS says, refill."""
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND "
        "(name LIKE 'owners_fts_%' OR name LIKE 'issuers_fts_%')"
    ).fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    for name in FTS_NAMES:
        conn.execute(f"DROP TABLE IF EXISTS {name}")
    for stmt in FTS:
        conn.execute(stmt)
    for name in FTS_NAMES:
        conn.execute(f"INSERT INTO {name}({name}) VALUES ('rebuild')")


def fts_query(text: str) -> str | None:
    """Words -> an FTS5 query where every word must start a word of the name, any order:
    'thomas herz' -> '"thomas"* AND "herz"*'. None when there is no word."""
    words = re.findall(r"\w+", text)
    return " AND ".join(f'"{w}"*' for w in words) or None
