"""Fair access and faults: never more than 10 requests in any second (measured by the
server's own clock), one shared back-off when EDGAR says "slow down", bounded retries, and
what a sync does when EDGAR refuses, breaks or sends garbage: record and go on."""

from __future__ import annotations

import threading
import time

import pytest
from edgar_server import IssuerSpec, build_mirror

from insider import store
from insider.edgar import Edgar, EdgarError, RateLimited
from insider.sync import sync

UA = "Insider Tests tests@example.com"
ACME = 1000001


@pytest.fixture
def db():
    d = store.connect(":memory:")
    yield d
    d.conn.close()


def fast_client(srv, **kw) -> Edgar:
    """Short pauses so storms take fractions of a second."""
    kw.setdefault("backoff", 0.02)
    kw.setdefault("rate_limit_pause", 0.2)
    return Edgar(srv.url, UA, **kw)


def failures(db) -> dict[str, tuple]:
    return {
        r[0]: r[1:]
        for r in db.execute("SELECT accession, url, reason, failed_at, attempts FROM sync_failures")
    }


# -- the rate bound ---------------------------------------------------------------------------
@pytest.mark.slow
def test_never_more_than_10_in_any_second_and_at_least_8_per_second(db, edgar_server):
    # 150 ms of latency per request: only concurrency can reach the limit.
    m = build_mirror([IssuerSpec(ACME, "ACME", n=45, recent=20, page_size=15)])
    srv = edgar_server(m, latency=0.15)
    r = sync(db, fast_client(srv), ["ACME"])
    assert (r.new, r.failed) == (45, 0)
    assert srv.max_in_window(1.0) <= 10
    ts = sorted(q.t for q in srv.requests)
    rate = (len(ts) - 1) / (ts[-1] - ts[0])
    assert rate >= 8.0, f"{rate:.2f} requests/s"
    # Several threads, kept-alive connections: far fewer connections than requests.
    assert 2 <= len({q.client for q in srv.requests}) <= 10


@pytest.mark.slow
def test_shared_limiter_across_many_threads(edgar_server):
    srv = edgar_server({"x": b"1"}, latency=0.02)
    e = Edgar(srv.url, UA)
    threads = [threading.Thread(target=lambda: [e.get("x") for _ in range(3)]) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert srv.count() == 36
    assert srv.max_in_window(1.0) <= 10


@pytest.mark.slow
def test_lower_rate(db, edgar_server):
    srv = edgar_server(build_mirror([IssuerSpec(ACME, "ACME", n=10)]), latency=0.05)
    sync(db, fast_client(srv, rate=4), ["ACME"])
    assert srv.max_in_window(1.0) <= 4
    assert srv.count() == 12


def test_rate_above_10_refused():
    with pytest.raises(EdgarError, match="cannot exceed 10"):
        Edgar("http://127.0.0.1:9", UA, rate=11)


# -- "slow down": 403 rate-limit pages and 429 -------------------------------------------------
def _gap_after(srv, kind: str) -> float:
    """Seconds from the first `kind` answer to the next request that arrived after it."""
    reqs = sorted(srv.requests, key=lambda q: q.t)
    first = next(q for q in reqs if q.fault == kind)
    later = [q.t for q in reqs if q.t > first.done + 0.03]  # + requests already in flight
    return min(later) - first.done


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["403", "403-tool", "429"])
def test_slow_down_answer_honours_retry_after_then_goes_on(db, edgar_server, kind):
    m = build_mirror([IssuerSpec(ACME, "ACME", n=8)])
    srv = edgar_server(m)
    srv.add_fault(kind, "Archives/*", skip=2, times=1, retry_after=0.6)
    e = fast_client(srv)
    r = sync(db, e, ["ACME"], workers=4)
    assert (r.new, r.failed) == (8, 0)
    # Every thread waits: nothing reaches the server during the pause EDGAR asked for.
    assert _gap_after(srv, kind) >= 0.55
    assert e.limiter.pauses == [0.6]
    assert srv.count("Archives/*") == 8 + 1


@pytest.mark.slow
def test_403_storm_backs_off_exponentially(db, edgar_server):
    m = build_mirror([IssuerSpec(ACME, "ACME", n=6)])
    srv = edgar_server(m, latency=0.01)
    srv.add_fault("403", "Archives/*", skip=2, times=3)  # no Retry-After
    e = fast_client(srv, rate_limit_pause=0.1)
    r = sync(db, e, ["ACME"], workers=1)
    assert (r.new, r.failed) == (6, 0)
    assert e.limiter.pauses == [0.1, 0.2, 0.4]
    hits = sorted(q.t for q in srv.requests if q.path.startswith("Archives/"))
    gaps = [b - a for a, b in zip(hits, hits[1:], strict=False)]
    assert gaps[2] >= 0.1 and gaps[3] >= 0.2 and gaps[4] >= 0.4, gaps


