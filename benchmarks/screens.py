"""Market screens at scale: time `insider screen ...`, `show`, `company`, `status` and
`insider serve`'s answer to a canned query, on synthetic databases of 1 M and 5 M rows.

    .venv/bin/python benchmarks/screens.py [--sizes 1,5] [--rebuild] [--runs N] [--explain]

The 1 M database is built once with the project's own store code (`insider.store.save_filing`
on synthetic `insider.models.Filing` objects, as benchmarks/show.py does); the larger ones
are N copies of it made by SQL with new keys (`replicate`; `--store-only` builds them with
save_filing too, ~500 filings/s here). All are cached as benchmarks/.cache/screens-{N}m.db
(gitignored). N million Table I transaction rows, 10 per
Form 4, filed 2006-2025 in date order over 3,000 issuers, one owner per 5 filings; codes in
the proportions of real filings (S 30 %, A 20 %, M 15 %, F 15 %, P 5 %, G, D, C); every
tenth owner a CEO (titles written several ways), every tenth a CFO, directors, 10 % owners;
a 10b5-1 footnote on half the sales; one filing in 15 filed late; a third of the
purchases large ($0.4 M to $20 M).

Every command runs as a fresh process (start to exit, output to a pipe), round robin,
beside `python -c pass` in the same run; the serve case times one HTTP GET of a canned
query against an `insider serve` started once (start-up not counted). `--explain` prints
EXPLAIN QUERY PLAN of every screen's SQL (which index serves it).
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"

ROWS_PER_FILING = 10
FILINGS_PER_OWNER = 5
ISSUERS = 3_000
DAYS = 7_300  # 2006-01-02 .. 2025-12-23
DAY0 = date(2006, 1, 2)
# 20 slots: the share of each code among filings.
CODES = "SSSSSSAAAAMMMFFFPGDC"
TITLES = (
    ("Chief Executive Officer", False),
    ("EVP, Chief Financial Officer", False),
    (None, True),  # director only
    ("Pres. & CEO", True),
    ("SVP Sales", False),
    ("CFO and Treasurer", False),
    ("General Counsel", False),
    ("Co-CEO", False),
    ("Chief Operating Officer", False),
    (None, True),
)


def db_path(millions: int) -> Path:
    return CACHE / f"screens-{millions}m.db"


def build(path: Path, rows: int) -> None:
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
    n_filings = rows // ROWS_PER_FILING
    n_owners = max(n_filings // FILINGS_PER_OWNER, 1)
    held: dict[int, Decimal] = {}
    plan = "Effected pursuant to a Rule 10b5-1 trading plan adopted by the reporting person."
    for g in range(n_filings):
        o = g % n_owners
        iss_n = o % ISSUERS
        issuer = Issuer(f"{8_000_000_000 + iss_n:010d}", f"SYNTH ISSUER {iss_n} INC", f"S{iss_n}")
        title, director = TITLES[o % len(TITLES)]
        if o % 50 == 7:  # some 10% owners (funds)
            owner = ReportingOwner(
                f"{9_000_000_000 + o:010d}", f"SYNTH FUND {o} LP", is_ten_percent_owner=True
            )
        else:
            owner = ReportingOwner(
                f"{9_000_000_000 + o:010d}",
                f"SMITH JOHN X{o:07d}",
                is_director=director,
                is_officer=title is not None,
                officer_title=title,
            )
        d = DAY0 + timedelta(days=g * DAYS // n_filings)
        code = CODES[(g * 7 + o) % len(CODES)]
        acquired = code in ("P", "M", "A", "C")
        sale = code == "S"
        late = g % 15 == 0
        filed = d + timedelta(days=12 if late else 2)
        cur = held.get(o, Decimal(50_000 + o % 1000))
        out_rows = []
        for k in range(ROWS_PER_FILING):
            shares = Decimal(100 + (g * 7 + k * 31) % 900)
            if code == "P" and g % 3 == 0:  # a third of the buys are large ($0.4M-$20M)
                shares *= 200
            cur = cur + shares if acquired else max(cur - shares, Decimal(0))
            price = Decimal(f"{20 + (g + k) % 80}.{(g * k) % 100:02d}")
            out_rows.append(
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
                    shares_owned_following=cur,
                    direct_or_indirect="D",
                    footnotes={"price_per_share": ("F1",)} if sale and g % 2 else {},
                )
            )
        held[o] = cur
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
            non_derivative_transactions=tuple(out_rows),
            non_derivative_holdings=(),
            derivative_transactions=(),
            derivative_holdings=(),
            footnotes={"F1": plan} if sale and g % 2 else {},
            signatures=(),
        )
        acc = f"{9_000_000_000 + o:010d}-{d.year % 100:02d}-{g:06d}"
        accepted = f"{filed.isoformat()}T{13 + g % 9:02d}:{g % 60:02d}:{g % 53:02d}.000Z"
        meta = FilingMeta(acc, filed.isoformat(), accepted, None)
        save_filing(db, filing, meta, raw)
        if g % 20_000 == 19_999:
            rate = (g + 1) / (time.monotonic() - start)
            print(f"  {path.name}: {g + 1:,} of {n_filings:,} filings ({rate:,.0f}/s)", flush=True)
    # No ANALYZE: a user's database has no statistics either, and plans must hold without.
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    for p in (Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        p.unlink(missing_ok=True)
    tmp.rename(path)
    print(f"built {path} ({rows:,} rows) in {time.monotonic() - start:.0f} s", flush=True)


def replicate(src: Path, dst: Path, copies: int) -> None:
    """A database `copies` times the size of `src` (built by `build`): every filing, row,
    owner, issuer and footnote copied with new keys by SQL (issuer and owner CIKs shifted,
    accessions re-prefixed, tickers suffixed), the derived columns the store computed kept.
    The market gets denser (same days, more issuers), as a longer sync would make it."""
    import shutil
    import sqlite3

    start = time.monotonic()
    tmp = dst.with_suffix(".tmp")
    shutil.copyfile(src, tmp)
    con = sqlite3.connect(tmp, isolation_level=None)
    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")
    con.execute("PRAGMA cache_size = -1000000")
    acc = "printf('%02d', 10 + :k) || substr({0}, 3)"
    iss = "printf('%010d', {0} + :k * 10000)"
    own = "printf('%010d', {0} + :k * 10000000)"
    for k in range(1, copies):
        p = {"k": k}
        con.execute("BEGIN")
        con.execute(
            f"INSERT INTO issuers(cik, name, ticker) SELECT {iss.format('cik')}, "
            "name || ' ' || :k, ticker || 'K' || :k FROM issuers "
            "WHERE CAST(cik AS INTEGER) BETWEEN 8000000000 AND 8000009999",
            p,
        )
        con.execute(
            f"INSERT INTO owners(cik, name) SELECT {own.format('cik')}, name || ' K' || :k "
            "FROM owners WHERE CAST(cik AS INTEGER) BETWEEN 9000000000 AND 9009999999",
            p,
        )
        fcols = [r[1] for r in con.execute("PRAGMA table_info(filings)")]
        sel = {
            "accession": acc.format("accession"),
            "issuer_cik": iss.format("issuer_cik"),
            "owner_ciks": own.format("owner_ciks"),
            "issuer_ticker": "issuer_ticker || 'K' || :k",
        }
        con.execute(
            f"INSERT INTO filings({', '.join(fcols)}) SELECT "
            + ", ".join(sel.get(c, c) for c in fcols)
            + " FROM filings WHERE accession GLOB '90*'",
            p,
        )
        ocols = [r[1] for r in con.execute("PRAGMA table_info(filing_owners)")]
        sel = {"accession": acc.format("accession"), "owner_cik": own.format("owner_cik")}
        con.execute(
            f"INSERT INTO filing_owners({', '.join(ocols)}) SELECT "
            + ", ".join(sel.get(c, c) for c in ocols)
            + " FROM filing_owners WHERE accession GLOB '90*'",
            p,
        )
        rcols = [r[1] for r in con.execute("PRAGMA table_info(ownership_rows)")]
        sel = {"accession": acc.format("accession"), "position_key": ":k || position_key"}
        con.execute(
            f"INSERT INTO ownership_rows({', '.join(rcols)}) SELECT "
            + ", ".join(sel.get(c, c) for c in rcols)
            + " FROM ownership_rows WHERE accession GLOB '90*'",
            p,
        )
        for table in ("footnotes", "field_footnotes"):
            cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
            con.execute(
                f"INSERT INTO {table}({', '.join(cols)}) SELECT "
                + ", ".join(acc.format(c) if c == "accession" else c for c in cols)
                + f" FROM {table} WHERE accession GLOB '90*'",
                p,
            )
        con.execute("COMMIT")
        print(f"  {dst.name}: copy {k + 1} of {copies}", flush=True)
    con.close()
    tmp.rename(dst)
    print(f"built {dst} from {src.name} x {copies} in {time.monotonic() - start:.0f} s")


SEED_PREFIX = "0777777777-22-"
OLD_SEEDS = "0777777777-21-*"  # an earlier seeding (all on the same three days)


def seed_clusters(path: Path, every: int = 10) -> None:
    """Cluster buys for the cluster screen to find: in every `every`-th issuer, three new
    owners buy on three days within five, spread over 2020-2025 from issuer to issuer (one
    Form 4 each, stored with save_filing, so the store's triggers see them). The synthetic
    market has almost none otherwise, and a real one has many (March 2020 alone): this
    makes the screen's second stage (the rows of the issuers that can hold a cluster) part
    of what is timed. Done once per database."""
    sys.path.insert(0, str(ROOT))
    from insider.models import Filing, Issuer, ReportingOwner, Row
    from insider.store import FilingMeta, connect, save_filing

    db = connect(path)
    with db.conn:
        db.execute("DELETE FROM filings WHERE accession GLOB ?", (OLD_SEEDS,))
    # Resumable: filings are numbered in a fixed order and each is stored in its own
    # transaction, so an interrupted seeding goes on after the last one stored.
    done = db.execute(
        "SELECT count(*) FROM filings WHERE accession GLOB ?", (SEED_PREFIX + "*",)
    ).fetchone()[0]
    db.execute("PRAGMA synchronous = OFF")  # as build: a benchmark file, rebuilt if lost
    start = time.monotonic()
    issuers = db.execute(
        "SELECT cik, name, ticker FROM issuers WHERE cik NOT GLOB '7*' ORDER BY cik"
    ).fetchall()
    n = 0
    for i, (cik, name, ticker) in enumerate(issuers[::every]):
        first = date(2020, 1, 6) + timedelta(days=(i * 7) % 2000)
        for k in range(3):
            day = (first + timedelta(days=2 * k)).isoformat()
            n += 1
            if n <= done:
                continue
            owner = ReportingOwner(
                f"{7_000_000_000 + i * 3 + k:010d}", f"SEED BUYER {i} {k}", is_director=True
            )
            row = Row(
                table="non_derivative",
                kind="transaction",
                security_title="Common Stock",
                transaction_date=day,
                form_type="4",
                code="P",
                equity_swap_involved=False,
                shares=Decimal(1000 + k),
                price_per_share=Decimal("12.50"),
                acquired_disposed="A",
                shares_owned_following=Decimal(5000 + k),
                direct_or_indirect="D",
            )
            filing = Filing(
                "4", "X0508", day, None, None, False, None, None, None, None,
                Issuer(cik, name, ticker), (owner,), (row,), (), (), (), {}, (),
            )  # fmt: skip
            meta = FilingMeta(f"{SEED_PREFIX}{n:06d}", day, f"{day}T21:00:00.000Z", None)
            save_filing(db, filing, meta, b"<ownershipDocument><!-- seed --></ownershipDocument>")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    if n > done:
        print(
            f"seeded {n - done} cluster filings in {path.name} in {time.monotonic() - start:.0f} s"
        )


def timed(cmd: list[str], ok: int = 0) -> float:
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True)
    dt = time.perf_counter() - t
    if r.returncode != ok:
        raise SystemExit(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr.decode()}")
    return dt


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(insider: str, db: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen(
        [insider, "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=5).read()
            return proc, base
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise SystemExit("insider serve did not start") from None
            time.sleep(0.3)


def http_get(url: str) -> float:
    t = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as r:
        r.read()
    return time.perf_counter() - t


def cases(insider: str, db: Path) -> list[tuple[str, list[str]]]:
    d = ["--db", str(db)]
    out = [("python -c pass (reference)", [sys.executable, "-c", "pass"])]
    for name in (
        "latest", "purchases", "sales", "officer-purchases", "ceo-cfo-purchases",
        "cluster-buys", "big-sales", "late",
    ):  # fmt: skip
        out.append((f"screen {name}", [insider, "screen", name, *d]))
    out += [
        ("screen ceo-cfo-purchases --min-value 100000",
         [insider, "screen", "ceo-cfo-purchases", "--min-value", "100000", *d]),
        ("screen cluster-buys --since 2020-01-01",
         [insider, "screen", "cluster-buys", "--since", "2020-01-01", *d]),
        ("screen purchases --json", [insider, "screen", "purchases", "--json", *d]),
        ("show 9000004217 (one owner)", [insider, "show", "9000004217", *d]),
        ("company S17 (one issuer)", [insider, "company", "S17", *d]),
        ("status", [insider, "status", *d]),
    ]  # fmt: skip
    return out


def explain(db: Path) -> None:
    sys.path.insert(0, str(ROOT))
    import sqlite3

    from insider.screens import SCREENS, ScreenQuery, screen_sql

    con = sqlite3.connect(db)
    for name, screen in SCREENS.items():
        if name in ("latest", "cluster-buys"):
            continue  # built in steps (market_queries.latest_rows, cluster_screen.find_clusters)
        q = ScreenQuery(since="2025-10-01") if screen.window_days else ScreenQuery()
        sql, params = screen_sql(screen, q)
        plan = [r[3] for r in con.execute("EXPLAIN QUERY PLAN " + sql, params)]
        print(f"{name}: " + " / ".join(plan))


def in_process(db: Path) -> dict[str, float]:
    """Query + report time of each case inside one process (best of 3, no start-up, no
    rendering): how the work itself grows with the database, apart from the interpreter."""
    sys.path.insert(0, str(ROOT))
    from insider.company import company_report
    from insider.db import connect_readonly
    from insider.discover import status
    from insider.report import owner_report
    from insider.screens import SCREENS, ScreenQuery, run_screen

    con = connect_readonly(db)
    todo = {f"screen {n}": (lambda n=n: run_screen(con, n, ScreenQuery())) for n in SCREENS}
    todo["screen ceo-cfo-purchases --min-value 100000"] = lambda: run_screen(
        con, "ceo-cfo-purchases", ScreenQuery(min_value=Decimal(100000))
    )
    todo["screen cluster-buys --since 2020-01-01"] = lambda: run_screen(
        con, "cluster-buys", ScreenQuery(since="2020-01-01")
    )
    todo["show 9000004217 (one owner)"] = lambda: owner_report(con, "9000004217")
    todo["company S17 (one issuer)"] = lambda: company_report(con, "S17")
    todo["status"] = lambda: status(con, db)
    out = {}
    for label, fn in todo.items():
        best = float("inf")
        for _ in range(3):
            t = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t)
        out[label] = best
    # The peer in the same run: the same answers read from the tables, as a file whose
    # summaries are not current is read (once: 49 s at 25 M rows). Same results checked.
    import insider.summaries as summaries

    peer = {
        "screen cluster-buys --since 2020-01-01": todo["screen cluster-buys --since 2020-01-01"],
        "status": todo["status"],
    }
    real = summaries.current
    for label, fn in peer.items():
        with_summaries = fn()
        summaries.current = lambda conn: False
        try:
            t = time.perf_counter()
            without = fn()
            out[f"{label} (peer: without summaries)"] = time.perf_counter() - t
        finally:
            summaries.current = real
        if label == "status":
            with_summaries.pop("size_bytes"), without.pop("size_bytes")
        assert without == with_summaries, label
    con.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,5", help="millions of rows, e.g. 1,5")
    ap.add_argument("--rebuild", action="store_true", help="build the cached DBs again")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--in-process-only", action="store_true", help="skip the process timings")
    ap.add_argument("--explain", action="store_true", help="print the query plans")
    ap.add_argument(
        "--store-only",
        action="store_true",
        help="build every size with save_filing (slow) instead of copying the 1 M database",
    )
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    insider = str(Path(sys.executable).parent / "insider")
    results: dict[int, dict[str, float]] = {}
    for m in sizes:
        db = db_path(m)
        if args.rebuild or not db.exists():
            if m == 1 or args.store_only:
                build(db, m * 1_000_000)
            else:
                one = db_path(1)
                if args.rebuild or not one.exists():
                    build(one, 1_000_000)
                replicate(one, db, m)
        # One writable open adds the screen views and indexes (as any sync would).
        sys.path.insert(0, str(ROOT))
        from insider.store import connect

        connect(db).conn.close()
        seed_clusters(db)
        if args.explain:
            explain(db)
        inproc = in_process(db)
        print(f"\n{m} M rows, in one process (query + report, best of 3), s:")
        for label, t in inproc.items():
            print(f"| `{label}` | {t:.4f} |")
        if args.in_process_only:
            continue
        todo = cases(insider, db)
        times: dict[str, list[float]] = {label: [] for label, _ in todo}
        proc, base = start_serve(insider, db)
        url = f"{base}/{db.stem}/ceo-cfo-purchases.json?since=2020-01-01&min_value=100000&ticker="
        serve_label = "serve: GET ceo-cfo-purchases.json (canned query, over HTTP)"
        times[serve_label] = []
        try:
            http_get(url)  # warm the server's connections once
            for _ in range(args.runs):  # round robin: a busy moment hits every case alike
                for label, cmd in todo:
                    times[label].append(timed(cmd))
                times[serve_label].append(http_get(url))
        finally:
            proc.terminate()
            proc.wait(timeout=10)
        results[m] = {label: statistics.median(v) for label, v in times.items()}
        ref = results[m]["python -c pass (reference)"]
        print(f"\n{m} M rows ({db.stat().st_size / 1e9:.1f} GB), {args.runs} runs, median s:")
        print("| command | median s | / python -c pass |")
        print("| --- | ---: | ---: |")
        for label, med in results[m].items():
            print(f"| `{label}` | {med:.3f} | {med / ref:.1f} |")
    if len(results) > 1:
        a, b = min(results), max(results)
        print(f"\ngrowth {a} M -> {b} M rows (median ratio):")
        for label in results[a]:
            print(f"| `{label}` | {results[a][label]:.3f} | {results[b][label]:.3f} | "
                  f"{results[b][label] / results[a][label]:.2f} |")  # fmt: skip


if __name__ == "__main__":
    main()
