"""A small market for the screen tests: the offline mirror's five issuers (real filings)
plus two invented issuers whose Form 4s are written below, so a person can read the
expected screens off this page.

ACME CORP (CIK 0000000100, ACME), open-market purchases of Common Stock in March 2020:
  2020-03-02  ALPHA ANN, Officer (Pres. & CEO)               1,000 @ 10.00  =  10,000
  2020-03-04  BETA BOB, Officer (EVP, Chief Financial Officer) filed 20,000 @ 10.50, then a
              4/A restated it to 12,000 @ 10.50               = 126,000 (counted once)
  2020-03-05  EPSILON EVE, Officer (Assistant to the CEO)   15,000 @ 10.40  = 156,000
  2020-03-06  GAMMA GUS with GAMMA FAMILY LLC (one joint filing), Director; 10% Owner
                                                             5,000 @ 10.25  =  51,250
  2020-03-09  DELTA DI, Director                             3,000 @ 10.10  =  30,300
  -> one cluster 2020-03-02 to 2020-03-09: 5 buyers (the joint filing counts once), 5 rows,
     36,000 shares, $373,550.
BETA CORP (CIK 0000000200, BCO):
  2021-06-01  ZETA ZOE, Officer (Chief Executive Officer)   50,000 @ 4.00 = 200,000, owned
              50,000 before and 100,000 after (+100 %), filed 2021-06-10: late.
  2021-06-02  ETA ED, Officer (Former CEO)                 125,000 @ 4.00 = 500,000
  2021-06-03  THETA TOM, Director                            1,000 @ 4.10 =   4,100
  -> 3 buyers within 3 days: a cluster, but under --since 2022 none.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from storehelp import synced_db

from insider.models import Filing, Issuer, ReportingOwner, Row
from insider.store import FilingMeta, save_filing

ACME = Issuer("0000000100", "ACME CORP", "ACME")
BCO = Issuer("0000000200", "BETA CORP", "BCO")


def _owner(cik: str, name: str, title: str | None = None, director=False, ten=False):
    return ReportingOwner(
        cik,
        name,
        is_director=director,
        is_officer=title is not None,
        is_ten_percent_owner=ten,
        officer_title=title,
    )


def _buy(day: str, shares: str, price: str, after: str) -> Row:
    return Row(
        table="non_derivative",
        kind="transaction",
        security_title="Common Stock",
        transaction_date=day,
        form_type="4",
        code="P",
        equity_swap_involved=False,
        shares=Decimal(shares),
        price_per_share=Decimal(price),
        acquired_disposed="A",
        shares_owned_following=Decimal(after),
        direct_or_indirect="D",
    )


def _file(db, acc, issuer, owners, row, filed, form="4", original=None, accepted=None):
    f = Filing(
        form, "X0508", row.transaction_date, original, None, False, None, None, None, None,
        issuer, tuple(owners), (row,), (), (), (), {}, (),
    )  # fmt: skip
    meta = FilingMeta(acc, filed, accepted or f"{filed}T21:15:00.000Z", None)
    save_filing(db, f, meta, b"<synthetic/>")


def market_db(path: Path):
    db = synced_db(path)
    alpha = _owner("0000001001", "ALPHA ANN", "Pres. & CEO")
    beta = _owner("0000001002", "BETA BOB", "EVP, Chief Financial Officer")
    eps = _owner("0000001005", "EPSILON EVE", "Assistant to the CEO")
    gamma = _owner("0000001003", "GAMMA GUS", director=True, ten=True)
    gamma_llc = _owner("0000001013", "GAMMA FAMILY LLC", ten=True)
    delta = _owner("0000001004", "DELTA DI", director=True)
    _file(db, "0000001001-20-000001", ACME, [alpha], _buy("2020-03-02", "1000", "10.00", "11000"),
          "2020-03-03")  # fmt: skip
    _file(db, "0000001002-20-000001", ACME, [beta], _buy("2020-03-04", "20000", "10.50", "20000"),
          "2020-03-05")  # fmt: skip
    _file(db, "0000001002-20-000002", ACME, [beta], _buy("2020-03-04", "12000", "10.50", "12000"),
          "2020-03-20", form="4/A", original="2020-03-05")  # fmt: skip
    _file(db, "0000001005-20-000001", ACME, [eps], _buy("2020-03-05", "15000", "10.40", "15000"),
          "2020-03-06")  # fmt: skip
    _file(db, "0000001003-20-000001", ACME, [gamma, gamma_llc],
          _buy("2020-03-06", "5000", "10.25", "105000"), "2020-03-09")  # fmt: skip
    _file(db, "0000001004-20-000001", ACME, [delta], _buy("2020-03-09", "3000", "10.10", "4000"),
          "2020-03-10")  # fmt: skip
    zeta = _owner("0000002001", "ZETA ZOE", "Chief Executive Officer")
    eta = _owner("0000002002", "ETA ED", "Former CEO")
    theta = _owner("0000002003", "THETA TOM", director=True)
    _file(db, "0000002001-21-000001", BCO, [zeta], _buy("2021-06-01", "50000", "4.00", "100000"),
          "2021-06-10", accepted="2021-06-10T14:05:09.000Z")  # fmt: skip
    _file(db, "0000002002-21-000001", BCO, [eta], _buy("2021-06-02", "125000", "4.00", "125000"),
          "2021-06-03")  # fmt: skip
    _file(db, "0000002003-21-000001", BCO, [theta], _buy("2021-06-03", "1000", "4.10", "1000"),
          "2021-06-04")  # fmt: skip
    return db