@pytest.mark.slow
def test_403_storm_is_one_back_off_for_all_threads(db, edgar_server):
    m = build_mirror([IssuerSpec(ACME, "ACME", n=14)])
    srv = edgar_server(m, latency=0.05)
    srv.add_fault("403", "Archives/*", skip=2, times=9)
    e = fast_client(srv, rate_limit_pause=0.1)
    r = sync(db, e, ["ACME"], workers=6)
    assert (r.new, r.failed) == (14, 0)
    p = e.limiter.pauses
    # Requests already in flight when a pause began wait it out without lengthening it:
    # a few doubling pauses for the whole client, not one per refused request.
    # (A straggler refused after a success starts again from the first pause.)
    assert 1 <= len(p) <= 4 and p[0] == 0.1, p
    assert all(x in (0.1, 0.2, 0.4, 0.8) for x in p), p
    assert srv.max_in_window(1.0) <= 10
    # After each refusal is answered, nothing new reaches the server before its pause ends.
    reqs = sorted(srv.requests, key=lambda q: q.t)
    first = next(q for q in reqs if q.fault == "403")
    later = [q.t for q in reqs if q.t > first.done + 0.03]
    assert min(later) - first.done >= 0.09


def test_rate_limit_that_never_lifts_stops_the_sync_keeping_what_was_stored(db, edgar_server):
    m = build_mirror([IssuerSpec(ACME, "ACME", n=6)])
    srv = edgar_server(m)
    srv.add_fault("429", "Archives/*", skip=2, times=None)
    e = fast_client(srv, rate_limit_pause=0.05, rate_limit_retries=2)
    with pytest.raises(RateLimited, match="kept refusing"):
        sync(db, e, ["ACME"], workers=1)
    assert db.execute("SELECT count(*) FROM filings").fetchone() == (2,)
    assert failures(db) == {}  # a block is not the filings' fault


def test_plain_403_is_not_retried(db, edgar_server):
    m = build_mirror([IssuerSpec(ACME, "ACME", n=3)])
    bad = m.filings[0]
    srv = edgar_server(m)
    srv.add_fault("403-plain", bad.path(ACME), times=None)
    r = sync(db, fast_client(srv), ["ACME"])
    assert (r.new, r.failed) == (2, 1)
    assert srv.count(bad.path(ACME)) == 1
    assert "HTTP 403" in failures(db)[bad.accession][1]


# -- transient failures: 5xx, resets, truncated bodies ------------------------------------------
@pytest.mark.parametrize("kind", ["503", "500", "reset", "truncate"])
def test_transient_failures_are_retried(db, edgar_server, kind):
    m = build_mirror([IssuerSpec(ACME, "ACME", n=4)])
    srv = edgar_server(m)
    target = m.filings[2].path(ACME)
    srv.add_fault(kind, target, times=3)
    srv.add_fault(kind, "submissions/*", times=1)
    r = sync(db, fast_client(srv), ["ACME"])
    assert (r.new, r.failed) == (4, 0)
    assert srv.count(target) == 4
    assert r.requests == len(srv.requests) == 1 + 2 + 4 + 3


def test_retries_are_bounded_with_exponential_backoff_and_jitter(db, edgar_server):
    m = build_mirror([IssuerSpec(ACME, "ACME", n=3)])
    srv = edgar_server(m)
    bad = m.filings[1]
    srv.add_fault("503", bad.path(ACME), times=None)
    r = sync(db, fast_client(srv, backoff=0.1, retries=3), ["ACME"])
    assert (r.new, r.failed) == (2, 1)
    hits = sorted(q.t for q in srv.requests if q.path == bad.path(ACME))
    assert len(hits) == 1 + 3
    gaps = [b - a for a, b in zip(hits, hits[1:], strict=False)]
    # 0.1 * 2**k, each jittered to 50-150 %, plus a little scheduling slack.
    for k, g in enumerate(gaps):
        assert 0.1 * 2**k * 0.5 <= g <= 0.1 * 2**k * 1.5 + 0.1, gaps
    assert "HTTP 503 after 3 retries" in failures(db)[bad.accession][1]


@pytest.mark.slow
def test_503_retry_after_is_honoured(db, edgar_server):
    m = build_mirror([IssuerSpec(ACME, "ACME", n=1)])
    srv = edgar_server(m)
    target = m.filings[0].path(ACME)
    srv.add_fault("503", target, times=1, retry_after=0.5)
    sync(db, fast_client(srv), ["ACME"])
    hits = sorted(q.t for q in srv.requests if q.path == target)
    assert hits[1] - hits[0] >= 0.48


