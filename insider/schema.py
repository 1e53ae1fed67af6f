"""The database schema: versioned DDL, forward migrations and full-text search (the views
are in views.py).

`PRAGMA user_version` says which version a file has. A migration takes a file from version
n to n + 1 and never edits an older step: version 1 is frozen as it shipped, so a file
written by any earlier insider can be brought forward (tests/test_store_schema.py runs
every path). Views, the code table and the full-text indexes are not versioned data:
db.ensure_db_shape recreates them whenever their definition changes.
docs/schema.md describes every table, view and column (tests compare it with a real file).
Its length is SQL text: each frozen migration keeps its DDL as shipped.
"""

from __future__ import annotations

import sqlite3

from .codes import CODES
from .views import (  # noqa: F401  (re-exported: the store, db and reports read them here)
    COMMON_COLUMNS,
    CURRENT_ROW,
    HOLDING_VIEW_COLUMNS,
    LATEST_ORDER,
    LIVE_FILING,
    SCREEN_VIEW_COLUMNS,
    SCREEN_VIEWS,
    TRANSACTION_VIEW_COLUMNS,
    VIEWS,
    current,
)

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
# Position keys are recomputed over a scope (one issuer, one set of owners: positions.py)
# through this index: reading the scope's filings only, not all of the first owner's
# (which grew with the history: 2 s a data-set quarter after six, 0.2 s with it).
SHAPE_TABLES.append("CREATE INDEX IF NOT EXISTS filings_scope ON filings(issuer_cik, owner_ciks)")

MIGRATIONS: dict[int, tuple[list[str], bool]] = {
    1: (V1, False),
    2: (V2, True),
    3: (V3, True),
    4: (V4, False),
}


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
