"""Summary tables kept by triggers (insider/summaries.py): after every kind of write they
hold exactly what the tables say, and the readers answer the same with and without them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from datasethelp import AMEND_ACC, HANDMADE_Q, JOINT_ACC, make_zip
from markethelp import market_db

from insider import screens, store
from insider.backfill import import_zip
from insider.discover import status
from insider.reparse import reparse

# What the summaries must hold, from the documented views and the filings table.
_BUYS = (
    "SELECT accession, transaction_date, coalesce(issuer_cik, ''), coalesce(owner_cik, ''), "
    "count(*) FROM screen_purchases WHERE transaction_date IS NOT NULL "
    "GROUP BY accession, transaction_date ORDER BY 1, 2"
)
_COUNTS = "SELECT source, form, count(*) FROM filings GROUP BY source, form ORDER BY 1, 2"


_TRIGGER_NAMES = [
    "buy_days_ad", "buy_days_ai", "buy_days_au_new", "buy_days_au_old", "buy_days_filing_ad",
    "buy_days_filing_ai", "buy_days_filing_au", "filing_counts_ad", "filing_counts_ai",
    "filing_counts_au",
]  # fmt: skip


def _triggers(conn) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND "
            "(name GLOB 'buy_days_*' OR name GLOB 'filing_counts_*') ORDER BY name"
        )
    ]


def _check(conn) -> None:
    got = conn.execute(
        "SELECT accession, transaction_date, issuer_cik, owner_ciks, rows FROM buy_days "
        "ORDER BY 1, 2"
    ).fetchall()
    assert got == conn.execute(_BUYS).fetchall()
    got = conn.execute("SELECT source, form, filings FROM filing_counts ORDER BY 1, 2").fetchall()
    assert got == conn.execute(_COUNTS).fetchall()


@pytest.fixture
def mdb(tmp_path: Path):
    db = market_db(tmp_path / "insider.db")
    yield db
    db.conn.close()


def test_market_writes_keep_the_summaries(mdb):
    c = mdb.conn
    _check(c)
    # What a person reads off tests/markethelp.py: 8 filings with purchases (BETA BOB's
    # original is restated by its 4/A, so it drops out), one buy day each.
    assert c.execute("SELECT count(*), sum(rows) FROM buy_days").fetchone() == (8, 8)
    assert (
        c.execute("SELECT rows FROM buy_days WHERE accession = '0000001002-20-000001'").fetchall()
        == []
    )
    # A user's own sqlite3 session: a code corrected, a row deleted, a filing removed, the
    # owners of a filing rewritten.
    c.execute("UPDATE ownership_rows SET code = 'S' WHERE accession = '0000002003-21-000001'")
    _check(c)
    c.execute("UPDATE ownership_rows SET code = 'P' WHERE accession = '0000002003-21-000001'")
    c.execute("DELETE FROM ownership_rows WHERE accession = '0000002002-21-000001'")
    _check(c)
    c.execute("DELETE FROM filings WHERE accession = '0000001004-20-000001'")
    _check(c)
    c.execute("UPDATE filings SET owner_ciks = 'X' WHERE accession = '0000001001-20-000001'")
    _check(c)
    c.execute(
        "UPDATE filings SET form = '5', source = 'y' WHERE accession = '0000001001-20-000001'"
    )
    _check(c)
    c.commit()


def test_reparse_and_amendment_order_keep_the_summaries(mdb):
    reparse(mdb)  # every derived row deleted and written again from the stored XML
    _check(mdb.conn)


def test_bulk_import_and_its_replacement_keep_the_summaries(tmp_path: Path):
    z = make_zip(HANDMADE_Q, tmp_path / "2007q2_form345.zip")
    db = store.connect(tmp_path / "insider.db")
    import_zip(db, z)
    _check(db.conn)
    # The joint Form 4's purchase is restated by its 4/A: only the 4/A's is counted.
    accs = [r[0] for r in db.conn.execute("SELECT accession FROM buy_days")]
    assert accs == [AMEND_ACC] and JOINT_ACC != AMEND_ACC
    # The import drops the triggers for its write and puts them all back.
    assert _triggers(db.conn) == _TRIGGER_NAMES
    import_zip(db, z)  # the same quarter again: the earlier import is replaced
    _check(db.conn)
    assert _triggers(db.conn) == _TRIGGER_NAMES
    # After it, a single filing stored the ordinary way is counted by the triggers again.
    db.conn.execute(f"DELETE FROM filings WHERE accession = '{AMEND_ACC}'")
    _check(db.conn)
    db.conn.close()


def test_readers_answer_the_same_without_the_summaries(mdb, tmp_path: Path):
    c = mdb.conn
    q = screens.ScreenQuery(since="2020-01-01")
    with_summaries = screens.run_screen(c, "cluster-buys", q)
    st = status(c, tmp_path / "insider.db")
    del st["size_bytes"]  # the WAL grows below
    assert [(x["issuer_ticker"], x["first_date"], x["last_date"]) for x in
            with_summaries["clusters"]] == [
        ("BCO", "2021-06-01", "2021-06-03"),
        ("ACME", "2020-03-02", "2020-03-09"),
    ]  # fmt: skip
    c.execute("DELETE FROM insider_shape WHERE part = 'summaries'")  # as an older file
    c.commit()
    assert screens.run_screen(c, "cluster-buys", q) == with_summaries
    assert {k: v for k, v in status(c, tmp_path / "x.db").items() if k != "size_bytes"} == {
        **st,
        "database": str(tmp_path / "x.db"),
    }


def test_an_older_file_gets_them_filled_on_open(tmp_path: Path):
    path = tmp_path / "insider.db"
    market_db(path).conn.close()
    c = sqlite3.connect(path)
    c.execute("DROP TABLE buy_days")
    c.execute("DROP TABLE filing_counts")
    c.execute("DELETE FROM insider_shape WHERE part = 'summaries'")
    c.commit()
    c.close()
    db = store.connect(path)  # a writable open brings the shape forward
    _check(db.conn)
    assert db.conn.execute("SELECT count(*) FROM buy_days").fetchone() == (8,)
    db.conn.close()


def test_storing_a_filing_reads_only_its_own_rows(mdb):
    """The filings insert trigger looks up the filing's rows by the primary key, never by
    ownership_rows_code (which would read every purchase in the file per filing)."""
    from insider.summaries import SUMMARIES

    (trigger,) = [s for s in SUMMARIES if "TRIGGER buy_days_filing_ai" in s]
    select = trigger[trigger.index("SELECT") : trigger.index("ON CONFLICT")]
    for new in ("NEW.issuer_cik", "NEW.owner_ciks", "NEW.accession"):
        select = select.replace(new, "?")
    plan = " / ".join(
        r[3] for r in mdb.conn.execute("EXPLAIN QUERY PLAN " + select, ("a", "b", "x"))
    )
    assert "sqlite_autoindex_ownership_rows_1 (accession=?)" in plan, plan


def test_cluster_screen_stops_when_no_later_issuer_can_enter(mdb, monkeypatch):
    """Issuers are read newest last buy first, one at a time here: with --limit 1 the
    screen stops after BETA CORP (last buy 2021-06-03; ACME's is 2020-03-09) and lists what
    the whole market gives first."""
    from insider import cluster_screen

    read: list[int] = []
    real = cluster_screen.mq.open_market_buys_in

    def spy(db, accs, since, until):
        read.append(len(accs))
        return real(db, accs, since, until)

    monkeypatch.setattr(cluster_screen, "_BATCH", 1)
    monkeypatch.setattr(cluster_screen.mq, "open_market_buys_in", spy)
    q = screens.ScreenQuery(since="2020-01-01", limit=1)
    (c,) = screens.run_screen(mdb.conn, "cluster-buys", q)["clusters"]
    assert (c["issuer_ticker"], c["last_date"]) == ("BCO", "2021-06-03")
    assert read == [3]  # BETA CORP's three filings; ACME's never read
    everything = screens.run_screen(mdb.conn, "cluster-buys", screens.ScreenQuery(since="2020"))
    assert everything["clusters"][0] == c


def test_cluster_bound_is_the_last_day_of_a_window_of_three_owner_lists():
    from insider.cluster_screen import cluster_bound

    buys = [("2020-01-01", "a"), ("2020-01-05", "b"), ("2020-01-09", "c"), ("2020-01-30", "a")]
    assert cluster_bound(buys) == "2020-01-09"
    # 01-20 and 01-30 are 10 days apart: not one window.
    assert cluster_bound([*buys, ("2020-01-20", "d"), ("2020-01-25", "e")]) == "2020-01-09"
    more = [*buys, ("2020-01-20", "d"), ("2020-01-25", "e"), ("2020-01-29", "f")]
    assert cluster_bound(more) == "2020-01-30"  # e, f, a within 01-25..01-30
    assert cluster_bound([("2020-01-01", "a"), ("2020-01-02", "a"), ("2020-01-03", "b")]) is None
    assert cluster_bound([("2020-02-30", "a"), ("2020-03-01", "b"), ("2020-03-02", "c")]) is None


@pytest.mark.parametrize("later_first", [False, True])
def test_generated_quarters_in_either_order_keep_the_summaries(tmp_path: Path, later_first):
    """Two generated quarters (purchases, amendments across quarters), imported in date
    order or the later one first: the bulk path's recount equals the views."""
    import sys

    from conftest import ROOT

    sys.path.insert(0, str(ROOT))
    from benchmarks.datasetgen import write_quarter_zip

    zips = [tmp_path / "2024q1_form345.zip", tmp_path / "2024q2_form345.zip"]
    for seed, z in enumerate(zips, 3):
        write_quarter_zip(z, z.name[:6], submissions=400, seed=seed)
    db = store.connect(tmp_path / "insider.db")
    for z in reversed(zips) if later_first else zips:
        import_zip(db, z)
        _check(db.conn)
    assert db.conn.execute("SELECT count(*) FROM buy_days").fetchone()[0] > 0
    assert db.conn.execute("SELECT count(*) FROM filings WHERE form LIKE '%/A'").fetchone()[0] > 0
    import_zip(db, zips[0])  # a quarter imported again
    _check(db.conn)
    db.conn.close()


def _only(keep) -> dict[str, bytes]:
    """The handmade quarter's members with only the rows of accessions `keep` accepts."""
    out = {}
    for p in HANDMADE_Q.glob("*.tsv"):
        head, *rows = [line for line in p.read_bytes().split(b"\n") if line]
        kept = [r for r in rows if keep(r.split(b"\t")[0].decode())]
        out[p.name] = b"\n".join([head, *kept]) + b"\n"
    return out


@pytest.mark.parametrize("amendment_first", [False, True])
def test_an_amendment_in_another_quarter_moves_the_buy(tmp_path: Path, amendment_first):
    """The joint Form 4's purchase and its 4/A in two quarters: whichever comes second, the
    amendment link it makes moves the buy from the original to the 4/A (the bulk path's
    recount covers the relinked group's filings, not only the quarter's)."""
    original = make_zip(HANDMADE_Q, tmp_path / "2007q2_form345.zip",
                        replace=_only(lambda a: a != AMEND_ACC))  # fmt: skip
    amendment = make_zip(HANDMADE_Q, tmp_path / "2007q3_form345.zip",
                         replace=_only(lambda a: a == AMEND_ACC))  # fmt: skip
    db = store.connect(tmp_path / "insider.db")
    first, second = (amendment, original) if amendment_first else (original, amendment)
    import_zip(db, first)
    _check(db.conn)
    import_zip(db, second)
    _check(db.conn)
    assert [r[0] for r in db.conn.execute("SELECT accession FROM buy_days")] == [AMEND_ACC]
    import_zip(db, amendment)  # the amendment's quarter again: removed, then back
    _check(db.conn)
    assert [r[0] for r in db.conn.execute("SELECT accession FROM buy_days")] == [AMEND_ACC]
    db.conn.close()
