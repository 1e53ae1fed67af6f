"""Full-text search on owner and issuer names, kept in sync on every write."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from storehelp import synced_db

from insider import lookup, store
from insider.reparse import reparse


def test_find_owner_ciks(tmp_path: Path):
    db = synced_db(tmp_path / "d.db", extra=())
    assert lookup.find_owner_ciks(db, "herzog") == ["0009999901"]
    assert lookup.find_owner_ciks(db, "HERZ") == ["0009999901"]  # word prefix
    assert lookup.find_owner_ciks(db, "thomas herzog") == ["0009999901"]  # any order
    assert lookup.find_owner_ciks(db, "herzog, thomas m.") == ["0009999901"]
    assert lookup.find_owner_ciks(db, "9999901") == ["0009999901"]  # a CIK
    assert lookup.find_owner_ciks(db, "nobody") == []
    assert lookup.find_owner_ciks(db, '" OR *') == []  # no syntax error from user text
    assert len(lookup.find_owner_ciks(db, "buffett")) == 1
    assert len(lookup.find_owner_ciks(db, "berkshire")) == 1
    assert lookup.find_issuer_ciks(db, "aiv") == ["0000922864"]
    assert lookup.find_issuer_ciks(db, "apartment investment") == ["0000922864"]
    assert lookup.find_issuer_ciks(db, "snowflake") == ["0001640147"]


def test_index_follows_renames_and_deletes(tmp_path: Path):
    db = synced_db(tmp_path / "d.db", extra=())
    with store._transaction(db):
        db.execute("UPDATE owners SET name = 'HERZOG-SMITH THOMAS' WHERE cik = '0009999901'")
    assert lookup.find_owner_ciks(db, "smith") == ["0009999901"]
    assert lookup.find_owner_ciks(db, "herzog") == ["0009999901"]
    reparse(db)  # the name as filed comes back, the index with it
    assert lookup.find_owner_ciks(db, "smith") == []
    assert lookup.find_owner_ciks(db, "herzog") == ["0009999901"]
    assert db.execute("INSERT INTO owners_fts(owners_fts) VALUES ('integrity-check')")


@pytest.mark.slow
def test_fast_on_many_owners(tmp_path: Path):
    db = store.connect(tmp_path / "big.db")
    n = 200_000
    with store._transaction(db):
        db.conn.executemany(
            "INSERT INTO owners(cik, name) VALUES (?, ?)",
            ((f"{i:010d}", f"OWNER{i} PERSON{i % 977} TRUST") for i in range(1, n)),
        )
        db.execute("INSERT INTO owners(cik, name) VALUES ('0999999999', 'HERZOG THOMAS M')")
    start = time.perf_counter()
    for _ in range(20):
        assert lookup.find_owner_ciks(db, "herzog") == ["0999999999"]
    per_query = (time.perf_counter() - start) / 20
    assert per_query < 0.02, per_query
    plan = " ".join(
        r[3]
        for r in db.execute(
            "EXPLAIN QUERY PLAN SELECT o.cik FROM owners_fts JOIN owners o "
            "ON o.rowid = owners_fts.rowid WHERE owners_fts MATCH 'herzog*'"
        )
    )
    assert "VIRTUAL TABLE INDEX" in plan and "SEARCH o USING INTEGER PRIMARY KEY" in plan
