"""What sqlite-utils costs and buys insider, measured side by side with plain sqlite3.

    .venv/bin/python benchmarks/sqlite_utils_cost.py [--runs N]

1. Start-up: `import sqlite_utils` vs `import sqlite3` vs `python -c pass`, each a fresh
   process, round robin (sqlite_utils pulls in pluggy, click, tabulate and, when installed,
   numpy).
2. Bulk writes, the one job where a library could beat hand-written SQL: N rows of 30
   columns shaped like ownership_rows into a fresh table, in one transaction, with
   `executemany` vs sqlite-utils `insert_all` (batch size 500), at N = 10,000 and 100,000
   (how cost grows with size). Same rows, same table, same machine, alternated.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COLS = [f"c{i}" for i in range(30)]


def _startup(runs: int) -> dict[str, list[float]]:
    cases = {
        "python -c pass": "pass",
        "import sqlite3": "import sqlite3",
        "import sqlite_utils": "import sqlite_utils",
    }
    times: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(runs):
        for label, code in cases.items():
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            times[label].append(time.perf_counter() - t)
    return times


def _rows(n: int) -> list[tuple]:
    return [
        tuple(f"0009999901-07-{i:06d}" if k == 0 else (i * 31 + k) % 100_000 for k in range(30))
        for i in range(n)
    ]


def _executemany(path: Path, rows: list[tuple]) -> float:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute(f"CREATE TABLE t ({', '.join(COLS)})")
    t = time.perf_counter()
    con.execute("BEGIN")
    con.executemany(f"INSERT INTO t VALUES ({','.join('?' * 30)})", rows)
    con.execute("COMMIT")
    took = time.perf_counter() - t
    con.close()
    return took


def _insert_all(path: Path, rows: list[tuple]) -> float:
    import sqlite_utils

    con = sqlite3.connect(path, isolation_level=None)
    con.execute(f"CREATE TABLE t ({', '.join(COLS)})")
    db = sqlite_utils.Database(con)
    dicts = [dict(zip(COLS, r, strict=True)) for r in rows]  # its input shape: dicts
    t = time.perf_counter()
    con.execute("BEGIN")
    db["t"].insert_all(dicts, batch_size=500)
    con.execute("COMMIT")
    took = time.perf_counter() - t
    con.close()
    return took


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    st = _startup(args.runs)
    ref = statistics.median(st["python -c pass"])
    print("| start-up | median s | / python -c pass |")
    print("| --- | ---: | ---: |")
    for label, ts in st.items():
        print(f"| `{label}` | {statistics.median(ts):.3f} | {statistics.median(ts) / ref:.1f} |")
    print("\n| rows | executemany s | insert_all s | insert_all / executemany |")
    print("| ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (10_000, 100_000):
            rows = _rows(n)
            a, b = [], []
            for k in range(3):
                a.append(_executemany(Path(tmp) / f"a{n}-{k}.db", rows))
                b.append(_insert_all(Path(tmp) / f"b{n}-{k}.db", rows))
            ma, mb = statistics.median(a), statistics.median(b)
            print(f"| {n:,} | {ma:.3f} | {mb:.3f} | {mb / ma:.1f} |")


if __name__ == "__main__":
    main()
