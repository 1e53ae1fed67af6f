"""Schema versions: a new file and every earlier version migrate to the latest; foreign
files and newer versions are refused with one line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import legacy_store_v1
import pytest
from conftest import HERZOG_XML, MIRROR
from storehelp import HERZOG_4A_META, LRCX_ORIG_META, TICKERS, dump, save, synced_db

from insider import lookup, schema, store
from insider.edgar import Edgar
from insider.sync import sync


def _objects(path: Path) -> set[tuple[str, str]]:
    con = sqlite3.connect(path)
    out = set(con.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"))
    con.close()
    return out


def _version(path: Path) -> int:
    con = sqlite3.connect(path)
    v = con.execute("PRAGMA user_version").fetchone()[0]
    con.close()
    return v


def test_latest_is_4():
    assert store.SCHEMA_VERSION == schema.LATEST == 4
    assert sorted(schema.MIGRATIONS) == list(range(1, schema.LATEST + 1))


def test_from_version_0_new_file(tmp_path: Path):
    store.connect(tmp_path / "new.db").conn.close()
    assert _version(tmp_path / "new.db") == schema.LATEST
    assert ("view", "holdings_latest") in _objects(tmp_path / "new.db")
    assert ("table", "owners_fts") in _objects(tmp_path / "new.db")


def _v1_db(path: Path) -> Path:
    """A version-1 file written by the version-1 code itself (tests/legacy_store_v1.py)."""
    db = legacy_store_v1.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    edgar = Edgar(str(MIRROR), "insider-tests test@example.com", 10.0)
    import insider.sync as sync_mod

    real = sync_mod.store

    class _V1Store:
        # Filings go through the version-1 code; the ticker cache and failure list helpers
        # sync gained later touch tables that version 1 already had, unchanged.
        def __getattr__(self, name):
            return getattr(legacy_store_v1, name, None) or getattr(real, name)

    sync_mod.store = _V1Store()
    try:
        sync(db, edgar, TICKERS)
    finally:
        sync_mod.store = real
    for item in (LRCX_ORIG_META, HERZOG_4A_META):
        save(db, item, save_filing=legacy_store_v1.save_filing)
    db.conn.close()
    return path


def test_from_version_1_with_data(tmp_path: Path):
    old = _v1_db(tmp_path / "v1.db")
    assert _version(old) == 1
    con = sqlite3.connect(old)
    before = con.execute("SELECT count(*) FROM ownership_rows").fetchone()
    primary = (
        "SELECT accession, filing_date, acceptance_datetime, url, raw_xml, stored_at FROM filings"
    )
    kept = sorted(con.execute(primary).fetchall())
    con.close()
    db = store.connect(old)
    assert db.execute("PRAGMA user_version").fetchone()[0] == schema.LATEST
    assert db.execute("SELECT count(*) FROM ownership_rows").fetchone() == before
    # What EDGAR gave us is never rewritten by a migration.
    assert sorted(db.execute(primary).fetchall()) == kept
    db.conn.close()
    # Same objects and the same contents as a file made by this version from the start.
    new = tmp_path / "v2.db"
    synced_db(new).conn.close()
    assert _objects(old) == _objects(new)
    assert dump(old) == dump(new)


def test_migrated_file_answers_seed_questions(tmp_path: Path):
    db = store.connect(_v1_db(tmp_path / "v1.db"))
    assert db.execute(
        "SELECT count(*), sum(shares), round(sum(value), 2) FROM sales "
        "WHERE owner_name LIKE '%HERZOG%'"
    ).fetchone() == (9, 14804, 806651.81)
    assert lookup.find_owner_ciks(db, "herzog") == ["0009999901"]


def test_reopening_latest_changes_nothing(tmp_path: Path):
    path = tmp_path / "d.db"
    synced_db(path, extra=()).conn.close()
    before = dump(path, skip_columns=())
    store.connect(path).conn.close()
    assert dump(path, skip_columns=()) == before


def test_newer_version_refused(tmp_path: Path):
    path = tmp_path / "future.db"
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 99")
    con.close()
    with pytest.raises(store.StoreError, match="newer than this insider"):
        store.connect(path)


def test_foreign_sqlite_file_refused_untouched(tmp_path: Path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE recipes (name TEXT)")
    con.commit()
    con.close()
    with pytest.raises(store.StoreError, match="not an insider database"):
        store.connect(path)
    assert _objects(path) == {("table", "recipes")}


def test_not_sqlite_refused(tmp_path: Path):
    path = tmp_path / "notes.txt"
    path.write_text("hello, this is not a database at all\n" * 100)
    with pytest.raises(store.StoreError, match="not an insider database"):
        store.connect(path)


def _write_as_version_2(monkeypatch) -> None:
    """save_filing writes the version-4 provenance columns; a version-2 file has none."""
    cols = [c for c in store.FILING_COLUMNS if c not in ("source", "source_sha256")]
    marks = ",".join("?" * len(cols))
    monkeypatch.setattr(
        store, "FILING_INSERT", f"INSERT INTO filings({','.join(cols)}) VALUES ({marks})"
    )
    full = store.filing_values
    monkeypatch.setattr(
        store, "filing_values", lambda *a, **k: full(*a, **k)[:6] + full(*a, **k)[8:]
    )


def test_from_version_2_numbers_become_exact(tmp_path: Path, monkeypatch):
    """Version 2 declared number columns NUMERIC, so a value a float cannot hold (written as
    exact text) came back as a REAL. The step to version 3 keeps every filing and stores the
    filed decimal exactly; huge integers stay exact too instead of failing the write."""
    import sqlite_utils

    from insider.models import Filing
    from insider.parse import parse_ownership

    path = tmp_path / "v2.db"
    con = sqlite3.connect(path)
    for v in (1, 2):
        for stmt in schema.MIGRATIONS[v][0]:
            con.execute(stmt)
    schema.load_codes(con)
    schema.create_views(con)
    con.execute("PRAGMA user_version = 2")
    con.commit()
    raw = HERZOG_XML.read_bytes().replace(
        b"<value>54.01</value>", b"<value>54.123456789012345678</value>"
    )
    filing: Filing = parse_ownership(raw)
    v2 = sqlite_utils.Database(con)
    with monkeypatch.context() as m:
        _write_as_version_2(m)
        store.save_filing(v2, filing, store.FilingMeta("0009999901-07-000001", "2007-05-14"), raw)
    before = con.execute(
        "SELECT price_per_share, typeof(price_per_share) FROM ownership_rows WHERE row_num = 1"
    ).fetchone()
    assert before[1] == "real" and before[0] != "54.123456789012345678"  # the bug fixed here
    con.close()

    db = store.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == schema.LATEST
    assert db.execute(
        "SELECT price_per_share, typeof(price_per_share) FROM ownership_rows WHERE row_num = 1"
    ).fetchone() == ("54.123456789012345678", "text")
    assert db.execute("SELECT count(*), sum(shares) FROM sales").fetchone() == (9, 14804)
    assert db.execute(
        "SELECT typeof(shares), typeof(price_per_share) FROM ownership_rows WHERE row_num = 0"
    ).fetchone() == ("integer", "integer")


def test_huge_integer_is_stored_as_exact_text(tmp_path: Path):
    from insider.parse import parse_ownership

    raw = HERZOG_XML.read_bytes().replace(
        b"<value>5500</value>", b"<value>99999999999999999999</value>", 1
    )
    db = store.connect(tmp_path / "big.db")
    store.save_filing(
        db, parse_ownership(raw), store.FilingMeta("0009999901-07-000001", "2007-05-14"), raw
    )
    assert db.execute(
        "SELECT shares, typeof(shares) FROM ownership_rows WHERE row_num = 0"
    ).fetchone() == ("99999999999999999999", "text")
