"""US federal holidays and SEC business days, for the Form 4 two-business-day deadline.

No third-party calendar: the rules are short and the deadline must not change when a
library does. A business day is a weekday that is not a federal holiday (Exchange Act
Rule 0-3). Holidays (5 U.S.C. 6103):

- fixed dates: New Year's Day (Jan 1), Juneteenth (Jun 19, from 2021), Independence Day
  (Jul 4), Veterans Day (Nov 11, from 1978), Christmas (Dec 25). When one falls on a
  Saturday the holiday is observed on the Friday before (so New Year's Day 2022 was
  observed on Friday 2021-12-31); on a Sunday, on the Monday after.
- Monday holidays: Martin Luther King Jr. Day (3rd Monday of January, from 1986),
  Washington's Birthday (3rd Monday of February), Memorial Day (last Monday of May),
  Labor Day (1st Monday of September), Columbus Day (2nd Monday of October); Thanksgiving
  is the 4th Thursday of November.
- Inauguration Day (Jan 20 every fourth year from 1965, Jan 21 when the 20th is a Sunday) is
  a holiday for federal offices in the Washington, D.C. area, where the SEC sits
  (5 U.S.C. 6103(c)); the SEC and EDGAR are closed.
- days the SEC and EDGAR were closed by executive order or emergency: national days of
  mourning, the Christmas Eves (and one day after Christmas) given to federal employees, and
  Hurricane Sandy: `CLOSURES`. A filing due on such a day is due on the next business day.

Rules are those in force since 1986; earlier years are not needed (Form 4 XML starts 2003).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

# Days federal offices, the SEC and EDGAR were closed outside the holiday statute.
CLOSURES: dict[date, str] = {
    date(2001, 12, 24): "Christmas Eve (executive order)",
    date(2004, 6, 11): "national day of mourning, Ronald Reagan",
    date(2007, 1, 2): "national day of mourning, Gerald Ford",
    date(2007, 12, 24): "Christmas Eve (executive order)",
    date(2008, 12, 26): "day after Christmas (executive order)",
    date(2012, 10, 29): "Hurricane Sandy (federal offices closed)",
    date(2012, 10, 30): "Hurricane Sandy (federal offices closed)",
    date(2012, 12, 24): "Christmas Eve (executive order)",
    date(2014, 12, 26): "day after Christmas (executive order)",
    date(2015, 12, 24): "Christmas Eve (executive order)",
    date(2018, 12, 5): "national day of mourning, George H. W. Bush",
    date(2018, 12, 24): "Christmas Eve (executive order)",
    date(2019, 12, 24): "Christmas Eve (executive order)",
    date(2020, 12, 24): "Christmas Eve (executive order)",
    date(2024, 12, 24): "Christmas Eve (executive order)",
    date(2025, 1, 9): "national day of mourning, Jimmy Carter",
}


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th `weekday` (Mon=0) of the month; n = -1 for the last one."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _observed(d: date) -> date:
    if d.weekday() == 5:
        return d - timedelta(days=1)
    if d.weekday() == 6:
        return d + timedelta(days=1)
    return d


@lru_cache(maxsize=256)
def federal_holidays(year: int) -> dict[date, str]:
    """Observed federal holidays (plus Inauguration Day and mourning days) that fall in
    `year`, as date -> name. Includes Dec 31 when next New Year's Day is a Saturday."""
    out: dict[date, str] = {}

    def fixed(y: int, month: int, day: int, name: str) -> None:
        d = _observed(date(y, month, day))
        if d.year == year:
            out[d] = name

    for y in (year, year + 1):  # Jan 1 of next year may be observed on Dec 31
        fixed(y, 1, 1, "New Year's Day")
    if year >= 2021:
        fixed(year, 6, 19, "Juneteenth National Independence Day")
    fixed(year, 7, 4, "Independence Day")
    if year >= 1978:
        fixed(year, 11, 11, "Veterans Day")
    else:
        out[_nth_weekday(year, 10, 0, 4)] = "Veterans Day"
    fixed(year, 12, 25, "Christmas Day")
    if year >= 1986:
        out[_nth_weekday(year, 1, 0, 3)] = "Birthday of Martin Luther King, Jr."
    out[_nth_weekday(year, 2, 0, 3)] = "Washington's Birthday"
    out[_nth_weekday(year, 5, 0, -1)] = "Memorial Day"
    out[_nth_weekday(year, 9, 0, 1)] = "Labor Day"
    out[_nth_weekday(year, 10, 0, 2)] = "Columbus Day"
    out[_nth_weekday(year, 11, 3, 4)] = "Thanksgiving Day"
    if year >= 1965 and (year - 1965) % 4 == 0:
        inaug = date(year, 1, 20)
        if inaug.weekday() == 6:
            inaug = date(year, 1, 21)
        out.setdefault(inaug, "Inauguration Day")
    for d, why in CLOSURES.items():
        if d.year == year:
            out.setdefault(d, why)
    return out


def is_business_day(d: date) -> bool:
    return d.weekday() < 5 and d not in federal_holidays(d.year)


def add_business_days(d: date, n: int) -> date:
    """The n-th business day after `d` (d itself is not counted, whatever it is)."""
    while n > 0:
        d += timedelta(days=1)
        if is_business_day(d):
            n -= 1
    return d


def form4_due_date(transaction_date: str) -> str:
    """Form 4 is due before the end of the second business day after the trade."""
    return add_business_days(date.fromisoformat(transaction_date), 2).isoformat()
