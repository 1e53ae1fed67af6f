"""`insider backfill --refine`: replace data-set filings with their exact XML.

A filing stored from a data set (filings.source 'dataset:...') has numbers rounded to 2
decimals and no raw XML. Refining fetches its full EDGAR submission
(`Archives/edgar/data/{issuer CIK}/{accession}/{accession}.txt`: one request per filing,
no index page; the folder's index.json only when that is missing) and stores it with
store.save_filing, which replaces the data-set version in one transaction. Fetching,
parsing, failures and resuming are sync's own (sync._fetch_all / sync._store_one).
"""

from __future__ import annotations

import sqlite_utils

from . import lookup
from .cik import parse_cik
from .edgar import Edgar, FilingRef
from .sync import Interrupted, SyncError, SyncResult, _fetch_all, _store_one


def select(
    db: sqlite_utils.Database,
    *,
    issuer: str | None = None,
    owner: str | None = None,
    since: str | None = None,
) -> list[FilingRef]:
    """The data-set filings to refine, oldest first (an original before its amendment)."""
    where = ["f.source <> 'xml'"]
    args: list = []
    if issuer:
        ciks = lookup.find_issuer_ciks(db, issuer)
        if not ciks:
            raise SyncError(f"no issuer {issuer!r} in the database")
        where.append(f"f.issuer_cik IN ({','.join('?' * len(ciks))})")
        args += ciks
    if owner:
        cik = parse_cik(owner)
        if cik is None:
            raise SyncError(f"{owner!r} is not a reporting owner's CIK (digits)")
        where.append("f.accession IN (SELECT accession FROM filing_owners WHERE owner_cik = ?)")
        args.append(cik)
    if since:
        where.append("f.filing_date >= ?")
        args.append(since)
    rows = db.execute(
        "SELECT f.accession, f.form, f.filing_date, f.issuer_cik FROM filings f "
        f"WHERE {' AND '.join(where)} ORDER BY f.filing_date, f.accession",
        args,
    ).fetchall()
    return [
        FilingRef(acc, form, date, None, f"{acc}.txt", cik, cik)
        for acc, form, date, cik in rows
        if cik
    ]


def refine(
    db: sqlite_utils.Database,
    edgar: Edgar,
    refs: list[FilingRef],
    *,
    workers: int = 4,
    progress=None,
) -> SyncResult:
    """Fetch and store the XML of `refs` (see select). Interrupted on Ctrl-C."""
    import time

    started = time.monotonic()
    before = edgar.requests
    result = SyncResult()
    if progress:
        progress(0, len(refs))
    try:
        for done, (ref, outcome) in enumerate(_fetch_all(edgar, refs, workers, workers * 4), 1):
            _store_one(db, edgar, result, ref, outcome)
            if progress:
                progress(done, len(refs))
    except KeyboardInterrupt:
        raise Interrupted(result) from None
    finally:
        result.requests = edgar.requests - before
        result.seconds = time.monotonic() - started
    return result
