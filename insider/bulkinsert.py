"""A quarter's rows into the store's tables: gathered in TEMP tables, then moved table by
table.

Inserting each batch into the seven tables in turn keeps every index of every table
active at once: once the database outgrows SQLite's page cache, the random ones (position
keys, issuers, owners) evict the others' hot pages, which are then re-read and written to
the WAL again and again. Gathering the rows in plain TEMP tables (no index: appends) and
moving them with one INSERT ... SELECT per table every MOVE_EVERY filings keeps one
table's indexes in the cache at a time; filings go in by issuer and filing_owners by
owner, the order of their biggest random indexes. Measured on 2024q1-sized quarters: the
writes take 6.5 s instead of 11 s into a database of 0.5 M filings, 9.5 s instead of 13 s
into one of 4 M (benchmarks/README.md). Same statements as one filing's save (store.py):
the conflict rules and the order of rows with the same key are kept.
"""

from __future__ import annotations

import sqlite3

from . import store

# Filings gathered before a move: big runs per table, yet moves all along the quarter
# (while a second process reads the ZIP, this one has moves to do meanwhile).
MOVE_EVERY = 34_000

# Filings, then the child tables in store.CHILD_TABLES' order and by its conflict rules:
# source (ChildRows field, or "filings") -> (table, columns (None: all), verb, tail).
_TABLES = {
    "filings": ("filings", store.FILING_COLUMNS, "INSERT", ""),
    **{name: (table, cols, verb, tail)
       for name, (table, cols, _, verb, tail) in store.CHILD_TABLES.items()},
}  # fmt: skip
_rows_table, _, _, _verb, _tail = store.CHILD_TABLES["rows"]
# ownership_rows with their flags and first is_latest guess (quarter_rows.encode)
_TABLES["rows"] = (_rows_table, store.ROW_INSERT_FLAGGED_COLUMNS, _verb, _tail)
# The order of a move, for the biggest random-key indexes (ties: the order gathered).
_ORDER = {"filings": "issuer_cik, rowid", "filing_owners": "owner_cik, rowid"}


class Gathered:
    """TEMP tables for one quarter's rows, inside the caller's transaction (a rollback
    takes them away with everything else)."""

    def __init__(self, c: sqlite3.Connection) -> None:
        self.c = c
        self.pending = 0
        self.inserts: dict[str, str] = {}
        self.moves: list[str] = []
        for table, cols, verb, tail in _TABLES.values():
            all_cols = [r[1] for r in c.execute(f"PRAGMA main.table_info({table})")]
            cols = cols or all_cols
            c.execute(f"DROP TABLE IF EXISTS temp.bulk_{table}")
            c.execute(f"CREATE TEMP TABLE bulk_{table} AS SELECT {','.join(cols)} FROM "
                      f"main.{table} WHERE 0")  # fmt: skip
            self.inserts[table] = (
                f"INSERT INTO temp.bulk_{table} VALUES ({','.join('?' * len(cols))})"
            )
            where = " WHERE true" if tail else ""  # an upsert's SELECT needs a WHERE
            order = _ORDER.get(table)
            self.moves.append(
                f"{verb} INTO main.{table}({','.join(cols)}) SELECT {','.join(cols)} "
                f"FROM temp.bulk_{table}{where}{' ORDER BY ' + order if order else ''}{tail}"
            )
            self.moves.append(f"DELETE FROM temp.bulk_{table}")

    def add(self, filings: list[tuple], children: store.ChildRows) -> None:
        c = self.c
        for name, (table, *_) in _TABLES.items():
            rows = filings if name == "filings" else getattr(children, name)
            if rows:
                c.executemany(self.inserts[table], rows)
        self.pending += len(filings)
        if self.pending >= MOVE_EVERY:
            self.move()

    def move(self) -> None:
        """Everything gathered into the store's tables, one statement per table."""
        for sql in self.moves:
            self.c.execute(sql)
        self.pending = 0

    def close(self) -> None:
        self.move()
        for table, *_ in _TABLES.values():
            self.c.execute(f"DROP TABLE temp.bulk_{table}")
