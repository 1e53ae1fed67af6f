"""Opening an insider database: the one connection helper, and its shape.

`connect` (writable) brings the file to the latest schema version (versioned migrations in
schema.py, run once, in one transaction) and then ensures its *shape* on every open, as
github-to-sqlite's `ensure_db_shape` does: the views, the transaction code table and the
full-text indexes are recreated whenever their definition changed (a hash of it is stored
per part in `insider_shape`), so a changed view never leaves an older database stale.
`connect_readonly` opens for `show`/`company` without sqlite_utils (faster start) and asks
for one writable open only when the file is behind.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

from . import schema, summaries
from .errors import StoreError

DEFAULT_BUSY_TIMEOUT = 30.0  # seconds; INSIDER_BUSY_TIMEOUT overrides


class NoDatabase(StoreError):
    """The database file does not exist (a reader never creates one)."""


class NotInsiderDatabase(StoreError):
    """The file is not an insider database (another SQLite file, or not SQLite)."""


def busy_timeout() -> float:
    try:
        return float(os.environ.get("INSIDER_BUSY_TIMEOUT", DEFAULT_BUSY_TIMEOUT))
    except ValueError:
        return DEFAULT_BUSY_TIMEOUT


def explain(path: object, e: sqlite3.Error, timeout: float | None = None) -> str:
    """A SQLite error as one line the user can act on."""
    msg = str(e)
    if "locked" in msg or "busy" in msg:
        waited = f" (waited {timeout:g} s)" if timeout is not None else ""
        return f"database {path} is locked by another writer{waited}; try again when it is done"
    if "not a database" in msg or "malformed" in msg:
        return f"{path} is not an insider database (not a SQLite file, or damaged): {msg}"
    if "unable to open" in msg:
        return f"cannot open database {path}: {msg} (does its folder exist and is it writable?)"
    if "readonly" in msg:
        return f"cannot write to database {path}: the file or its folder is read-only ({msg})"
    kept = "what was stored before is kept"
    if "disk is full" in msg:
        return f"cannot write to database {path}: the disk is full ({msg}); {kept}"
    if "disk I/O error" in msg:
        return f"cannot write to database {path}: {msg} (a full disk, a file size limit?); {kept}"
    return f"database {path}: {msg}"


def path_of(conn: sqlite3.Connection) -> str:
    """The file behind a connection (for messages)."""
    try:
        row = conn.execute("PRAGMA database_list").fetchone()
    except sqlite3.Error:
        return "database"
    return (row[2] if row else "") or "database"


def connect(path: str | Path, timeout: float | None = None) -> sqlite3.Connection:
    """Open (creating if needed) an insider database for reads and writes.

    WAL journal (readers never wait for a writer), a busy timeout (writers queue rather
    than fail), foreign keys on, autocommit (writers use `transaction`); then the schema is
    migrated and the shape ensured."""
    t = busy_timeout() if timeout is None else timeout
    try:
        conn = sqlite3.connect(str(path), timeout=t, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {int(t * 1000)}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        ensure_db_shape(conn)
    except sqlite3.Error as e:
        raise StoreError(explain(path, e, t)) from None
    return conn


def connect_readonly(path: str | Path) -> sqlite3.Connection:
    """Open an existing insider database for reading only (PRAGMA query_only). A file
    written by an older insider is brought forward first by one writable open."""
    if not Path(path).exists():
        raise NoDatabase(f"database {path} does not exist")
    try:
        try:
            conn = sqlite3.connect(str(path), timeout=30)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.OperationalError as e:
            if "readonly" not in str(e):
                raise
            # A WAL database in a read-only folder: its -shm cannot be made. Nothing can be
            # writing it there, so it is read as an immutable file.
            uri = Path(path).resolve().as_uri() + "?mode=ro&immutable=1"
            conn = sqlite3.connect(uri, uri=True, timeout=30)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as e:
        raise NotInsiderDatabase(
            f"{path} is not an insider database (not a SQLite file, or damaged): {e}"
        ) from None
    if not {"owners", "filings", "filing_owners", "ownership_rows"} <= tables:
        raise NotInsiderDatabase(f"{path} is not an insider database")
    if version < schema.LATEST or _stored_shape(conn) != shape():
        conn.close()
        connect(path).close()
        conn = sqlite3.connect(str(path), timeout=30)
    conn.execute("PRAGMA query_only = 1")
    return conn


def conn_of(handle) -> sqlite3.Connection:
    """The sqlite3 connection of a sqlite_utils Database, or the connection itself."""
    return getattr(handle, "conn", handle)


def now() -> str:
    """The time stamps insider writes (stored_at, failed_at...): UTC, ISO 8601, seconds."""
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")


class transaction:
    """BEGIN IMMEDIATE ... COMMIT, ROLLBACK on error; SQLite errors the user can act on
    (locked, disk full, damaged file) become StoreError."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            raise StoreError(explain(path_of(self.conn), e)) from None

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as e:
                self._rollback()
                raise StoreError(explain(path_of(self.conn), e)) from None
            return
        self._rollback()
        # An IntegrityError is our bug and keeps its traceback.
        if isinstance(exc, sqlite3.OperationalError) or type(exc) is sqlite3.DatabaseError:
            raise StoreError(explain(path_of(self.conn), exc)) from None

    def _rollback(self) -> None:
        # SQLite may have rolled back already (a full disk): then ROLLBACK itself fails with
        # "no transaction is active", which must not hide the error that caused it.
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass


