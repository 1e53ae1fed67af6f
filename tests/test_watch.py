"""Issue 11 item 2: `insider watch` against a local EDGAR whose feed grows between polls.

Purchases are hand-written Form 4s (tests/market_mirror.purchase_xml): 1,000 shares at
$150.25 is $150,250, 100 shares at $20 is $2,000 (worked out by hand)."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from clirun import insider
from market_mirror import ET, FEED, Market, purchase_xml

from insider import store
from insider.alerts import AlertFilter
from insider.edgar import Edgar
from insider.roles import has_role, is_ceo, is_cfo, parse_roles
from insider.watch import Watch, WatchConfig

UA = "Insider Tests tests@example.com"
D1, D2 = date(2025, 12, 11), date(2025, 12, 12)


@pytest.fixture
def db():
    d = store.connect(":memory:")
    yield d
    d.conn.close()


def client(srv) -> Edgar:
    return Edgar(srv.url, UA, backoff=0.01, retries=2)


def at(day: date, hh: int, mm: int, ss: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=ET)


def serve(edgar_server, m: Market):
    srv = edgar_server(m.files)
    srv.routes[FEED] = m.feed_route
    return srv


def purchase(
    m: Market,
    when: datetime,
    shares="1000",
    price="150.25",
    title="Chief Executive Officer",
    owner=None,
):
    return m.make(
        when.date(), "4", accepted=when, xml=purchase_xml(shares, price, title), owner=owner
    )


def make_watch(db, srv, out, err, **kw) -> Watch:
    kw.setdefault("interval", 0)
    kw.setdefault("page_size", 10)
    kw.setdefault("filter", AlertFilter(codes=frozenset({"P"}), min_value=Decimal(100000)))
    return Watch(db, client(srv), WatchConfig(**kw), out=out, err=err, today=lambda: D2)


def txt_requests(srv) -> list[str]:
    return [p.rsplit("/", 1)[1][:-4] for p in srv.paths("Archives/*.txt")]


def test_feed_grows_between_polls_alerts_once_each(db, edgar_server):
    m = Market()
    for k in range(4):  # what the feed held before the watch started
        m.publish(m.make(D2, "4", accepted=at(D2, 9, k)))
    srv = serve(edgar_server, m)
    out, err = io.StringIO(), io.StringIO()
    w = make_watch(db, srv, out, err)
    w.start()
    assert out.getvalue() == "" and db.execute("SELECT count(*) FROM filings").fetchone()[0] == 0
    big = purchase(m, at(D2, 10, 0, 5))
    small = purchase(m, at(D2, 10, 0, 6), shares="100", price="20")
    other = m.make(D2, "4", accepted=at(D2, 10, 0, 7))  # a corpus Form 4: no purchase
    for f in (big, small, other):
        m.publish(f)
    m.publish_other("424B2")  # type=4 also lists it: never fetched
    w.poll()
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert big.accession in lines[0] and "$150.25" in lines[0] and "$150,250" in lines[0]
    assert lines[0].startswith("2025-12-12 10:00:05 ET  P  ")
    assert sorted(txt_requests(srv)) == sorted(f.accession for f in (big, small, other))
    # Nothing new: the next poll reads the feed and fetches nothing.
    srv.reset_log()
    w.poll()
    assert txt_requests(srv) == [] and len(out.getvalue().splitlines()) == 1
    assert {p for p in srv.paths()} == {FEED}
    # The feed grows again.
    later = purchase(m, at(D2, 10, 5), shares="2000", price="75")
    m.publish(later)
    w.poll()
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and later.accession in lines[1]
    assert txt_requests(srv) == [later.accession]  # listed twice (owner, issuer), fetched once


def test_json_lines_have_show_row_keys_plus_owner_and_issuer(db, edgar_server):
    from insider.sections import PUBLIC_ROW_KEYS

    m = Market()
    m.publish(m.make(D2, "4", accepted=at(D2, 9, 0)))
    srv = serve(edgar_server, m)
    out = io.StringIO()
    w = make_watch(db, srv, out, io.StringIO(), json=True)
    w.start()
    f = purchase(m, at(D2, 10, 0), owner=(4777777, "DOE JANE"))
    m.publish(f)
    w.poll()
    (line,) = out.getvalue().splitlines()
    a = json.loads(line)
    for key in (
        *PUBLIC_ROW_KEYS,
        "code_meaning",
        "value",
        "plan_10b5_1",
        "late",
        "joint_filing",
        "footnotes",
    ):
        assert key in a
    assert a["accession"] == f.accession and a["code"] == "P"
    assert Decimal(a["shares"]) == 1000 and Decimal(a["price_per_share"]) == Decimal("150.25")
    assert Decimal(a["value"]) == Decimal("150250")
    assert a["owner"] == {
        "cik": "0004777777",
        "name": "DOE JANE",
        "roles": a["owner"]["roles"],
        "officer_title": "Chief Executive Officer",
    }
    assert a["issuer"]["cik"] == f"{f.issuer_cik:010d}" and a["issuer"]["ticker"] == f.ticker
    assert a["security_title"] == "Common Stock" and a["table"] == "I"


def test_restart_neither_repeats_nor_misses(db, edgar_server):
    m = Market()
    m.publish(m.make(D2, "4", accepted=at(D2, 9, 0)))
    srv = serve(edgar_server, m)
    out = io.StringIO()
    w = make_watch(db, srv, out, io.StringIO())
    w.start()
    a = purchase(m, at(D2, 10, 0))
    m.publish(a)
    w.poll()
    # Down for a while; two filings arrive meanwhile; a new process starts.
    b = purchase(m, at(D2, 10, 30))
    c = purchase(m, at(D2, 11, 0))
    m.publish(b)
    m.publish(c)
    w2 = make_watch(db, srv, out, io.StringIO())
    w2.start()
    w2.poll()
    accs = [ln.split()[-1] for ln in out.getvalue().splitlines()]
    assert accs == [a.accession, b.accession, c.accession]
    assert w2.state()["last_seen"] == c.accepted_utc


def test_gap_longer_than_the_feed_catches_up_from_the_daily_index(db, edgar_server):
    m = Market()
    m.feed_cap = 10  # entries the feed holds (EDGAR: 5,100); start=10 answers 503
    m.publish(m.make(D1, "4", accepted=at(D1, 9, 0)))
    srv = serve(edgar_server, m)
    out, err = io.StringIO(), io.StringIO()
    w = make_watch(db, srv, out, err)
    w.start()
    # The watch is down; day 1 goes on (in its index), day 2 fills the feed and more.
    day1 = [purchase(m, at(D1, 12, k)) for k in range(6)] + [
        m.make(D1, "4", accepted=at(D1, 13, 0))
    ]
    for f in day1:
        m.list_in_index(f)
        m.publish(f)
    m.write_index(D1)
    day2 = [purchase(m, at(D2, 9 + k // 3, 20 * (k % 3))) for k in range(8)]  # 20 min apart
    for f in day2:
        m.publish(f)  # 16 entries of day 2: the feed (10) holds only the last 5 filings
    w.poll()
    assert "catching up from the daily indexes since 2025-12-11" in err.getvalue()
    assert any(
        "type=4" in r.query and "start=10" in r.query and r.status == 503 for r in srv.requests
    )
    lines = out.getvalue().splitlines()
    alerted = [ln.split()[-1] for ln in lines]
    purchases = [f.accession for f in day1[:6]] + [f.accession for f in day2[-5:]]
    assert sorted(alerted) == sorted(purchases)  # each once
    fetched = txt_requests(srv)
    assert len(fetched) == len(set(fetched))
    stored = {a for (a,) in db.execute("SELECT accession FROM filings")}
    assert {f.accession for f in day1 + day2[-5:]} <= stored
    # Day 2's first filings fell off the feed before day 2's index exists: the watch reads
    # that index once it is there (the next day), and alerts them then, once.
    assert not {f.accession for f in day2[:3]} & stored
    for f in day2:
        m.list_in_index(f)
    m.write_index(D2)
    srv.reset_log()
    w.poll()  # still day 2: its index is not asked for yet
    assert not any("form.20251212" in p for p in srv.paths())
    w.today = lambda: date(2025, 12, 15)  # Monday
    w.poll()
    lines = out.getvalue().splitlines()
    assert sorted(ln.split()[-1] for ln in lines) == sorted(
        purchases + [f.accession for f in day2[:3]]
    )
    srv.reset_log()
    w.poll()
    assert not any("daily-index" in p for p in srv.paths())  # done once


def test_filing_stored_before_and_duplicates_cost_nothing(db, edgar_server):
    from insider.parse import parse_ownership

    m = Market()
    m.publish(m.make(D2, "4", accepted=at(D2, 9, 0)))
    srv = serve(edgar_server, m)
    out = io.StringIO()
    w = make_watch(db, srv, out, io.StringIO())
    w.start()
    pre = purchase(m, at(D2, 10, 0))
    store.save_filing(
        db, parse_ownership(pre.xml), store.FilingMeta(pre.accession, "2025-12-12"), pre.xml
    )
    new = purchase(m, at(D2, 10, 1))
    m.publish(pre)
    m.publish(new)
    m.publish(new)  # listed again (EDGAR lists a filing once per CIK; a repeat costs nothing)
    w.poll()
    assert txt_requests(srv) == [new.accession]
    assert [ln.split()[-1] for ln in out.getvalue().splitlines()] == [new.accession]


def test_exec_gets_the_json_and_failures_never_stop_the_watch(db, edgar_server, tmp_path):
    m = Market()
    m.publish(m.make(D2, "4", accepted=at(D2, 9, 0)))
    srv = serve(edgar_server, m)
    sink = tmp_path / "payloads"
    out, err = io.StringIO(), io.StringIO()
    cmd = f"cat >> {sink}; read -r x < /dev/null; test ! -e {tmp_path}/fail"
    w = make_watch(db, srv, out, err, exec_cmd=cmd, exec_timeout=5, exec_label="--exec", json=True)
    w.start()
    a = purchase(m, at(D2, 10, 0))
    m.publish(a)
    w.poll()
    assert sink.read_text().splitlines() == out.getvalue().splitlines()
    assert json.loads(sink.read_text())["accession"] == a.accession
    (tmp_path / "fail").write_text("")
    b = purchase(m, at(D2, 10, 1))
    m.publish(b)
    w.poll()
    assert "--exec exited with status 1 (alert for " + b.accession in err.getvalue()
    w.runner.command, w.runner.timeout = "sleep 30", 0.5
    c = purchase(m, at(D2, 10, 2))
    m.publish(c)
    t = time.monotonic()
    w.poll()
    assert time.monotonic() - t < 10
    assert "--exec timed out after 0.5 s (alert for " + c.accession in err.getvalue()
    assert [json.loads(x)["accession"] for x in out.getvalue().splitlines()] == [
        a.accession,
        b.accession,
        c.accession,
    ]


def test_filters_role_issuer_owner(db, edgar_server):
    m = Market()
    m.publish(m.make(D2, "4", accepted=at(D2, 9, 0)))
    srv = serve(edgar_server, m)
    out = io.StringIO()
    flt = AlertFilter(roles=parse_roles("cfo"), owner="smith")
    w = make_watch(db, srv, out, io.StringIO(), filter=flt)
    w.start()
    ceo = purchase(m, at(D2, 10, 0), owner=(4000101, "SMITH ANN"))
    cfo = purchase(m, at(D2, 10, 1), title="EVP &amp; CFO", owner=(4000102, "SMITH BOB"))
    cfo2 = purchase(m, at(D2, 10, 2), title="Chief Financial Officer", owner=(4000103, "JONES AL"))
    for f in (ceo, cfo, cfo2):
        m.publish(f)
    w.poll()
    assert [ln.split()[-1] for ln in out.getvalue().splitlines()] == [cfo.accession]


def test_alert_line_is_escaped_for_the_terminal(db, edgar_server):
    m = Market()
    m.publish(m.make(D2, "4", accepted=at(D2, 9, 0)))
    srv = serve(edgar_server, m)
    out = io.StringIO()
    w = make_watch(db, srv, out, io.StringIO())
    w.start()
    f = purchase(m, at(D2, 10, 0), owner=(4000104, "EVIL \x9b31m NAME"))
    m.publish(f)
    w.poll()
    (line,) = out.getvalue().splitlines()
    assert "\x9b" not in line and "EVIL \\x9b31m NAME" in line


def test_roles():
    for t in (
        "CEO",
        "President & CEO",
        "Co-CEO",
        "Chief Executive Officer",
        "Pres. & Chief Exec. Officer",
        "Principal Executive Officer",
    ):
        assert is_ceo(t) and not is_cfo(t), t
    for t in (
        "CFO",
        "EVP, CFO & Treasurer",
        "Chief Financial Officer",
        "Principal Financial Officer",
    ):
        assert is_cfo(t) and not is_ceo(t), t
    for t in (
        "Director of Finance",
        "Chief Accounting Officer",
        "CEO of Subsidiary Bank"[:0],
        "Secretary",
        None,
    ):
        assert not is_cfo(t)
    assert has_role("ten-percent", is_ten_percent_owner=1) and not has_role(
        "director", is_director=0
    )
    with pytest.raises(ValueError):
        parse_roles("ceo,chairman")


# -- the command line ----------------------------------------------------------------------
def _cli(*args, **kw):
    return insider(*args, env=dict(os.environ))


@pytest.mark.parametrize(
    "args, message",
    [
        (("--interval", "5"), "at least 10 seconds"),
        (("--role", "chairman"), "unknown role 'chairman'"),
        (("--min-value", "lots"), "--min-value 'lots'"),
        (("--code", "P,Q"), "unknown transaction code Q"),
        (("--edgar", "fixtures/edgar"), "--edgar must be sec.gov or an http(s) URL"),
    ],
)
def test_cli_bad_arguments(tmp_path, args, message):
    p = _cli("watch", "--db", str(tmp_path / "w.db"), *args)
    assert p.returncode == 1 and message in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1


def test_cli_restarts_between_polls(tmp_path, edgar_server):
    m = Market()
    m.publish(m.make(D2, "4", accepted=at(D2, 9, 0)))
    srv = serve(edgar_server, m)
    dbp = str(tmp_path / "w.db")
    base = (
        "watch",
        "--db",
        dbp,
        "--edgar",
        srv.url,
        "--polls",
        "1",
        "--code",
        "P",
        "--min-value",
        "100000",
    )
    p = _cli(*base)
    assert p.returncode == 0 and p.stdout == "", p.stderr
    a = purchase(m, at(D2, 10, 0))
    m.publish(a)
    p = _cli(*base)
    assert p.returncode == 0, p.stderr
    assert p.stdout.count("\n") == 1 and a.accession in p.stdout
    p = _cli(*base, "--json")
    assert p.stdout == ""  # nothing new: nothing repeated


@pytest.mark.slow
def test_cli_sigterm_and_sigint_stop_cleanly(tmp_path, edgar_server):
    m = Market()
    m.publish(m.make(D2, "4", accepted=at(D2, 9, 0)))
    srv = serve(edgar_server, m)
    for sig in (signal.SIGTERM, signal.SIGINT):
        p = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "insider"),
                "watch",
                "--db",
                str(tmp_path / "w.db"),
                "--edgar",
                srv.url,
                "--interval",
                "10",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        deadline = time.monotonic() + 20
        while srv.count(FEED) == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)
        p.send_signal(sig)
        out, err = p.communicate(timeout=20)
        assert p.returncode == 0, err
        assert "watch stopped after 1 polls" in err and "Traceback" not in err
        srv.reset_log()
