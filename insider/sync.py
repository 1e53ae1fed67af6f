"""fetch -> parse -> store for an issuer or an insider: what is new, in what order, with what
errors. Fetches run on a few threads (bounded by the shared rate limiter); parsing and the
SQLite writes stay on the calling thread, one transaction per filing, so a kill at any moment
loses at most the filing in flight and a re-run resumes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlite_utils

from . import store
from .edgar import OWNERSHIP_FORMS, Edgar, EdgarError, NotFound, archive_path, raw_document_name
from .parse import ParseError, parse_ownership

TICKER_MAX_AGE = timedelta(days=1)


class SyncError(Exception):
    """A problem that stops the sync before any filing (unknown ticker, no submissions)."""


@dataclass(frozen=True, slots=True)
class FilingRef:
    accession: str
    form: str
    filing_date: str | None
    acceptance_datetime: str | None
    primary_document: str
    folder_cik: str

    @property
    def path(self) -> str:
        return archive_path(
            self.folder_cik, self.accession, raw_document_name(self.primary_document)
        )


@dataclass
class SyncResult:
    new: int = 0
    skipped: int = 0
    failed: int = 0
    fallbacks: int = 0
    requests: int = 0
    seconds: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        line = (
            f"{self.new} new filings, {self.skipped} already stored, {self.failed} failed; "
            f"{self.requests} requests in {self.seconds:.1f} s"
        )
        if self.fallbacks:
            line += f" ({self.fallbacks} via index.json)"
        return line


Progress = Callable[[int, int], None]


def resolve_cik(db: sqlite_utils.Database, edgar: Edgar, target: str) -> str:
    """A CIK (digits) as is; a ticker through company_tickers.json, cached for a day."""
    t = target.strip()
    if t.isdigit():
        return f"{int(t):010d}"
    ticker = t.upper()
    row = db.execute(
        "SELECT cik, fetched_at FROM ticker_cache WHERE ticker = ?", (ticker,)
    ).fetchone()
    fresh = row is not None and datetime.fromisoformat(row[1]) > datetime.now(UTC) - TICKER_MAX_AGE
    if row is not None and fresh:
        return row[0]
    _refresh_tickers(db, edgar)
    row = db.execute("SELECT cik FROM ticker_cache WHERE ticker = ?", (ticker,)).fetchone()
    if row is None:
        raise SyncError(f"unknown ticker {target!r}: not in EDGAR's company_tickers.json")
    return row[0]


def _refresh_tickers(db: sqlite_utils.Database, edgar: Edgar) -> None:
    data = edgar.company_tickers()
    now = datetime.now(UTC).isoformat(timespec="seconds")
    rows = []
    for entry in data.values() if isinstance(data, dict) else data:
        try:
            rows.append(
                (
                    str(entry["ticker"]).upper(),
                    f"{int(entry['cik_str']):010d}",
                    entry.get("title"),
                    now,
                )
            )
        except (KeyError, TypeError, ValueError):
            continue
    with store._transaction(db):
        db.conn.execute("DELETE FROM ticker_cache")
        db.conn.executemany("INSERT OR REPLACE INTO ticker_cache VALUES (?,?,?,?)", rows)


def _columns(block: dict[str, Any], folder_cik: str) -> Iterator[FilingRef]:
    acc = block.get("accessionNumber") or []
    forms = block.get("form") or []
    n = len(acc)

    def col(name: str) -> list:
        v = block.get(name) or []
        return v if len(v) == n else list(v) + [None] * (n - len(v))

    dates, accepted, docs = col("filingDate"), col("acceptanceDateTime"), col("primaryDocument")
    for i in range(n):
        form = forms[i] if i < len(forms) else None
        if form in OWNERSHIP_FORMS and docs[i]:
            yield FilingRef(acc[i], form, dates[i], accepted[i], docs[i], folder_cik)


def list_filings(edgar: Edgar, cik: str) -> list[FilingRef]:
    """Every Form 3/4/5 (+/A) in the CIK's submissions: recent and each older page."""
    try:
        sub = edgar.submissions(cik)
    except NotFound:
        raise SyncError(f"no EDGAR submissions for CIK {cik}") from None
    filings = sub.get("filings") or {}
    refs = list(_columns(filings.get("recent") or {}, cik))
    for page in filings.get("files") or []:
        refs.extend(_columns(edgar.submissions_page(page["name"]), cik))
    seen: set[str] = set()
    unique = []
    for r in refs:
        if r.accession not in seen:
            seen.add(r.accession)
            unique.append(r)
    # Oldest first, so an amendment is stored after what it amends.
    unique.sort(key=lambda r: (r.filing_date or "", r.accession))
    return unique


