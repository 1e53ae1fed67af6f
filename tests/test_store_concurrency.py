"""WAL + busy timeout: `insider show` reads while a reparse holds the write lock; a second
writer waits; a locked or foreign database gives one line, never a traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from storehelp import synced_db

BIN = Path(sys.executable).parent / "insider"

# Holds the write transaction of a real reparse open for `hold` seconds, in the middle of
# the rebuild (derived tables already emptied), then commits.
WRITER = textwrap.dedent(
    """
    import sys, time
    from insider import reparse, store
    db = store.connect(sys.argv[1])
    def progress(done, total):
        if done == 0:
            print("writing", flush=True)
            time.sleep(float(sys.argv[2]))
    r = reparse.reparse(db, progress=progress)
    print(r.summary(), flush=True)
    """
)


def _env(**extra: str) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith(("INSIDER_", "EDGAR_"))}
    e["COLUMNS"] = "250"
    e.update(extra)
    return e


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "insider.db"
    synced_db(path, extra=()).conn.close()
    return path


def _start_writer(path: Path, hold: float) -> subprocess.Popen:
    p = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(hold)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    assert p.stdout is not None
    assert p.stdout.readline().strip() == "writing"
    return p


@pytest.mark.slow
def test_show_while_reparse_writes(db_path: Path):
    writer = _start_writer(db_path, hold=3)
    try:
        started = time.monotonic()
        r = subprocess.run(
            [str(BIN), "show", "HERZOG", "--db", str(db_path)],
            capture_output=True,
            text=True,
            env=_env(),
            timeout=60,
        )
        took = time.monotonic() - started
        assert writer.poll() is None, "the writer should still hold its transaction"
        assert r.returncode == 0, r.stderr
        # The last committed state, complete: readers never wait for the writer.
        assert "Sales: 9 rows, 14,804 shares for $806,651.81" in r.stdout
        assert took < 2.5
    finally:
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    assert "re-parsed, 0 failed" in out


def test_second_writer_waits_then_succeeds(db_path: Path):
    writer = _start_writer(db_path, hold=1.5)
    r = subprocess.run(
        [str(BIN), "reparse", "--db", str(db_path)],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    writer.communicate(timeout=60)
    assert writer.returncode == 0
    assert r.returncode == 0, r.stderr
    assert "re-parsed, 0 failed" in r.stdout


def test_locked_database_is_one_line(db_path: Path):
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    try:
        r = subprocess.run(
            [str(BIN), "reparse", "--db", str(db_path)],
            capture_output=True,
            text=True,
            env=_env(INSIDER_BUSY_TIMEOUT="0.3"),
            timeout=60,
        )
    finally:
        con.execute("ROLLBACK")
        con.close()
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert r.stderr.strip().count("\n") == 0
    assert "is locked by another writer" in r.stderr


@pytest.mark.parametrize("kind", ["text file", "other sqlite"])
@pytest.mark.parametrize("command", ["show", "reparse"])
def test_non_insider_file_is_one_line(tmp_path: Path, kind: str, command: str):
    path = tmp_path / "x.db"
    if kind == "text file":
        path.write_text("not a database\n" * 200)
    else:
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE recipes (name TEXT)")
        con.commit()
        con.close()
    args = ["show", "HERZOG"] if command == "show" else ["reparse"]
    r = subprocess.run(
        [str(BIN), *args, "--db", str(path)], capture_output=True, text=True, env=_env()
    )
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert r.stderr.strip().count("\n") == 0
    assert "is not an insider database" in r.stderr
