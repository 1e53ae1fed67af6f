"""Benchmark: `insider backfill` of one data-set quarter against the floor, same run.

    .venv/bin/python benchmarks/backfill.py                  # a 2024q1-sized quarter
    .venv/bin/python benchmarks/backfill.py --submissions 17000 --keep /tmp/bench

Generates a synthetic quarter (benchmarks/datasetgen.py, 2024q1 proportions: 68,000
submissions, 72,000 owners, 111,000 + 45,000 transactions, 40,000 holdings, 150,000
footnotes) and measures, each in its own process (so peak RSS is its own):

  floor     the same eight members read with `csv` and inserted as they are (every column,
            text) into plain SQLite tables, no index, in one transaction;
  insider   `insider.backfill.import_zip` into a new database (every rule: footnote links,
            positions, flags, amendments, holdings_latest, FTS); CPU is the writer's plus
            the child process's that reads the ZIP meanwhile, peak RSS each one's own;
  insider+1 a second, different quarter into that same database (the cost as it grows).

Prints seconds, rows/s, peak RSS, database bytes per row and the ratio to the floor, then
gives the database size of the whole history (its time: benchmarks/backfill_history.py).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FLOOR = r"""
import csv, io, json, resource, sqlite3, sys, time, zipfile
zpath, dbpath = sys.argv[1], sys.argv[2]
t = time.perf_counter()
con = sqlite3.connect(dbpath, isolation_level=None)
con.execute("PRAGMA journal_mode = WAL")
con.execute("PRAGMA synchronous = NORMAL")
con.execute("BEGIN")
rows = 0
with zipfile.ZipFile(zpath) as zf:
    for info in zf.infolist():
        if not info.filename.endswith(".tsv"):
            continue
        name = info.filename[:-4]
        with zf.open(info) as raw:
            r = csv.reader(io.TextIOWrapper(raw, encoding="utf-8", newline=""), delimiter="\t")
            header = next(r)
            con.execute(f"CREATE TABLE {name} ({', '.join(h + ' TEXT' for h in header)})")
            sql = f"INSERT INTO {name} VALUES ({','.join('?' * len(header))})"
            before = con.total_changes
            con.executemany(sql, r)
            rows += con.total_changes - before
con.execute("COMMIT")
con.close()
u = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - t, "rows": rows, "cpu": u.ru_utime + u.ru_stime,
                  "rss_mb": u.ru_maxrss / 1024}))
"""

INSIDER = r"""
import json, resource, sys, time
# peak RSS from /proc/self/status VmHWM: ru_maxrss also counts the image forked from the
# benchmark's own process before exec (~1 GB after it grew a database)
from insider import dataset_worker, store
from insider.backfill import import_zip
peaks = []  # the child process's (dataset_worker: it reads the ZIP while this one writes)
close = dataset_worker.Reader.close
def closing(self):
    peaks.append(self.peak_rss_kib)
    close(self)
dataset_worker.Reader.close = closing
zpath, dbpath, quarter = sys.argv[1], sys.argv[2], sys.argv[3]
t = time.perf_counter()
db = store.connect(dbpath)
r = import_zip(db, zpath, quarter)
db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
db.conn.close()
u, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": time.perf_counter() - t, "filings": r.filings, "rows": r.rows,
                  "cpu": u.ru_utime + u.ru_stime + c.ru_utime + c.ru_stime,
                  "writer_cpu": u.ru_utime + u.ru_stime,
                  "rss_mb": dataset_worker.peak_rss_kib() / 1024,
                  "child_rss_mb": max(peaks, default=0) / 1024}))
