"""Amendments: linked to what they amend in either arrival order, counted once, and a
holdings-only amendment keeps the original's transactions."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from storehelp import HERZOG_4A_META, HERZOG_META, LRCX_4A_META, LRCX_ORIG_META, dump, save

from insider import store

LRCX_ORIG, LRCX_AMEND = LRCX_ORIG_META[1], LRCX_4A_META[1]


def _links(db):
    return db.execute(
        "SELECT accession, amends_accession, superseded_by FROM filings ORDER BY accession"
    ).fetchall()


@pytest.mark.parametrize("order", ["original first", "amendment first"])
def test_lrcx_pair_linked_in_either_order(tmp_path: Path, order: str):
    db = store.connect(tmp_path / "d.db")
    items = [LRCX_ORIG_META, LRCX_4A_META]
    for item in items if order == "original first" else items[::-1]:
        save(db, item)
    assert _links(db) == [
        (LRCX_AMEND, LRCX_ORIG, None),
        (LRCX_ORIG, None, LRCX_AMEND),
    ]
    # The amended version only: 3,690-share gifts (post-split), never the original's 369.
    rows = db.execute(
        "SELECT accession, shares, shares_owned_following FROM transactions ORDER BY row_num"
    ).fetchall()
    assert rows == [(LRCX_AMEND, 3690, 0), (LRCX_AMEND, 3690, 30630)]
    held = db.execute(
        "SELECT direct_or_indirect, shares_owned_following FROM holdings_latest "
        "ORDER BY direct_or_indirect"
    ).fetchall()
    assert held == [("D", 0), ("I", 30630)]


def test_amendment_alone_counts_until_its_original_arrives(tmp_path: Path):
    db = store.connect(tmp_path / "d.db")
    save(db, LRCX_4A_META)
    assert _links(db) == [(LRCX_AMEND, None, None)]
    assert db.execute("SELECT count(*) FROM transactions").fetchone() == (2,)


def test_amendment_stored_again_keeps_links(tmp_path: Path):
    db = store.connect(tmp_path / "d.db")
    save(db, LRCX_ORIG_META)
    save(db, LRCX_4A_META)
    save(db, LRCX_4A_META)  # a retry replaces the filing
    save(db, LRCX_ORIG_META)
    assert _links(db) == [(LRCX_AMEND, LRCX_ORIG, None), (LRCX_ORIG, None, LRCX_AMEND)]
    assert db.execute("SELECT count(*) FROM transactions").fetchone() == (2,)


def test_holdings_only_amendment_keeps_transactions(tmp_path: Path):
    db = store.connect(tmp_path / "d.db")
    save(db, HERZOG_4A_META)
    save(db, HERZOG_META)
    assert _links(db) == [
        (HERZOG_META[1], None, HERZOG_4A_META[1]),
        (HERZOG_4A_META[1], HERZOG_META[1], None),
    ]
    sales = db.execute("SELECT count(*), sum(shares), round(sum(value), 2) FROM sales")
    assert sales.fetchone() == (9, 14804, 806651.81)
    assert db.execute("SELECT count(*) FROM option_exercises").fetchone() == (1,)
    held = db.execute(
        "SELECT direct_or_indirect, nature_of_ownership, shares_owned_following "
        "FROM holdings_latest ORDER BY direct_or_indirect"
    ).fetchall()
    assert held == [("D", None, 57604), ("I", "By 401(k) plan", 1200)]
    assert (
        db.execute(
            "SELECT count(*) FROM ownership_rows WHERE superseded_by IS NOT NULL"
        ).fetchone()[0]
        == 0
    )


def test_wrong_owner_or_date_is_not_linked(tmp_path: Path):
    from storehelp import raw_of

    from insider.parse import parse_ownership

    db = store.connect(tmp_path / "d.db")
    save(db, LRCX_ORIG_META)
    raw = raw_of(LRCX_4A_META[0])
    other_owner = raw.replace(b"0001779037", b"0001779038")
    meta = store.FilingMeta("0000707549-25-000005", "2025-01-21", None, None)
    store.save_filing(db, parse_ownership(other_owner), meta, other_owner)
    other_date = raw.replace(
        b"<dateOfOriginalSubmission>2024-11-04", b"<dateOfOriginalSubmission>2024-11-20"
    )
    meta = store.FilingMeta("0000707549-25-000006", "2025-01-21", None, None)
    store.save_filing(db, parse_ownership(other_date), meta, other_date)
    assert all(a is None and s is None for _, a, s in _links(db))


def test_original_date_typed_a_day_off_still_links(tmp_path: Path):
    from storehelp import raw_of

    from insider.parse import parse_ownership

    db = store.connect(tmp_path / "d.db")
    save(db, LRCX_ORIG_META)
    raw = raw_of(LRCX_4A_META[0]).replace(
        b"<dateOfOriginalSubmission>2024-11-04", b"<dateOfOriginalSubmission>2024-11-05"
    )
    store.save_filing(db, parse_ownership(raw), store.FilingMeta(LRCX_AMEND, "2025-01-21"), raw)
    assert _links(db) == [(LRCX_AMEND, LRCX_ORIG, None), (LRCX_ORIG, None, LRCX_AMEND)]


def test_chain_of_two_amendments(tmp_path: Path):
    """Original, 4/A, then a second 4/A: only the last counts, both amend the original."""
    from storehelp import raw_of

    from insider.parse import parse_ownership

    db = store.connect(tmp_path / "d.db")
    raw = raw_of(LRCX_4A_META[0]).replace(b"<value>3690</value>", b"<value>3691</value>")
    second = "0000707549-25-000009"
    orders = list(itertools.permutations(["orig", "a1", "a2"]))
    dumps = []
    for n, order in enumerate(orders):
        path = tmp_path / f"c{n}.db"
        db = store.connect(path)
        for which in order:
            if which == "orig":
                save(db, LRCX_ORIG_META)
            elif which == "a1":
                save(db, LRCX_4A_META)
            else:
                meta = store.FilingMeta(second, "2025-02-03", None, None)
                store.save_filing(db, parse_ownership(raw), meta, raw)
        assert _links(db) == [
            (LRCX_AMEND, LRCX_ORIG, second),
            (second, LRCX_ORIG, None),
            (LRCX_ORIG, None, second),
        ]
        assert db.execute("SELECT DISTINCT accession, shares FROM transactions").fetchall() == [
            (second, 3691)
        ]
        db.conn.close()
        dumps.append(dump(path))
    assert all(d == dumps[0] for d in dumps[1:])
