"""`insider export` stopped mid-way (Ctrl-C, kill -9) by a real signal to a real process:
the previous export stays as it was, byte for byte, and DuckDB reads it."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from clirun import BIN
from test_cli_skeleton import run

duckdb = pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")

pytestmark = pytest.mark.slow

FILINGS = 4000
ROWS = 10


def _build(db: Path) -> None:
    """FILINGS synthetic Form 4s of ROWS sales each, over ten years (ten partitions)."""
    from insider.models import Filing, Issuer, ReportingOwner, Row
    from insider.store import FilingMeta, connect, save_filing

    conn = connect(db)
    conn.execute("PRAGMA synchronous = OFF")
    for n in range(FILINGS):
        d = date(2010, 1, 4) + timedelta(days=(n * 37) % 3650)
        rows = tuple(
            Row(
                table="non_derivative",
                kind="transaction",
                security_title="Common Stock",
                transaction_date=d.isoformat(),
                code="S",
                shares=Decimal(100 + k),
                price_per_share=Decimal(f"{20 + k}.{n % 100:02d}"),
                acquired_disposed="D",
                shares_owned_following=Decimal(10_000 - k),
                direct_or_indirect="D",
                footnotes={"price_per_share": ("F1",)},
            )
            for k in range(ROWS)
        )
        filing = Filing(
            "4", "X0508", d.isoformat(), None, None, False, None, None, None, None,
            Issuer(f"{8_000_000_000 + n % 50:010d}", f"ISSUER {n % 50}", f"IS{n % 50}"),
            (ReportingOwner(f"{9_000_000_000 + n % 500:010d}", f"OWNER X{n % 500:04d}"),),
            rows, (), (), (), {"F1": "Weighted average price."}, (),
        )  # fmt: skip
        acc = f"{9_000_000_000 + n % 500:010d}-{10:02d}-{n:06d}"
        save_filing(conn, filing, FilingMeta(acc, d.isoformat()), b"<ownershipDocument/>")
    conn.conn.close()


@pytest.fixture(scope="module")
def big_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("big") / "insider.db"
    _build(db)
    return db


def _snapshot(lake: Path) -> dict[str, str]:
    return {
        str(p.relative_to(lake)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in lake.rglob("*")
        if p.is_file()
    }


def _count_and_ticker(lake: Path) -> tuple[int, str]:
    return (
        duckdb.connect()
        .execute(
            f"SELECT count(*), min(issuer_ticker) FROM read_parquet("
            f"'{lake}/transactions/**/*.parquet', hive_partitioning=true)"
        )
        .fetchone()
    )


def _interrupted_export(db: Path, lake: Path, sig: int) -> subprocess.CompletedProcess:
    """Start an export, wait until it is writing a partition, send sig."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INSIDER_", "EDGAR_"))}
    p = subprocess.Popen(
        [str(BIN), "export", str(lake), "--db", str(db), "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        # the runner may start jobs with SIGINT ignored; the child must get the default
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.default_int_handler),
    )
    deadline = time.monotonic() + 60
    while not any(f.name.startswith("_part-0.") for f in lake.rglob("_part-0.*")):
        assert p.poll() is None, "the export ended before it was interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    p.send_signal(sig)
    out, err = p.communicate(timeout=60)
    return subprocess.CompletedProcess(p.args, p.returncode, out, err)


def test_ctrl_c_and_kill_leave_the_previous_export(big_db: Path, tmp_path: Path):
    lake = tmp_path / "lake"
    r = run("export", str(lake), "--db", str(big_db), "-q")
    assert r.returncode == 0, r.stderr
    before = _snapshot(lake)
    assert _count_and_ticker(lake) == (FILINGS * ROWS, "IS0")

    # every partition of transactions changes: the tickers are renamed
    with sqlite3.connect(big_db) as c:
        c.execute("UPDATE issuers SET ticker = 'NEW' || ticker")

    r = _interrupted_export(big_db, lake, signal.SIGINT)
    assert r.returncode == 130, r.stderr
    assert r.stderr.strip().endswith("is unchanged") and r.stderr.count("\n") == 1
    assert "Traceback" not in r.stderr
    assert _snapshot(lake) == before  # nothing changed, no temporary file left
    assert _count_and_ticker(lake) == (FILINGS * ROWS, "IS0")

    r = _interrupted_export(big_db, lake, signal.SIGKILL)
    assert r.returncode == -signal.SIGKILL
    after = _snapshot(lake)
    left = {k for k in after if "/_part-0." in "/" + k}
    assert left  # killed while writing: its temporary files are still there ...
    assert {k: v for k, v in after.items() if k not in left} == before  # ... beside the old
    assert _count_and_ticker(lake) == (FILINGS * ROWS, "IS0")  # which engines read alone

    r = run("export", str(lake), "--db", str(big_db), "-q")
    assert r.returncode == 0, r.stderr
    assert not [k for k in _snapshot(lake) if "_part-0." in k]  # leftovers cleaned up
    assert _count_and_ticker(lake) == (FILINGS * ROWS, "NEWIS0")
