"""`insider sync --all`: every Form 3/4/5 (+/A) of a range of days, from EDGAR's daily index.

Requests, in order, per day: the day's form index (one), then one per new filing: the full
submission `.txt` the index names, parsed from the XML inside it, its acceptance time read
from its header. Stored accessions (from XML or from a data set; with `refine`, data-set
ones are fetched and replaced by their XML) and filings that failed before (unless
`retry_failed`) cost no request. Days are done oldest first and each day's
originals before its amendments, so an amendment is stored after what it amends.

Weekends are never asked for (EDGAR disseminates nothing then). A 403/404 for a holiday is
expected and quiet; for another business day it is reported (`missing_days`, exit status
1); today's index is built from about 22:00 ET, so a missing one today is only pending.
Fetching runs on sync.py's worker threads behind the client's limiter and the machine
budget (budget.py); parsing and writes stay on the calling thread, one transaction per
filing, so an interrupted sync resumes by running it again.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlite_utils

from . import store, submission
from .edgar import Edgar, EdgarError, NotFound, daily_index
from .holidays import is_business_day
from .parse import ParseError, ownership_xml, parse_ownership
from .sync import SyncError, SyncResult, _fetch_all

FORM_SETS = {"3": ("3", "3/A"), "4": ("4", "4/A"), "5": ("5", "5/A")}
ALL_FORMS = frozenset(f for pair in FORM_SETS.values() for f in pair)
_STATUS = re.compile(r"HTTP (\d{3})\b")


def parse_forms(text: str | None) -> frozenset[str]:
    """`3,4,5` (the default), `4` or `4,5/A` -> the forms kept; `4` keeps 4/A too.
    SyncError for anything else."""
    if text is None or not text.strip():
        return ALL_FORMS
    out: set[str] = set()
    for part in text.split(","):
        p = part.strip().upper()
        if p in FORM_SETS:
            out.update(FORM_SETS[p])
        elif p in ALL_FORMS:
            out.add(p)
        else:
            raise SyncError(f"forms {text!r}: give 3, 4 and/or 5 (e.g. 3,4,5)")
    return frozenset(out)


def eastern_today() -> date:
    return datetime.now(submission.EASTERN).date()


@dataclass
class MarketResult(SyncResult):
    days: int = 0  # days whose index was read
    quiet_days: int = 0  # holidays without an index (403/404, as expected)
    missing_days: list[tuple[str, str]] = field(default_factory=list)  # business days
    pending_days: list[str] = field(default_factory=list)  # today / future: not built yet
    bad_lines: int = 0
    stopped: bool = False
    refinable: int = 0  # with refine: data-set filings of these days fetched as XML

    def summary(self, retry_option: str | None = None) -> str:
        line = f"{self.days} daily indexes read; " + super().summary(retry_option)
        if self.refinable:
            line += f"; {self.refinable} of them replaced data-set copies"
        if self.quiet_days:
            line += f"; {self.quiet_days} holidays without an index"
        if self.pending_days:
            line += f"; not published yet: {', '.join(self.pending_days)}"
        return line


# progress(done, total) or progress(done, total, phase), as in sync.py
Progress = Callable[..., None]


def _status(e: EdgarError) -> int | None:
    if isinstance(e, NotFound):
        return 404
    m = _STATUS.search(str(e))
    return int(m.group(1)) if m else None


def _fetch_entry(edgar: Edgar, e: Any) -> tuple[bytes, str, bool]:
    return edgar.get(e.path), edgar.url(e.path), False


def sync_days(
    db: sqlite_utils.Database,
    edgar: Edgar,
    since: date,
    until: date | None = None,
    *,
    forms: frozenset[str] = ALL_FORMS,
    retry_failed: bool = False,
    refine: bool = False,
    workers: int = 8,
    progress: Progress | None = None,
    on_stored: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
    today: date | None = None,
    result: MarketResult | None = None,
) -> MarketResult:
    """Sync every wanted filing listed in the daily indexes of `since`..`until` (default:
    today, Eastern time). `on_stored(accession)` is called after each new filing is
    stored (the watch alerts from it); `stop` (an Event) ends the sync between filings.
    Raises RateLimited when EDGAR keeps refusing, sync.Interrupted on Ctrl-C.

    Long on purpose: the day loop's bookkeeping (quiet, missing, pending days, resume)
    shares one result."""
    from .sync import Interrupted

    started = time.monotonic()
    requests_before = edgar.requests
    result = result if result is not None else MarketResult()
    today = today or eastern_today()
    if since > today:
        raise SyncError(
            f"{since} is in the future: no daily index yet (today is {today} in New York)"
        )
    if until is not None and since > until:
        raise ValueError(f"first day {since} is after the last day {until}")
    until = min(until or today, today)  # no index exists for a day to come
    days = [since + timedelta(days=i) for i in range((until - since).days + 1)]
    days = [d for d in days if d.weekday() < 5]
    earlier = {f["accession"] for f in store.failures(db)}
    try:
        for i, day in enumerate(days):
            if stop is not None and stop.is_set():
                result.stopped = True
                break
            where = f"{day} (day {i + 1} of {len(days)})"
            if progress:
                progress(0, 0, f"{where}: reading the daily index")
            entries = _day_entries(edgar, day, today, result)
            if entries is None:
                continue
            wanted = daily_index.ownership_entries(entries, forms)
            accs = [e.accession for e in wanted]
            # Stored from a data set counts as stored, unless asked to refine: then its
            # .txt replaces the rounded copy (store.save_filing, refine.py's path too).
            known = store.known_accessions(db, accs, any_source=not refine)
            if refine:
                result.refinable += len(store.known_accessions(db, accs, any_source=True) - known)
            todo = []
            for e in wanted:
                if e.accession in known:
                    result.skipped += 1
                elif e.accession in earlier and not retry_failed:
                    result.failed_earlier += 1
                else:
                    todo.append(e)
            if progress:
                progress(0, len(todo), f"{where}: fetching new filings")
            done = 0
            for e, outcome in _fetch_all(edgar, todo, workers, workers * 4, _fetch_entry):
                if _store_entry(db, edgar, result, e, outcome) and on_stored:
                    on_stored(e.accession)
                done += 1
                if progress:
                    progress(done, len(todo))
                if stop is not None and stop.is_set():
                    result.stopped = True
                    break
            if result.stopped:
                break
    except KeyboardInterrupt:
        raise Interrupted(result) from None
    finally:
        result.requests += edgar.requests - requests_before
        result.seconds += time.monotonic() - started
    return result


def _day_entries(
    edgar: Edgar, day: date, today: date, result: MarketResult
) -> list[daily_index.IndexEntry] | None:
    path = daily_index.index_path(day)
    try:
        data = edgar.get(path)
    except EdgarError as e:
        status = _status(e)
        if status in (403, 404):
            if day >= today:
                result.pending_days.append(day.isoformat())
            elif is_business_day(day):
                result.missing_days.append((day.isoformat(), f"{edgar.url(path)}: HTTP {status}"))
            else:
                result.quiet_days += 1
            return None
        raise
    try:
        idx = daily_index.decode(data)
    except daily_index.IndexFormatError as e:
        result.missing_days.append((day.isoformat(), f"{edgar.url(path)}: {e}"))
        return None
    result.days += 1
    result.bad_lines += idx.bad_lines
    return idx.entries


def _store_entry(
    db: sqlite_utils.Database,
    edgar: Edgar,
    result: MarketResult,
    e: Any,
    outcome: Any,
) -> bool:
    """Parse and store one fetched submission (`e`: an index or feed entry, with
    `accession` and `path`); False (recorded as a failure) if it cannot."""
    url = edgar.url(e.path)
    if isinstance(outcome, EdgarError):
        return _fail(db, result, e, url, str(outcome))
    raw = outcome[0]
    try:
        filing = parse_ownership(raw, source=e.accession)
    except ParseError as err:
        return _fail(db, result, e, url, f"parse error: {err.reason}")
    except Exception as err:  # the parser's bug must not stop the other filings
        return _fail(db, result, e, url, f"parse error: {type(err).__name__}: {err}")
    head = submission.header(raw)
    filed = getattr(e, "date_filed", None) or head.filing_date  # the feed gives no date
    meta = store.FilingMeta(e.accession, filed, head.acceptance_datetime, url)
    try:
        store.save_filing(db, filing, meta, ownership_xml(raw))
    except (sqlite3.IntegrityError, OverflowError, ValueError) as err:
        return _fail(db, result, e, url, f"store error: {type(err).__name__}: {err}")
    result.new += 1
    return True


def _fail(db, result: MarketResult, e: Any, url: str, reason: str) -> bool:
    store.record_failure(db, e.accession, None, url, reason)
    result.failed += 1
    result.failures.append((e.accession, reason))
    return False
