"""The views answer the seed questions directly in SQL; they share their leading columns."""

from __future__ import annotations

import pytest
from storehelp import synced_db

from insider.schema import COMMON_COLUMNS, VIEWS


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return synced_db(tmp_path_factory.mktemp("views") / "insider.db", extra=())


def test_herzog_sales(db):
    row = db.execute(
        "SELECT count(*), sum(shares), round(sum(value), 2), min(price_per_share), "
        "max(price_per_share), min(transaction_date), max(transaction_date) "
        "FROM sales WHERE owner_name LIKE '%HERZOG%'"
    ).fetchone()
    assert row == (9, 14804, 806651.81, 54, 54.99, "2007-05-10", "2007-05-11")


def test_herzog_exercise(db):
    rows = db.execute(
        "SELECT transaction_date, code, shares, conversion_or_exercise_price, expiration_date, "
        "underlying_security_title, underlying_shares, security_title, price_per_share, "
        "footnotes FROM option_exercises WHERE owner_name LIKE '%HERZOG%'"
    ).fetchall()
    assert len(rows) == 1
    (r,) = rows
    assert r[:7] == (
        "2007-05-11",
        "M",
        7547,
        33.95,
        "2014-01-19",
        "Class A Common Stock",
        7547,
    )
    assert r[7] == "Employee Stock Option (Right to Buy)"
    assert r[8] is None  # the exercise price is never shown as a price per share
    assert "exercise_date [F1]: The option vests 20%" in r[9]
    assert "price_per_share [F2]: Option award approved" in r[9]


def test_herzog_holding(db):
    rows = db.execute(
        "SELECT security_title, shares_owned_following, direct_or_indirect, as_of_date, "
        "accession FROM holdings_latest WHERE owner_name = 'HERZOG THOMAS M'"
    ).fetchall()
    assert rows == [("Class A Common Stock", 57604, "D", "2007-05-11", "0009999901-07-000001")]


def test_common_columns_first_in_every_view(db):
    for name in VIEWS:
        cols = [r[1] for r in db.execute(f"PRAGMA table_info({name})")]
        assert tuple(cols[: len(COMMON_COLUMNS)]) == COMMON_COLUMNS, name
    # One query works on all of them.
    q = "SELECT {} FROM {} LIMIT 1"
    for name in VIEWS:
        db.execute(q.format(", ".join(COMMON_COLUMNS), name)).fetchall()


def test_joint_filing_is_one_row_with_all_owners(db):
    rows = db.execute(
        "SELECT owner_cik, owner_name, owner_roles, owner_count, shares_owned_following, "
        "direct_or_indirect FROM holdings_latest WHERE accession = '0009999999-20-000002'"
    ).fetchall()
    assert len(rows) == 1
    ciks, names, roles, count, _, d_or_i = rows[0]
    assert count == 2 and d_or_i == "I"
    assert names == "BERKSHIRE HATHAWAY INC; BUFFETT WARREN E"
    assert ciks.count("; ") == 1 and roles.count("10% Owner") == 2
    # Per owner: through filing_owners (the documented pattern), no double counting.
    n = db.execute(
        "SELECT count(*) FROM holdings_latest WHERE accession IN (SELECT accession FROM "
        "filing_owners WHERE name = 'BUFFETT WARREN E')"
    ).fetchone()[0]
    assert n == 1


def test_holdings_rows_not_in_transactions(db):
    n_txn = db.execute("SELECT count(*) FROM ownership_rows WHERE kind = 'transaction'")
    assert db.execute("SELECT count(*) FROM transactions").fetchone() == n_txn.fetchone()
    assert db.execute("SELECT count(*) FROM transactions WHERE code IS NULL").fetchone() == (0,)


def test_snowflake_indirect_lines_are_separate(db):
    rows = db.execute(
        "SELECT nature_footnotes, shares_owned_following FROM holdings_latest "
        "WHERE issuer_ticker = 'SNOW' AND owner_name LIKE 'Scarpelli%' AND form_table = 'I' "
        "AND direct_or_indirect = 'I'"
    ).fetchall()
    assert len(rows) == 8
    # Eight "Trust" lines, told apart by the footnote naming each trust.
    assert len({r[0] for r in rows}) == 8
    assert sum(r[1] for r in rows) == 577218 + 178947 + 9686 * 3 + 2755 * 3


def test_views_use_indexes(db):
    plan = " ".join(
        r[3]
        for r in db.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM sales WHERE issuer_ticker = 'AIV'"
        ).fetchall()
    )
    assert "issuers_ticker" in plan or "SCAN i" not in plan
    plan = " ".join(
        r[3] for r in db.execute("EXPLAIN QUERY PLAN SELECT * FROM filings_late").fetchall()
    )
    assert "ownership_rows_late" in plan


def test_reworded_trust_footnote_is_one_position(db):
    """Musk's trust line: the footnote reads "Revokable" in 2022 and "Revocable" in 2023.
    One position, so holdings_latest gives the 2023 amount once, not the sum of both."""
    rows = db.execute(
        "SELECT shares_owned_following, accession FROM holdings_latest "
        "WHERE issuer_ticker = 'TSLA' AND owner_name = 'Musk Elon' AND form_table = 'I'"
    ).fetchall()
    assert rows == [(411062076, "0009999999-23-000001")]


def test_trusts_told_apart_by_footnotes_on_the_d_i_field(tmp_path):
    """Filers also put the footnote naming a trust on directOrIndirectOwnership; eight
    "Trust" lines of one filing stay eight positions."""
    import re

    from conftest import CORPUS

    from insider import store
    from insider.parse import parse_ownership

    raw = (CORPUS / "snowflake-form4-2022-12-13.xml").read_bytes()
    moved = re.sub(
        rb"<directOrIndirectOwnership>\s*<value>I</value>\s*</directOrIndirectOwnership>\s*"
        rb"<natureOfOwnership>\s*<value>Trust</value>\s*(<footnoteId id=\"F\d+\"/>)",
        rb"<directOrIndirectOwnership><value>I</value>\1</directOrIndirectOwnership>"
        rb"<natureOfOwnership><value>Trust</value>",
        raw,
    )
    assert moved.count(b"<natureOfOwnership><value>Trust</value>") == 8
    con = store.connect(tmp_path / "t.db")
    f = parse_ownership(moved)
    store.save_filing(con, f, store.FilingMeta("0009999999-22-000001", "2022-12-15"), moved)
    n = con.execute(
        "SELECT count(*), sum(shares_owned_following) FROM holdings_latest "
        "WHERE nature_of_ownership = 'Trust'"
    ).fetchone()
    assert n == (8, 2755 * 3 + 9686 * 3 + 178947 + 577218)