# ---------------------------------------------------------------- the shape


def _hash(parts) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode())
        h.update(b"\x1e")
    return h.hexdigest()[:16]


def shape() -> dict[str, str]:
    """A hash of each part ensure_db_shape owns: tables that are no migrated data, the
    code table, the views, the full-text indexes, the summary tables (summaries.py)."""
    return {
        "tables": _hash(schema.SHAPE_TABLES),
        "codes": _hash(f"{c}\x1f{m}" for c, m in sorted(schema.CODES.items())),
        "views": _hash(f"{name}\x1f{sql}" for name, sql in schema.VIEWS.items()),
        "fts": _hash(schema.FTS),
        "summaries": _hash(summaries.SUMMARIES),
    }


def part_is_current(conn: sqlite3.Connection, part: str) -> bool:
    """Whether the file's part of the shape (see `shape`) is this insider's definition."""
    return _stored_shape(conn).get(part) == shape()[part]


def _stored_shape(conn: sqlite3.Connection) -> dict[str, str]:
    try:
        return dict(conn.execute("SELECT part, hash FROM insider_shape").fetchall())
    except sqlite3.Error:  # no such table yet
        return {}


def ensure_db_shape(conn: sqlite3.Connection) -> None:
    """Migrate to the latest schema version if needed, then recreate each part of the shape
    (see `shape`) whose stored hash differs from this insider's. Costs one query when the
    file is up to date."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > schema.LATEST:
        raise StoreError(
            f"database schema version {version} is newer than this insider ({schema.LATEST})"
        )
    if version == schema.LATEST and _stored_shape(conn) == shape():
        return
    with transaction(conn):
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version < schema.LATEST:
            _migrate(conn, version)
        _recreate_shape(conn, _stored_shape(conn))


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    if version == 0 and schema.user_tables(conn):
        raise NotInsiderDatabase(
            f"{path_of(conn)} is not an insider database (it has other tables and no "
            "insider schema version)"
        )
    rederive = False
    for v in range(version + 1, schema.LATEST + 1):
        statements, needs_rederive = schema.MIGRATIONS[v]
        for stmt in statements:
            conn.execute(stmt)
        rederive = rederive or (needs_rederive and version > 0)
    # Views over rebuilt tables and the code table first: re-derivation reads them.
    _recreate_shape(conn, {})
    if rederive:
        from .reparse import rederive_all

        rederive_all(conn)
    conn.execute(f"PRAGMA user_version = {schema.LATEST}")


def _recreate_shape(conn: sqlite3.Connection, stored: dict[str, str]) -> None:
    wanted = shape()
    steps = {
        "tables": lambda: [conn.execute(stmt) for stmt in schema.SHAPE_TABLES],
        "codes": lambda: schema.load_codes(conn),
        "views": lambda: schema.create_views(conn),
        "fts": lambda: schema.recreate_fts(conn),
        "summaries": lambda: summaries.recreate(conn),
    }
    for part, step in steps.items():
        if stored.get(part) != wanted[part]:
            step()
    for stmt in schema.SHAPE_TABLES:  # insider_shape itself, before writing to it
        conn.execute(stmt)
    conn.executemany(
        "INSERT INTO insider_shape(part, hash) VALUES (?, ?) "
        "ON CONFLICT(part) DO UPDATE SET hash = excluded.hash",
        sorted(wanted.items()),
    )
