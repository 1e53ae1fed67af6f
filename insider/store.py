"""Filing -> SQLite rows. One DB transaction per filing, idempotent by accession.

The database is a public interface (docs/schema.md): tables keep every field of the parser
contract, views answer the common questions. Numbers are stored as INTEGER or REAL when that
round-trips to the exact filed decimal (so SQL can sort and sum them), else as the exact text.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import sqlite_utils

from . import __version__
from .codes import CODES
from .models import DECIMAL_FIELDS, ROW_FIELDS_D_TXN, Filing

PARSER_VERSION = __version__
SCHEMA_VERSION = 1

ROW_COLUMNS: tuple[str, ...] = ROW_FIELDS_D_TXN


class StoreError(Exception):
    """A database problem the user can act on (locked, not an insider DB, ...)."""


_TABLES = """
CREATE TABLE IF NOT EXISTS issuers (
    cik TEXT PRIMARY KEY,
    name TEXT,
    ticker TEXT
);
CREATE TABLE IF NOT EXISTS owners (
    cik TEXT PRIMARY KEY,
    name TEXT
);
CREATE TABLE IF NOT EXISTS filings (
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
);
CREATE INDEX IF NOT EXISTS filings_issuer ON filings(issuer_cik, period_of_report);
CREATE TABLE IF NOT EXISTS filing_owners (
    accession TEXT NOT NULL REFERENCES filings(accession) ON DELETE CASCADE,
    owner_cik TEXT NOT NULL REFERENCES owners(cik),
    position INTEGER NOT NULL,
    name TEXT,
    street1 TEXT, street2 TEXT, city TEXT, state TEXT, zip TEXT,
    is_director INTEGER, is_officer INTEGER, is_ten_percent_owner INTEGER, is_other INTEGER,
    officer_title TEXT, other_text TEXT,
    roles TEXT,
    PRIMARY KEY (accession, owner_cik)
);
CREATE INDEX IF NOT EXISTS filing_owners_owner ON filing_owners(owner_cik);
CREATE TABLE IF NOT EXISTS ownership_rows (
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
);
CREATE INDEX IF NOT EXISTS ownership_rows_code ON ownership_rows(code, transaction_date);
CREATE TABLE IF NOT EXISTS footnotes (
    accession TEXT NOT NULL REFERENCES filings(accession) ON DELETE CASCADE,
    footnote_id TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (accession, footnote_id)
);
CREATE TABLE IF NOT EXISTS field_footnotes (
    accession TEXT NOT NULL,
    row_num INTEGER NOT NULL,
    field TEXT NOT NULL,
    footnote_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (accession, row_num, field, footnote_id),
    FOREIGN KEY (accession, row_num) REFERENCES ownership_rows(accession, row_num)
        ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS signatures (
    accession TEXT NOT NULL REFERENCES filings(accession) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT,
    date TEXT,
    PRIMARY KEY (accession, position)
);
CREATE TABLE IF NOT EXISTS transaction_codes (
    code TEXT PRIMARY KEY,
    meaning TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sync_failures (
    accession TEXT PRIMARY KEY,
    issuer_cik TEXT,
    url TEXT,
    reason TEXT NOT NULL,
    failed_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS ticker_cache (
    ticker TEXT PRIMARY KEY,
    cik TEXT NOT NULL,
    title TEXT,
    fetched_at TEXT NOT NULL
);
"""

# Columns every transaction-like view shares, so one query works on all of them.
_TXN_SELECT = """
SELECT
    r.accession,
    f.filing_date,
    r.transaction_date,
    f.issuer_cik,
    i.ticker AS issuer_ticker,
    (SELECT group_concat(fo.owner_cik, '; ') FROM filing_owners fo
        WHERE fo.accession = r.accession) AS owner_cik,
    (SELECT group_concat(fo.name, '; ') FROM filing_owners fo
        WHERE fo.accession = r.accession) AS owner_name,
    (SELECT group_concat(fo.roles, '; ') FROM filing_owners fo
        WHERE fo.accession = r.accession) AS owner_roles,
    r.security_title,
    r.code,
    tc.meaning AS code_meaning,
    r.shares,
    r.price_per_share,
    CASE WHEN r.shares IS NOT NULL AND r.price_per_share IS NOT NULL
         THEN round(r.shares * r.price_per_share, 6) ELSE r.total_value END AS value,
    r.acquired_disposed,
    r.shares_owned_following,
    r.direct_or_indirect,
    (SELECT group_concat(ff.field || ' [' || ff.footnote_id || ']: ' || fn.text, char(10))
        FROM field_footnotes ff
        JOIN footnotes fn ON fn.accession = ff.accession AND fn.footnote_id = ff.footnote_id
        WHERE ff.accession = r.accession AND ff.row_num = r.row_num) AS footnotes,
    r.form_table,
    r.row_num,
    r.conversion_or_exercise_price,
    r.exercise_date,
    r.expiration_date,
    r.underlying_security_title,
    r.underlying_shares,
    r.nature_of_ownership,
    f.form
FROM ownership_rows r
JOIN filings f ON f.accession = r.accession
LEFT JOIN issuers i ON i.cik = f.issuer_cik
LEFT JOIN transaction_codes tc ON tc.code = r.code
WHERE r.kind = 'transaction'
"""

_VIEWS = {
    "transactions": _TXN_SELECT,
    "sales": "SELECT * FROM transactions WHERE code = 'S'",
    "purchases": "SELECT * FROM transactions WHERE code = 'P'",
    "option_exercises": (
        "SELECT * FROM transactions WHERE code IN ('M', 'X', 'O', 'C') AND form_table = 'II'"
    ),
}


def connect(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) an insider database, ready for reads and writes."""
    try:
        conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        db = sqlite_utils.Database(conn)
        ensure_schema(db)
    except sqlite3.DatabaseError as e:
        raise StoreError(f"cannot open database {path}: {e}") from None
    return db


def ensure_schema(db: sqlite_utils.Database) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"database schema version {version} is newer than this insider ({SCHEMA_VERSION})"
        )
    if version == SCHEMA_VERSION:
        return
    with _transaction(db):
        _exec_script(db, _TABLES)
        db.conn.executemany(
            "INSERT OR REPLACE INTO transaction_codes(code, meaning) VALUES (?, ?)",
            sorted(CODES.items()),
        )
        for name in _VIEWS:
            db.execute(f"DROP VIEW IF EXISTS {name}")
        for name, sql in _VIEWS.items():
            db.execute(f"CREATE VIEW {name} AS {sql}")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _exec_script(db: sqlite_utils.Database, script: str) -> None:
    # executescript would COMMIT our open transaction; run statements one by one instead.
    for stmt in script.split(";"):
        if stmt.strip():
            db.execute(stmt)


class _transaction:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.conn = db.conn

    def __enter__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")


def _num(d: Decimal | None) -> int | float | str | None:
    if d is None:
        return None
    if d == d.to_integral_value():
        return int(d)
    f = float(d)
    # REAL only when it reads back as the same decimal; else keep the exact text.
    return f if Decimal(repr(f)) == d else str(d)


def _b(v: bool | None) -> int | None:
    return None if v is None else int(v)


@dataclass(frozen=True, slots=True)
class FilingMeta:
    """What EDGAR's filing list says about a filing (not in the XML itself)."""

    accession: str
    filing_date: str | None = None
    acceptance_datetime: str | None = None
    url: str | None = None


def known_accessions(db: sqlite_utils.Database, accessions: Iterable[str]) -> set[str]:
    wanted = list(accessions)
    found: set[str] = set()
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        marks = ",".join("?" * len(chunk))
        found.update(
            r[0]
            for r in db.execute(
                f"SELECT accession FROM filings WHERE accession IN ({marks})", chunk
            )
        )
    return found


def save_filing(db: sqlite_utils.Database, filing: Filing, meta: FilingMeta, raw: bytes) -> None:
    """Store one filing and its raw XML in a single transaction (all or nothing)."""
    with _transaction(db):
        _write_filing(db, filing, meta, raw)


def _write_filing(db: sqlite_utils.Database, filing: Filing, meta: FilingMeta, raw: bytes) -> None:
    acc = meta.accession
    c = db.conn
    # Replacing a filing (reparse, retry) must not leave rows of the old version behind.
    c.execute("DELETE FROM filings WHERE accession = ?", (acc,))
    iss = filing.issuer
    if iss.cik:
        c.execute(
            "INSERT INTO issuers(cik, name, ticker) VALUES (?, ?, ?) "
            "ON CONFLICT(cik) DO UPDATE SET name = coalesce(excluded.name, name), "
            "ticker = coalesce(excluded.ticker, ticker)",
            (iss.cik, iss.name, iss.ticker),
        )
    c.execute(
        "INSERT INTO filings VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            acc,
            filing.document_type,
            meta.filing_date,
            meta.acceptance_datetime,
            filing.period_of_report,
            filing.date_of_original_submission,
            iss.cik,
            filing.schema_version,
            _b(filing.no_securities_owned),
            _b(filing.not_subject_to_section16),
            _b(filing.form3_holdings_reported),
            _b(filing.form4_transactions_reported),
            _b(filing.aff10b5one),
            filing.remarks,
            None,
            None,
            meta.url,
            zlib.compress(raw, 6),
            PARSER_VERSION,
            datetime.now(UTC).isoformat(timespec="seconds"),
        ),
    )
    for pos, o in enumerate(filing.reporting_owners):
        cik = o.cik or f"unknown:{acc}:{pos}"
        c.execute(
            "INSERT INTO owners(cik, name) VALUES (?, ?) "
            "ON CONFLICT(cik) DO UPDATE SET name = coalesce(excluded.name, name)",
            (cik, o.name),
        )
        c.execute(
            "INSERT OR REPLACE INTO filing_owners VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                acc,
                cik,
                pos,
                o.name,
                o.street1,
                o.street2,
                o.city,
                o.state,
                o.zip,
                _b(o.is_director),
                _b(o.is_officer),
                _b(o.is_ten_percent_owner),
                _b(o.is_other),
                o.officer_title,
                o.other_text,
                o.roles,
            ),
        )
    row_params = []
    note_params = []
    for num, row in enumerate(filing.rows):
        vals = []
        for name in ROW_COLUMNS:
            v = getattr(row, name)
            if name in DECIMAL_FIELDS:
                v = _num(v)
            elif isinstance(v, bool):
                v = int(v)
            vals.append(v)
        row_params.append((acc, num, "II" if row.table == "derivative" else "I", row.kind, *vals))
        for field_name, ids in row.footnotes.items():
            for p, fid in enumerate(dict.fromkeys(ids)):
                note_params.append((acc, num, field_name, fid, p))
    if row_params:
        marks = ",".join("?" * (4 + len(ROW_COLUMNS)))
        cols = ",".join(("accession", "row_num", "form_table", "kind", *ROW_COLUMNS))
        c.executemany(f"INSERT INTO ownership_rows({cols}) VALUES ({marks})", row_params)
    c.executemany(
        "INSERT INTO footnotes(accession, footnote_id, text) VALUES (?,?,?)",
        [(acc, k, v) for k, v in filing.footnotes.items()],
    )
    c.executemany("INSERT OR IGNORE INTO field_footnotes VALUES (?,?,?,?,?)", note_params)
    c.executemany(
        "INSERT INTO signatures VALUES (?,?,?,?)",
        [(acc, p, s.name, s.date) for p, s in enumerate(filing.signatures)],
    )
    c.execute("DELETE FROM sync_failures WHERE accession = ?", (acc,))


