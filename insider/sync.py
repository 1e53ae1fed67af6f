"""fetch -> parse -> store for issuers or insiders: what is new, in what order, with what
errors.

Requests, in order: company_tickers.json (only for a ticker missing from the DB cache or a
cache older than a day), each CIK's submissions JSON and every older page it lists, then one
request per new Form 3/4/5 (+/A) filing: its raw XML (EDGAR's `index.json` only when that
404s). Stored accessions are skipped before any request is made.

Fetches run on a few daemon threads (the shared rate limiter in edgar/ratelimit.py bounds them to
10/s); parsing and SQLite writes stay on the calling thread, in list order, one transaction
per filing with its raw XML. A kill at any moment loses at most the filing being written;
a re-run fetches exactly what is missing.
"""

from __future__ import annotations

import queue
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from . import store
from .cik import parse_cik
from .edgar import Cancelled, Edgar, EdgarError, NotFound, RateLimited
from .edgar.archive import pick_document
from .edgar.client import Transient
from .edgar.submissions import (
    FilingRef,
)
from .parse import ParseError, parse_ownership
from .sync_result import (  # noqa: F401  (re-exported: callers import them from here)
    BadDocument,
    Interrupted,
    Progress,
    SyncError,
    SyncResult,
    UnknownTicker,
)
from .sync_targets import (  # noqa: F401  (re-exported)
    TICKER_MAX_AGE,
    _in_dates,
    _unique_sorted,
    list_filings,
    resolve_cik,
)

if TYPE_CHECKING:
    import sqlite_utils

_FOLDER_CIK = re.compile(r"Archives/edgar/data/(\d+)/")
# A failure that may pass (server error, timeout, an HTML page in place of the document) is
# stored with this reason prefix and tried again by the next syncs, this many times in all.
TRANSIENT = "transient: "
TRANSIENT_ATTEMPTS = 5
_HTML = re.compile(rb"\s*(<!--.*?-->\s*)*<(!doctype\s+html|html)\b", re.I | re.S)


# -- fetching -------------------------------------------------------------------------------
def _fetch(edgar: Edgar, ref: FilingRef) -> tuple[bytes, str, bool]:
    if ref.primary_document:
        try:
            return edgar.get(ref.path), edgar.url(ref.path), False
        except NotFound:
            pass
    # The primary document is missing or wrong: ask the folder's index, once.
    index_path = f"{ref.folder}/index.json"
    try:
        index = edgar.get_json(index_path)
    except NotFound:
        raise NotFound(f"{edgar.url(ref.path)}: HTTP 404, and no index.json") from None
    name = pick_document(index, ref.accession, ref.primary_document)
    if name is None:
        raise NotFound(f"{edgar.url(ref.path)}: HTTP 404, and no XML in index.json")
    path = f"{ref.folder}/{name}"
    return edgar.get(path), edgar.url(path), True


def _fetch_all(
    edgar: Edgar,
    refs: list[Any],
    workers: int,
    ahead: int,
    fetch: Callable[[Edgar, Any], Any] | None = None,
) -> Iterator[tuple[Any, Any]]:
    """Yield (ref, (raw, url, fallback) | EdgarError) in the order of `refs`.

    `fetch(edgar, ref)` is `_fetch` unless given (market.py fetches index entries).
    `workers` daemon threads fetch; at most `ahead` filings are fetched ahead of the one
    being stored, so memory stays flat however many filings there are. Daemon threads: a
    Ctrl-C never waits for a request in flight.

    Long on purpose: the worker threads, the ordered hand-back and cancellation share one
    queue.
    """
    if not refs:
        return
    jobs: queue.SimpleQueue = queue.SimpleQueue()
    results: dict[int, Any] = {}
    cond = threading.Condition()

    def work() -> None:
        while True:
            item = jobs.get()
            if item is None:
                return
            i, ref = item
            try:
                out: Any = (fetch or _fetch)(edgar, ref)
            except Cancelled:
                return
            except EdgarError as e:
                out = e
            except Exception as e:  # a bug must not hang the main thread
                out = EdgarError(f"{type(e).__name__}: {e}")
            with cond:
                results[i] = out
                cond.notify_all()

    n_threads = max(1, min(workers, len(refs)))
    threads = [
        threading.Thread(target=work, name=f"insider-fetch-{k}", daemon=True)
        for k in range(n_threads)
    ]
    for t in threads:
        t.start()
    submitted = 0
    finished = False
    try:
        for i, ref in enumerate(refs):
            while submitted < len(refs) and submitted < i + ahead:
                jobs.put((submitted, refs[submitted]))
                submitted += 1
            with cond:
                while i not in results:
                    cond.wait(0.5)
                out = results.pop(i)
            if isinstance(out, RateLimited):
                raise out
            yield ref, out
        finished = True
    finally:
        if not finished:
            edgar.cancel()
        for _ in threads:
            jobs.put(None)


