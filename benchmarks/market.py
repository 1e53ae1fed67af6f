"""Benchmark `insider sync --all` and `insider watch` against the SEC's limit, offline.

    .venv/bin/python benchmarks/market.py [--filings 500 1000] [--latency 0.1]
        [--alerts 5] [--polls 1000] [--skip sync,latency,rss,two]

All against a local HTTP server (tests/edgar_server.py on 127.0.0.1, keep-alive) that
waits `latency` seconds before every answer, playing EDGAR with tests/market_mirror.py:

1. sync --all of one day: a daily form index of 2 x N lines (each filing listed under its
   owner and its issuer, as EDGAR does, plus other forms) with a full `.txt` behind each
   of the N filings; a real `insider sync --all` process fills a fresh database. Reported:
   wall time against the limit (all requests / 10 per second), requests per new filing
   (server log), the most requests the server saw in any one second, peak RSS; for two
   sizes, so the cost's growth shows.
2. two processes at once (two `sync --all` of different days): together within 10/s.
3. watch latency: a real `insider watch --interval 10 --json` process; filings appear on
   the feed at random moments; from appearance to the alert line on its stdout (goal:
   at most the interval + 2 s).
4. watch memory: a watch process polls 1,000 times (interval 0 through the Python API,
   type 4 only: one request per poll, so the 10/s limit sets the pace) while the feed
   grows by a filing every 5 s; its RSS after 10, 100, 500 and 1,000 polls.

The budget file (edgar/budget.py) of every process started here is in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from edgar_server import EdgarServer  # noqa: E402
from market_mirror import ET, FEED, Market, purchase_xml  # noqa: E402

BIN = Path(sys.executable).parent / "insider"
LIMIT = 10.0
DAY = date(2020, 3, 18)


def _env(cache: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INSIDER_", "EDGAR_"))}
    env["INSIDER_CACHE_DIR"] = cache
    return env


def _sync_all(srv: EdgarServer, db: Path, day: date, cache: str) -> tuple[float, float, str]:
    t0 = time.monotonic()
    p = subprocess.Popen(
        [str(BIN), "sync", "--all", "--since", str(day), "--until", str(day)]
        + ["--edgar", srv.url, "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(cache),
    )
    out = p.stdout.read().decode() if p.stdout else ""
    err = p.stderr.read().decode() if p.stderr else ""
    _, status, usage = os.wait4(p.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"sync --all failed: {out}{err}")
    return time.monotonic() - t0, usage.ru_maxrss / 1024, out.strip()


def bench_sync(sizes: list[int], latency: float) -> None:
    print("### sync --all, one day\n")
    print(
        "| filings (index lines) | requests | requests per new filing | wall s "
        "| limit s (requests/10) | vs limit | requests/s (server) | max in any 1 s "
        "| peak RSS MB |"
    )
    print("|" + "---|" * 9)
    for n in sizes:
        m = Market()
        m.add_day(DAY, n)
        lines = len(m.index_lines[DAY])
        with EdgarServer(m.files, latency=latency) as srv, tempfile.TemporaryDirectory() as tmp:
            wall, rss, summary = _sync_all(srv, Path(tmp) / "b.db", DAY, tmp)
            reqs = srv.requests
            ts = sorted(r.t for r in reqs)
            txt = srv.count("*.txt")
            rate = (len(ts) - 1) / (ts[-1] - ts[0])
            limit = len(reqs) / LIMIT
            print(
                f"| {n} ({lines}) | {len(reqs)} | {txt / n:.2f} | {wall:.1f} | {limit:.1f} "
                f"| {100 * (wall / limit - 1):+.1f}% | {rate:.2f} | {srv.max_in_window(1.0)} "
                f"| {rss:.1f} |",
                flush=True,
            )
            print(f"<!-- {summary} -->", flush=True)
    print()


def bench_two(n: int, latency: float) -> None:
    print("### two sync --all processes at once (different days), one budget\n")
    m = Market()
    d2 = DAY + timedelta(days=1)
    m.add_day(DAY, n)
    m.add_day(d2, n)
    with EdgarServer(m.files, latency=latency) as srv, tempfile.TemporaryDirectory() as tmp:
        t0 = time.monotonic()
        threads = [
            threading.Thread(target=_sync_all, args=(srv, Path(tmp) / f"{d}.db", d, tmp))
            for d in (DAY, d2)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - t0
        reqs = srv.requests
        ts = sorted(r.t for r in reqs)
        print(
            f"{len(reqs)} requests of 2 processes in {wall:.1f} s; limit {len(reqs) / LIMIT:.1f} s "
            f"({100 * (wall * LIMIT / len(reqs) - 1):+.1f}%); server saw "
            f"{(len(ts) - 1) / (ts[-1] - ts[0]):.2f} requests/s, at most "
            f"{srv.max_in_window(1.0)} in any 1 s\n",
            flush=True,
        )


def bench_latency(alerts: int, latency: float) -> None:
    print("### watch: entry on the feed -> alert line (interval 10 s)\n")
    m = Market()
    base = datetime(2025, 12, 12, 9, 0, tzinfo=ET)
    for k in range(20):
        m.publish(m.make(base.date(), "4", accepted=base + timedelta(seconds=k)))
    srv = EdgarServer(m.files, latency=latency).start()
    srv.routes[FEED] = m.feed_route
    tmp = tempfile.TemporaryDirectory()
    p = subprocess.Popen(
        [str(BIN), "watch", "--interval", "10", "--json", "--code", "P"]
        + ["--edgar", srv.url, "--db", str(Path(tmp.name) / "w.db")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(tmp.name),
        text=True,
    )
    seen: dict[str, float] = {}

    def read() -> None:
        assert p.stdout is not None
        for line in p.stdout:
            seen[json.loads(line)["accession"]] = time.monotonic()

    threading.Thread(target=read, daemon=True).start()
    while srv.count(FEED) < 3:  # its first poll (the baseline) is done
        time.sleep(0.05)
    published: dict[str, float] = {}
    rng = random.Random(11)
    for k in range(alerts):
        time.sleep(rng.uniform(2.0, 12.0))
        f = m.make(
            base.date(),
            "4",
            accepted=base + timedelta(minutes=10 + k),
            xml=purchase_xml("1000", "150.25"),
        )
        m.publish(f)
        published[f.accession] = time.monotonic()
    deadline = time.monotonic() + 30
    while len(seen) < alerts and time.monotonic() < deadline:
        time.sleep(0.1)
    p.terminate()
    p.wait(timeout=30)
    srv.stop()
    tmp.cleanup()
    lat = sorted(seen[a] - t for a, t in published.items() if a in seen)
    print(
        f"{len(lat)} of {alerts} alerts; latency min {lat[0]:.2f} s, median "
        f"{lat[len(lat) // 2]:.2f} s, max {lat[-1]:.2f} s; goal <= 12 s "
        f"(interval 10 + 2); max / goal {lat[-1] / 12:.2f}\n",
        flush=True,
    )


_RSS_CHILD = """
import sys, threading
from insider import store
from insider.edgar import Edgar
from insider.watch import Watch, WatchConfig
import io

