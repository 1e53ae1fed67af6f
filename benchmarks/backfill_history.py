"""Benchmark: the whole history (2006q1 on) through `insider backfill`, from how the cost
of a quarter grows with the database.

    .venv/bin/python benchmarks/backfill_history.py              # ~10 min, ~12 GB of disk
    .venv/bin/python benchmarks/backfill_history.py --grow 2 --quarters 3 --keep /tmp/h

A history is one `backfill` run over many quarters, so it is measured as one:
backfill.run() over `--quarters` synthetic 2024q1-sized quarters (benchmarks/datasetgen.py)
in one process, which reads the next quarter in a child process while it writes this one.

1. `--quarters` quarters into a new database;
2. the same database grown to `--grow` million filings by copying its filings under other
   accession numbers (SQL, indexes rebuilt: a stand-in for years of history that would
   take the history itself to import), then `--quarters` more quarters into it.

Each quarter's wall time is taken from the run (the first of each run also starts the
pipeline, and is left out of the fit). A straight line through (filings stored, seconds)
gives the whole history: 83 quarters of 62,500 submissions (250,000 a year, the SEC's
150,000-350,000 averaged), N = 5.2 million, cost a*83 + b*N*83/2.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RUN = r"""
import json, resource, sys, time
# peak RSS from /proc/self/status VmHWM: ru_maxrss also counts the image forked from the
# benchmark's own process before exec (~1 GB after it grew a database)
from pathlib import Path
from insider import backfill, dataset_worker, store
peaks = []
close = dataset_worker.Reader.close
def closing(self):
    peaks.append(self.peak_rss_kib)
    close(self)
dataset_worker.Reader.close = closing
db = store.connect(sys.argv[1])
(stored,) = db.execute("SELECT count(*) FROM filings").fetchone()
t = time.perf_counter()
out = backfill.run(db, None, zips=[Path(p) for p in sys.argv[2:]])
wall = time.perf_counter() - t
db.conn.close()
u, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"stored": stored, "wall": wall,
                  "quarters": [[o.quarter, o.action, o.result.seconds if o.result else None,
                                o.result.filings if o.result else 0] for o in out.outcomes],
                  "cpu": u.ru_utime + u.ru_stime, "child_cpu": c.ru_utime + c.ru_stime,
                  "rss_mb": dataset_worker.peak_rss_kib() / 1024,
                  "child_rss_mb": max(peaks, default=0) / 1024}))