def _fetch(edgar: Edgar, ref: FilingRef) -> tuple[bytes, str, bool]:
    try:
        return edgar.get(ref.path), edgar.url(ref.path), False
    except NotFound:
        pass
    # The primary document name can be wrong or missing: ask the folder's index once.
    folder = ref.path.rsplit("/", 1)[0]
    index = edgar.get_json(f"{folder}/index.json")
    items = (index.get("directory") or {}).get("item") or []
    names = [i.get("name", "") for i in items]
    xmls = [n for n in names if n.lower().endswith(".xml") and "/" not in n]
    if not xmls:
        raise NotFound(f"{edgar.url(ref.path)}: HTTP 404 and no XML in index.json")
    path = f"{folder}/{xmls[0]}"
    return edgar.get(path), edgar.url(path), True


def sync(
    db: sqlite_utils.Database,
    edgar: Edgar,
    targets: Iterable[str],
    *,
    by_owner: bool = False,
    retry_failed: bool = False,
    workers: int = 6,
    progress: Progress | None = None,
) -> SyncResult:
    started = time.monotonic()
    result = SyncResult()
    refs: list[FilingRef] = []
    for target in targets:
        cik = resolve_cik(db, edgar, target) if not by_owner else f"{int(target):010d}"
        refs.extend(list_filings(edgar, cik))
    known = store.known_accessions(db, (r.accession for r in refs))
    failed_before = (
        {r[0] for r in db.execute("SELECT accession FROM sync_failures")}
        if not retry_failed
        else set()
    )
    todo = []
    seen = set()
    for r in refs:
        if r.accession in known or r.accession in seen:
            result.skipped += 1
        elif r.accession in failed_before:
            result.skipped += 1
        else:
            seen.add(r.accession)
            todo.append(r)
    total = len(todo)
    if progress:
        progress(0, total)
    done = 0
    for ref, outcome in _fetch_all(edgar, todo, workers):
        done += 1
        if isinstance(outcome, Exception):
            _fail(db, result, ref, edgar.url(ref.path), str(outcome))
        else:
            raw, url, fallback = outcome
            result.fallbacks += fallback
            try:
                filing = parse_ownership(raw, source=ref.accession)
            except ParseError as e:
                _fail(db, result, ref, url, f"parse error: {e.reason}")
            else:
                meta = store.FilingMeta(
                    ref.accession, ref.filing_date, ref.acceptance_datetime, url
                )
                store.save_filing(db, filing, meta, raw)
                result.new += 1
        if progress:
            progress(done, total)
    result.requests = edgar.requests
    result.seconds = time.monotonic() - started
    return result


def _fail(db, result: SyncResult, ref: FilingRef, url: str, reason: str) -> None:
    issuer = None if ref.folder_cik is None else ref.folder_cik
    store.record_failure(db, ref.accession, issuer, url, reason)
    result.failed += 1
    result.failures.append((ref.accession, reason))


def _fetch_all(
    edgar: Edgar, refs: list[FilingRef], workers: int
) -> Iterator[tuple[FilingRef, Any]]:
    """Yield (ref, (raw, url, fallback) | exception) with a bounded number in flight, so
    memory stays flat however many filings there are."""
    if not refs:
        return
    pending: dict[Future, FilingRef] = {}
    it = iter(refs)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        try:
            for ref in it:
                pending[pool.submit(_fetch, edgar, ref)] = ref
                if len(pending) >= workers * 2:
                    break
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    ref = pending.pop(fut)
                    try:
                        outcome: Any = fut.result()
                    except EdgarError as e:
                        outcome = e
                    yield ref, outcome
                    nxt = next(it, None)
                    if nxt is not None:
                        pending[pool.submit(_fetch, edgar, nxt)] = nxt
        finally:
            for fut in pending:
                fut.cancel()
