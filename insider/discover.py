"""What is in the database: `insider issuers`, `insider owners [QUERY]`, `insider status`,
and what `show`/`company` print when given no name. Plain data; rendering in screen_render.

Listings are {"title", "columns", "rows"}; the SELECTs live in market_queries.py (each goes
through an index or reads one aggregate per table).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import market_queries as mq
from . import summaries

ISSUER_COLUMNS = ("cik", "ticker", "name", "filings", "first_filing", "last_filing")
OWNER_COLUMNS = ("cik", "name", "filings", "issuers", "last_filing")


def issuers(db: Any, limit: int | None = None) -> dict[str, Any]:
    """Every issuer with its number of filings and first/last filing date, by ticker."""
    rows = [dict(zip(ISSUER_COLUMNS, r, strict=True)) for r in mq.issuer_listing(db, limit)]
    for r in rows:
        r["filings"] = r["filings"] or 0
    total = mq.count(db, "issuers")
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
        ciks = mq.busiest_owners(db, limit)
        total = mq.count(db, "owners")
        title = f"{total:,} owners; the {len(ciks)} with the most filings"
    rows = []
    for cik in ciks:
        (name, n, last), tickers = mq.owner_summary(db, cik)
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


def status(db: Any, path: Path) -> dict[str, Any]:
    """Filings by source and form, imports and syncs done, failures, size on disk."""
    tables = mq.table_names(db)
    by = [
        {"source": s, "form": f, "filings": n, "first_filing": a, "last_filing": b}
        for s, f, n, a, b in mq.filings_by_source_form(db, summaries.current(db))
    ]
    facts = mq.status_facts(db)
    out: dict[str, Any] = {
        "database": str(path),
        "size_bytes": sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists()),
        "schema_version": facts["schema_version"],
        "filings": sum(r["filings"] for r in by),
        "filings_by_source_and_form": by,
        "issuers": mq.count(db, "issuers"),
        "owners": mq.count(db, "owners"),
        "last_filing_date": facts["last_filing_date"],
        "failures": facts["failures"],
        "recent_failures": [
            {"accession": a, "reason": r, "failed_at": t, "attempts": n}
            for a, r, t, n in facts["recent_failures"]
        ],
    }
    if "dataset_quarters" in tables:  # insider backfill
        out["quarters_imported"] = [
            {"quarter": q, "filings": f, "rows": n, "imported_at": t}
            for q, f, n, t in mq.dataset_quarters(db)
        ]
    if "watch_state" in tables:  # insider watch / sync --all: last poll, last day synced
        out["watch_state"] = {
            name: {"value": value, "updated_at": at} for name, value, at in mq.watch_state(db)
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
    "insider_shape",
    "lake_partitions",
    "lake_exports",
    "filing_counts",
    "buy_days",
    "sqlite_stat1",
    "sqlite_stat4",
}


def _summary(db: Any, table: str) -> dict[str, Any]:
    out: dict[str, Any] = {"rows": mq.count(db, table)}
    last = mq.last_row(db, table)
    if last:
        cols, row = last
        out["last_row"] = dict(
            zip(
                cols, [f"<{len(v)} bytes>" if isinstance(v, bytes) else v for v in row], strict=True
            )
        )
    return out
