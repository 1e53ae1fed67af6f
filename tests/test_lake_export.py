"""`insider export DIR`: read back by DuckDB (a real engine) and compared with the SQLite
views of the same database, built by syncing the offline mirror (fixtures/edgar).

Herzog (AIV Form 4 filed 2007-05-14, read from the document by a person): 9 sales of
14,804 shares for $806,651.81.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import MIRROR
from test_cli_skeleton import run as run_process
from test_cli_skeleton import run_in_process as run

duckdb = pytest.importorskip("duckdb")  # the test extra installs it: never skipped in CI
pytest.importorskip("pyarrow")

HERZOG_ACC = "0009999901-07-000001"
AIV_CIK = "0000922864"


@pytest.fixture(scope="module")
def fx_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("lake") / "insider.db"
    for t in ("AIV", "AAPL", "TSLA", "LRCX", "SNOW"):
        r = run("sync", t, "--edgar", str(MIRROR), "--db", str(db))
        assert r.returncode == 0, r.stderr
    return db


@pytest.fixture(scope="module")
def lake(fx_db: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("lake") / "lake"
    r = run("export", str(out), "--db", str(fx_db))
    assert r.returncode == 0, r.stderr
    assert "partition(s) written" in r.stdout
    return out


def ddb(sql: str, *params):
    return duckdb.connect().execute(sql, list(params)).fetchall()


def scan(lake: Path, name: str, ext: str = "parquet") -> str:
    return f"read_parquet('{lake}/{name}/**/*.{ext}', hive_partitioning=true)"


def exact(v) -> Decimal | None:
    """The test's own reading of a stored number (REAL via repr, as docs/schema.md says)."""
    if v is None:
        return None
    return Decimal(repr(v)) if isinstance(v, float) else Decimal(str(v))


def sqlite_rows(db: Path, sql: str, *params) -> list[tuple]:
    # closed here: `with sqlite3.connect()` only commits, and the connection (in a cycle
    # with its statement cache) would stay open until a full garbage collection
    with closing(sqlite3.connect(db)) as c:
        return c.execute(sql, params).fetchall()


# ------------------------------------------------------------------ same answers as views


def test_herzog_figures_from_duckdb(lake: Path):
    (n, shares, value), *_ = ddb(
        f"SELECT count(*), sum(shares), sum(value) FROM {scan(lake, 'transactions')} "
        "WHERE code = 'S' AND accession = ?",
        HERZOG_ACC,
    )
    assert (n, shares, value) == (9, Decimal("14804"), Decimal("806651.81"))
    # the same through the sales subset of transactions and the year partition
    (n2,), *_ = ddb(
        f"SELECT count(*) FROM {scan(lake, 'transactions')} "
        "WHERE year = 2007 AND code = 'S' AND owner_name LIKE '%HERZOG%'"
    )
    assert n2 == 9


def test_row_counts_and_sums_per_issuer_match_the_views(fx_db: Path, lake: Path):
    for name in ("transactions", "holdings_latest"):
        (want,), *_ = sqlite_rows(fx_db, f"SELECT count(*) FROM {name}")
        (got,), *_ = ddb(f"SELECT count(*) FROM {scan(lake, name)}")
        assert got == want and want > 0, name
    expected: dict[str, list[Decimal]] = {}
    for cik, shares, price, total, value in sqlite_rows(
        fx_db, "SELECT issuer_cik, shares, price_per_share, total_value, value FROM transactions"
    ):
        s, p = exact(shares), exact(price)
        v = s * p if s is not None and p is not None else exact(total)
        acc = expected.setdefault(cik, [Decimal(0), Decimal(0), Decimal(0)])
        acc[0] += s or 0
        acc[1] += v or 0
        acc[2] += exact(value) or 0  # the view's own value column (rounded to 6 decimals)
    got = ddb(
        f"SELECT issuer_cik, sum(shares), sum(value) FROM {scan(lake, 'transactions')} "
        "GROUP BY issuer_cik"
    )
    assert len(got) == len(expected) == 5
    for cik, shares, value in got:
        assert shares == expected[cik][0], cik
        assert (value or 0) == expected[cik][1], cik
        assert round(value or 0, 2) == round(expected[cik][2], 2), cik
    # and the view's own SQL aggregate, to the cent
    for cik, total in sqlite_rows(
        fx_db, "SELECT issuer_cik, round(sum(value), 2) FROM transactions GROUP BY issuer_cik"
    ):
        (dv,), *_ = ddb(
            f"SELECT coalesce(round(sum(value), 2), 0) FROM {scan(lake, 'transactions')} "
            "WHERE issuer_cik = ?",
            cik,
        )
        assert dv == Decimal(str(total or 0)), cik


