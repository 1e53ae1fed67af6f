"""From what the user named to EDGAR's filing lists: tickers and CIKs to CIKs (through the
cached company_tickers.json), and a CIK's submissions to its Form 3/4/5 filings."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from . import store
from .cik import parse_cik
from .edgar import Edgar, NotFound
from .edgar.client import BadJSON
from .edgar.submissions import (
    FilingRef,
    SubmissionsError,
    filing_refs,
    older_pages,
    recent_block,
)
from .edgar.tickers import normalize_ticker, ticker_rows
from .sync_result import BadDocument, SyncError, UnknownTicker

if TYPE_CHECKING:
    import sqlite_utils

TICKER_MAX_AGE = timedelta(days=1)


# -- targets --------------------------------------------------------------------------------
def resolve_cik(
    db: sqlite_utils.Database, edgar: Edgar, target: str, _state: dict | None = None
) -> str:
    """A CIK as is; a ticker through company_tickers.json, cached in the DB: refreshed when
    the cache is older than a day or the ticker is missing (at most once per sync)."""
    cik = parse_cik(target)
    if cik:
        return cik
    ticker = normalize_ticker(target)
    if ticker is None:
        raise SyncError(f"{target!r} is neither a ticker (e.g. AAPL) nor a CIK (digits)")
    state = _state if _state is not None else {}
    hit = store.cached_ticker(db, ticker)
    if hit is not None and _fresh(hit[1]):
        return hit[0]
    if not state.get("refreshed"):
        _refresh_tickers(db, edgar)
        state["refreshed"] = True
        hit = store.cached_ticker(db, ticker)
    if hit is None:
        raise UnknownTicker(target, store.similar_tickers(db, ticker))
    return hit[0]


def _fresh(stamp: str) -> bool:
    try:
        when = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return False
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return datetime.now(UTC) - TICKER_MAX_AGE < when <= datetime.now(UTC) + timedelta(minutes=5)


def _refresh_tickers(db: sqlite_utils.Database, edgar: Edgar) -> None:
    try:
        data = edgar.company_tickers()
    except NotFound:
        raise SyncError(f"{edgar.url('files/company_tickers.json')} not found") from None
    rows = ticker_rows(data)
    if not rows:
        raise SyncError("EDGAR's company_tickers.json has no tickers")
    store.replace_ticker_cache(db, rows)


# -- filing lists ---------------------------------------------------------------------------
def list_filings(
    edgar: Edgar,
    cik: str,
    *,
    owner: bool = False,
    since: str | None = None,
    problems: list[str] | None = None,
) -> list[FilingRef]:
    """Every Form 3/4/5 (+/A) in the CIK's submissions: recent and each older page (an
    older page whose last filing date is before `since` is not asked for). Rows that
    cannot be trusted are skipped and described in `problems`; a document of the wrong
    shape raises BadDocument."""
    where = f"submissions of CIK {cik}"
    rows: list[str] = []
    try:
        sub = edgar.submissions(cik)
        if not isinstance(sub, dict):
            raise SubmissionsError("not an EDGAR submissions document")
        issuer = None if owner else cik
        refs = list(filing_refs(recent_block(sub), cik, issuer, rows))
        for name in older_pages(sub, since, rows):
            page = f"older submissions page {name} of CIK {cik}"
            try:
                refs.extend(filing_refs(edgar.submissions_page(name), cik, issuer, rows))
            except NotFound:
                raise SyncError(f"{page} not found") from None
            except (BadJSON, SubmissionsError) as e:
                rows.append(f"{page}: {e}; skipped")
    except NotFound:
        raise SyncError(f"no EDGAR submissions for CIK {cik}") from None
    except (BadJSON, SubmissionsError) as e:
        raise BadDocument(f"{where}: {e}") from None
    finally:
        if problems is not None:
            problems.extend(f"{where}: {p}" for p in rows)
    return refs


def _in_dates(day: str | None, since: str | None, until: str | None) -> bool:
    if not since and not until:
        return True
    if not day:
        return False  # undated: outside any window asked for
    return (not since or day >= since) and (not until or day <= until)


def _unique_sorted(refs: Iterable[FilingRef]) -> list[FilingRef]:
    seen: set[str] = set()
    unique = []
    for r in refs:
        if r.accession not in seen:
            seen.add(r.accession)
            unique.append(r)
    # Oldest first, so an amendment is stored after what it amends.
    unique.sort(key=lambda r: (r.acceptance_datetime or r.filing_date or "", r.accession))
    return unique
