"""What is in the database: `insider issuers`, `insider owners [QUERY]`, `insider status`,
and what `show`/`company` print when given no name. Plain data; rendering in screen_render.

Listings are {"title", "columns", "rows"}; every query goes through an index (issuer and
owner look-ups) or reads one aggregate per table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

ISSUER_COLUMNS = ("cik", "ticker", "name", "filings", "first_filing", "last_filing")
OWNER_COLUMNS = ("cik", "name", "filings", "issuers", "last_filing")


def issuers(db: Any, limit: int | None = None) -> dict[str, Any]:
    """Every issuer with its number of filings and first/last filing date, by ticker."""
    sql = (
        "SELECT i.cik, i.ticker, i.name, s.n, s.first, s.last FROM issuers i "
        "LEFT JOIN (SELECT issuer_cik, count(*) AS n, min(filing_date) AS first, "
        "max(filing_date) AS last FROM filings GROUP BY issuer_cik) s ON s.issuer_cik = i.cik "
        "ORDER BY i.ticker IS NULL, upper(i.ticker), i.name, i.cik"
    )
    if limit:
        sql += f" LIMIT {int(limit)}"
    rows = [dict(zip(ISSUER_COLUMNS, r, strict=True)) for r in db.execute(sql)]
    for r in rows:
        r["filings"] = r["filings"] or 0
    total = db.execute("SELECT count(*) FROM issuers").fetchone()[0]
    return {"title": f"{total:,} issuers", "columns": ISSUER_COLUMNS, "rows": rows}


def owners(db: Any, query: str | None = None, limit: int = 50) -> dict[str, Any]:
    """Owners matching QUERY (name words or CIK, as `show` finds them), else those with the
    most filings; each with filings, issuers' tickers and last filing date."""
    from .lookup import find_owners

    if query:
        found = find_owners(db, query)
        ciks = [o["cik"] for o in found][:limit]
        title = f"{len(found):,} owners match {query!r}"
    else:
        ciks = [
            r[0]
            for r in db.execute(
                "SELECT owner_cik FROM filing_owners GROUP BY owner_cik "
                f"ORDER BY count(*) DESC, owner_cik LIMIT {int(limit)}"
            )
        ]
        total = db.execute("SELECT count(*) FROM owners").fetchone()[0]
        title = f"{total:,} owners; the {len(ciks)} with the most filings"
    rows = []
    for cik in ciks:
        name, n, last = db.execute(
            "SELECT o.name, count(fo.accession), max(f.filing_date) FROM owners o "
            "LEFT JOIN filing_owners fo ON fo.owner_cik = o.cik "
            "LEFT JOIN filings f ON f.accession = fo.accession WHERE o.cik = ?",
            (cik,),
        ).fetchone()
        tickers = [
            t
            for (t,) in db.execute(
                "SELECT DISTINCT coalesce(i.ticker, f.issuer_cik) FROM filing_owners fo "
                "JOIN filings f ON f.accession = fo.accession "
                "LEFT JOIN issuers i ON i.cik = f.issuer_cik WHERE fo.owner_cik = ? ORDER BY 1",
                (cik,),
            )
        ]
        rows.append(
            {
                "cik": cik,
                "name": name,
                "filings": n,
                "issuers": ", ".join(tickers),
                "last_filing": last,
            }
        )
    return {"title": title, "columns": OWNER_COLUMNS, "rows": rows}


def _tables(db: Any) -> set[str]:
    return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def status(db: Any, path: Path) -> dict[str, Any]:
    """Filings by source and form, imports and syncs done, failures, size on disk."""
    tables = _tables(db)
    by = [
        {"source": s, "form": f, "filings": n, "first_filing": a, "last_filing": b}
        for s, f, n, a, b in db.execute(
            "SELECT source, form, count(*), min(filing_date), max(filing_date) FROM filings "
            "GROUP BY source, form ORDER BY source, form"
        )
    ]
    out: dict[str, Any] = {
        "database": str(path),
        "size_bytes": sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists()),
        "schema_version": db.execute("PRAGMA user_version").fetchone()[0],
        "filings": sum(r["filings"] for r in by),
        "filings_by_source_and_form": by,
        "issuers": db.execute("SELECT count(*) FROM issuers").fetchone()[0],
        "owners": db.execute("SELECT count(*) FROM owners").fetchone()[0],
        "last_filing_date": db.execute("SELECT max(filing_date) FROM filings").fetchone()[0],
        "failures": db.execute("SELECT count(*) FROM sync_failures").fetchone()[0],
        "recent_failures": [
            {"accession": a, "reason": r, "failed_at": t, "attempts": n}
            for a, r, t, n in db.execute(
                "SELECT accession, reason, failed_at, attempts FROM sync_failures "
                "ORDER BY failed_at DESC LIMIT 5"
            )
        ],
    }
    if "dataset_quarters" in tables:  # insider backfill
        out["quarters_imported"] = [
            {"quarter": q, "filings": f, "rows": n, "imported_at": t}
            for q, f, n, t in db.execute(
                "SELECT quarter, filings, rows, imported_at FROM dataset_quarters ORDER BY quarter"
            )
        ]
    if "watch_state" in tables:  # insider watch / sync --all: last poll, last day synced
        out["watch_state"] = {
            name: {"value": value, "updated_at": at}
            for name, value, at in db.execute(
                "SELECT name, value, updated_at FROM watch_state ORDER BY name"
            )
        }
    # Tables other commands add that this one does not know yet: shown with their size
    # and last row, whatever they hold.
    for table in sorted(tables):
        if table in _KNOWN or table.endswith(("_fts", "_data", "_idx", "_docsize", "_config")):
            continue
        out.setdefault("other_tables", {})[table] = _summary(db, table)
    return out


_KNOWN = {
    "issuers",
    "owners",
    "filings",
    "filing_owners",
    "ownership_rows",
    "footnotes",
    "field_footnotes",
    "signatures",
    "transaction_codes",
    "sync_failures",
    "ticker_cache",
    "dataset_quarters",
    "watch_state",
    "sqlite_stat1",
    "sqlite_stat4",
}


def _summary(db: Any, table: str) -> dict[str, Any]:
    n = db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    out: dict[str, Any] = {"rows": n}
    if n:
        cur = db.execute(f'SELECT * FROM "{table}" ORDER BY rowid DESC LIMIT 1')
        cols = [d[0] for d in cur.description]
        row = [f"<{len(v)} bytes>" if isinstance(v, bytes) else v for v in cur.fetchone()]
        out["last_row"] = dict(zip(cols, row, strict=True))
    return out
