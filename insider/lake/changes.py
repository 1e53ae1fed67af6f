"""Knowing without reading that nothing changed since the last export to a folder.

Hashing every row (state.py) is exact but costs nearly a full export. Once a database has
been exported, each table an exported dataset reads (found by SQLite itself: the tables
EXPLAIN opens for the dataset's SELECT) gets three triggers, AFTER INSERT/UPDATE/DELETE,
that mark every folder's row in `lake_exports` dirty; once every folder is dirty, their
WHEN clause leaves a write one trigger call (~1.5 us a row, 2-3% of the store's own
writes), and a database never exported has no triggers at all. A bulk write (a data-set quarter)
calls suspend() instead: every folder marked once, the triggers dropped until the next
export.

Per folder, `dirty` says "a row changed since the last complete export began", `pending`
the same since the current one began. An export starts with a *fence*, committed before
its read snapshot: pending = 0. It ends by setting dirty = pending, in the transaction
that records its partitions; an interrupted export leaves dirty as it was. A dataset is
skipped without reading if, at the fence, the folder was clean, the schema
(PRAGMA schema_version: views recreated, tables rebuilt, triggers dropped) and the
selection (format, --since/--until, this code's dataset definitions) are those recorded,
its triggers were all in place, and its recorded files are all there. Anything else:
hashed as before, so a missed skip costs time, never a stale file.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime

from . import state
from .datasets import Dataset

OPS = ("INSERT", "UPDATE", "DELETE")
_MARK = "dirty = 0 OR pending = 0"


def trigger_name(table: str, op: str) -> str:
    return f"lake_changed_{table}_{op.lower()}"


def trigger_sql(table: str, op: str) -> str:
    return (
        f'CREATE TRIGGER IF NOT EXISTS "{trigger_name(table, op)}" AFTER {op} ON "{table}" '
        f"WHEN EXISTS (SELECT 1 FROM lake_exports WHERE {_MARK}) "
        f"BEGIN UPDATE lake_exports SET dirty = 1, pending = 1 WHERE {_MARK}; END"
    )


def tables_read(conn: sqlite3.Connection, ds: Dataset) -> set[str] | None:
    """The tables the dataset's SELECT reads (indexes count for their table), as SQLite's
    own plan opens them; None when that cannot be known (a virtual or temporary table)."""
    roots = dict(conn.execute("SELECT rootpage, tbl_name FROM sqlite_master WHERE rootpage > 0"))
    sql, params = ds.select(None, None)
    out = set()
    for _addr, op, _p1, p2, p3, *_ in conn.execute("EXPLAIN " + sql, params):
        if op == "VOpen" or (op == "OpenRead" and (p3 != 0 or p2 not in roots)):
            return None
        if op == "OpenRead":
            out.add(roots[p2])
    return out


def definition(ds: Dataset) -> str:
    """What this code would write for the dataset, as a short hash."""
    text = "|".join([str(state.VERSION), ds.name, *ds.columns, *ds.select(None, None)[0:1]])
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


@dataclass(slots=True)
class Fence:
    lake: str
    selection: dict
    clean: set[str] = field(default_factory=set)  # datasets that need no reading


def fence(
    writer: sqlite3.Connection,
    lake: str,
    datasets: list[Dataset],
    fmt: str,
    since: str | None,
    until: str | None,
) -> Fence:
    """Make sure every dataset's tables carry the triggers, start this export's watch
    (pending = 0) and say which datasets are unchanged since the last complete export.
    Committed before the caller's read snapshot begins."""
    selection = {
        "format": fmt,
        "since": since,
        "until": until,
        "datasets": {ds.name: definition(ds) for ds in datasets},
    }
    out = Fence(lake, selection)
    writer.execute("BEGIN IMMEDIATE")
    try:
        # the schema as the last export left it (our own triggers, added below, aside)
        version = writer.execute("PRAGMA schema_version").fetchone()[0]
        have = set(
            writer.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
        )
        armed = set()
        for ds in datasets:
            tabs = tables_read(writer, ds)
            wanted = {(trigger_name(t, op), t, op) for t in tabs or () for op in OPS}
            if tabs is not None and {(n, t) for n, t, _ in wanted} <= have:
                armed.add(ds.name)  # every change to its rows since then was marked
            for n, t, op in sorted(wanted):
                if (n, t) not in have:
                    writer.execute(trigger_sql(t, op))
                    have.add((n, t))
        row = writer.execute(
            "SELECT dirty, schema_version, selection FROM lake_exports WHERE lake = ?", (lake,)
        ).fetchone()
        if row is not None and row[0] == 0 and row[1] == version:
            before = json.loads(row[2])
            same = all(before.get(k) == selection[k] for k in ("format", "since", "until"))
            old = before.get("datasets", {})
            if same:
                out.clean = {n for n in armed if old.get(n) == selection["datasets"][n]}
        now = _now()
        writer.execute(
            "INSERT INTO lake_exports(lake, dirty, pending, schema_version, selection, "
            "exported_at) VALUES (?, 1, 0, ?, '{}', ?) "
            "ON CONFLICT(lake) DO UPDATE SET pending = 0",
            (lake, version, now),
        )
        out.selection["schema_version"] = writer.execute("PRAGMA schema_version").fetchone()[0]
        writer.execute("COMMIT")
    except BaseException:
        writer.execute("ROLLBACK")
        raise
    return out


def suspend(conn: sqlite3.Connection) -> None:
    """For a bulk write (a data-set quarter), in the caller's transaction: every export
    folder marked changed and the change triggers dropped, instead of a trigger call per
    row (~1.5 us each: 8% of a quarter's import). The next export finds the schema changed,
    reads everything and puts the triggers back; a rollback keeps them."""
    conn.execute("UPDATE lake_exports SET dirty = 1, pending = 1")
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name GLOB 'lake_changed_*'"
    ).fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')


def record(writer: sqlite3.Connection, f: Fence) -> None:
    """Inside the transaction that saves the partitions: this export is complete; the
    folder is clean unless a row changed since its fence."""
    sel = dict(f.selection)
    version = sel.pop("schema_version")
    writer.execute(
        "UPDATE lake_exports SET dirty = pending, schema_version = ?, selection = ?, "
        "exported_at = ? WHERE lake = ?",
        (version, json.dumps(sel, sort_keys=True), _now(), f.lake),
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
