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

# table: (the row tuple's insert, the move's verb, ORDER BY of the move, upsert tail)
_TABLES = {
    "filings": (store.FILING_COLUMNS, "INSERT", "issuer_cik, rowid", ""),
    "owners": (("cik", "name"), "INSERT", "", " ON CONFLICT(cik) DO NOTHING"),
    "filing_owners": (None, "INSERT OR REPLACE", "owner_cik, rowid", ""),
    "ownership_rows": (store.ROW_INSERT_FLAGGED_COLUMNS, "INSERT", "", ""),
    "footnotes": (("accession", "footnote_id", "text"), "INSERT", "", ""),
    "field_footnotes": (None, "INSERT OR IGNORE", "", ""),
    "signatures": (None, "INSERT", "", ""),
}
# ChildRows field (or "filings") -> table
_SOURCES = {
    "filings": "filings",
    "owners": "owners",
    "filing_owners": "filing_owners",
    "rows": "ownership_rows",
    "footnotes": "footnotes",
    "field_footnotes": "field_footnotes",
    "signatures": "signatures",
}


class Gathered:
    """TEMP tables for one quarter's rows, inside the caller's transaction (a rollback
    takes them away with everything else)."""

    def __init__(self, c: sqlite3.Connection) -> None:
        self.c = c
        self.pending = 0
        self.inserts: dict[str, str] = {}
        self.moves: list[str] = []
        for table, (cols, verb, order, tail) in _TABLES.items():
            all_cols = [r[1] for r in c.execute(f"PRAGMA main.table_info({table})")]
            cols = cols or all_cols
            c.execute(f"DROP TABLE IF EXISTS temp.bulk_{table}")
            c.execute(f"CREATE TEMP TABLE bulk_{table} AS SELECT {','.join(cols)} FROM "
                      f"main.{table} WHERE 0")  # fmt: skip
            self.inserts[table] = (
                f"INSERT INTO temp.bulk_{table} VALUES ({','.join('?' * len(cols))})"
            )
            where = " WHERE true" if tail else ""  # an upsert's SELECT needs a WHERE
            self.moves.append(
                f"{verb} INTO main.{table}({','.join(cols)}) SELECT {','.join(cols)} "
                f"FROM temp.bulk_{table}{where}{' ORDER BY ' + order if order else ''}{tail}"
            )
            self.moves.append(f"DELETE FROM temp.bulk_{table}")

    def add(self, filings: list[tuple], children: store.ChildRows) -> None:
        c = self.c
        for name, table in _SOURCES.items():
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
        for table in _TABLES:
            self.c.execute(f"DROP TABLE temp.bulk_{table}")
