"""One rule, one home, checked where the copies used to drift: the store's positions
(holdings_latest) and the report's are the same lines; a CIK is read the same way by
every command; the shape of a database follows this insider's definition."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from conftest import MIRROR
from storehelp import HERZOG_4A, HERZOG_4A_META, HERZOG_META, TICKERS, save, synced_db
from test_cli_skeleton import run, run_in_process

from insider import db as dbmod
from insider import lines, lookup, queries, store
from insider.chains import assign_lines
from insider.cik import parse_cik
from insider.company import company_report
from insider.edgar import Edgar
from insider.errors import ReportError
from insider.parse import parse_ownership
from insider.report import Filters, owner_report
from insider.sync import sync

UA = "insider-tests test@example.com"


def test_parse_cik():
    for text in ("9999901", "0009999901", "CIK0009999901", "cik9999901", " CIK 0009999901 "):
        assert parse_cik(text) == "0009999901", text
    assert parse_cik(9999901) == "0009999901"
    for text in ("0", "CIK", "12345678901", "AIV", "99999-01", "", None):
        assert parse_cik(text) is None, text


# -- the 401(k) case: two filings word one nature of ownership differently ---------------------
def _401k_db(path: Path):
    """Herzog's Form 4, its holdings-only 4/A ("By 401(k) plan", 1,200 shares) and a later
    Form 4 that reports the same plan as "by 401(K)  Plan", still 1,200 shares."""
    db = store.connect(path)
    save(db, HERZOG_META)
    save(db, HERZOG_4A_META)
    raw = (
        HERZOG_4A.read_bytes()
        .replace(b"<documentType>4/A</documentType>", b"<documentType>4</documentType>")
        .replace(b"<periodOfReport>2007-05-10<", b"<periodOfReport>2007-08-01<")
        .replace(b"<dateOfOriginalSubmission>2007-05-14</dateOfOriginalSubmission>", b"")
        .replace(b"By 401(k) plan", b"by 401(K)  Plan")
    )
    meta = store.FilingMeta("0009999901-07-000004", "2007-08-03")
    store.save_filing(db, parse_ownership(raw), meta, raw)
    return db


def test_401k_plan_worded_two_ways_is_one_position_in_store_and_report(tmp_path: Path):
    db = _401k_db(tmp_path / "k.db")
    held = db.execute(
        "SELECT direct_or_indirect, nature_of_ownership, shares_owned_following "
        "FROM holdings_latest WHERE owner_cik = '0009999901' AND form_table = 'I' "
        "ORDER BY direct_or_indirect"
    ).fetchall()
    assert held == [("D", None, 57604), ("I", "by 401(K)  Plan", 1200)]
    rep = owner_report(db, "HERZOG")
    (common,) = [s for s in rep["issuers"][0]["securities"] if s["table"] == "I"]
    assert [(p["direct_or_indirect"], str(p["shares_owned_following"])) for p in
            common["positions"]] == [("D", "57604"), ("I", "1200")]  # fmt: skip
    assert str(common["position_total_shares"]) == "58804"  # not 60,004


# -- store grouping == report grouping, on the whole corpus -----------------------------------
@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    db = synced_db(tmp_path_factory.mktemp("rules") / "c.db")
    from storehelp import LRCX_4A_META

    save(db, LRCX_4A_META)
    return db


def test_report_lines_are_the_stored_position_keys(corpus):
    owners = [r[0] for r in corpus.execute("SELECT cik FROM owners ORDER BY cik")]
    assert len(owners) >= 10
    checked = 0
    for cik in owners:
        rows = queries.owner_rows(corpus, cik)
        assign_lines(rows)
        for r in rows:
            issuer, owner_ciks, *line = r["line"]
            assert lines.position_key(owner_ciks, issuer, tuple(line)) == r["position_key"]
            checked += 1
    # Every row at least once (a joint filing's rows once per owner).
    assert checked >= corpus.execute("SELECT count(*) FROM ownership_rows").fetchone()[0]


def test_report_positions_are_holdings_latest(corpus):
    """Every owner's positions in `show` (all dates, all codes) are the rows of
    holdings_latest of that owner's filings: same count, same amounts."""
    for (cik,) in corpus.execute("SELECT cik FROM owners ORDER BY cik").fetchall():
        rep = owner_report(corpus, cik)
        shown = Counter(
            (iss["issuer_cik"], p["direct_or_indirect"], str(p["shares_owned_following"]))
            for iss in rep["issuers"]
            for sec in iss["securities"]
            for p in sec["positions"]
        )
        stored = Counter(
            (issuer, d_i, str(queries.dec(shares)))
            for issuer, d_i, shares in corpus.execute(
                "SELECT issuer_cik, direct_or_indirect, shares_owned_following "
                "FROM holdings_latest WHERE accession IN "
                "(SELECT accession FROM filing_owners WHERE owner_cik = ?)",
                (cik,),
            )
        )
        assert shown == stored, cik


# -- a CIK with its prefix and zeros works everywhere -----------------------------------------
def test_cik_with_prefix_in_every_lookup(corpus):
    assert lookup.resolve_owner(corpus, "CIK0009999901")["name"] == "HERZOG THOMAS M"
    assert lookup.resolve_owner(corpus, "cik9999901")["cik"] == "0009999901"
    assert lookup.resolve_issuer(corpus, "CIK0000922864")["ticker"] == "AIV"
    assert lookup.find_owner_ciks(corpus, "CIK0009999901") == ["0009999901"]
    assert lookup.find_issuer_ciks(corpus, "CIK922864") == ["0000922864"]
    rep = owner_report(corpus, "CIK0009999901", Filters(issuer="CIK0000922864"))
    assert [i["issuer_ticker"] for i in rep["issuers"]] == ["AIV"]
    assert company_report(corpus, "CIK0000922864")["issuer"]["cik"] == "0000922864"
    with pytest.raises(ReportError, match="no reporting owner"):
        lookup.resolve_owner(corpus, "CIK0")  # a CIK that is not one: never a name search


