"""Helpers for the store tests: build databases from the fixtures, dump them for comparison."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from conftest import CORPUS, FIXTURES, HERZOG_XML, MIRROR

from insider import store
from insider.edgar import Edgar
from insider.parse import parse_ownership
from insider.sync import sync

HANDMADE = FIXTURES / "handmade"
LRCX_4A = CORPUS / "lrcx-form4a-2024-11-04-form4A.txt"
LRCX_ORIG = HANDMADE / "lrcx-form4-2024-11-04-original-reconstructed.xml"
HERZOG_4A = HANDMADE / "aiv-herzog-form4a-holdings-only.xml"

# (file, accession, filing date, acceptance time)
LRCX_4A_META = (LRCX_4A, "0000707549-25-000004", "2025-01-21", "2025-01-21T13:23:57.000Z")
LRCX_ORIG_META = (LRCX_ORIG, "0009999997-24-000001", "2024-11-04", "2024-11-04T20:00:00.000Z")
HERZOG_META = (HERZOG_XML, "0009999901-07-000001", "2007-05-14", "2007-05-14T17:02:11.000Z")
HERZOG_4A_META = (HERZOG_4A, "0009999901-07-000002", "2007-06-01", "2007-06-01T15:00:00.000Z")

TICKERS = ["AIV", "AAPL", "TSLA", "SNOW", "LRCX"]


def raw_of(path: Path) -> bytes:
    data = path.read_bytes()
    if b"<XML>" in data:
        data = data[data.index(b"<XML>") + 5 : data.index(b"</XML>")].strip() + b"\n"
    return data


def save(db, item, save_filing=None) -> None:
    path, acc, date, accepted = item
    raw = raw_of(path)
    meta = store.FilingMeta(acc, date, accepted, f"file://{path.name}")
    (save_filing or store.save_filing)(db, parse_ownership(raw, source=acc), meta, raw)


def synced_db(path: Path, extra=(LRCX_ORIG_META, HERZOG_4A_META)):
    """The whole offline mirror through the real sync, plus the hand-made amendments."""
    db = store.connect(path)
    sync(db, Edgar(str(MIRROR), "insider-tests test@example.com", 10.0), TICKERS)
    for item in extra:
        save(db, item)
    return db


def copy_db(src: Path, dst: Path) -> None:
    """Copy a database through SQLite (the backup API), never as a plain file: closing a
    plain file handle on a database drops every POSIX lock this process holds on it, so
    another process's last connection then checkpoints and deletes the -wal/-shm under this
    process's open connections, and the next read here says "database disk image is
    malformed" (https://sqlite.org/howtocorrupt.html, section 2.2)."""
    with closing(sqlite3.connect(src)) as s, closing(sqlite3.connect(dst)) as d:
        s.backup(d)


def mirror_db(path: Path, tickers) -> Path:
    """A database of these tickers synced from the bundled mirror, one sync per ticker as
    `insider sync T` would run them, in this process (a fixture, not a CLI test)."""
    edgar = Edgar(str(MIRROR), "insider-tests test@example.com", 10.0)
    db = store.connect(path)
    for t in tickers:
        result = sync(db, edgar, [t])
        assert result.failed == 0 and not result.unknown, (t, result.failures)
    db.conn.close()
    return path


def dump(
    path: Path, skip_columns=("stored_at", "fetched_at", "failed_at")
) -> dict[str, list[tuple]]:
    """Every table's rows (FTS shadow tables excepted), sorted, without rowids."""
    con = sqlite3.connect(path)
    out = {}
    names = [
        r[0]
        for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
            "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts%' ORDER BY name"
        )
    ]
    for name in names:
        cols = [r[1] for r in con.execute(f'PRAGMA table_info("{name}")')]
        keep = [c for c in cols if c not in skip_columns]
        rows = con.execute(f'SELECT {",".join(keep)} FROM "{name}"').fetchall()
        out[name] = sorted(rows, key=repr)
    # Full-text indexes compared by what they find, not by rowid.
    out["owners_fts"] = sorted(
        con.execute(
            "SELECT o.cik, owners_fts.name FROM owners_fts JOIN owners o "
            "ON o.rowid = owners_fts.rowid"
        ).fetchall()
    )
    out["owners_fts_search"] = sorted(
        con.execute(
            "SELECT o.cik FROM owners_fts JOIN owners o ON o.rowid = owners_fts.rowid "
            "WHERE owners_fts MATCH 'h*'"
        ).fetchall()
    )
    con.close()
    return out
