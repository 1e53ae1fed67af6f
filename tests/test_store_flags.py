"""The late flag (US federal holiday calendar, observed days) and the 10b5-1 flag."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from storehelp import HERZOG_META, LRCX_4A_META, LRCX_ORIG_META, raw_of, save

from insider import store
from insider.flags import mentions_10b5_1
from insider.holidays import add_business_days, federal_holidays, form4_due_date, is_business_day


@pytest.mark.parametrize(
    "day, name",
    [
        (date(2021, 12, 31), "New Year's Day"),  # Jan 1 2022 is a Saturday
        (date(2023, 1, 2), "New Year's Day"),  # Jan 1 2023 is a Sunday
        (date(2022, 6, 20), "Juneteenth National Independence Day"),  # Sunday -> Monday
        (date(2021, 6, 18), "Juneteenth National Independence Day"),  # Saturday -> Friday
        (date(2020, 7, 3), "Independence Day"),  # Saturday -> Friday
        (date(2021, 7, 5), "Independence Day"),  # Sunday -> Monday
        (date(2024, 1, 15), "Birthday of Martin Luther King, Jr."),
        (date(2024, 2, 19), "Washington's Birthday"),
        (date(2024, 5, 27), "Memorial Day"),
        (date(2021, 5, 31), "Memorial Day"),  # May with five Mondays
        (date(2024, 9, 2), "Labor Day"),
        (date(2024, 10, 14), "Columbus Day"),
        (date(2023, 11, 10), "Veterans Day"),  # Saturday -> Friday
        (date(2024, 11, 28), "Thanksgiving Day"),
        (date(2022, 12, 26), "Christmas Day"),  # Sunday -> Monday
        (date(2021, 1, 20), "Inauguration Day"),
        (date(2013, 1, 21), "Birthday of Martin Luther King, Jr."),  # and Inauguration Day
        (date(2025, 1, 9), "national day of mourning, Jimmy Carter"),
        (date(2018, 12, 24), "Christmas Eve (executive order)"),
    ],
)
def test_holidays(day: date, name: str):
    assert federal_holidays(day.year)[day] == name
    assert not is_business_day(day)


def test_no_juneteenth_before_2021_and_new_year_not_twice():
    assert date(2020, 6, 19) not in federal_holidays(2020)
    assert is_business_day(date(2020, 6, 19))
    # 2022's New Year's Day is observed in 2021, so 2022 itself has no Jan holiday before MLK.
    assert [d for d in federal_holidays(2022) if d.month == 1] == [date(2022, 1, 17)]
    # 11 statutory holidays (Juneteenth included) and the Christmas Eve closure.
    assert len(federal_holidays(2024)) == 12


@pytest.mark.parametrize(
    "trade, due",
    [
        ("2007-05-10", "2007-05-14"),  # Thursday -> Monday
        ("2024-11-27", "2024-12-02"),  # Wed before Thanksgiving -> Friday, Monday
        ("2021-12-29", "2022-01-03"),  # Wed; Fri Dec 31 is the observed New Year's Day
        ("2022-06-16", "2022-06-21"),  # Thu; Mon Jun 20 observed Juneteenth
        ("2024-12-23", "2024-12-27"),  # Mon; Tue Dec 24 closed by executive order, Christmas
        ("2018-12-20", "2018-12-26"),  # Thu; Mon Dec 24 closed by executive order, Christmas
        ("2024-11-09", "2024-11-13"),  # Saturday trade: Mon Nov 11 Veterans Day
        ("2025-01-07", "2025-01-10"),  # Tue; Thu Jan 9 day of mourning
        ("2025-01-16", "2025-01-21"),  # Thu; Mon Jan 20 MLK + inauguration
    ],
)
def test_due_dates(trade: str, due: str):
    assert form4_due_date(trade) == due


def test_add_business_days_counts_from_the_next_day():
    assert add_business_days(date(2024, 7, 3), 1) == date(2024, 7, 5)
    assert add_business_days(date(2024, 7, 6), 2) == date(2024, 7, 9)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("made pursuant to a Rule 10b5-1 trading plan", True),
        ("RULE 10B5-1(c) plan adopted", True),
        ("pursuant to a 10b5\u20131 plan", True),
        ("a Rule 10b-5-1 plan", True),
        ("in violation of Rule 10b-5 of the Exchange Act", False),
        ("Rule 10b-5 and Rule 10b5-12", False),
        ("weighted average price", False),
        ("The sales were not made pursuant to a Rule 10b5-1 trading plan.", False),
        ("No Rule 10b5-1 plan was in place. The shares were gifted.", False),
        ("Not a plan sale. These sales were made under a Rule 10b5-1 plan.", True),
        ("Sold pursuant to a Rule 10b5-1 plan, not in the open market.", True),
        (None, False),
    ],
)
def test_10b5_1_text(text, expected):
    assert mentions_10b5_1(text) is expected


def _flags(db, acc):
    return db.execute(
        "SELECT row_num, late, due_date, late_source, plan_10b5_1, plan_10b5_1_source "
        "FROM ownership_rows WHERE accession = ? AND kind = 'transaction' ORDER BY row_num",
        (acc,),
    ).fetchall()


def test_herzog_on_time_no_plan(tmp_path: Path):
    db = store.connect(tmp_path / "d.db")
    save(db, HERZOG_META)
    rows = _flags(db, HERZOG_META[1])
    assert len(rows) == 11
    # Trades on Thu 05-10 (due Mon 05-14) and Fri 05-11 (due Tue 05-15), filed 05-14.
    assert {r[2] for r in rows} == {"2007-05-14", "2007-05-15"}
    assert all(r[1] == 0 and r[3] is None for r in rows)
    # X0202 has no aff10b5One box and no footnote mentions a plan.
    assert all(r[4:] == (0, "none") for r in rows)


def test_late_by_deadline_and_by_timeliness(tmp_path: Path):
    db = store.connect(tmp_path / "d.db")
    path, acc, _, accepted = HERZOG_META
    save(db, (path, acc, "2007-05-15", accepted))  # one day late for the 05-10 trades
    late = [r[0] for r in _flags(db, acc) if r[1] == 1]
    assert late == [0, 1, 2, 3, 4]
    assert db.execute("SELECT count(*) FROM filings_late").fetchone()[0] == 5
    assert db.execute("SELECT DISTINCT late_source FROM filings_late").fetchall() == [("deadline",)]
    # transactionTimeliness L marks a row late whatever the dates.
    raw = raw_of(path).replace(
        b"</transactionCoding>",
        b"</transactionCoding><transactionTimeliness><value>L</value></transactionTimeliness>",
        1,
    )
    from insider.parse import parse_ownership

    meta = store.FilingMeta("0009999901-07-000009", "2007-05-14", accepted, None)
    store.save_filing(db, parse_ownership(raw), meta, raw)
    assert _flags(db, "0009999901-07-000009")[0][1:4] == (1, "2007-05-14", "timeliness")


def test_form5_eligible_rows_have_no_deadline(tmp_path: Path):
    """transactionFormType 5 on a Form 4 (e.g. a gift before 2023): no two-day deadline."""
    from insider.parse import parse_ownership

    db = store.connect(tmp_path / "d.db")
    path, acc, _, accepted = HERZOG_META
    raw = raw_of(path).replace(
        b"<transactionFormType>4</transactionFormType>",
        b"<transactionFormType>5</transactionFormType>",
        1,
    )
    assert raw != raw_of(path)
    meta = store.FilingMeta(acc, "2007-06-30", accepted, None)
    store.save_filing(db, parse_ownership(raw), meta, raw)
    rows = _flags(db, acc)
    assert rows[0][1:4] == (None, None, None)
    assert all(r[1] == 1 and r[3] == "deadline" for r in rows[1:])


def test_amendment_judged_by_original_submission_date(tmp_path: Path):
    db = store.connect(tmp_path / "d.db")
    save(db, LRCX_4A_META)  # filed 2025-01-21 for a 2024-11-04 gift, original 2024-11-04
    rows = _flags(db, LRCX_4A_META[1])
    assert [r[1:4] for r in rows] == [(0, "2024-11-06", None)] * 2
    # aff10b5One present (0) wins over anything else.
    assert all(r[4:] == (0, "aff10b5One") for r in rows)
    save(db, LRCX_ORIG_META)
    assert db.execute("SELECT count(*) FROM filings_late").fetchone()[0] == 0


def test_plan_from_footnote_and_from_box(tmp_path: Path):
    from storehelp import synced_db

    db = synced_db(tmp_path / "d.db", extra=())
    # Apple 2019 (X0306, no box): the Rule 10b5-1 footnote sits on three sale rows only.
    rows = _flags(db, "0000320193-19-000090")
    by_plan = {r[0]: r[4:] for r in rows}
    assert by_plan[2] == (1, "footnote") and by_plan[0] == (0, "none")
    # Tesla 2023 (X0508): aff10b5One = 1.
    assert {r[4:] for r in _flags(db, "0001790565-23-000009")} == {(1, "aff10b5One")}
    n = db.execute("SELECT count(*) FROM sales WHERE plan_10b5_1 = 1").fetchone()[0]
    assert n > 0


def test_full_years_match_opm_lists():
    """OPM's published federal holiday lists (observed dates), plus Inauguration Day and
    the Christmas Eve 2024 closure by executive order."""
    assert sorted(federal_holidays(2024)) == [
        date(2024, m, d)
        for m, d in [
            (1, 1),
            (1, 15),
            (2, 19),
            (5, 27),
            (6, 19),
            (7, 4),
            (9, 2),
            (10, 14),
            (11, 11),
            (11, 28),
            (12, 24),
            (12, 25),
        ]
    ]
    assert sorted(federal_holidays(2021)) == [
        date(2021, m, d)
        for m, d in [
            (1, 1),
            (1, 18),
            (1, 20),
            (2, 15),
            (5, 31),
            (6, 18),
            (7, 5),
            (9, 6),
            (10, 11),
            (11, 11),
            (11, 25),
            (12, 24),
            (12, 31),
        ]
    ]


def test_due_date_is_always_two_business_days_later():
    d = date(2003, 1, 1)
    while d.year < 2031:
        due = date.fromisoformat(form4_due_date(d.isoformat()))
        between = [d.fromordinal(n) for n in range(d.toordinal() + 1, due.toordinal() + 1)]
        assert sum(is_business_day(x) for x in between) == 2 and is_business_day(due)
        assert (due - d).days <= 6  # at most a weekend and two holidays in between
        d = d.fromordinal(d.toordinal() + 1)
