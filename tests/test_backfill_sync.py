"""`sync TICKER` and `sync --owner CIK` over filings held from a data set: the sync fetches
their XML (the user asked for them precisely) and each replaces its data-set version in
one transaction. Against a real local server (tests/edgar_server.py) serving the offline
mirror; the expected figures are Herzog's from the README (9 sales, 14,804 shares) and
the same filing synced from its XML alone into a fresh database."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import MIRROR
from datasethelp import HANDMADE_Q, HERZOG_ACC, make_zip
from edgar_server import load_folder
from test_cli_skeleton import run_in_process

HERZOG_CIK = "0009999901"
AIV_FOLDER = "Archives/edgar/data/922864/000999990107000001"
CHILD_TABLES = ("ownership_rows", "filing_owners", "footnotes", "field_footnotes", "signatures")


def q(db: Path, sql: str, *args) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def children(db: Path, acc: str) -> dict[str, list[tuple]]:
    """Every child row of one filing (all columns), table by table."""
    out = {}
    for table in CHILD_TABLES:
        out[table] = q(db, f"SELECT * FROM {table} WHERE accession = ? ORDER BY 1, 2, 3", acc)
    return out


def orphans(db: Path) -> dict[str, int]:
    sql = "SELECT count(*) FROM {} WHERE accession NOT IN (SELECT accession FROM filings)"
    out = {t: q(db, sql.format(t))[0][0] for t in CHILD_TABLES}
    out["field_footnotes without row"] = q(
        db,
        "SELECT count(*) FROM field_footnotes ff WHERE NOT EXISTS (SELECT 1 FROM "
        "ownership_rows r WHERE r.accession = ff.accession AND r.row_num = ff.row_num)",
    )[0][0]
    return out


def holdings(db: Path) -> list[tuple]:
    return q(
        db,
        "SELECT security_title, direct_or_indirect, shares_owned_following, accession "
        "FROM holdings_latest WHERE owner_cik = ? ORDER BY 1, 2, 4",
        HERZOG_CIK,
    )


def owner_mirror() -> dict[str, bytes]:
    """The mirror plus Herzog's own filing list (the owner's submissions JSON lists the
    filings he reported, issuer's or not) and his copy of the filing folder, as EDGAR
    keeps one under every party's CIK."""
    files = load_folder(MIRROR)
    aiv = json.loads(files["submissions/CIK0000922864.json"])
    recent = aiv["filings"]["recent"]
    keep = [i for i, a in enumerate(recent["accessionNumber"]) if a == HERZOG_ACC]
    owner = {
        **aiv,
        "cik": HERZOG_CIK.lstrip("0"),
        "name": "HERZOG THOMAS M",
        "tickers": [],
        "exchanges": [],
        "filings": {"recent": {k: [v[i] for i in keep] for k, v in recent.items()}, "files": []},
    }
    files[f"submissions/CIK{HERZOG_CIK}.json"] = json.dumps(owner).encode()
    for path in [p for p in files if p.startswith(AIV_FOLDER + "/")]:
        files[path.replace("/922864/", "/9999901/")] = files[path]
    return files


@pytest.mark.parametrize("how", ["ticker", "owner"])
def test_sync_replaces_the_data_set_version_once(tmp_path, edgar_server, how):
    srv = edgar_server(owner_mirror())
    target = ["AIV"] if how == "ticker" else ["--owner", HERZOG_CIK]
    # The reference: the same filing synced from its XML alone.
    xml_db = tmp_path / "xml.db"
    r = run_in_process("sync", *target, "--edgar", srv.url, "--db", str(xml_db))
    assert r.returncode == 0, r.stderr
    assert q(xml_db, "SELECT accession, source FROM filings") == [(HERZOG_ACC, "xml")]

    db = tmp_path / "mixed.db"
    z = make_zip(HANDMADE_Q, tmp_path / "2007q2_form345.zip")
    assert run_in_process("backfill", "--zip", str(z), "--db", str(db)).returncode == 0
    assert q(db, "SELECT source FROM filings WHERE accession = ?", HERZOG_ACC) == [
        ("dataset:2007q2",)
    ]
    dataset_rows = children(db, HERZOG_ACC)["ownership_rows"]
    assert len(dataset_rows) == 11  # 10 Table I rows + 1 Table II row, from the data set

    srv.reset_log()
    r = run_in_process("sync", *target, "--edgar", srv.url, "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("1 new filings, 0 already stored, 0 failed"), r.stdout
    fetched = [p for p in srv.paths() if p.startswith("Archives/")]
    assert len(fetched) == 1 and fetched[0].endswith("form4.xml"), srv.paths()

    # Counted once, from its XML, with exactly the rows the XML alone gives.
    assert q(db, "SELECT count(*), source, length(raw_xml) > 0 FROM filings WHERE accession = ?",
             HERZOG_ACC) == [(1, "xml", 1)]  # fmt: skip
    assert children(db, HERZOG_ACC) == children(xml_db, HERZOG_ACC)
    assert q(db, "SELECT count(*), sum(shares) FROM sales WHERE owner_cik = ?", HERZOG_CIK) == [
        (9, 14804)
    ]
    assert holdings(db) == holdings(xml_db) != []
    # Nothing orphaned; the quarter's other filings untouched.
    assert orphans(db) == dict.fromkeys(orphans(db), 0)
    assert q(db, "PRAGMA foreign_key_check") == []
    assert q(db, "PRAGMA integrity_check") == [("ok",)]
    assert q(db, "SELECT count(*) FROM filings WHERE source = 'dataset:2007q2'") == [(4,)]

    # Asked again: stored from its XML now, nothing fetched.
    srv.reset_log()
    r = run_in_process("sync", *target, "--edgar", srv.url, "--db", str(db))
    assert r.returncode == 0 and r.stdout.startswith("0 new filings, 1 already stored"), r.stdout
    assert [p for p in srv.paths() if p.startswith("Archives/")] == []
