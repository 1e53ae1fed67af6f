"""`insider watch`: poll EDGAR's latest-filings feed, store every new Form 3/4/5, alert on
the transactions that match.

Each poll reads the feed for types 3, 4 and 5 (`type` is a prefix match, so entries are
kept by their own form), newest first, page after page until a page reaches back past the
last time seen (minus `OVERLAP`, because entries show up about a minute after their
acceptance time and not always in order). New filings (not stored, not failed before) are
fetched oldest first, one request each (the full `.txt`), stored, and alerted.

State lives in the database (table `watch_state`, created IF NOT EXISTS): the acceptance
time and accession of the newest filing handled, and the floor: the time the watch began
(its newest feed entry then, or `--since`), before which nothing is new. State moves
forward filing by filing, so a restart (or a crash) neither repeats an alert (stored
filings are skipped) nor misses a filing (it pages back to that time). When the feed does
not reach back that far (it holds `feed.FEED_MAX` entries, ~1-2 days; past them EDGAR
answers 503, or its oldest entry is newer than the last one seen), the daily indexes since
that day are synced first, with alerts, then the feed; today's index is built tonight, so
the day is remembered (`pending_day`) and its index read the next day. A first watch
without state starts from the feed's newest entry (or from `--since`). `stop`
(SIGINT/SIGTERM in the CLI) ends it between filings.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TextIO

import sqlite_utils

from . import alerts, market, queries, schema, store
from .edgar import Edgar, EdgarError, feed
from .market import ALL_FORMS, MarketResult
from .sync import _fetch_all

MIN_INTERVAL = 10.0
DEFAULT_INTERVAL = 60.0
OVERLAP = timedelta(minutes=3)


@dataclass
class WatchConfig:
    interval: float = DEFAULT_INTERVAL
    since: date | None = None
    filter: alerts.AlertFilter = field(default_factory=alerts.AlertFilter)
    json: bool = False
    exec_cmd: str | None = None
    exec_timeout: float = 30.0
    exec_label: str = "alert command"  # how failure lines name it (the CLI: --exec)
    forms: frozenset[str] = ALL_FORMS
    polls: int | None = None  # stop after this many polls (scripts, tests); None: forever
    page_size: int = 100


@dataclass
class WatchStats:
    polls: int = 0
    failed_polls: int = 0
    new: int = 0
    alerts: int = 0
    catch_ups: int = 0
    requests: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)


def _utc(stamp: str) -> datetime:
    return datetime.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)


def _stamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class Watch:
    def __init__(
        self,
        db: sqlite_utils.Database,
        edgar: Edgar,
        cfg: WatchConfig,
        *,
        out: TextIO | None = None,
        err: TextIO | None = None,
        stop: threading.Event | None = None,
        today: Callable[[], date] = market.eastern_today,
        on_alert: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.db = db
        self.edgar = edgar
        self.cfg = cfg
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.stop = stop or threading.Event()
        self.today = today
        self.on_alert = on_alert
        self.stats = WatchStats()
        self.runner = (
            alerts.Runner(cfg.exec_cmd, cfg.exec_timeout, cfg.exec_label) if cfg.exec_cmd else None
        )
        self.failed_before = {f["accession"] for f in store.failures(db)}
        with store._transaction(db):  # store.connect made it; a caller's own connection too
            db.conn.execute(schema.WATCH_STATE)

    # -- state ------------------------------------------------------------------------------
    def state(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT name, value FROM watch_state").fetchall())

    def _save(self, **values: str) -> None:
        now = _stamp(datetime.now(UTC))
        with store._transaction(self.db):
            self.db.conn.executemany(
                "INSERT INTO watch_state(name, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET value = excluded.value, "
                "updated_at = excluded.updated_at",
                [(k, v, now) for k, v in values.items()],
            )

    def _advance(self, updated: str | None, accession: str) -> None:
        if updated and updated > self.last_seen:
            self.last_seen = updated
            self._save(last_seen=updated, last_accession=accession)

    # -- the loop -----------------------------------------------------------------------
    def run(self) -> WatchStats:
        started_requests = self.edgar.requests
        try:
            self.start()
            while not self.stop.is_set():
                self.poll()
                if self.cfg.polls is not None and self.stats.polls >= self.cfg.polls:
                    break
                self.stop.wait(self.cfg.interval)
        finally:
            self.stats.requests = self.edgar.requests - started_requests
        return self.stats

    def start(self) -> None:
        st = self.state()
        if self.cfg.since is not None:
            since = datetime(*self.cfg.since.timetuple()[:3], tzinfo=market.submission.EASTERN)
            self.last_seen = self.floor = _stamp(since)
            self._save(last_seen=self.last_seen, floor=self.floor)
        elif "last_seen" in st:
            self.last_seen = st["last_seen"]
            self.floor = st.get("floor", "")
        else:  # a first watch: from the newest entry on, nothing before it is "new"
            self.last_seen = ""
            newest = ""
            for t in self._types():
                try:
                    page = feed.decode(self.edgar.get(feed.feed_path(t, 0, self.cfg.page_size)))
                except (EdgarError, feed.FeedFormatError) as e:
                    self._say(f"could not read the feed: {e}")
                    continue
                newest = max([newest, *(e.updated or "" for e in page)])
            # The floor: what the feed held when the watch began is never "new", even
            # inside the overlap below.
            self.last_seen = self.floor = newest or _stamp(datetime.now(UTC))
            self._save(last_seen=self.last_seen, floor=self.floor)
        self._say(f"watching Forms {', '.join(self._types())} from {self.last_seen}")

    def _types(self) -> list[str]:
        return sorted({f[0] for f in self.cfg.forms})

    def _say(self, message: str) -> None:
        from .sanitize import terminal_line

        print(f"insider: {terminal_line(message)}", file=self.err, flush=True)

    # -- one poll -----------------------------------------------------------------------
    def poll(self) -> None:
        self.stats.polls += 1
        try:
            self._pending_day()
            entries, gap = self._read_feed()
            if gap and not self.stop.is_set():
                self._catch_up()
            if not self.stop.is_set():
                self._handle(entries)
        except EdgarError as e:  # EDGAR down, rate-limited for long: report, poll again
            self.stats.failed_polls += 1
            self._say(f"poll failed: {e}; trying again in {self.cfg.interval:g} s")

    def _read_feed(self) -> tuple[list[feed.FeedEntry], bool]:
        boundary = _stamp(_utc(self.last_seen) - OVERLAP) if self.last_seen else ""
        boundary = max(boundary, self.floor)
        entries: list[feed.FeedEntry] = []
        gap = False
        size = self.cfg.page_size
        for t in self._types():
            start = 0
            while not self.stop.is_set():
                try:
                    data = self.edgar.get(feed.feed_path(t, start, size))
                except EdgarError as e:
                    if start > 0 and market._status(e) == 503:  # asked past the feed's end
                        gap = True
                        break
                    raise
                try:
                    page = feed.decode(data)
                except feed.FeedFormatError as e:
                    where = self.edgar.url(feed.feed_path(t, start, size))
                    raise EdgarError(f"{where}: {e}") from None
                entries.extend(page)
                oldest = min((e.updated or "" for e in page), default="")
                if oldest and oldest < boundary:
                    break  # reached back to what was seen
                if len(page) < size:
                    # The feed ends here; if its oldest entry is newer than the last one
                    # seen, filings in between fell off it.
                    gap = gap or bool(oldest and oldest > self.last_seen)
                    break
                start += size
                if start >= feed.FEED_MAX:
                    gap = True
                    break
        return entries, gap

    def _catch_up(self) -> None:
        since = _utc(self.last_seen).astimezone(market.submission.EASTERN).date()
        self._say(
            f"the feed does not reach back to {self.last_seen}: catching up from the "
            f"daily indexes since {since}"
        )
        self.stats.catch_ups += 1
        result = MarketResult()
        market.sync_days(
            self.db,
            self.edgar,
            since,
            self.today(),
            forms=self.cfg.forms,
            on_stored=self._alert,
            stop=self.stop,
            today=self.today(),
            result=result,
        )
        self._report(result)
        if result.pending_days and not result.stopped:
            # Today's index is built tonight: filings of today that fell off the feed are
            # only there. Remember the day and read its index once it exists.
            self._save(pending_day=min(result.pending_days))

    def _pending_day(self) -> None:
        day = self.state().get("pending_day")
        if not day or date.fromisoformat(day) >= self.today() or self.stop.is_set():
            return
        result = MarketResult()
        d = date.fromisoformat(day)
        self._say(f"reading the daily index of {day}, pending since a catch-up")
        market.sync_days(
            self.db,
            self.edgar,
            d,
            d,
            forms=self.cfg.forms,
            on_stored=self._alert,
            stop=self.stop,
            today=self.today(),
            result=result,
        )
        self._report(result)
        if not result.stopped:
            with store._transaction(self.db):
                self.db.conn.execute("DELETE FROM watch_state WHERE name = 'pending_day'")

    def _report(self, result: MarketResult) -> None:
        self.stats.new += result.new
        self.stats.failures.extend(result.failures)
        for acc, reason in result.failures:
            self._say(f"failed {acc}: {reason}")
        for day, reason in result.missing_days:
            self._say(f"no daily index for business day {day}: {reason}")

    def _handle(self, entries: list[feed.FeedEntry]) -> None:
        by_acc: dict[str, feed.FeedEntry] = {}
        for e in entries:
            if e.updated is not None and e.updated <= self.floor:
                continue
            if e.form in self.cfg.forms and e.path and e.accession not in by_acc:
                by_acc[e.accession] = e
        todo = sorted(by_acc.values(), key=lambda e: (e.updated or "", e.accession))
        known = store.known_accessions(self.db, by_acc)
        fresh = [
            e for e in todo if e.accession not in known and e.accession not in self.failed_before
        ]
        result = MarketResult()
        newest = {e.accession: e for e in todo}
        stored_or_failed: set[str] = set()
        fetched = _fetch_all(self.edgar, fresh, 4, 16, market._fetch_entry)
        for e, outcome in fetched:
            if market._store_entry(self.db, self.edgar, result, e, outcome):
                self.stats.new += 1
                self._alert(e.accession, e.updated)
            else:
                acc, reason = result.failures[-1]
                self.failed_before.add(acc)
                self.stats.failures.append((acc, reason))
                self._say(f"failed {acc}: {reason}")
            stored_or_failed.add(e.accession)
            self._advance(e.updated, e.accession)
            if self.stop.is_set():
                fetched.close()
                return
        # Everything read is handled (new, stored before or failed before): move on to it.
        if todo:
            last = todo[-1]
            self._advance(newest[last.accession].updated, last.accession)

    # -- alerts ---------------------------------------------------------------------------
    def _alert(self, accession: str, accepted: str | None = None) -> None:
        if accepted is None:
            accepted = queries.acceptance_time(self.db, accession)
        for a in alerts.alerts_for(self.db, accession, self.cfg.filter):
            self.stats.alerts += 1
            if self.cfg.json:
                print(alerts.to_json(a), file=self.out, flush=True)
            else:
                print(alerts.to_line(a, _short(accepted)), file=self.out, flush=True)
            if self.on_alert:
                self.on_alert(a)
            if self.runner:
                r = self.runner(a)
                if not r.ok:
                    self._say(r.message)


def _short(stamp: str | None) -> str | None:
    """An acceptance time for people: New York time to the second."""
    if not stamp:
        return None
    try:
        return _utc(stamp).astimezone(market.submission.EASTERN).strftime("%Y-%m-%d %H:%M:%S ET")
    except ValueError:
        return None