"""


def _run(db: Path, zips: list[Path]) -> dict:
    out = subprocess.run([sys.executable, "-c", RUN, str(db), *map(str, zips)],
                         capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    if out.returncode:
        sys.exit(f"benchmark step failed:\n{out.stderr}")
    r = json.loads(out.stdout.strip().splitlines()[-1])
    if any(q[1] != "imported" for q in r["quarters"]):
        sys.exit(f"a quarter was not imported: {r['quarters']}")
    return r


_COPIED = ("filings", "filing_owners", "ownership_rows", "footnotes", "field_footnotes",
           "signatures")  # fmt: skip


def grow(db: Path, millions: float) -> int:
    """Copy the database's filings (and their rows) under accession numbers whose first
    digit differs until it holds `millions` million filings; return how many it holds."""
    c = sqlite3.connect(db, isolation_level=None)
    c.execute("PRAGMA journal_mode = WAL")
    c.execute("PRAGMA cache_size = -500000")
    c.execute("PRAGMA foreign_keys = OFF")
    (base,) = c.execute("SELECT count(*) FROM filings").fetchone()
    copies = max(0, int(millions * 1e6 / base) - 1)
    names = ",".join(f"'{t}'" for t in _COPIED)
    objs = c.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
        f"AND tbl_name IN ({names}) AND sql IS NOT NULL"
    ).fetchall()
    c.execute("BEGIN")
    for typ, name, _ in objs:
        c.execute(f"DROP {typ} {name}")
    assert copies < 90, "grow by at most 90 copies"
    for k in range(copies):  # the synthetic accessions start with 90: copies with 00..89
        for t in _COPIED:
            cols = [r[1] for r in c.execute(f"PRAGMA table_info({t})")]
            sel = ",".join(f"'{k:02d}' || substr(accession, 3)" if col == "accession" else col
                           for col in cols)  # fmt: skip
            c.execute(f"INSERT INTO {t}({','.join(cols)}) SELECT {sel} FROM {t} "
                      "WHERE accession LIKE '90%'")  # fmt: skip
    for _, _, sql in sorted(objs, key=lambda o: o[0] != "index"):
        c.execute(sql)
    # the summary tables count the copies too
    c.execute("DELETE FROM filing_counts")
    c.execute("INSERT INTO filing_counts(source, form, filings) "
              "SELECT source, form, count(*) FROM filings GROUP BY source, form")  # fmt: skip
    c.execute("COMMIT")
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    (n,) = c.execute("SELECT count(*) FROM filings").fetchone()
    c.close()
    from insider import store

    store.connect(db).conn.close()  # whatever a first open checks, before the timing
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description="insider backfill: the whole-history estimate")
    ap.add_argument("--quarters", type=int, default=4, help="quarters per run (>= 2)")
    ap.add_argument("--grow", type=float, default=4.0, help="million filings for run 2")
    ap.add_argument("--submissions", type=int, default=68_000)
    ap.add_argument("--keep", help="folder to keep the ZIPs and the database in")
    args = ap.parse_args()
    from benchmarks.datasetgen import write_quarter_zip

    work = Path(args.keep or tempfile.mkdtemp(prefix="insider-history-"))
    work.mkdir(parents=True, exist_ok=True)
    zips = []
    for k in range(2 * args.quarters):
        y, q = 2010 + k // 4, k % 4 + 1
        z = work / f"{y}q{q}_form345.zip"
        if not z.exists():
            write_quarter_zip(z, f"{y}q{q}", args.submissions, seed=100 + k)
        zips.append(z)
    db = work / "history.db"
    for p in work.glob("history.db*"):
        p.unlink()
    points = []
    for step, part in enumerate((zips[: args.quarters], zips[args.quarters :])):
        if step == 1:
            t = time.perf_counter()
            n = grow(db, args.grow)
            print(f"grown to {n:,} filings by copies in {time.perf_counter() - t:.0f} s")
        r = _run(db, part)
        stored = r["stored"]
        print(f"run {step + 1}: {len(part)} quarters into {stored:,} filings: {r['wall']:.1f} s;"
              f" writer CPU {r['cpu']:.1f} s, peak RSS {r['rss_mb']:.0f} MB; readers' CPU "
              f"{r['child_cpu']:.1f} s, peak RSS {r['child_rss_mb']:.0f} MB")  # fmt: skip
        for i, (quarter, _, seconds, filings) in enumerate(r["quarters"]):
            print(f"  {quarter}: {seconds:5.1f} s at {stored / 1e6:5.2f} M filings stored"
                  + ("  (first of the run: not fitted)" if i == 0 else ""))  # fmt: skip
            if i:
                points.append((stored, seconds))
            stored += filings
    estimate(points, args.submissions)


def estimate(points: list[tuple[int, float]], submissions: int) -> None:
    n = len(points)
    mx, my = sum(x for x, _ in points) / n, sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    b = max(0.0, sum((x - mx) * (y - my) for x, y in points) / sxx) if sxx else 0.0
    a = my - b * mx
    scale = 62_500 / submissions  # a quarter's cost taken as proportional to its size
    quarters, total = 83, 62_500 * 83
    minutes = (a * scale * quarters + b * scale * total * quarters / 2) / 60
    print(f"per 2024q1-sized quarter: {a:.1f} s + {b * 1e6:.2f} s per million filings stored")
    print(f"whole history, {quarters} quarters of 62,500 submissions ({total / 1e6:.1f} M "
          f"filings): about {minutes:.0f} min, plus the downloads")  # fmt: skip


if __name__ == "__main__":
    main()