def test_every_table_has_the_rows_of_the_database(fx_db: Path, lake: Path):
    for name in (
        "filings",
        "filing_owners",
        "ownership_rows",
        "footnotes",
        "field_footnotes",
        "signatures",
        "issuers",
        "owners",
        "transaction_codes",
    ):
        (want,), *_ = sqlite_rows(fx_db, f"SELECT count(*) FROM {name}")
        (got,), *_ = ddb(f"SELECT count(*) FROM {scan(lake, name)}")
        assert got == want and want > 0, name


def test_exact_types_never_float(lake: Path):
    for name in ("transactions", "holdings_latest", "ownership_rows", "filings"):
        types = dict(
            ddb(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {scan(lake, name)})")
        )
        assert not [c for c, t in types.items() if t in ("DOUBLE", "FLOAT", "REAL")], name
        if name == "transactions":
            assert types["transaction_date"] == "DATE"
            assert types["filing_date"] == "DATE"
            assert types["shares"] == types["price_per_share"] == "DECIMAL(38,18)"
            assert types["value"] == "DECIMAL(38,18)"
            assert types["issuer_cik"] == "VARCHAR"
            assert types["late"] == types["plan_10b5_1"] == "BOOLEAN"
            assert types["row_num"] == "BIGINT"
        if name == "filings":
            assert "raw_xml" not in types  # the compressed document stays in SQLite
            assert types["acceptance_datetime"] == "TIMESTAMP WITH TIME ZONE"
    ciks = ddb(f"SELECT DISTINCT issuer_cik FROM {scan(lake, 'transactions')}")
    assert all(len(c) == 10 and c.isdigit() for (c,) in ciks)
    assert (AIV_CIK,) in ciks  # zero-padded, as text
    (price,), *_ = ddb(
        f"SELECT price_per_share FROM {scan(lake, 'transactions')} "
        "WHERE accession = ? AND code = 'M' AND form_table = 'II'",
        HERZOG_ACC,
    )
    assert price is None  # the option row's price is given only as a footnote
    (ex,), *_ = ddb(
        f"SELECT conversion_or_exercise_price FROM {scan(lake, 'transactions')} "
        "WHERE accession = ? AND code = 'M' AND form_table = 'II'",
        HERZOG_ACC,
    )
    assert ex == Decimal("33.95")


def test_footnote_links_and_provenance(lake: Path):
    notes = ddb(
        f"SELECT ff.field, ff.footnote_id, fn.text FROM {scan(lake, 'field_footnotes')} ff "
        f"JOIN {scan(lake, 'footnotes')} fn USING (accession, footnote_id) "
        "WHERE ff.accession = ? ORDER BY ff.row_num, ff.field",
        HERZOG_ACC,
    )
    fields = {(f, i) for f, i, _ in notes}
    assert ("exercise_date", "F1") in fields and ("price_per_share", "F2") in fields
    (text,), *_ = ddb(
        f"SELECT footnotes FROM {scan(lake, 'transactions')} "
        "WHERE accession = ? AND code = 'M' AND form_table = 'II'",
        HERZOG_ACC,
    )
    assert "price_per_share [F2]" in text
    (url, stored), *_ = ddb(
        f"SELECT url, stored_at FROM {scan(lake, 'filings')} WHERE accession = ?", HERZOG_ACC
    )
    assert url.endswith(".xml") and stored is not None


def test_schema_files_describe_every_column(lake: Path):
    from insider import schemadoc

    desc = json.loads((lake / "_schema.json").read_text())
    md = (lake / "_schema.md").read_text()
    assert desc["format"] == "parquet"
    assert set(desc["datasets"]) == {p.name for p in lake.iterdir() if p.is_dir()}
    for name, entry in desc["datasets"].items():
        cols = [
            c
            for c, _ in ddb(
                f"SELECT column_name, 1 FROM (DESCRIBE SELECT * FROM {scan(lake, name)})"
            )
        ]
        described = list(entry["columns"]) + list(entry.get("partition", {}))
        assert sorted(cols) == sorted(described), name
        for c, info in entry["columns"].items():
            assert f"| `{c}` | {info['type']} |" in md
            if c in schemadoc.OBJECTS[name]["columns"] and c != "value":
                assert info["meaning"] == schemadoc.OBJECTS[name]["columns"][c]


