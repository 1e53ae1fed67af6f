"""`insider export` on the 1M and 5M row databases, beside its floors, in the same run.

    .venv/bin/python benchmarks/export.py [--sizes 1m,5m] [--runs N] [--store-owners N]

Databases: the 1M one built once with the store's own code by benchmarks/show.py's builder
(imported, not copied): 10,000 owners x 10 Form 4s x 10 Table I transactions, all in
2010. The 5M one: that database plus 4 copies of every filing made in SQL (replicate()),
each with new accessions and its dates moved 1-4 years on (2010-2014: five year
partitions); --store-builder builds it with show.build and 50,000 owners instead (an hour
on the shared machine). Cached in benchmarks/.cache/ (gitignored).

For each size, each step a fresh process (so peak RSS is its own):
- export: `insider export DIR` (Parquet, default datasets), wall time, rows and bytes
  written (from lake_partitions), peak RSS;
- unchanged: the same command again (no row changed: reads nothing, writes nothing);
- touched: one issuer row rewritten with its own values (UPDATE ... SET name = name),
  then the same command: the change triggers say "maybe changed", so every row is read
  and hashed, and nothing is written (what an unchanged export cost before the triggers);
- store cost: the store's own save_filing of the same synthetic filings into a database
  without and with the change triggers (as after an export), alternated, best of N;
- pyarrow floor: every partition file of that export read into memory, then written
  again with pyarrow alone (same schema, same zstd): only the writing is timed. This is
  what any Parquet writer must pay for the same rows; the export's extra cost is reading
  SQLite and converting to exact types;
- SQLite read floor: `SELECT *` of the same tables and views, fetched in Python, no writing;
- query: a cluster-buys query (issuer-days with >= 3 distinct buyers in 10 days, open
  market purchases of Table I) by DuckDB on the export and by SQLite on the database,
  results checked equal, best of N.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent / "insider"
sys.path.insert(0, str(HERE))

import show  # noqa: E402  # the 1M builder of benchmarks/show.py, reused

SIZES = {"1m": 10_000, "5m": 50_000}  # owners; x 100 rows each


def database(size: str, copies: bool) -> Path:
    if size == "1m" or not copies:
        path = show.DB if size == "1m" else show.CACHE / f"show-{size}.db"
        if not path.exists():
            show.OWNERS = SIZES[size]
            show.build(path)
        return path
    path = show.CACHE / f"copies-{size}.db"
    if not path.exists():
        replicate(database("1m", copies), path, SIZES[size] // SIZES["1m"])
    return path


# Every table of a filing, and how to make copy k of its rows (k = 1, 2, ...).
_COPY = {
    "filings": {"filing_date": "date(filing_date, '+{k} years')",
                "period_of_report": "date(period_of_report, '+{k} years')"},
    "filing_owners": {},
    "ownership_rows": {"transaction_date": "date(transaction_date, '+{k} years')",
                       "position_key": "position_key || '-{k}'"},
    "footnotes": {},
    "field_footnotes": {},
    "signatures": {},
}  # fmt: skip


def replicate(src: Path, dst: Path, times: int) -> None:
    """dst = src plus times - 1 copies of every filing, each with its own accessions and
    its dates moved k years on (so the lake has one year partition per copy). The store's
    builder (show.build) runs at 130-600 filings/s on this shared machine: 5M rows would
    take it 15-60 minutes; SQL copies of its rows take a few."""
    tmp = dst.with_suffix(".tmp")
    shutil.copy(src, tmp)
    c = sqlite3.connect(tmp, isolation_level=None)
    c.execute("PRAGMA synchronous = OFF")
    c.execute("PRAGMA journal_mode = OFF")
    t = time.monotonic()
    # accession 9000000001-1F-00000F: the middle part 10..19 becomes 10*(k+1)+F
    acc = "substr(accession, 1, 11) || printf('%02d', CAST(substr(accession, 12, 2) AS "
    acc += "INTEGER) + 10 * {k}) || substr(accession, 14)"
    c.execute("BEGIN")
    for k in range(1, times):
        for table, changes in _COPY.items():
            cols = [r[1] for r in c.execute(f"PRAGMA table_info({table})")]
            exprs = [
                acc.format(k=k) if col == "accession" else changes.get(col, col).format(k=k)
                for col in cols
            ]
            c.execute(
                f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(exprs)} "
                f"FROM {table} WHERE CAST(substr(accession, 12, 2) AS INTEGER) < 20"
            )
    c.execute("COMMIT")
    n = c.execute("SELECT count(*) FROM ownership_rows").fetchone()[0]
    c.close()
    tmp.rename(dst)
    print(f"built {dst} ({n:,} rows) in {time.monotonic() - t:.0f} s", flush=True)


def _run(cmd: list[str]) -> tuple[float, int, str]:
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        raise SystemExit(f"{' '.join(cmd[:3])} failed: {r.stderr[-2000:]}")
    return time.perf_counter() - t, 0, r.stdout


def timed_cmd(cmd: list[str]) -> tuple[float, int]:
    """Wall time and this child's own peak RSS (wait4), output to a pipe."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t
    err = p.stderr.read().decode() if p.stderr else ""
    if status:
        raise SystemExit(f"{' '.join(cmd)} failed: {err[-2000:]}")
    return dt, usage.ru_maxrss * 1024


