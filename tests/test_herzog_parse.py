"""The founding Form 4, field by field. Expected values typed from
shared/seeds/form4-aiv-herzog-2007-05-14.txt, not produced by the parser."""

from __future__ import annotations

from decimal import Decimal

from conftest import HERZOG_XML

from insider import parse_ownership

# (date, code, shares, price, A/D, owned after) as printed in the seed's Table I.
SEED_TABLE_I = [
    ("2007-05-10", "S", "5500", "54", "D", "59361"),
    ("2007-05-10", "S", "800", "54.01", "D", "58561"),
    ("2007-05-10", "S", "100", "54.02", "D", "58461"),
    ("2007-05-10", "S", "300", "54.03", "D", "58161"),
    ("2007-05-10", "S", "557", "54.04", "D", "57604"),
    ("2007-05-11", "M", "7547", "33.95", "A", "65151"),
    ("2007-05-11", "S", "6400", "54.95", "D", "58751"),
    ("2007-05-11", "S", "100", "54.96", "D", "58651"),
    ("2007-05-11", "S", "900", "54.97", "D", "57751"),
    ("2007-05-11", "S", "147", "54.99", "D", "57604"),
]


def test_header_issuer_owner():
    f = parse_ownership(HERZOG_XML.read_bytes())
    assert f.document_type == "4"
    assert f.schema_version == "X0202"
    assert f.period_of_report == "2007-05-10"
    assert f.date_of_original_submission is None
    assert f.aff10b5one is None
    assert (f.issuer.cik, f.issuer.name, f.issuer.ticker) == (
        "0000922864",
        "APARTMENT INVESTMENT & MANAGEMENT CO",
        "AIV",
    )
    (o,) = f.reporting_owners
    assert o.name == "HERZOG THOMAS M"
    assert (o.street1, o.street2, o.city, o.state, o.zip) == (
        "4582 S. ULSTER STREET PARKWAY",
        "SUITE 1100",
        "DENVER",
        "CO",
        "80237",
    )
    assert (o.is_director, o.is_officer, o.is_ten_percent_owner, o.is_other) == (
        False,
        True,
        False,
        False,
    )
    assert o.officer_title == "Executive Vice President - CFO"
    assert [(s.name, s.date) for s in f.signatures] == [("Thomas M. Herzog", "2007-05-14")]


def test_table_one_rows():
    f = parse_ownership(HERZOG_XML.read_bytes())
    assert len(f.non_derivative_transactions) == 10
    assert f.non_derivative_holdings == ()
    for row, (date, code, shares, price, ad, after) in zip(
        f.non_derivative_transactions, SEED_TABLE_I, strict=True
    ):
        assert row.security_title == "Class A Common Stock"
        assert row.transaction_date == date
        assert row.code == code
        assert row.shares == Decimal(shares)
        assert row.price_per_share == Decimal(price)
        assert isinstance(row.price_per_share, Decimal)
        assert row.acquired_disposed == ad
        assert row.shares_owned_following == Decimal(after)
        assert row.direct_or_indirect == "D"
        assert row.footnotes == {}


def test_table_two_option_and_footnotes():
    f = parse_ownership(HERZOG_XML.read_bytes())
    (d,) = f.derivative_transactions
    assert d.security_title == "Employee Stock Option (Right to Buy)"
    assert d.conversion_or_exercise_price == Decimal("33.95")
    assert d.transaction_date == "2007-05-11"
    assert d.code == "M"
    assert d.shares == Decimal("7547")
    assert d.price_per_share is None
    assert d.acquired_disposed == "D"
    assert d.exercise_date is None
    assert d.expiration_date == "2014-01-19"
    assert d.underlying_security_title == "Class A Common Stock"
    assert d.underlying_shares == Decimal("7547")
    assert d.footnotes == {"exercise_date": ("F1",), "price_per_share": ("F2",)}
    assert f.footnotes == {
        "F1": "The option vests 20% on each anniversary of the grant date of January 19, 2004.",
        "F2": "Option award approved by Compensation and Human Resources Committee; "
        "price column not applicable.",
    }