"""


def _run(code: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if out.returncode:
        sys.exit(f"benchmark step failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description="insider backfill vs the csv+sqlite floor")
    ap.add_argument("--submissions", type=int, default=68_000)
    ap.add_argument("--keep", help="folder to keep the ZIPs and databases in")
    ap.add_argument("--years", type=float, default=None, help="history to estimate")
    ap.add_argument(
        "--quarters",
        type=int,
        default=2,
        help="quarters imported one after the other into the same database (growth)",
    )
    args = ap.parse_args()
    from benchmarks.datasetgen import write_quarter_zip

    work = Path(args.keep or tempfile.mkdtemp(prefix="insider-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    q1, q2 = work / "2024q1_form345.zip", work / "2024q2_form345.zip"
    t = time.perf_counter()
    counts = write_quarter_zip(q1, "2024q1", args.submissions, seed=1)
    write_quarter_zip(q2, "2024q2", args.submissions, seed=2)
    gen = time.perf_counter() - t
    total_rows = sum(counts.values())
    print(f"generated 2 quarters of {args.submissions:,} submissions in {gen:.1f} s")
    print("rows per member: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    print(f"ZIP {q1.stat().st_size / 1e6:.1f} MB, {total_rows:,} data rows\n")
    for p in work.glob("*.db*"):
        p.unlink()
    floor_db, ins_db = work / "floor.db", work / "insider.db"
    floor = _run(FLOOR, str(q1), str(floor_db))
    one = _run(INSIDER, str(q1), str(ins_db), "2024q1")
    size1 = ins_db.stat().st_size
    two = _run(INSIDER, str(q2), str(ins_db), "2024q2")
    size2 = ins_db.stat().st_size
    floor_size = floor_db.stat().st_size

    def line(name: str, r: dict, size: int, rows: int) -> str:
        child = f" + {r['child_rss_mb']:.0f} MB" if r.get("child_rss_mb") else ""
        return (
            f"{name:<10} {r['seconds']:7.1f} s {r['cpu']:7.1f} s {rows / r['seconds']:>9,.0f}"
            f" {r['rss_mb']:6.0f} MB{child} {size / rows:6.0f} B"
            f" {r['seconds'] / floor['seconds']:6.1f}x {r['cpu'] / floor['cpu']:6.1f}x"
        )

    print(
        f"{'':<10} {'wall':>9} {'CPU':>9} {'rows/s':>9} {'peak RSS':>9} {'DB/row':>8}"
        f" {'wall/floor':>7} {'CPU/floor':>7}"
    )
    print(line("floor", floor, floor_size, total_rows))
    print(line("insider", one, size1, total_rows))
    print(line("insider+1", two, size2 - size1, total_rows))
    print(f"\nstored: {one['filings']:,} filings, {one['rows']:,} Table I/II rows per quarter")
    # Growth: more quarters into the same database, each its own process.
    steps = [(args.submissions, one, size1), (args.submissions, two, size2)]
    for k in range(3, args.quarters + 1):
        y, qn = 2024 + (k - 1) // 4, (k - 1) % 4 + 1
        zk = work / f"{y}q{qn}_form345.zip"
        write_quarter_zip(zk, f"{y}q{qn}", args.submissions, seed=k)
        rk = _run(INSIDER, str(zk), str(ins_db), f"{y}q{qn}")
        steps.append((args.submissions, rk, ins_db.stat().st_size))
        zk.unlink()
        print(line(f"insider+{k - 1}", rk, steps[-1][2] - steps[-2][2], total_rows))
    estimate(args, steps, total_rows)


def estimate(args, steps: list[tuple[int, dict, int]], rows_per_quarter: int) -> None:
    """The database size of the whole history (2006q1 to 2026q3, 83 quarters of 62,500
    submissions: the SEC's 150,000-350,000 filings a year averaged) from the bytes the
    later quarters added. Its time is benchmarks/backfill_history.py's: a few quarters
    here cannot show how the cost grows over millions of stored filings."""
    quarters = 83 if args.years is None else int(args.years * 4)
    total = 62_500 * quarters
    db_size = steps[-1][2] - steps[0][2]
    per_sub = db_size / (args.submissions * (len(steps) - 1))
    print(
        f"whole history: {quarters} quarters, {total:,} submissions: database about "
        f"{per_sub * total / 1e9:.1f} GB ({db_size / (rows_per_quarter * (len(steps) - 1)):.0f}"
        " bytes per input row); its time: benchmarks/backfill_history.py"
    )


if __name__ == "__main__":
    main()