def test_gzip_answers_are_decoded(db, edgar_server):
    m = build_mirror([IssuerSpec(ACME, "ACME", n=3)])
    srv = edgar_server(m, gzip=True)
    r = sync(db, fast_client(srv), ["ACME"])
    assert (r.new, r.failed) == (3, 0)
    assert all("gzip" in q.headers.get("Accept-Encoding", "") for q in srv.requests)


# -- a filing that is not there, or not XML -------------------------------------------------------
def test_404_and_malformed_filings_recorded_and_sync_goes_on(db, edgar_server):
    m = build_mirror([IssuerSpec(ACME, "ACME", n=6)])
    gone, broken = m.filings[1], m.filings[4]
    srv = edgar_server(m)
    srv.add_fault("404", gone.path(ACME), times=None)
    srv.add_fault("malformed", broken.path(ACME), times=None)
    r = sync(db, fast_client(srv), ["ACME"])
    assert (r.new, r.failed) == (4, 2)
    assert "2 failed" in r.summary()
    f = failures(db)
    assert set(f) == {gone.accession, broken.accession}
    url, reason, failed_at, attempts = f[gone.accession]
    assert url == f"{srv.url}/{gone.path(ACME)}" and "404" in reason and attempts == 1
    assert failed_at[:2] == "20" and "T" in failed_at
    url, reason, _, _ = f[broken.accession]
    assert url == f"{srv.url}/{broken.path(ACME)}" and reason.startswith("parse error")
    assert dict(r.failures).keys() == {gone.accession, broken.accession}
    # Only the 404 looked at index.json (once); the malformed one was fetched once.
    assert srv.count("*/index.json") == 1
    assert srv.count(broken.path(ACME)) == 1

    # A plain re-sync does not hammer known failures...
    srv.reset_log()
    r = sync(db, fast_client(srv), ["ACME"])
    assert (r.new, r.failed, r.failed_earlier) == (0, 0, 2)
    assert "2 failed earlier" in r.summary()
    assert srv.count("Archives/*") == 0
    # ...--retry-failed tries them again: still broken is still recorded (attempts 2).
    srv.clear_faults()
    srv.add_fault("malformed", broken.path(ACME), times=None)
    r = sync(db, fast_client(srv), ["ACME"], retry_failed=True)
    assert (r.new, r.failed) == (1, 1)
    assert set(failures(db)) == {broken.accession}
    assert failures(db)[broken.accession][3] == 2
    # ...and without naming the issuer, every recorded failure is retried.
    srv.clear_faults()
    srv.reset_log()
    r = sync(db, fast_client(srv), [], retry_failed=True)
    assert (r.new, r.failed) == (1, 0)
    assert failures(db) == {}
    assert srv.paths("Archives/*") == [broken.path(ACME)]
    row = db.execute(
        "SELECT filing_date, issuer_cik FROM filings WHERE accession=?", (broken.accession,)
    ).fetchone()
    assert row == (broken.filing_date, f"{ACME:010d}")


def test_user_agent_and_gzip_on_every_request(db, edgar_server):
    m = build_mirror([IssuerSpec(ACME, "ACME", n=4)])
    srv = edgar_server(m)
    srv.add_fault("503", "Archives/*", times=2)
    sync(db, fast_client(srv), ["ACME"])
    assert len(srv.requests) == 1 + 1 + 4 + 2
    for q in srv.requests:
        assert q.headers.get("User-Agent") == UA
        assert "gzip" in q.headers.get("Accept-Encoding", "")


def test_timeouts_are_retried(db, edgar_server):
    m = build_mirror([IssuerSpec(ACME, "ACME", n=2)])
    srv = edgar_server(m)
    target = m.filings[0].path(ACME)
    srv.add_fault("slow", target, times=1, delay=0.6)
    r = sync(db, fast_client(srv, timeout=0.3), ["ACME"])
    assert (r.new, r.failed) == (2, 0)
    assert srv.count(target) == 2


def test_server_gone_is_one_clear_error_after_bounded_retries():
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    e = Edgar(f"http://127.0.0.1:{port}", UA, backoff=0.01, retries=5)
    # A refused connection is retried once, not through every backoff: the host is not there.
    with pytest.raises(EdgarError, match=r"cannot connect to 127.0.0.1:\d+: connection refused"):
        e.get("files/company_tickers.json")
    assert e.requests == 2


def test_retry_after_as_seconds_or_http_date():
    from email.utils import formatdate

    from insider.edgar import _retry_after

    assert _retry_after("7") == 7.0
    assert _retry_after(None) is None and _retry_after("soon") is None
    later = _retry_after(formatdate(time.time() + 30, usegmt=True))
    assert later is not None and 25 <= later <= 31
