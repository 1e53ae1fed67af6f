"""Time `insider show` and `insider --help` end to end on a synthetic 1,000,000-row DB.

    .venv/bin/python benchmarks/show.py [--rebuild] [--runs N]

The database is built once with the project's own store code (insider.store.save_filing on
synthetic insider.models.Filing objects) and cached as benchmarks/.cache/show-1m.db
(gitignored). 10,000 owners x 10 Form 4 filings x 10 Table I transactions = 1,000,000
transactions, 200 issuers, a footnote on every sale price. Each command is run as a fresh
process (start to exit, output to a pipe), several times round robin; median and minimum
are reported beside `python -c pass` measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
DB = CACHE / "show-1m.db"

OWNERS = 10_000
FILINGS_PER_OWNER = 10
ROWS_PER_FILING = 10
ISSUERS = 200
SURNAMES = "SMITH JOHNSON WILLIAMS BROWN JONES GARCIA MILLER DAVIS RODRIGUEZ MARTINEZ".split()
FIRSTS = "JAMES MARY ROBERT PATRICIA JOHN JENNIFER MICHAEL LINDA DAVID ELIZABETH".split()


def owner_name(n: int) -> str:
    # A unique last word per owner ("X04217") and common first words ("SMITH", "MARY"), so
    # both a unique and a many-match lookup can be timed.
    return f"{SURNAMES[n % 10]} {FIRSTS[(n // 10) % 10]} X{n:05d}"


def build(path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from insider.models import Filing, Issuer, ReportingOwner, Row
    from insider.store import FilingMeta, connect, save_filing

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        p.unlink(missing_ok=True)
    db = connect(tmp)
    db.execute("PRAGMA synchronous = OFF")
    start = time.monotonic()
    raw = b"<ownershipDocument><!-- synthetic --></ownershipDocument>"
    day0 = date(2010, 1, 4)
    codes = ("S", "S", "S", "P", "M", "A", "F", "S", "G", "P")
    n_filings = 0
    for o in range(OWNERS):
        cik = f"{9_000_000_000 + o:010d}"
        iss_n = o % ISSUERS
        issuer = Issuer(
            f"{8_000_000_000 + iss_n:010d}", f"SYNTHETIC ISSUER {iss_n} INC", f"SY{iss_n}"
        )
        owner = ReportingOwner(
            cik, owner_name(o), is_officer=True, officer_title="Chief Synthetic Officer"
        )
        held = Decimal(100_000 + o)
        for f in range(FILINGS_PER_OWNER):
            d = day0 + timedelta(days=30 * f + o % 28)
            rows = []
            for k in range(ROWS_PER_FILING):
                code = codes[(k + f) % len(codes)]
                shares = Decimal(100 + (o * 7 + f * 13 + k * 31) % 900)
                acquired = code in ("P", "M", "A")
                held = held + shares if acquired else held - shares
                price = Decimal(f"{20 + (o + f + k) % 50}.{(o * k) % 100:02d}")
                rows.append(
                    Row(
                        table="non_derivative",
                        kind="transaction",
                        security_title="Common Stock",
                        transaction_date=d.isoformat(),
                        form_type="4",
                        code=code,
                        equity_swap_involved=False,
                        shares=shares,
                        price_per_share=Decimal(0) if code in ("A", "G") else price,
                        acquired_disposed="A" if acquired else "D",
                        shares_owned_following=held,
                        direct_or_indirect="D",
                        footnotes={"price_per_share": ("F1",)} if code == "S" else {},
                    )
                )
            filing = Filing(
                document_type="4",
                schema_version="X0508",
                period_of_report=d.isoformat(),
                date_of_original_submission=None,
                no_securities_owned=None,
                not_subject_to_section16=False,
                form3_holdings_reported=None,
                form4_transactions_reported=None,
                aff10b5one=None,
                remarks=None,
                issuer=issuer,
                reporting_owners=(owner,),
                non_derivative_transactions=tuple(rows),
                non_derivative_holdings=(),
                derivative_transactions=(),
                derivative_holdings=(),
                footnotes={"F1": "The price reported is a weighted average price."},
                signatures=(),
            )
            acc = f"{9_000_000_000 + o:010d}-{10 + f % 90:02d}-{f:06d}"
            meta = FilingMeta(acc, (d + timedelta(days=2)).isoformat())
            save_filing(db, filing, meta, raw)
            n_filings += 1
        if o % 1000 == 999:
            rate = n_filings / (time.monotonic() - start)
            print(f"  built {o + 1:,} owners, {n_filings:,} filings ({rate:,.0f}/s)", flush=True)
    n = db.execute("SELECT count(*) FROM ownership_rows WHERE kind = 'transaction'").fetchone()[0]
    assert n == OWNERS * FILINGS_PER_OWNER * ROWS_PER_FILING, n
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    for p in (Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        p.unlink(missing_ok=True)
    tmp.rename(path)
    print(f"built {path} ({n:,} transactions) in {time.monotonic() - start:.0f} s")


def timed(cmd: list[str], runs: int, ok: int = 0, env: dict | None = None) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, env=env)
        out.append(time.perf_counter() - t)
        if r.returncode != ok:
            raise SystemExit(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr.decode()}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rebuild", action="store_true", help="build the cached DB again")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument(
        "--peer",
        type=Path,
        help="another checkout (e.g. /work/main): its insider code is timed on the same "
        "commands in the same round robin, and the ratio to it printed",
    )
    args = ap.parse_args()
    if args.rebuild or not DB.exists():
        build(DB)
    bindir = Path(sys.executable).parent
    insider = str(bindir / "insider")
    py = sys.executable
    target = 4217
    cases = [
        ("python -c pass (reference)", [py, "-c", "pass"]),
        ("insider --help", [insider, "--help"]),
        (f"insider show X{target:05d}", [insider, "show", f"X{target:05d}", "--db", str(DB)]),
        (
            f"insider show {9_000_000_000 + target} (CIK)",
            [insider, "show", str(9_000_000_000 + target), "--db", str(DB)],
        ),
        (
            f"insider show X{target:05d} --json",
            [insider, "show", f"X{target:05d}", "--json", "--db", str(DB)],
        ),
        (
            "insider show SMITH (1,000 matches, exit 2)",
            [insider, "show", "SMITH", "--db", str(DB)],
        ),
        ("insider company SY17 (5,000 rows)", [insider, "company", "SY17", "--db", str(DB)]),
    ]
    peers: dict[str, list[str]] = {}
    if args.peer:
        # Both sides through the same launcher, each with its own code on PYTHONPATH.
        launch = "import sys; sys.argv[0] = 'insider'; from insider.cli import main; main()"
        for label, cmd in cases[1:]:
            peers[label] = [py, "-c", launch, *cmd[1:]]
            cases[cases.index((label, cmd))] = (label, [py, "-c", launch, *cmd[1:]])
    # Round robin: run 1 of every command, then run 2, ... so that a busy moment of the
    # machine hits all of them alike, the reference included.
    times: dict[str, list[float]] = {label: [] for label, _ in cases}
    ptimes: dict[str, list[float]] = {label: [] for label in peers}
    import os

    env_self = {**os.environ, "PYTHONPATH": str(ROOT)}
    env_peer = {**os.environ, "PYTHONPATH": str(args.peer)} if args.peer else None
    for _ in range(args.runs):
        for label, cmd in cases:
            ok = 2 if "exit 2" in label else 0
            times[label] += timed(cmd, 1, ok, env_self if peers else None)
            if label in peers:
                ptimes[label] += timed(peers[label], 1, ok, env_peer)
    ref_med = statistics.median(times[cases[0][0]])
    ref_min = min(times[cases[0][0]])
    print(f"\n{OWNERS:,} owners, {OWNERS * FILINGS_PER_OWNER * ROWS_PER_FILING:,} transactions,")
    print(f"{args.runs} runs each (round robin), process start to exit\n")
    if peers:
        print(f"peer: {args.peer}\n")
        print("| command | median s | peer median s | median / peer | min / peer min |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for label, _ in cases:
            med, mn = statistics.median(times[label]), min(times[label])
            if label not in peers:
                print(f"| `{label}` | {med:.3f} | | | |")
                continue
            pmed, pmn = statistics.median(ptimes[label]), min(ptimes[label])
            print(f"| `{label}` | {med:.3f} | {pmed:.3f} | {med / pmed:.2f} | {mn / pmn:.2f} |")
        return
    print("| command | median s | min s | median / ref median | min / ref min |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, _ in cases:
        med, mn = statistics.median(times[label]), min(times[label])
        print(f"| `{label}` | {med:.3f} | {mn:.3f} | {med / ref_med:.1f} | {mn / ref_min:.1f} |")


if __name__ == "__main__":
    main()