FLOOR = """
import sys, time, json, pathlib
import pyarrow.parquet as pq
lake, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
spent = rows = size = 0
for f in sorted(lake.rglob('part-0.parquet')):
    table = pq.read_table(f, partitioning=None)
    target = out / f.relative_to(lake)
    target.parent.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    pq.write_table(table, target, compression='zstd', row_group_size=65536)
    spent += time.perf_counter() - t
    rows += table.num_rows
    size += target.stat().st_size
    del table
print(json.dumps({'seconds': spent, 'rows': rows, 'bytes': size}))
"""

READ_FLOOR = """
import sys, time, json, sqlite3
sys.path.insert(0, sys.argv[2])
from insider.lake.datasets import DEFAULT, dataset
c = sqlite3.connect(sys.argv[1])
rows = 0
t = time.perf_counter()
for name in DEFAULT:
    sql, params = dataset(name).select(None, None)
    cur = c.execute(sql, params)
    while batch := cur.fetchmany(4096):
        rows += len(batch)
print(json.dumps({'seconds': time.perf_counter() - t, 'rows': rows}))
"""

# Issuer-days on which 3 or more distinct owners bought in the open market (P, Table I)
# within the 10 calendar days that follow. SQLite gets the best plan we found: the
# purchases in a temporary table with an index on (issuer, date) (its CTE version scans
# every purchase for every issuer-day: 12 billion steps on 1M rows); that is timed too.
CLUSTER = """
SELECT days.issuer_cik, days.d, count(DISTINCT p.owner_cik) AS buyers, count(*) AS n
FROM (SELECT DISTINCT issuer_cik, d FROM {p}) days
JOIN {p} p ON p.issuer_cik = days.issuer_cik AND p.d >= days.d AND p.d <= {plus10}
GROUP BY days.issuer_cik, days.d
HAVING count(DISTINCT p.owner_cik) >= 3
ORDER BY 1, 2
"""
PURCHASES = (
    "SELECT issuer_cik, transaction_date AS d, owner_cik FROM {src} "
    "WHERE code = 'P' AND form_table = 'I'"
)


def cluster_sqlite(db: Path) -> tuple[float, list]:
    c = sqlite3.connect(db)
    t = time.perf_counter()
    c.execute("CREATE TEMP TABLE p AS " + PURCHASES.format(src="transactions"))
    c.execute("CREATE INDEX temp.p_issuer_d ON p(issuer_cik, d)")
    rows = c.execute(CLUSTER.format(p="p", plus10="date(days.d, '+10 days')")).fetchall()
    dt = time.perf_counter() - t
    c.close()
    return dt, [tuple(map(str, r)) for r in rows]


def cluster_duckdb(lake: Path) -> tuple[float, list]:
    import duckdb

    src = f"read_parquet('{lake}/transactions/**/*.parquet', hive_partitioning=true)"
    con = duckdb.connect()
    t = time.perf_counter()
    sql = f"WITH p AS ({PURCHASES.format(src=src)}) "
    sql += CLUSTER.format(p="p", plus10="days.d + INTERVAL 10 DAY")
    rows = con.execute(sql).fetchall()
    dt = time.perf_counter() - t
    return dt, [tuple(map(str, r)) for r in rows]


def lake_totals(db: Path, lake: Path) -> dict[str, tuple[int, int]]:
    with sqlite3.connect(db) as c:
        return {
            d: (r, b)
            for d, r, b in c.execute(
                "SELECT dataset, sum(rows), sum(bytes) FROM lake_partitions WHERE lake = ? "
                "GROUP BY dataset",
                (str(lake.resolve()),),
            )
        }