# ------------------------------------------------------------------ incremental and safe


def _files(lake: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(lake)): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in lake.rglob("part-0.*")
    }


def test_second_export_writes_nothing_then_only_changed_partitions(fx_db: Path, tmp_path: Path):
    from storehelp import HERZOG_4A_META, copy_db, save

    from insider import store

    db = tmp_path / "insider.db"
    copy_db(fx_db, db)
    out = tmp_path / "lake"
    assert run("export", str(out), "--db", str(db)).returncode == 0
    before = _files(out)
    r = run("export", str(out), "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert "0 partition(s) written" in r.stdout
    assert _files(out) == before  # not one file rewritten
    (n,), *_ = sqlite_rows(
        db, "SELECT count(*) FROM lake_partitions WHERE lake = ?", str(out.resolve())
    )
    assert n == len(before)

    # a holdings-only 4/A of Herzog's filing, filed 2007-06-01: only 2007 partitions change
    save(store.connect(db), HERZOG_4A_META)
    r = run("export", str(out), "--db", str(db))
    assert r.returncode == 0, r.stderr
    after = _files(out)
    changed = {k for k in after if after[k] != before.get(k)}
    assert changed and all("year=2007" in k for k in changed), changed
    assert "filings/year=2007/part-0.parquet" in changed
    assert "transactions/year=2007/part-0.parquet" not in changed  # its rows are the same
    (n,), *_ = ddb(f"SELECT count(*) FROM {scan(out, 'filings')}")
    assert n == sqlite_rows(db, "SELECT count(*) FROM filings")[0][0]


def test_since_until_select_rows_and_partitions(fx_db: Path, tmp_path: Path):
    out = tmp_path / "lake"
    r = run("export", str(out), "--since", "2020", "--until", "2022-12-31", "--db", str(fx_db))
    assert r.returncode == 0, r.stderr
    years = {p.name for p in (out / "transactions").iterdir()}
    assert years and years <= {"year=2020", "year=2021", "year=2022"}
    (want,), *_ = sqlite_rows(
        fx_db,
        "SELECT count(*) FROM transactions WHERE transaction_date BETWEEN ? AND ?",
        "2020-01-01",
        "2022-12-31",
    )
    (got,), *_ = ddb(f"SELECT count(*) FROM {scan(out, 'transactions')}")
    assert got == want
    # the full export then adds the other years; a narrower one removes them again
    assert run("export", str(out), "--db", str(fx_db)).returncode == 0
    assert "year=2007" in {p.name for p in (out / "transactions").iterdir()}
    r = run("export", str(out), "--since", "2023", "--tables", "transactions", "--db", str(fx_db))
    assert r.returncode == 0, r.stderr
    assert {p.name for p in (out / "transactions").iterdir()} <= {"year=2023", "year=2024"}
    assert "year=2007" in {p.name for p in (out / "filings").iterdir()}  # not named: kept


def test_leftover_temp_files_are_never_read_and_cleaned_up(fx_db: Path, tmp_path: Path):
    out = tmp_path / "lake"
    assert run("export", str(out), "--tables", "transactions", "--db", str(fx_db)).returncode == 0
    junk = out / "transactions" / "year=2007" / "_part-0.parquet.tmp-999999"
    junk.write_bytes(b"PAR1 half a file")
    (n,), *_ = ddb(f"SELECT count(*) FROM {scan(out, 'transactions')}")
    assert n == sqlite_rows(fx_db, "SELECT count(*) FROM transactions")[0][0]
    assert run("export", str(out), "--tables", "transactions", "--db", str(fx_db)).returncode == 0
    assert not junk.exists()


def test_a_reader_held_open_in_this_process_keeps_reading_through_exports(
    fx_db: Path, tmp_path: Path
):
    """A connection left open (a notebook, Datasette) while exports run in other processes
    and the database is copied: every read stays sound. The copy goes through SQLite
    (storehelp.copy_db); a plain file copy under the open connection dropped this process's
    locks, the export's last close then deleted the -wal/-shm still mapped here, and the
    next read said "database disk image is malformed"."""
    from storehelp import copy_db

    db = tmp_path / "insider.db"
    copy_db(fx_db, db)
    with closing(sqlite3.connect(db)) as held:
        ((want,),) = held.execute("SELECT count(*) FROM transactions").fetchall()
        copy_db(db, tmp_path / "backup.db")
        for i in range(1, 6):  # the plain copy failed from the 4th export on
            r = run_process(
                "export", str(tmp_path / f"l{i}"), "--tables", "transactions", "--db", str(db)
            )
            assert r.returncode == 0, r.stderr
            assert held.execute("SELECT count(*) FROM transactions").fetchone() == (want,)
            lake = str((tmp_path / f"l{i}").resolve())
            ((n,),) = sqlite_rows(db, "SELECT count(*) FROM lake_partitions WHERE lake = ?", lake)
            assert n > 0
    assert sqlite_rows(db, "PRAGMA integrity_check") == [("ok",)]


# ------------------------------------------------------------------ values that do not fit


def test_values_that_do_not_fit_are_kept_as_exact_text(tmp_path: Path):
    from conftest import HERZOG_XML

    from insider import store
    from insider.parse import parse_ownership

    xml = HERZOG_XML.read_bytes()
    first_price = b"<value>54</value>"  # the first sale: 5,500 shares at $54
    assert first_price in xml
    xml = xml.replace(first_price, b"<value>54.1234567890123456789</value>", 1)
    first_date = b"<value>2007-05-10</value>"
    assert first_date in xml
    xml = xml.replace(first_date, b"<value>2007-02-30</value>", 1)
    db = tmp_path / "insider.db"
    meta = store.FilingMeta(HERZOG_ACC, "2007-05-14", "2007-05-14T17:02:11.000Z", "file://x")
    store.save_filing(store.connect(db), parse_ownership(xml), meta, xml)
    out = tmp_path / "lake"
    r = run("export", str(out), "--tables", "transactions", "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert "kept exactly as text in exact_text" in r.stderr
    rows = ddb(
        f"SELECT price_per_share, transaction_date, value, exact_text, year "
        f"FROM {scan(out, 'transactions')} WHERE exact_text IS NOT NULL"
    )
    assert len(rows) == 1
    price, day, value, text, year = rows[0]
    assert price is None and day is None  # never rounded, never guessed
    assert json.loads(text) == {
        "price_per_share": "54.1234567890123456789",
        "transaction_date": "2007-02-30",
    }
    # 5,500 x the exact price has 17 decimals: it fits, exactly
    assert value == Decimal("297679.01233956790123395")
    assert year == 2007
    # the text formats carry the exact text in the column itself
    out2 = tmp_path / "csv"
    r = run("export", str(out2), "--format", "csv", "--tables", "transactions", "--db", str(db))
    assert r.returncode == 0, r.stderr
    with open(out2 / "transactions" / "year=2007" / "part-0.csv", newline="") as f:
        prices = {row["price_per_share"] for row in csv.DictReader(f)}
    assert "54.1234567890123456789" in prices


# ------------------------------------------------------------------ CSV and NDJSON


@pytest.mark.parametrize("fmt", ["csv", "ndjson"])
def test_text_formats_round_trip_exactly(fx_db: Path, tmp_path: Path, fmt: str):
    out = tmp_path / fmt
    r = run("export", str(out), "--format", fmt, "--db", str(fx_db))
    assert r.returncode == 0, r.stderr
    got: list[dict] = []
    for p in sorted((out / "transactions").glob(f"year=*/part-0.{fmt}")):
        with open(p, newline="", encoding="utf-8") as f:
            got += list(csv.DictReader(f)) if fmt == "csv" else [json.loads(x) for x in f]
    with closing(sqlite3.connect(fx_db)) as c:
        c.row_factory = sqlite3.Row
        want = [dict(r) for r in c.execute("SELECT * FROM transactions")]
    assert len(got) == len(want) > 0
    key = {(w["accession"], w["row_num"]): w for w in want}
    numbers = ("shares", "price_per_share", "shares_owned_following", "underlying_shares")
    for g in got:
        w = key[(g["accession"], int(g["row_num"]))]
        for col in ("owner_cik", "owner_name", "transaction_date", "footnotes", "code"):
            assert (g[col] or None) == w[col], col
        for col in numbers:
            gv = g[col] or None
            assert (None if gv is None else Decimal(gv)) == exact(w[col]), col
            if gv is not None:
                assert isinstance(gv, str) and "e" not in gv.lower()  # plain decimal text
    # DuckDB reads them too, and the Herzog figures hold
    reader = "read_csv" if fmt == "csv" else "read_json"
    (n, s), *_ = ddb(
        f"SELECT count(*), sum(CAST(shares AS DECIMAL(38,18))) "
        f"FROM {reader}('{out}/transactions/**/*.{fmt}', hive_partitioning=true) "
        "WHERE code = 'S' AND accession = ?",
        HERZOG_ACC,
    )
    assert (n, s) == (9, Decimal("14804"))


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    "args, message",
    [
        (["--format", "xml"], "--format 'xml': give one of parquet, csv, ndjson"),
        (["--tables", "nope"], "--tables nope: not an exportable table or view"),
        (["--since", "2024-13-01"], "--since '2024-13-01' is not a calendar date"),
        (["--since", "2024", "--until", "2020"], "--since 2024-01-01 is after --until"),
    ],
)
def test_bad_arguments_are_one_line(fx_db: Path, tmp_path: Path, args, message):
    r = run("export", str(tmp_path / "lake"), *args, "--db", str(fx_db))
    assert r.returncode == 1
    assert message in r.stderr and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr


def test_missing_database_and_file_as_folder(tmp_path: Path, fx_db: Path):
    r = run("export", str(tmp_path / "lake"), "--db", str(tmp_path / "none.db"))
    assert r.returncode == 1 and "does not exist" in r.stderr
    assert not (tmp_path / "none.db").exists()
    f = tmp_path / "file"
    f.write_text("x")
    r = run("export", str(f), "--db", str(fx_db))
    assert r.returncode == 1 and "is not a folder" in r.stderr and "Traceback" not in r.stderr


def test_lake_is_written_only_under_its_folder(fx_db: Path, tmp_path: Path):
    out = tmp_path / "lake"
    assert run("export", str(out), "--db", str(fx_db), "--tables", "issuers").returncode == 0
    assert sorted(os.listdir(tmp_path)) == ["lake"]
    assert sorted(os.listdir(out)) == ["_schema.json", "_schema.md", "issuers"]


def test_subset_views_are_written_when_named(fx_db: Path, tmp_path: Path):
    out = tmp_path / "lake"
    names = "sales,purchases,option_exercises,filings_late"
    r = run("export", str(out), "--tables", names, "--db", str(fx_db))
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == sorted(
        n for n in names.split(",") if sqlite_rows(fx_db, f"SELECT count(*) FROM {n}")[0][0]
    )
    (n,), *_ = ddb(f"SELECT count(*) FROM {scan(out, 'sales')} WHERE accession = ?", HERZOG_ACC)
    assert n == 9
    for name in names.split(","):
        (want,), *_ = sqlite_rows(fx_db, f"SELECT count(*) FROM {name}")
        if want:
            (got,), *_ = ddb(f"SELECT count(*) FROM {scan(out, name)}")
            assert got == want, name


def test_without_pyarrow_parquet_says_what_to_install_and_csv_works(fx_db: Path, tmp_path: Path):
    blocker = tmp_path / "block"
    (blocker / "pyarrow").mkdir(parents=True)
    (blocker / "pyarrow" / "__init__.py").write_text("raise ImportError('no pyarrow here')\n")
    env = {"PYTHONPATH": str(blocker)}
    r = run_process("export", str(tmp_path / "pq"), "--db", str(fx_db), env=env)
    assert r.returncode == 1
    assert "pip install 'insider[export]'" in r.stderr and "Traceback" not in r.stderr
    r = run_process("export", str(tmp_path / "csv"), "--format", "csv", "--db", str(fx_db), env=env)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "csv" / "transactions" / "year=2007" / "part-0.csv").is_file()


def test_a_folder_exported_from_another_database_keeps_no_stale_partition(
    fx_db: Path, tmp_path: Path
):
    out = tmp_path / "lake"
    assert run("export", str(out), "--tables", "transactions", "--db", str(fx_db)).returncode == 0
    assert len(list((out / "transactions").iterdir())) > 1
    aiv = tmp_path / "aiv.db"  # a new database knows nothing of that folder
    assert run("sync", "AIV", "--edgar", str(MIRROR), "--db", str(aiv)).returncode == 0
    r = run("export", str(out), "--tables", "transactions", "--db", str(aiv))
    assert r.returncode == 0, r.stderr
    assert [p.name for p in (out / "transactions").iterdir()] == ["year=2007"]
    (n,), *_ = ddb(f"SELECT count(*) FROM {scan(out, 'transactions')}")
    assert n == sqlite_rows(aiv, "SELECT count(*) FROM transactions")[0][0] == 11
