"""Summary tables the database keeps current itself, with triggers, for the market-wide
readers that would otherwise read millions of rows on every run:

- `filing_counts` (source, form -> filings): what `insider status` counts. Counting 2.5 M
  index entries took 1.6 s at 25 M rows; this is a few rows.
- `buy_days` (one row per filing and trade date holding open-market purchases - current
  Table I transaction rows of code P, the rule of the `screen_purchases` view - with the
  issuer, the owner list and the number of rows): what `insider screen cluster-buys` looks
  at first to find the issuers that can hold a cluster at all (3 owner lists within 10
  days). Reading every purchase row and its filing took 49 s over 2020-2025 at 25 M rows.

Triggers, not store code, keep them current: every writer (save_filing, the bulk import,
reparse, amendment links, a user's own sqlite3 session) goes through them, and a file
carries them wherever it goes. ensure_db_shape creates and fills them (part "summaries");
a reader trusts them only when that part's stored hash is this insider's (`current`),
and otherwise reads the tables as before. tests/test_summaries.py checks them against
the views after every kind of write.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

# The rule of screen_purchases (screen_trades' current transaction rows, Table I, code P),
# written over one ownership_rows row (NEW or OLD) for the triggers; a trade date is needed
# to place a buy at all.
_BUY = (
    "{r}.kind = 'transaction' AND {r}.superseded_by IS NULL AND {r}.form_table = 'I' "
    "AND {r}.code = 'P' AND {r}.transaction_date IS NOT NULL"
)


def _buy(row: str) -> str:
    return _BUY.format(r=row)


def _buy_of_filing(row: str) -> str:
    # The rule over one filing's rows: the unary + keeps SQLite on the primary key
    # (accession) instead of ownership_rows_code, which would walk every purchase in the
    # file on each filing stored (measured: 80 ms a filing at 1 M rows, growing with them).
    return (
        _buy(row)
        .replace(f"{row}.code", f"+{row}.code")
        .replace(f"{row}.transaction_date IS", f"+{row}.transaction_date IS")
    )


# Adding one buy row: the filing's issuer and owners come from filings (inserted before its
# rows by every writer; the filings insert trigger below covers the other order).
_ADD_BUY = """INSERT INTO buy_days(accession, transaction_date, issuer_cik, owner_ciks, rows)
    SELECT {r}.accession, {r}.transaction_date, coalesce(f.issuer_cik, ''),
           coalesce(f.owner_ciks, ''), 1
    FROM filings f WHERE f.accession = {r}.accession
    ON CONFLICT(accession, transaction_date) DO UPDATE SET rows = rows + 1;"""
_DROP_BUY = """UPDATE buy_days SET rows = rows - 1
    WHERE accession = {r}.accession AND transaction_date = {r}.transaction_date;
    DELETE FROM buy_days WHERE accession = {r}.accession
    AND transaction_date = {r}.transaction_date AND rows <= 0;"""

_COUNT_UP = """INSERT INTO filing_counts(source, form, filings) VALUES ({r}.source, {r}.form, 1)
    ON CONFLICT(source, form) DO UPDATE SET filings = filings + 1;"""
_COUNT_DOWN = """UPDATE filing_counts SET filings = filings - 1
    WHERE source = {r}.source AND form = {r}.form;
    DELETE FROM filing_counts WHERE source = {r}.source AND form = {r}.form AND filings <= 0;"""

TABLES = ("filing_counts", "buy_days")

# docs/schema.md's words for them (schemadoc.OBJECTS): description, column -> meaning.
DOCS: dict[str, tuple[str, dict[str, str]]] = {
    "filing_counts": (
        "Filings by source and form, kept current by triggers on filings (what `insider "
        "status` counts without reading the filings). Created and filled with the shape "
        "(insider_shape part summaries). Primary key (source, form).",
        {
            "source": "filings.source.",
            "form": "filings.form.",
            "filings": "How many filings have that source and form.",
        },
    ),
    "buy_days": (
        "One row per filing and trade date holding open-market purchases (current Table I "
        "transaction rows of code P with a trade date: the rows of screen_purchases), kept "
        "current by triggers on ownership_rows and filings; `insider screen cluster-buys` "
        "reads it first to find the issuers that can hold a cluster. Created and filled with "
        "the shape (insider_shape part summaries). Primary key (accession, transaction_date).",
        {
            "accession": "The filing.",
            "transaction_date": "Trade date as filed.",
            "issuer_cik": "The filing's issuer CIK ('' when the filing has none).",
            "owner_ciks": "The filing's reporting owners' CIKs, as filings.owner_ciks.",
            "rows": "How many such rows the filing has on that date.",
        },
    ),
}

SUMMARIES: list[str] = [
    """CREATE TABLE filing_counts (
    source TEXT NOT NULL,
    form TEXT NOT NULL,
    filings INTEGER NOT NULL,
    PRIMARY KEY (source, form)
) WITHOUT ROWID""",
    f"""CREATE TRIGGER filing_counts_ai AFTER INSERT ON filings BEGIN
    {_COUNT_UP.format(r="NEW")}