def bench(size: str, runs: int, copies: bool) -> None:
    db = database(size, copies)
    work = Path(tempfile.mkdtemp(prefix=f"export-{size}-", dir=show.CACHE))
    lake = work / "lake"
    try:
        print(f"\n## {size}: {db.name} ({db.stat().st_size / 1e6:,.0f} MB)", flush=True)
        cmd = [str(BIN), "export", str(lake), "--db", str(db), "-q"]
        t_exp, rss_exp = timed_cmd(cmd)
        totals = lake_totals(db, lake)
        rows = sum(r for r, _ in totals.values())
        size_b = sum(b for _, b in totals.values())
        print(f"  export: {t_exp:.1f} s, {rows:,} rows, {size_b:,} bytes, {totals}", flush=True)
        t_again, rss_again = timed_cmd(cmd)
        print(f"  unchanged export: {t_again:.1f} s", flush=True)
        with sqlite3.connect(db) as c:
            c.execute(
                "UPDATE issuers SET name = name WHERE rowid = (SELECT min(rowid) FROM issuers)"
            )
        c.close()
        t_touched, rss_touched = timed_cmd(cmd)
        assert lake_totals(db, lake) == totals
        print(f"  touched export: {t_touched:.1f} s", flush=True)
        floor = json.loads(_run([sys.executable, "-c", FLOOR, str(lake), str(work / "f")])[2])
        shutil.rmtree(work / "f", ignore_errors=True)
        print(f"  pyarrow floor: {floor}", flush=True)
        readf = json.loads(_run([sys.executable, "-c", READ_FLOOR, str(db), str(ROOT)])[2])
        print(f"  sqlite read floor: {readf}", flush=True)
        assert floor["rows"] == rows == readf["rows"], (floor, rows, readf)
        sq = [cluster_sqlite(db) for _ in range(runs)]
        dk = [cluster_duckdb(lake) for _ in range(runs)]
        assert sq[0][1] == dk[0][1], "DuckDB and SQLite disagree on the cluster buys"
        t_sq, t_dk = min(t for t, _ in sq), min(t for t, _ in dk)
        txn_rows, txn_bytes = totals["transactions"]
        print(
            json.dumps(
                {
                    "size": size,
                    "rows_written": rows,
                    "bytes_written": size_b,
                    "export_s": round(t_exp, 2),
                    "export_rows_per_s": round(rows / t_exp),
                    "export_peak_rss_mb": round(rss_exp / 2**20),
                    "unchanged_export_s": round(t_again, 2),
                    "unchanged_peak_rss_mb": round(rss_again / 2**20),
                    "touched_export_s": round(t_touched, 2),
                    "touched_peak_rss_mb": round(rss_touched / 2**20),
                    "pyarrow_floor_s": round(floor["seconds"], 2),
                    "pyarrow_floor_rows_per_s": round(rows / floor["seconds"]),
                    "export_over_floor": round(t_exp / floor["seconds"], 2),
                    "sqlite_read_floor_s": round(readf["seconds"], 2),
                    "bytes_per_row_all": round(size_b / rows, 1),
                    "bytes_per_row_floor": round(floor["bytes"] / rows, 1),
                    "transactions_rows": txn_rows,
                    "transactions_bytes_per_row": round(txn_bytes / txn_rows, 1),
                    "cluster_buy_days": len(sq[0][1]),
                    "cluster_sqlite_s": round(t_sq, 3),
                    "cluster_duckdb_s": round(t_dk, 3),
                    "sqlite_over_duckdb": round(t_sq / t_dk, 1),
                },
                indent=1,
            ),
            flush=True,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


STORE_COST = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import show
from insider import lake, store
show.OWNERS = int(sys.argv[3])
armed = sys.argv[4] == "1"
real = store.connect
start = []
def connect(path):
    db = real(path)
    if armed:  # an export first: the change triggers are on the tables
        lake.export(path, Path(sys.argv[2]) / "lake", fmt="csv")
    start.append(time.perf_counter())  # only the writes are timed
    return db
store.connect = connect
show.build(Path(sys.argv[2]) / "store.db")
print(json.dumps({"seconds": time.perf_counter() - start[0]}))
"""


def store_cost(work: Path, owners: int, runs: int) -> dict[str, float]:
    """show.build's store writes without and with the change triggers, alternated."""
    best = {"plain": float("inf"), "triggers": float("inf")}
    for _ in range(runs):
        for mode in best:
            d = work / f"store-{mode}"
            shutil.rmtree(d, ignore_errors=True)
            d.mkdir(parents=True)
            args = [str(HERE), str(d), str(owners), "1" if mode == "triggers" else "0"]
            out = _run([sys.executable, "-c", STORE_COST, *args])[2]
            best[mode] = min(best[mode], json.loads(out.splitlines()[-1])["seconds"])
            shutil.rmtree(d, ignore_errors=True)
    rows = owners * show.FILINGS_PER_OWNER * show.ROWS_PER_FILING
    print(
        f"  store cost, {rows:,} rows: {best['plain']:.1f} s plain, "
        f"{best['triggers']:.1f} s with triggers, ratio {best['triggers'] / best['plain']:.3f}",
        flush=True,
    )
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1m,5m", help="'': only the store cost")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument(
        "--store-builder",
        action="store_true",
        help="build the 5M DB with show.build (slow) instead of copies of the 1M one",
    )
    ap.add_argument("--store-owners", type=int, default=300, help="0: no store cost step")
    a = ap.parse_args()
    if a.store_owners:
        work = Path(tempfile.mkdtemp(prefix="store-", dir=show.CACHE))
        try:
            store_cost(work, a.store_owners, a.runs)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    for size in filter(None, a.sizes.split(",")):
        if size not in SIZES:
            raise SystemExit(f"--sizes: {size!r} is not one of {', '.join(SIZES)}")
        bench(size, a.runs, not a.store_builder)


if __name__ == "__main__":
    main()
