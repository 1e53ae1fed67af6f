"""What the sync keeps and reads besides filings: its failures (retried by later syncs), the
company_tickers cache, and a stored filing's raw XML. The store's connection rules apply
(one transaction per write)."""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from .db import conn_of, now, transaction

if TYPE_CHECKING:
    import sqlite_utils


def record_failure(
    db: sqlite_utils.Database, accession: str, issuer_cik: str | None, url: str | None, reason: str
) -> None:
    with transaction(conn_of(db)):
        conn_of(db).execute(
            "INSERT INTO sync_failures(accession, issuer_cik, url, reason, failed_at) "
            "VALUES (?,?,?,?,?) ON CONFLICT(accession) DO UPDATE SET "
            "reason = excluded.reason, failed_at = excluded.failed_at, "
            "url = excluded.url, attempts = attempts + 1",
            (accession, issuer_cik, url, reason, now()),
        )


def raw_xml(db: sqlite_utils.Database, accession: str) -> bytes | None:
    row = db.execute("SELECT raw_xml FROM filings WHERE accession = ?", (accession,)).fetchone()
    # A filing stored from a data set has no XML (an empty blob).
    return zlib.decompress(row[0]) if row and row[0] else None


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


def has_filings(db: sqlite_utils.Database) -> bool:
    return db.execute("SELECT 1 FROM filings LIMIT 1").fetchone() is not None


def similar_tickers(db: sqlite_utils.Database, ticker: str, n: int = 3) -> list[str]:
    """Cached tickers spelled like `ticker` ("AAPLL" -> AAPL), for "did you mean"."""
    import difflib

    known = [r[0] for r in db.execute("SELECT ticker FROM ticker_cache")]
    return difflib.get_close_matches(ticker.upper(), known, n=n, cutoff=0.6)


def replace_ticker_cache(
    db: sqlite_utils.Database, rows: Iterable[tuple[str, str, str | None]]
) -> None:
    """Replace the whole cache with (ticker, cik, title) rows, stamped now."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with transaction(conn_of(db)):
        conn_of(db).execute("DELETE FROM ticker_cache")
        conn_of(db).executemany(
            "INSERT OR REPLACE INTO ticker_cache(ticker, cik, title, fetched_at) VALUES (?,?,?,?)",
            [(t, c, title, now) for t, c, title in rows],
        )