END""",
    f"""CREATE TRIGGER filing_counts_ad AFTER DELETE ON filings BEGIN
    {_COUNT_DOWN.format(r="OLD")}
END""",
    f"""CREATE TRIGGER filing_counts_au AFTER UPDATE OF source, form ON filings BEGIN
    {_COUNT_DOWN.format(r="OLD")}
    {_COUNT_UP.format(r="NEW")}
END""",
    """CREATE TABLE buy_days (
    accession TEXT NOT NULL,
    transaction_date TEXT NOT NULL,
    issuer_cik TEXT NOT NULL,
    owner_ciks TEXT NOT NULL,
    rows INTEGER NOT NULL,
    PRIMARY KEY (accession, transaction_date)
) WITHOUT ROWID""",
    # The cluster screen's read: a date range, covering (the key columns ride along).
    "CREATE INDEX buy_days_date ON buy_days(transaction_date, issuer_cik, owner_ciks)",
    f"""CREATE TRIGGER buy_days_ai AFTER INSERT ON ownership_rows WHEN {_buy("NEW")} BEGIN
    {_ADD_BUY.format(r="NEW")}
END""",
    f"""CREATE TRIGGER buy_days_ad AFTER DELETE ON ownership_rows WHEN {_buy("OLD")} BEGIN
    {_DROP_BUY.format(r="OLD")}
END""",
    f"""CREATE TRIGGER buy_days_au_old AFTER UPDATE OF kind, superseded_by, form_table, code,
    transaction_date, accession ON ownership_rows WHEN {_buy("OLD")} BEGIN
    {_DROP_BUY.format(r="OLD")}
END""",
    f"""CREATE TRIGGER buy_days_au_new AFTER UPDATE OF kind, superseded_by, form_table, code,
    transaction_date, accession ON ownership_rows WHEN {_buy("NEW")} BEGIN
    {_ADD_BUY.format(r="NEW")}
END""",
    # Rows stored before their filing (no writer does so today) are counted when it comes.
    f"""CREATE TRIGGER buy_days_filing_ai AFTER INSERT ON filings BEGIN
    INSERT INTO buy_days(accession, transaction_date, issuer_cik, owner_ciks, rows)
    SELECT r.accession, r.transaction_date, coalesce(NEW.issuer_cik, ''),
           coalesce(NEW.owner_ciks, ''), count(*)
    FROM ownership_rows r WHERE r.accession = NEW.accession AND {_buy_of_filing("r")}
    GROUP BY r.transaction_date
    ON CONFLICT(accession, transaction_date) DO UPDATE SET rows = excluded.rows;
END""",
    """CREATE TRIGGER buy_days_filing_ad AFTER DELETE ON filings BEGIN
    DELETE FROM buy_days WHERE accession = OLD.accession;
