"""`insider reparse` rebuilds every derived table from the stored raw XML, and the result
equals a fresh sync (table contents compared)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from storehelp import HERZOG_4A_META, LRCX_ORIG_META, dump, synced_db

from insider import reparse, store

BIN = Path(sys.executable).parent / "insider"


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fresh") / "insider.db"
    synced_db(path).conn.close()
    return path


def _copy(src: Path, dst: Path) -> Path:
    con = sqlite3.connect(src)
    con.execute(f"VACUUM INTO '{dst}'")
    con.close()
    return dst


def _damage(path: Path) -> None:
    """What a buggy old parser might have left: wrong numbers, lost footnotes and links."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys = ON")
    con.executescript(
        """
        UPDATE ownership_rows SET shares = 0, late = NULL, plan_10b5_1 = NULL;
        DELETE FROM field_footnotes;
        DELETE FROM footnotes WHERE footnote_id = 'F1';
        UPDATE owners SET name = 'WRONG';
        UPDATE issuers SET ticker = NULL;
        UPDATE filings SET amends_accession = NULL, superseded_by = NULL, owner_names = NULL,
            parser_version = '0.0.1';
        DELETE FROM signatures;
        """
    )
    con.commit()
    con.close()


def test_reparse_equals_fresh_sync(fresh: Path, tmp_path: Path):
    copy = _copy(fresh, tmp_path / "copy.db")
    _damage(copy)
    assert dump(copy) != dump(fresh)
    db = store.connect(copy)
    result = reparse.reparse(db)
    assert (result.filings, result.failed) == (14, 0)
    db.conn.close()
    assert dump(copy) == dump(fresh)


def test_store_order_does_not_matter(fresh: Path, tmp_path: Path):
    """Amendments first, then the mirror: same tables as the other way round."""
    path = tmp_path / "rev.db"
    db = store.connect(path)
    from storehelp import save

    save(db, HERZOG_4A_META)
    save(db, LRCX_ORIG_META)
    db.conn.close()
    synced_db(path, extra=()).conn.close()
    a, b = dump(path), dump(fresh)
    # stored_at is skipped; url differs only for the hand-made files (stored the same way).
    assert a == b


def test_reparse_cli(fresh: Path, tmp_path: Path):
    copy = _copy(fresh, tmp_path / "cli.db")
    _damage(copy)
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSIDER_")}
    r = subprocess.run(
        [str(BIN), "reparse", "--db", str(copy)], capture_output=True, text=True, env=env
    )
    assert r.returncode == 0, r.stderr
    assert "14 filings re-parsed, 0 failed" in r.stdout
    assert r.stderr == ""  # not a terminal: no progress bar
    assert dump(copy) == dump(fresh)


def test_reparse_records_documents_the_parser_rejects(fresh: Path, tmp_path: Path):
    import zlib

    copy = _copy(fresh, tmp_path / "bad.db")
    con = sqlite3.connect(copy)
    con.execute(
        "UPDATE filings SET raw_xml = ? WHERE accession = ?",
        (zlib.compress(b"<ownershipDocument>"), LRCX_ORIG_META[1]),
    )
    con.commit()
    con.close()
    db = store.connect(copy)
    result = reparse.reparse(db)
    assert result.failed == 1 and result.filings == 13
    reason = db.execute(
        "SELECT reason FROM sync_failures WHERE accession = ?", (LRCX_ORIG_META[1],)
    ).fetchone()[0]
    assert reason.startswith("reparse: ")
    # The amendment now counts on its own; nothing else is lost.
    assert db.execute("SELECT count(*) FROM filings").fetchone() == (14,)
    assert db.execute(
        "SELECT count(*) FROM transactions WHERE issuer_ticker = 'LRCX'"
    ).fetchone() == (2,)


def test_missing_db(tmp_path: Path):
    r = subprocess.run(
        [str(BIN), "reparse", "--db", str(tmp_path / "none.db")], capture_output=True, text=True
    )
    assert r.returncode == 1 and "does not exist" in r.stderr
    assert not (tmp_path / "none.db").exists()


def test_reparse_progress_bar_on_a_terminal(fresh: Path, tmp_path: Path):
    """stderr a terminal: a progress bar is drawn there; the summary stays on stdout."""
    import pty

    copy = _copy(fresh, tmp_path / "tty.db")
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSIDER_")}
    env["TERM"] = "xterm"
    try:
        r = subprocess.run(
            [str(BIN), "reparse", "--db", str(copy)],
            stdout=subprocess.PIPE,
            stderr=slave,
            text=True,
            env=env,
            timeout=60,
        )
        os.close(slave)
        drawn = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        os.close(master)
    assert r.returncode == 0
    assert "14 filings re-parsed" in r.stdout
    assert b"\x1b[?25l" in drawn  # the live display took the terminal (cursor hidden)
