"""One request per new filing, none per stored one, older pages followed, tickers cached:
which requests a sync makes, counted by a real local server."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from edgar_server import IssuerSpec, OwnerSpec, build_mirror

from insider import store
from insider.edgar import Edgar
from insider.sync import SyncError, sync

UA = "Insider Tests tests@example.com"
ACME, BETA, GAMMA, OWNER = 1000001, 1000002, 1000003, 2000001


def client(srv, **kw) -> Edgar:
    kw.setdefault("backoff", 0.01)
    return Edgar(srv.url, UA, **kw)


@pytest.fixture
def db():
    d = store.connect(":memory:")
    yield d
    d.conn.close()


def test_one_request_per_new_filing_and_older_pages(db, edgar_server):
    m = build_mirror([IssuerSpec(ACME, "ACME", n=12, recent=4, page_size=3)])
    srv = edgar_server(m)
    r = sync(db, client(srv), ["ACME"])
    assert (r.new, r.skipped, r.failed) == (12, 0, 0)
    # company_tickers once, the submissions JSON and each of its older pages once.
    assert srv.paths("files/*") == ["files/company_tickers.json"]
    pages = sorted(k for k in m.files if k.startswith("submissions/"))
    assert len(pages) == 1 + 5  # 17 rows (5 not ownership forms): 4 recent, 5 pages of 3
    assert sorted(srv.paths("submissions/*")) == pages
    # Exactly one request per filing: its raw XML, without the xslF345X0N/ folder.
    archive = srv.paths("Archives/*")
    assert sorted(archive) == sorted(f.path(ACME) for f in m.filings)
    assert not any("xslF345" in p or p.endswith("index.json") for p in archive)
    assert r.requests == len(srv.requests) == 1 + 6 + 12
    stored = {a for (a,) in db.execute("SELECT accession FROM filings")}
    assert stored == {f.accession for f in m.filings}


def test_no_request_for_forms_other_than_3_4_5(db, edgar_server):
    m = build_mirror([IssuerSpec(ACME, "ACME", n=3)])
    assert len(m.others) == 5  # 10-Q, 8-K, 144, 424B5 (a "4" prefix trap), SC 13G
    srv = edgar_server(m)
    sync(db, client(srv), ["ACME"])
    asked = " ".join(srv.paths())
    for acc in m.others:
        assert acc.replace("-", "") not in asked
    assert db.execute("SELECT count(*) FROM filings").fetchone()[0] == 3


def test_resync_makes_zero_filing_requests(db, edgar_server):
    m = build_mirror([IssuerSpec(ACME, "ACME", n=6, recent=2, page_size=2)])
    srv = edgar_server(m)
    sync(db, client(srv), ["ACME"])
    srv.reset_log()
    r = sync(db, client(srv), ["ACME"])
    assert (r.new, r.skipped, r.failed) == (0, 6, 0)
    assert srv.count("Archives/*") == 0
    # Only the lists: the ticker cache is fresh, so no company_tickers.json either.
    assert sorted(srv.paths()) == sorted(k for k in m.files if k.startswith("submissions/"))


def test_only_new_filings_are_fetched(db, edgar_server):
    m = build_mirror([IssuerSpec(ACME, "ACME", n=5)])
    srv = edgar_server(m)
    first, *rest = sorted(m.filings, key=lambda f: f.filing_date)
    # A first sync that saw only the oldest filing: simulate with a mirror of one.
    srv.files = {k: v for k, v in m.files.items() if not k.startswith("Archives/")}
    srv.files[first.path(ACME)] = first.xml
    r = sync(db, client(srv), ["ACME"])
    assert (r.new, r.failed) == (1, 4)
    srv.files = m.files
    srv.reset_log()
    r = sync(db, client(srv), ["ACME"], retry_failed=True)
    assert (r.new, r.skipped) == (4, 1)
    assert sorted(srv.paths("Archives/*")) == sorted(f.path(ACME) for f in rest)


def test_ticker_cache_fresh_stale_and_miss(db, edgar_server):
    m = build_mirror([IssuerSpec(ACME, "ACME", n=1), IssuerSpec(BETA, "BETA", n=1)])
    srv = edgar_server(m)
    e = client(srv)
    sync(db, e, ["ACME"])
    assert srv.count("files/company_tickers.json") == 1
    # Fresh cache: a second ticker costs no company_tickers request.
    sync(db, e, ["BETA"])
    assert srv.count("files/company_tickers.json") == 1
    # A CIK never needs it.
    sync(db, e, [str(ACME)])
    assert srv.count("files/company_tickers.json") == 1
    # Older than a day: refreshed.
    old = (datetime.now(UTC) - timedelta(days=1, minutes=1)).isoformat(timespec="seconds")
    db.execute("UPDATE ticker_cache SET fetched_at = ?", (old,))
    sync(db, e, ["ACME"])
    assert srv.count("files/company_tickers.json") == 2
    fetched = db.execute("SELECT min(fetched_at) FROM ticker_cache").fetchone()[0]
    assert fetched > old
    # A miss refreshes (a ticker listed since): found without waiting a day.
    tickers = json.loads(m.files["files/company_tickers.json"])
    tickers["9"] = {"cik_str": GAMMA, "ticker": "GMMA", "title": "GAMMA"}
    srv.files["files/company_tickers.json"] = json.dumps(tickers).encode()
    srv.files[f"submissions/CIK{GAMMA:010d}.json"] = json.dumps(
        {"cik": str(GAMMA), "filings": {"recent": {}, "files": []}}
    ).encode()
    sync(db, e, ["gmma"])
    assert srv.count("files/company_tickers.json") == 3
    assert db.execute("SELECT cik FROM ticker_cache WHERE ticker='GMMA'").fetchone() == (
        f"{GAMMA:010d}",
    )
    # Unknown tickers: one refresh per sync at most, then a clear error, no filing request.
    srv.reset_log()
    with pytest.raises(SyncError, match="unknown ticker 'NOPE'"):
        sync(db, e, ["NOPE", "NADA"])
    assert srv.paths() == ["files/company_tickers.json"]


def test_bad_targets_stop_before_any_filing_request(db, edgar_server):
    srv = edgar_server(build_mirror([IssuerSpec(ACME, "ACME", n=2)]))
    with pytest.raises(SyncError, match="neither a ticker"):
        sync(db, client(srv), ["ACME", "no such/thing"])
    with pytest.raises(SyncError, match="is not a reporting owner's CIK"):
        sync(db, client(srv), [], owners=["JANE"])
    with pytest.raises(SyncError, match="no EDGAR submissions for CIK 0000000042"):
        sync(db, client(srv), ["ACME", "42"])
    assert srv.count("Archives/*") == 0


def test_index_json_fallback_only_on_404_and_counted(db, edgar_server):
    m = build_mirror([IssuerSpec(ACME, "ACME", n=4)])
    f = m.filings[1]
    folder = f.path(ACME).rsplit("/", 1)[0]
    # The raw XML is not where primaryDocument says; the folder's index.json lists it.
    del m.files[f.path(ACME)]
    m.files[f"{folder}/ownership.xml"] = f.xml
    m.files[f"{folder}/index.json"] = json.dumps(
        {
            "directory": {
                "item": [
                    {"name": f"{f.accession}-index.html", "type": "text.gif"},
                    {"name": "R1_htm.xml", "type": "text.gif"},
                    {"name": "ownership.xml", "type": "text.gif"},
                    {"name": f"{f.accession}.txt", "type": "text.gif"},
                ]
            }
        }
    ).encode()
    srv = edgar_server(m)
    r = sync(db, client(srv), ["ACME"])
    assert (r.new, r.failed, r.fallbacks) == (4, 0, 1)
    assert "(1 via index.json)" in r.summary()
    assert srv.count("*/index.json") == 1
    assert srv.count("Archives/*") == 4 + 2  # one 404, one index.json
    url = db.execute("SELECT url FROM filings WHERE accession=?", (f.accession,)).fetchone()[0]
    assert url.endswith(f"{folder}/ownership.xml")


def test_by_owner_issuer_comes_from_the_xml(db, edgar_server):
    # One insider files for two issuers; their filings sit on the owner's own list.
    m = build_mirror(
        [IssuerSpec(ACME, "ACME", n=2), IssuerSpec(BETA, "BETA", n=1)],
        [OwnerSpec(OWNER, "DOE JANE Q", {ACME: 2, BETA: 3})],
    )
    srv = edgar_server(m)
    r = sync(db, client(srv), [], owners=[str(OWNER)])
    assert (r.new, r.failed) == (5, 0)
    assert srv.paths("files/*") == []  # a CIK needs no ticker lookup
    assert srv.paths("submissions/*") == [f"submissions/CIK{OWNER:010d}.json"]
    assert all(p.startswith(f"Archives/edgar/data/{OWNER}/") for p in srv.paths("Archives/*"))
    rows = dict(db.execute("SELECT issuer_cik, count(*) FROM filings GROUP BY 1").fetchall())
    assert rows == {f"{ACME:010d}": 2, f"{BETA:010d}": 3}
    owners = db.execute(
        "SELECT count(DISTINCT accession) FROM filing_owners WHERE owner_cik=?", (f"{OWNER:010d}",)
    ).fetchone()
    assert owners == (5,)
    tickers = {t for (t,) in db.execute("SELECT DISTINCT issuer_ticker FROM transactions")}
    assert tickers <= {"ACME", "BETA"} and tickers
    # The issuers' lists hold the same filings: a later issuer sync fetches only the rest.
    srv.reset_log()
    r = sync(db, client(srv), ["ACME", "BETA"])
    assert (r.new, r.skipped) == (3, 5)
    assert srv.count("Archives/*") == 3


def test_several_targets_and_duplicates(db, edgar_server):
    m = build_mirror(
        [IssuerSpec(ACME, "ACME", n=2), IssuerSpec(BETA, "BETA", n=3), IssuerSpec(GAMMA, "GMMA")],
        [OwnerSpec(OWNER, "DOE JANE Q", {ACME: 1})],
    )
    srv = edgar_server(m)
    # ACME twice (ticker and CIK) and an owner whose filing is also on ACME's list.
    r = sync(db, client(srv), ["ACME", "beta", f"{GAMMA:010d}", str(ACME)], owners=[str(OWNER)])
    assert (r.new, r.skipped, r.failed) == (2 + 1 + 3 + 5, 0, 0)
    assert srv.count("Archives/*") == 11
    assert srv.count(f"submissions/CIK{ACME:010d}.json") == 1