END""",
    """CREATE TRIGGER buy_days_filing_au AFTER UPDATE OF issuer_cik, owner_ciks ON filings
BEGIN
    UPDATE buy_days SET issuer_cik = coalesce(NEW.issuer_cik, ''),
        owner_ciks = coalesce(NEW.owner_ciks, '') WHERE accession = NEW.accession;
END""",
]

# Filling them from what the file holds when they are (re)created.
_FILL = [
    "INSERT INTO filing_counts(source, form, filings) "
    "SELECT source, form, count(*) FROM filings GROUP BY source, form",
    "INSERT INTO buy_days(accession, transaction_date, issuer_cik, owner_ciks, rows) "
    "SELECT r.accession, r.transaction_date, coalesce(f.issuer_cik, ''), "
    "coalesce(f.owner_ciks, ''), count(*) FROM ownership_rows r "
    f"JOIN filings f ON f.accession = r.accession WHERE {_buy('r')} "
    "GROUP BY r.accession, r.transaction_date",
]


def recreate(conn: sqlite3.Connection) -> None:
    """Drop the summary tables and their triggers, create them as SUMMARIES says, fill them
    (called by db.ensure_db_shape inside its transaction)."""
    _drop_triggers(conn)
    for name in TABLES:
        conn.execute(f"DROP TABLE IF EXISTS {name}")
    for stmt in SUMMARIES + _FILL:
        conn.execute(stmt)


_TRIGGERS = [stmt for stmt in SUMMARIES if stmt.startswith("CREATE TRIGGER")]


def _drop_triggers(conn: sqlite3.Connection) -> None:
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND "
        "(name LIKE 'filing_counts_%' OR name LIKE 'buy_days_%')"
    ).fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')


def suspend(conn: sqlite3.Connection) -> bool:
    """For a bulk write (a data-set quarter), in the caller's transaction: the triggers
    dropped (a trigger call per row cost the import ~10 %); `resume` recounts what the
    write touched and puts them back, a rollback keeps them. False (nothing done) when the
    file's summaries are not this insider's."""
    if not current(conn):
        return False
    _drop_triggers(conn)
    return True


def resume(conn: sqlite3.Connection, accessions: Iterable[str], sources: Iterable[str]) -> None:
    """After `suspend` and the write: buy_days recounted for these filings (written,
    removed, or whose rows an amendment link changed), filing_counts for these sources,
    the triggers created again."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS summary_accessions (accession TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM summary_accessions")
    conn.executemany(
        "INSERT OR IGNORE INTO summary_accessions VALUES (?)", ((a,) for a in accessions)
    )
    conn.execute(
        "DELETE FROM buy_days WHERE accession IN (SELECT accession FROM summary_accessions)"
    )
    conn.execute(
        "INSERT INTO buy_days(accession, transaction_date, issuer_cik, owner_ciks, rows) "
        "SELECT r.accession, r.transaction_date, coalesce(f.issuer_cik, ''), "
        "coalesce(f.owner_ciks, ''), count(*) FROM summary_accessions a "
        "CROSS JOIN ownership_rows r ON r.accession = a.accession "
        f"JOIN filings f ON f.accession = r.accession WHERE {_buy_of_filing('r')} "
        "GROUP BY r.accession, r.transaction_date"
    )
    conn.execute("DELETE FROM summary_accessions")
    for source in sorted(set(sources)):
        conn.execute("DELETE FROM filing_counts WHERE source = ?", (source,))
        conn.execute(
            "INSERT INTO filing_counts(source, form, filings) SELECT source, form, count(*) "
            "FROM filings WHERE source = ? GROUP BY form",
            (source,),
        )
    _drop_triggers(conn)  # none, unless a writer put some back meanwhile
    for stmt in _TRIGGERS:
        conn.execute(stmt)


def current(conn: sqlite3.Connection) -> bool:
    """Whether the file's summaries are this insider's (else a reader reads the tables)."""
    from .db import part_is_current

    return part_is_current(conn, "summaries")
