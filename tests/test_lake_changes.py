"""An unchanged export reads nothing; any change to a row the export reads, however it is
made (insider's own store, plain SQL), a rebuilt view, or an export interrupted after a
change, makes the next export read and hash again (insider/lake/changes.py).

`_Run.scan` is the one place rows are read from SQLite: the tests count its calls.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from storehelp import copy_db, mirror_db

from insider import lake

pytest.importorskip("pyarrow")


@pytest.fixture(scope="module")
def aiv_db(tmp_path_factory) -> Path:
    return mirror_db(tmp_path_factory.mktemp("changes") / "aiv.db", ["AIV"])


@pytest.fixture
def db(aiv_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "insider.db"
    copy_db(aiv_db, path)
    return path


@pytest.fixture
def scans(monkeypatch) -> list[str]:
    """Names of the datasets whose rows the export reads, in order."""
    seen: list[str] = []
    real = lake._Run.scan

    def counting(self, ds):
        seen.append(ds.name)
        return real(self, ds)

    monkeypatch.setattr(lake._Run, "scan", counting)
    return seen


def sql(db: Path, statement: str, *params) -> list[tuple]:
    with closing(sqlite3.connect(db)) as c:
        rows = c.execute(statement, params).fetchall()
        c.commit()
        return rows


def files(out: Path) -> dict[str, int]:
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def test_a_database_never_exported_has_no_triggers(db: Path, tmp_path: Path):
    name = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'lake_%'"
    assert sql(db, name) == [(0,)]  # sync pays nothing for the export it never runs
    lake.export(db, tmp_path / "lake")
    ((n,),) = sql(db, name)
    assert n == 3 * 9  # INSERT/UPDATE/DELETE on the 9 tables the default datasets read


def test_unchanged_export_reads_nothing_and_writes_nothing(db: Path, tmp_path: Path, scans):
    out = tmp_path / "lake"
    first = lake.export(db, out)
    assert first.rows_written > 0 and set(scans) == set(lake.DEFAULT)
    before = files(out)
    scans.clear()
    again = lake.export(db, out)
    assert scans == []  # not one row read
    assert again.rows_written == 0 and files(out) == before  # _schema.* not rewritten either
    assert [d.rows for d in again.datasets] == [d.rows for d in first.datasets]
    assert all(
        not d.read and d.line().endswith("(no row changed: not read)") for d in again.datasets
    )


def test_a_plain_sql_change_is_seen_and_exported(db: Path, tmp_path: Path, scans):
    import duckdb

    out = tmp_path / "lake"
    lake.export(db, out)
    sql(db, "UPDATE issuers SET name = 'AIMCO RENAMED' WHERE name LIKE 'APARTMENT%'")
    scans.clear()
    res = lake.export(db, out)
    assert set(scans) == set(lake.DEFAULT)  # read and hashed again: a row changed
    written = {d.name for d in res.datasets if d.written}
    assert {"issuers", "transactions", "holdings_latest"} <= written
    assert "filings" not in written  # hashed, same rows: not rewritten
    names = duckdb.connect().execute(
        f"SELECT DISTINCT issuer_name FROM read_parquet('{out}/transactions/**/*.parquet')"
    )
    assert names.fetchall() == [("AIMCO RENAMED",)]
    scans.clear()
    lake.export(db, out)
    assert scans == []  # and clean again


def test_other_selection_or_rebuilt_view_is_read_again(db: Path, tmp_path: Path, scans):
    out = tmp_path / "lake"
    lake.export(db, out, names=("transactions", "issuers"))
    scans.clear()
    lake.export(db, out, names=("transactions", "issuers", "owners"))
    assert scans == ["owners"]  # not in the last export: read; the others not
    scans.clear()
    lake.export(db, out, fmt="csv", names=("issuers",))
    assert set(scans) == {"issuers"}  # another format
    scans.clear()
    lake.export(db, out, since="2007-01-01", names=("issuers",))
    assert set(scans) == {"issuers"}  # another --since
    lake.export(db, out, names=("issuers",))
    with closing(sqlite3.connect(db)) as c:  # a view recreated: no row changed, the schema did
        (view,) = c.execute("SELECT sql FROM sqlite_master WHERE name = 'sales'").fetchone()
        c.executescript(f"DROP VIEW sales; {view};")
    scans.clear()
    lake.export(db, out, names=("issuers",))
    assert set(scans) == {"issuers"}
    (out / "issuers" / "part-0.parquet").unlink()  # a file gone: read and written again
    scans.clear()
    res = lake.export(db, out, names=("issuers",))
    assert set(scans) == {"issuers"} and res.datasets[0].written == 1


def test_a_change_before_an_interrupted_export_is_not_forgotten(
    db: Path, tmp_path: Path, scans, monkeypatch
):
    out = tmp_path / "lake"
    lake.export(db, out, names=("issuers",))
    sql(db, "UPDATE issuers SET name = 'CHANGED' WHERE name LIKE 'APARTMENT%'")
    real = lake._Run.scan

    def interrupted(self, ds):
        raise KeyboardInterrupt

    monkeypatch.setattr(lake._Run, "scan", interrupted)
    with pytest.raises(KeyboardInterrupt):
        lake.export(db, out, names=("issuers",))
    monkeypatch.setattr(lake._Run, "scan", real)
    res = lake.export(db, out, names=("issuers",))
    assert res.datasets[0].written == 1 and res.datasets[0].read


def test_a_change_during_an_export_is_exported_by_the_next(db: Path, tmp_path: Path, monkeypatch):
    out = tmp_path / "lake"
    lake.export(db, out, names=("issuers",))
    sql(db, "UPDATE issuers SET name = 'FIRST' WHERE name LIKE 'APARTMENT%'")
    real = lake._Run.scan

    def write_meanwhile(self, ds):
        rows = real(self, ds)
        first = next(rows, None)  # this export's snapshot has begun
        sql(db, "UPDATE issuers SET name = 'SECOND' WHERE name = 'FIRST'")
        if first is not None:
            yield first
        yield from rows

    monkeypatch.setattr(lake._Run, "scan", write_meanwhile)
    res = lake.export(db, out, names=("issuers",))
    assert res.datasets[0].written == 1  # with FIRST: its snapshot
    monkeypatch.setattr(lake._Run, "scan", real)
    res = lake.export(db, out, names=("issuers",))
    assert res.datasets[0].read and res.datasets[0].written == 1  # SECOND is not missed
    import duckdb

    (name,), *_ = (
        duckdb.connect()
        .execute(f"SELECT name FROM read_parquet('{out}/issuers/*.parquet')")
        .fetchall()
    )
    assert name == "SECOND"


def test_a_data_set_quarter_marks_folders_changed_instead_of_a_trigger_per_row(
    db: Path, tmp_path: Path, scans
):
    import duckdb
    from datasethelp import HANDMADE_Q, JOINT_ACC, make_zip

    from insider import store
    from insider.backfill import import_zip

    out = tmp_path / "lake"
    lake.export(db, out)
    armed = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name GLOB 'lake_*'"
    assert sql(db, armed) == [(27,)]
    s = store.connect(db)
    import_zip(s, make_zip(HANDMADE_Q, tmp_path / "2007q2_form345.zip"))
    s.conn.close()
    assert sql(db, armed) == [(0,)]  # dropped for the quarter: no trigger call per row
    scans.clear()
    res = lake.export(db, out)
    assert set(scans) == set(lake.DEFAULT) and res.rows_written > 0  # read: marked changed
    (n,), *_ = (
        duckdb.connect()
        .execute(
            f"SELECT count(*) FROM read_parquet('{out}/filings/**/*.parquet') WHERE accession = ?",
            [JOINT_ACC],
        )
        .fetchall()
    )
    assert n == 1  # the quarter's filings are in the lake
    assert sql(db, armed) == [(27,)]  # and the triggers are back
    scans.clear()
    lake.export(db, out)
    assert scans == []