def rss():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) / 1024

url, dbp, polls = sys.argv[1], sys.argv[2], int(sys.argv[3])
db = store.connect(dbp)
w = Watch(db, Edgar(url), WatchConfig(interval=0, polls=1, forms=frozenset({'4', '4/A'})),
          out=io.StringIO(), err=io.StringIO())
w.start()
marks = {10, 100, 500, 1000, polls}
for i in range(1, polls + 1):
    w.poll()
    w.out.seek(0); w.out.truncate()
    if i in marks:
        print(i, f"{rss():.1f}", w.stats.new, flush=True)
"""


def bench_rss(polls: int, latency: float) -> None:
    print(f"### watch memory over {polls} polls (feed grows by a filing every 5 s)\n")
    m = Market()
    base = datetime(2025, 12, 12, 9, 0, tzinfo=ET)
    for k in range(20):
        m.publish(m.make(base.date(), "4", accepted=base + timedelta(seconds=k)))
    srv = EdgarServer(m.files, latency=latency).start()
    srv.routes[FEED] = m.feed_route
    stop = threading.Event()

    def grow() -> None:
        k = 0
        while not stop.wait(5.0):
            k += 1
            m.publish(m.make(base.date(), "4", accepted=base + timedelta(minutes=5, seconds=5 * k)))
            del m.filings[:-5]  # the mirror itself must not be what grows

    threading.Thread(target=grow, daemon=True).start()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.monotonic()
        p = subprocess.run(
            [sys.executable, "-c", _RSS_CHILD, srv.url, str(Path(tmp) / "w.db"), str(polls)],
            capture_output=True,
            text=True,
            env=_env(tmp),
        )
        wall = time.monotonic() - t0
    stop.set()
    srv.stop()
    if p.returncode != 0:
        raise SystemExit(p.stderr)
    print("| polls | RSS MB | filings stored so far |\n|---|---|---|")
    for line in p.stdout.split("\n"):
        if line.strip():
            i, rss, new = line.split()
            print(f"| {i} | {rss} | {new} |")
    print(f"\n({wall:.0f} s in all)\n", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--filings", type=int, nargs="+", default=[500, 1000])
    ap.add_argument("--latency", type=float, default=0.1)
    ap.add_argument("--alerts", type=int, default=5)
    ap.add_argument("--polls", type=int, default=1000)
    ap.add_argument("--skip", default="")
    args = ap.parse_args()
    skip = set(args.skip.split(","))
    print(f"latency {args.latency * 1000:.0f} ms per request, limit {LIMIT:.0f} requests/s\n")
    if "sync" not in skip:
        bench_sync(args.filings, args.latency)
    if "two" not in skip:
        bench_two(min(args.filings) // 2, args.latency)
    if "latency" not in skip:
        bench_latency(args.alerts, args.latency)
    if "rss" not in skip:
        bench_rss(args.polls, args.latency)


if __name__ == "__main__":
    main()