# -- the sync -------------------------------------------------------------------------------
def sync(
    db: sqlite_utils.Database,
    edgar: Edgar,
    targets: Iterable[str] = (),
    *,
    owners: Iterable[str] = (),
    by_owner: bool = False,
    retry_failed: bool = False,
    workers: int = 8,
    ahead: int | None = None,
    progress: Progress | None = None,
    since: str | None = None,
    until: str | None = None,
) -> SyncResult:
    """Sync issuers (`targets`: tickers or CIKs) and reporting owners (`owners`: CIKs),
    only filings filed from `since` to `until` (YYYY-MM-DD) when given.

    With `retry_failed`, filings that failed before are fetched again; with it and no
    targets, every recorded failure is retried (their CIKs' lists are read again for the
    filing dates). Raises SyncError before any filing request for a bad target (an unknown
    ticker only when no target is known: else it is listed in `result.unknown`),
    RateLimited when EDGAR keeps refusing, Interrupted on Ctrl-C.

    Long on purpose: the pipeline's steps in order (retry list, targets, fetch, store,
    result).
    """
    started = time.monotonic()
    requests_before = edgar.requests
    result = SyncResult()
    targets = list(targets)
    owners = list(owners)
    if by_owner:
        owners, targets = owners + targets, []
    earlier = {f["accession"]: f for f in store.failures(db)}
    lists, names = _lists(db, edgar, targets, owners, result, progress)
    only: set[str] | None = None
    if retry_failed and not lists:
        if not earlier:
            result.seconds = time.monotonic() - started
            return result
        only = set(earlier)
        lists = _lists_of_failures(earlier)
    refs: list[FilingRef] = []
    for cik, owner in lists:
        if progress:
            progress(0, 0, f"listing filings of {names.get(cik, f'CIK {cik}')}")
        refs.extend(list_filings(edgar, cik, owner=owner, since=since, problems=result.problems))
    dated = _unique_sorted(r for r in refs if _in_dates(r.filing_date, since, until))
    todo = _todo(db, dated, earlier, only, retry_failed, result)
    total = len(todo)
    if progress:
        who = ", ".join(dict.fromkeys(names.get(c, f"CIK {c}") for c, _ in lists))
        progress(0, total, f"fetching new filings of {who}" if who else "fetching new filings")
    try:
        done = 0
        for ref, outcome in _fetch_all(edgar, todo, workers, ahead or workers * 4):
            _store_one(db, edgar, result, ref, outcome)
            done += 1
            if progress:
                progress(done, total)
    except KeyboardInterrupt:
        result.requests = edgar.requests - requests_before
        result.seconds = time.monotonic() - started
        raise Interrupted(result) from None
    finally:
        result.requests = edgar.requests - requests_before
        result.seconds = time.monotonic() - started
    return result