def test_cik_with_prefix_on_the_command_line(tmp_path: Path):
    path = tmp_path / "s.db"
    r = run("sync", "CIK0000922864", "--edgar", str(MIRROR), "--db", str(path))
    assert r.returncode == 0, r.stderr
    out = json.loads(run_in_process("show", "CIK0009999901", "--db", str(path), "--json").stdout)
    assert out["owner"]["cik"] == "0009999901"
    r = run_in_process("show", "HERZOG", "--issuer", "CIK0000922864", "--db", str(path), "--json")
    assert len(json.loads(r.stdout)["issuers"]) == 1
    r = run_in_process("company", "CIK0000922864", "--db", str(path), "--json")
    assert json.loads(r.stdout)["issuer"]["ticker"] == "AIV"


def test_sync_owner_cik_with_prefix(tmp_path: Path):
    db = store.connect(tmp_path / "o.db")
    # The mirror lists filings under issuer CIKs only; any CIK's list serves here.
    result = sync(db, Edgar(str(MIRROR), UA), [], owners=["cik922864"])
    assert result.new >= 1 and result.failed == 0
    assert lookup.find_owner_ciks(db, "herzog") == ["0009999901"]


# -- the shape of a database ------------------------------------------------------------------
def test_changed_view_is_recreated_on_the_next_writable_open(tmp_path: Path):
    path = tmp_path / "v.db"
    db = store.connect(path)
    save(db, HERZOG_META)
    # An older insider's view (and hash) left in the file: the next open replaces it.
    db.execute("DROP VIEW sales")
    db.execute("CREATE VIEW sales AS SELECT 1 AS stale")
    db.execute("UPDATE insider_shape SET hash = 'old' WHERE part = 'views'")
    db.conn.close()
    con = dbmod.connect_readonly(path)  # a reader asks for one writable open
    assert con.execute("SELECT count(*), sum(shares) FROM sales").fetchone() == (9, 14804)
    assert dict(con.execute("SELECT part, hash FROM insider_shape")) == dbmod.shape()
    con.close()


def test_shape_open_is_one_query_when_up_to_date(tmp_path: Path):
    path = tmp_path / "q.db"
    store.connect(path).conn.close()
    con = dbmod.connect(path)
    seen: list[str] = []
    con.set_trace_callback(seen.append)
    dbmod.ensure_db_shape(con)
    assert len(seen) == 2  # user_version, then the stored hashes
    con.close()


def test_fts_recreated_when_missing(tmp_path: Path):
    path = tmp_path / "f.db"
    db = synced_db(path, extra=())
    db.execute("DROP TABLE owners_fts")
    db.execute("DELETE FROM insider_shape WHERE part = 'fts'")
    db.conn.close()
    db = store.connect(path)
    assert lookup.find_owner_ciks(db, "herzog") == ["0009999901"]
    assert TICKERS  # the synced mirror


def _snowflake_pair() -> tuple[bytes, bytes]:
    """Scarpelli's Form 4 (eight "Trust" lines, each trust named in its footnote) and a
    later hand-made Form 4 reporting only the first trust (footnote F8), 500,000 shares."""
    from conftest import CORPUS
    from lxml import etree

    raw = (CORPUS / "snowflake-form4-2022-12-13.xml").read_bytes()
    root = etree.fromstring(raw)
    root.find("periodOfReport").text = "2023-03-01"
    table = root.find("nonDerivativeTable")
    for el in table.findall("nonDerivativeTransaction") + table.findall("nonDerivativeHolding")[1:]:
        table.remove(el)
    root.remove(root.find("derivativeTable"))
    held = table.find("nonDerivativeHolding/postTransactionAmounts")
    held.find("sharesOwnedFollowingTransaction/value").text = "500000"
    return raw, etree.tostring(root)


@pytest.mark.parametrize("order", ["oldest first", "newest first"])
def test_a_trust_told_apart_in_one_filing_stays_apart_in_the_next(tmp_path: Path, order):
    """The later filing has one "Trust" line only; its footnote still says which trust, so
    it updates that trust's position and leaves the seven others, in the store and in the
    report alike, whatever order the filings were stored in."""
    first, later = _snowflake_pair()
    items = [
        (first, store.FilingMeta("0009999999-22-000001", "2022-12-15")),
        (later, store.FilingMeta("0009999999-23-000009", "2023-03-03")),
    ]
    db = store.connect(tmp_path / "t.db")
    for raw, meta in items if order == "oldest first" else items[::-1]:
        store.save_filing(db, parse_ownership(raw), meta, raw)
    trusts = db.execute(
        "SELECT count(*), sum(shares_owned_following) FROM holdings_latest "
        "WHERE nature_of_ownership = 'Trust'"
    ).fetchone()
    assert trusts == (8, 2755 * 3 + 9686 * 3 + 178947 + 500000)
    rep = owner_report(db, "0001402349")
    (common,) = [s for s in rep["issuers"][0]["securities"] if s["table"] == "I"]
    amounts = sorted(
        int(p["shares_owned_following"])
        for p in common["positions"]
        if p["nature_of_ownership"] == "Trust"
    )
    assert amounts == sorted([2755] * 3 + [9686] * 3 + [178947, 500000])
