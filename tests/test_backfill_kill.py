"""A quarter import killed (SIGKILL) or interrupted (Ctrl-C) mid-way: the database passes
PRAGMA integrity_check, holds nothing of the quarter, and a re-run ends exactly as an
uninterrupted import (all or nothing per quarter)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT
from storehelp import dump

BIN = Path(sys.executable).parent / "insider"


def _quarter(tmp_path: Path) -> Path:
    sys.path.insert(0, str(ROOT))
    from benchmarks.datasetgen import write_quarter_zip

    z = tmp_path / "2024q1_form345.zip"
    write_quarter_zip(z, "2024q1", submissions=6000, seed=7)
    return z


def _start(z: Path, db: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSIDER_")}
    return subprocess.Popen(
        [str(BIN), "backfill", "--zip", str(z), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _wait_mid_import(proc: subprocess.Popen, seconds: float) -> None:
    """Half-way through an import that takes `seconds` uninterrupted (the quarter's one
    transaction is then open: staging is the first sixth or so)."""
    time.sleep(seconds * 0.55)
    if proc.poll() is not None:
        pytest.fail("the import finished before it could be interrupted")


def _clean(tmp_path: Path, z: Path) -> tuple[Path, float]:
    db = tmp_path / "clean.db"
    t = time.monotonic()
    r = subprocess.run([str(BIN), "backfill", "--zip", str(z), "--db", str(db)],
                       capture_output=True, text=True, timeout=300)  # fmt: skip
    assert r.returncode == 0, r.stderr
    return db, time.monotonic() - t


def _nothing_imported(db: Path) -> None:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("SELECT count(*) FROM filings").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM ownership_rows").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM dataset_quarters").fetchone() == (0,)
    finally:
        con.close()


SKIP = ("stored_at", "fetched_at", "failed_at", "imported_at")


@pytest.mark.slow
def test_kill_9_mid_import_then_rerun(tmp_path):
    z = _quarter(tmp_path)
    clean, seconds = _clean(tmp_path, z)
    db = tmp_path / "killed.db"
    proc = _start(z, db)
    _wait_mid_import(proc, seconds)
    proc.kill()
    proc.wait(timeout=30)
    _nothing_imported(db)
    r = subprocess.run([str(BIN), "backfill", "--zip", str(z), "--db", str(db)],
                       capture_output=True, text=True, timeout=300)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert dump(db, SKIP) == dump(clean, SKIP)


@pytest.mark.slow
def test_ctrl_c_mid_import(tmp_path):
    z = _quarter(tmp_path)
    _, seconds = _clean(tmp_path, z)
    db = tmp_path / "interrupted.db"
    from insider import store

    store.connect(db).conn.close()  # an existing database (a new one is removed, as by sync)
    proc = _start(z, db)
    _wait_mid_import(proc, seconds)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert err.strip().count("\n") == 0 and "interrupted" in err and "Traceback" not in err
    _nothing_imported(db)
