"""What the last export to each folder wrote, kept in the database (table lake_partitions,
created with the schema), so the next export rewrites only the partitions that changed.

A partition's fingerprint is a hash of every value of its rows as read from SQLite, of
the columns and format, and of this module's version. Rows are hashed in the order one
scan returns them, in pieces whose bounds depend only on that order and on BATCH: the
same stored data gives the same fingerprint; a change anywhere in a partition (a new or
amended filing, a renamed issuer, a reparse) gives another, and only that partition is
written again.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

VERSION = 1  # bump when the written bytes change for the same rows
BATCH = 4096  # rows fetched per step; part of the fingerprint's definition


@dataclass(slots=True)
class Part:
    dataset: str
    partition: str
    fmt: str
    fingerprint: str
    rows: int
    bytes: int
    file: str  # relative to the export folder


def new_hash(fmt: str, dataset: str, columns: tuple[str, ...]) -> hashlib._Hash:
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{VERSION}|{fmt}|{dataset}|{','.join(columns)}|".encode())
    return h


def feed(h: hashlib._Hash, rows: list[tuple]) -> None:
    h.update(pickle.dumps(rows, protocol=5))


def load(conn: sqlite3.Connection, lake: str) -> dict[tuple[str, str], Part]:
    rows = conn.execute(
        "SELECT dataset, partition, format, fingerprint, rows, bytes, file "
        "FROM lake_partitions WHERE lake = ?",
        (lake,),
    ).fetchall()
    return {(r[0], r[1]): Part(*r) for r in rows}


def save(
    conn: sqlite3.Connection,
    lake: str,
    written: list[Part],
    removed: list[tuple[str, str]],
    also: Callable[[], None] | None = None,
) -> None:
    """Record the partitions written and removed, and run `also`, in one transaction."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany(
            "DELETE FROM lake_partitions WHERE lake = ? AND dataset = ? AND partition = ?",
            [(lake, d, p) for d, p in removed],
        )
        conn.executemany(
            "INSERT OR REPLACE INTO lake_partitions(lake, dataset, partition, format, "
            "fingerprint, rows, bytes, file, exported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (lake, p.dataset, p.partition, p.fmt, p.fingerprint, p.rows, p.bytes, p.file, now)
                for p in written
            ],
        )
        if also is not None:
            also()
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