def record_failure(
    db: sqlite_utils.Database, accession: str, issuer_cik: str | None, url: str | None, reason: str
) -> None:
    with _transaction(db):
        db.conn.execute(
            "INSERT INTO sync_failures(accession, issuer_cik, url, reason, failed_at) "
            "VALUES (?,?,?,?,?) ON CONFLICT(accession) DO UPDATE SET "
            "reason = excluded.reason, failed_at = excluded.failed_at, "
            "url = excluded.url, attempts = attempts + 1",
            (accession, issuer_cik, url, reason, datetime.now(UTC).isoformat(timespec="seconds")),
        )


def raw_xml(db: sqlite_utils.Database, accession: str) -> bytes | None:
    row = db.execute("SELECT raw_xml FROM filings WHERE accession = ?", (accession,)).fetchone()
    return zlib.decompress(row[0]) if row else None


def failures(db: sqlite_utils.Database) -> list[dict]:
    """Filings that failed to fetch or parse and are not stored yet (oldest first)."""
    cur = db.execute(
        "SELECT accession, issuer_cik, url, reason, failed_at, attempts FROM sync_failures "
        "WHERE accession NOT IN (SELECT accession FROM filings) ORDER BY failed_at, accession"
    )
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def cached_ticker(db: sqlite_utils.Database, ticker: str) -> tuple[str, str] | None:
    """(cik, fetched_at) of a ticker in the company_tickers cache, or None."""
    row = db.execute(
        "SELECT cik, fetched_at FROM ticker_cache WHERE ticker = ?", (ticker,)
    ).fetchone()
    return (row[0], row[1]) if row else None


def replace_ticker_cache(
    db: sqlite_utils.Database, rows: Iterable[tuple[str, str, str | None]]
) -> None:
    """Replace the whole cache with (ticker, cik, title) rows, stamped now."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with _transaction(db):
        db.conn.execute("DELETE FROM ticker_cache")
        db.conn.executemany(
            "INSERT OR REPLACE INTO ticker_cache(ticker, cik, title, fetched_at) VALUES (?,?,?,?)",
            [(t, c, title, now) for t, c, title in rows],
        )
