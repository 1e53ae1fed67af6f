"""Benchmark `insider sync` against the SEC's limit, offline.

    .venv/bin/python benchmarks/sync.py [--filings 500 1000] [--latency 0.1]

For each size: a local HTTP server (tests/edgar_server.py, 127.0.0.1, gzip, keep-alive)
serves an EDGAR-shaped mirror of that many synthetic Form 3/4/5 filings (copies of the
corpus XML under distinct accessions, listed in a submissions JSON with older pages and
non-ownership forms) and waits `latency` seconds before every answer. A real
`insider sync` subprocess fills a fresh database. Reported: wall time against the limit
(filings / 10 per second, and all requests / 10 per second), requests per new filing (from
the server's log), the most requests the server saw in any one second, and the sync
process's peak memory (ru_maxrss): flat in the number of filings means it does not grow
with them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from edgar_server import EdgarServer, IssuerSpec, build_mirror  # noqa: E402

BIN = Path(sys.executable).parent / "insider"
CIK = 1999999
LIMIT = 10.0


def run_one(n: int, latency: float) -> dict:
    mirror = build_mirror([IssuerSpec(CIK, "BNCH", n=n, recent=min(n, 1000) // 2, page_size=200)])
    with (
        EdgarServer(mirror.files, latency=latency, gzip=True) as srv,
        tempfile.TemporaryDirectory() as tmp,
    ):
        db = Path(tmp) / "bench.db"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("INSIDER_", "EDGAR_"))}
        t0 = time.monotonic()
        p = subprocess.Popen(
            [str(BIN), "sync", "BNCH", "--edgar", srv.url, "--db", str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        out = p.stdout.read().decode() if p.stdout else ""
        err = p.stderr.read().decode() if p.stderr else ""
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            raise SystemExit(f"sync failed ({p.returncode}): {out}{err}")
        reqs = srv.requests
        filing_reqs = sum(1 for r in reqs if r.path.startswith("Archives/"))
        ts = sorted(r.t for r in reqs)
        max_1s = srv.max_in_window(1.0)
        # Re-sync: nothing new, so only the lists are fetched.
        srv.reset_log()
        t1 = time.monotonic()
        again = subprocess.run(
            [str(BIN), "sync", "BNCH", "--edgar", srv.url, "--db", str(db)],
            capture_output=True,
            env=env,
        )
        resync_wall = time.monotonic() - t1
        if again.returncode != 0:
            raise SystemExit(f"re-sync failed: {again.stderr.decode()}")
        return {
            "resync_requests": len(srv.requests),
            "resync_filing_requests": srv.count("Archives/*"),
            "resync_wall": resync_wall,
            "filings": n,
            "requests": len(reqs),
            "filing_requests": filing_reqs,
            "per_filing": filing_reqs / n,
            "wall": wall,
            "sync_span": ts[-1] - ts[0],
            "limit": n / LIMIT,
            "limit_all": len(reqs) / LIMIT,
            "max_1s": max_1s,
            "rate": (len(ts) - 1) / (ts[-1] - ts[0]),
            "rss_mb": usage.ru_maxrss / 1024,
            "summary": out.strip(),
        }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--filings", type=int, nargs="+", default=[500, 1000])
    ap.add_argument("--latency", type=float, default=0.1)
    args = ap.parse_args()
    print(f"latency {args.latency * 1000:.0f} ms per request, limit {LIMIT:.0f} requests/s\n")
    print(
        "| filings | requests (all) | requests per new filing | wall s | limit s (filings/10) "
        "| vs limit | limit s (all requests/10) | vs that | requests/s | max in any 1 s "
        "| peak RSS MB | re-sync: requests (filings) / s |"
    )
    print("|" + "---|" * 12)
    for n in args.filings:
        r = run_one(n, args.latency)
        print(
            f"| {r['filings']} | {r['requests']} | {r['per_filing']:.2f} | {r['wall']:.1f} "
            f"| {r['limit']:.1f} | {100 * (r['wall'] / r['limit'] - 1):+.1f}% "
            f"| {r['limit_all']:.1f} | {100 * (r['wall'] / r['limit_all'] - 1):+.1f}% "
            f"| {r['rate']:.2f} | {r['max_1s']} | {r['rss_mb']:.1f} "
            f"| {r['resync_requests']} ({r['resync_filing_requests']}) / {r['resync_wall']:.1f} |",
            flush=True,
        )
        print(f"<!-- {r['summary']} -->", flush=True)


if __name__ == "__main__":
    main()