def _lists(
    db,
    edgar: Edgar,
    targets: list[str],
    owners: list[str],
    result: SyncResult,
    progress: Progress | None,
) -> tuple[dict[tuple[str, bool], None], dict[str, str]]:
    """(CIK, is an owner's list) of every filing list to read, in order, without repeats;
    and the name each issuer CIK was asked by. Unknown tickers go to `result.unknown`."""
    lists: dict[tuple[str, bool], None] = {}
    state: dict = {}
    names: dict[str, str] = {}
    for t in targets:
        if progress:
            progress(0, 0, f"looking up {t}")
        try:
            cik = resolve_cik(db, edgar, t, state)
        except UnknownTicker as e:
            result.unknown.append((e.target, e.suggestions))
            continue
        lists[(cik, False)] = None
        names.setdefault(cik, t.upper())
    if result.unknown and not lists and not owners:
        raise UnknownTicker(*result.unknown[0])  # nothing else to sync: the error itself
    for o in owners:
        cik = parse_cik(o)
        if cik is None:
            raise SyncError(f"{o!r} is not a reporting owner's CIK (digits)")
        lists[(cik, True)] = None
    return lists, names


def _lists_of_failures(earlier: dict[str, dict]) -> dict[tuple[str, bool], None]:
    """The filing lists that named earlier failures (for their filing dates)."""
    lists: dict[tuple[str, bool], None] = {}
    for f in earlier.values():
        m = _FOLDER_CIK.search(f["url"] or "")
        if m:
            lists[(parse_cik(m.group(1)) or m.group(1), f["issuer_cik"] is None)] = None
    return lists


def _todo(
    db,
    refs: list[FilingRef],
    earlier: dict[str, dict],
    only: set[str] | None,
    retry_failed: bool,
    result: SyncResult,
) -> list[FilingRef]:
    """The filings to fetch: not stored yet, and not failed before unless retried; the
    others are counted in `result`. A filing held only from a data set is fetched: its
    XML replaces the rounded copy (store.known_accessions)."""
    known = store.known_accessions(db, (r.accession for r in refs))
    todo = []
    for r in refs:
        if only is not None and r.accession not in only:
            continue
        if r.accession in known:
            result.skipped += 1
        elif r.accession in earlier and not retry_failed:
            if _retry_now(earlier[r.accession]):
                result.retried += 1
                todo.append(r)
            else:
                result.failed_earlier += 1
        else:
            todo.append(r)
    return todo


def _store_one(
    db: sqlite_utils.Database, edgar: Edgar, result: SyncResult, ref: FilingRef, outcome: Any
) -> None:
    if isinstance(outcome, EdgarError):
        why = str(outcome)
        _fail(db, result, ref, edgar.url(ref.path), TRANSIENT + why if _passing(outcome) else why)
        return
    raw, url, fallback = outcome
    result.fallbacks += fallback
    try:
        filing = parse_ownership(raw, source=ref.accession)
    except ParseError as e:
        # An HTML page where the XML should be is EDGAR's maintenance or error page.
        html = _HTML.match(raw[:4096]) is not None
        _fail(db, result, ref, url, (TRANSIENT if html else "") + f"parse error: {e.reason}")
        return
    except Exception as e:  # the parser's bug must not stop the other filings
        _fail(db, result, ref, url, f"parse error: {type(e).__name__}: {e}")
        return
    meta = store.FilingMeta(ref.accession, ref.filing_date, ref.acceptance_datetime, url)
    try:
        store.save_filing(db, filing, meta, raw)
    except (sqlite3.IntegrityError, OverflowError, ValueError) as e:
        # One filing's odd content (rolled back whole) must not stop the rest of the sync.
        _fail(db, result, ref, url, f"store error: {type(e).__name__}: {e}")
        return
    result.new += 1


def _passing(e: EdgarError) -> bool:
    """Worth trying again on a later sync: server errors, timeouts, cut bodies."""
    return isinstance(e, Transient)


def _retry_now(failure: dict) -> bool:
    """An earlier failure the sync tries again by itself: transient, and not yet tried
    TRANSIENT_ATTEMPTS times (then it stays for --retry-failed, like any other)."""
    return (failure["reason"] or "").startswith(TRANSIENT) and (
        failure["attempts"] or 1
    ) < TRANSIENT_ATTEMPTS


def _fail(db, result: SyncResult, ref: FilingRef, url: str | None, reason: str) -> None:
    store.record_failure(db, ref.accession, ref.issuer_cik, url, reason)
    result.failed += 1
    result.failures.append((ref.accession, reason))
