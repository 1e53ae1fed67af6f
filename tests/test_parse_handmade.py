"""Hand-made fixtures (fixtures/handmade/, described in fixtures/README.md), field by field.

Rows are compared whole: every field of the contract not named in the expectation must be
null, so a value appearing where none was filed fails as surely as a missing one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from conftest import FIXTURES

from insider import parse_ownership
from insider.models import (
    ROW_FIELDS_D_HOLD,
    ROW_FIELDS_D_TXN,
    ROW_FIELDS_ND_HOLD,
    ROW_FIELDS_ND_TXN,
    filing_to_dict,
)

HANDMADE = FIXTURES / "handmade"
BIN = Path(sys.executable).parent / "insider"


def load(name: str) -> dict:
    return json.loads(json.dumps(filing_to_dict(parse_ownership((HANDMADE / name).read_bytes()))))


def row(fields: tuple[str, ...], footnotes: dict | None = None, **values) -> dict:
    assert set(values) <= set(fields), set(values) - set(fields)
    d = {f: values.get(f) for f in fields}
    d["footnotes"] = footnotes or {}
    return d


def owner(cik, name, **kw) -> dict:
    keys = ("street1", "street2", "city", "state", "zip", "is_director", "is_officer",
            "is_ten_percent_owner", "is_other", "officer_title", "other_text")  # fmt: skip
    assert set(kw) <= set(keys)
    return {"cik": cik, "name": name, **{k: kw.get(k) for k in keys}}


def test_amendment_4a():
    d = load("form4a-amendment.xml")
    assert d["document_type"] == "4/A"
    assert d["schema_version"] == "X0508"
    assert d["period_of_report"] == "2024-02-27"
    assert d["date_of_original_submission"] == "2024-02-29"
    assert d["not_subject_to_section16"] is False
    assert d["aff10b5one"] is True
    assert d["no_securities_owned"] is None
    assert d["remarks"] == "Amended to correct the sale price in Table I."
    assert d["issuer"] == {"cik": "0009999801", "name": "EXAMPLE WIDGETS CORP", "ticker": "EXWD"}
    assert d["reporting_owners"] == [
        owner(
            "0009999811",
            "DOE JANE Q",
            street1="1 EXAMPLE PLAZA",
            city="SPRINGFIELD",
            state="IL",
            zip="62701",
            is_director=False,
            is_officer=True,
            is_ten_percent_owner=False,
            is_other=False,
            officer_title="Chief Financial Officer",
        )  # fmt: skip
    ]
    assert d["non_derivative_transactions"] == [
        row(
            ROW_FIELDS_ND_TXN,
            {"code": ["F1"], "price_per_share": ["F2"]},
            security_title="Common Stock",
            transaction_date="2024-02-27",
            form_type="4",
            code="S",
            equity_swap_involved=False,
            shares="1200",
            price_per_share="41.3750",
            acquired_disposed="D",
            shares_owned_following="18800",
            direct_or_indirect="D",
        )  # fmt: skip
    ]
    assert d["non_derivative_holdings"] == d["derivative_transactions"] == []
    assert d["derivative_holdings"] == []
    assert d["footnotes"] == {
        "F1": "Sale under a Rule 10b5-1 trading plan adopted on November 1, 2023.",
        "F2": "This amendment corrects the price, reported as $41.75 in the original Form 4.",
    }
    assert d["signatures"] == [{"name": "/s/ Jane Q. Doe", "date": "2024-03-04"}]


def test_holdings_only_amendment_has_no_transactions():
    d = load("form4a-holdings-only.xml")
    assert d["document_type"] == "4/A"
    assert d["date_of_original_submission"] == "2024-02-29"
    assert d["aff10b5one"] is False
    assert d["non_derivative_transactions"] == []
    assert d["derivative_transactions"] == []
    assert d["non_derivative_holdings"] == [
        row(
            ROW_FIELDS_ND_HOLD,
            {"nature_of_ownership": ["F1"]},
            security_title="Common Stock",
            shares_owned_following="2500",
            direct_or_indirect="I",
            nature_of_ownership="By 401(k) Plan",
        )  # fmt: skip
    ]
    assert d["derivative_holdings"] == [
        row(
            ROW_FIELDS_D_HOLD,
            security_title="Stock Option (Right to Buy)",
            conversion_or_exercise_price="30.10",
            exercise_date="2022-06-01",
            expiration_date="2031-06-01",
            underlying_security_title="Common Stock",
            underlying_shares="10000",
            shares_owned_following="10000",
            direct_or_indirect="D",
        )  # fmt: skip
    ]
    (o,) = d["reporting_owners"]
    assert o == owner("0009999811", "DOE JANE Q", is_officer=True,
                      officer_title="Chief Financial Officer")  # fmt: skip
    assert list(d["footnotes"]) == ["F1"]
    assert d["footnotes"]["F1"].startswith("Shares held in the issuer's 401(k) plan")


def test_footnote_only_price_and_date_and_stacked_footnotes():
    d = load("form4-footnote-only-values.xml")
    (nd,) = d["non_derivative_transactions"]
    assert nd == row(
        ROW_FIELDS_ND_TXN,
        {
            "transaction_date": ["F1"],  # the date is only a footnote
            "shares": ["F2", "F3", "F4", "F6"],  # three on the value, one on its container
            "price_per_share": ["F5"],  # the price is only a footnote
            "shares_owned_following": ["F7"],  # on postTransactionAmounts
            "direct_or_indirect": ["F8"],  # on ownershipNature
        },
        security_title="Common Stock", form_type="4", code="J", equity_swap_involved=False,
        shares="3000", acquired_disposed="A", shares_owned_following="45000",
        direct_or_indirect="I", nature_of_ownership="By LLC",
    )  # fmt: skip
    (dt,) = d["derivative_transactions"]
    assert dt == row(
        ROW_FIELDS_D_TXN,
        {"underlying_security_title": ["F9"]},  # on underlyingSecurity
        security_title="Convertible Note", conversion_or_exercise_price="12.50",
        transaction_date="2021-11-30", form_type="4", code="P", equity_swap_involved=False,
        total_value="250000", price_per_share="1.00", acquired_disposed="A",
        exercise_date="2021-11-30", expiration_date="2026-11-30",
        underlying_security_title="Common Stock", underlying_shares="20000",
        value_owned_following="250000", direct_or_indirect="D",
    )  # fmt: skip
    assert list(d["footnotes"]) == [f"F{i}" for i in range(1, 10)]
    assert d["footnotes"]["F1"] == (
        "Shares were received on several dates between November 1 and November 30, 2021."
    )
    assert d["footnotes"]["F4"].startswith("The reporting person disclaims beneficial")
    assert d["remarks"] is None  # <remarks></remarks>: null, not ""


def test_x0101_rows_give_the_same_fields():
    d = load("form4-x0101-2003.xml")
    assert d["schema_version"] == "X0101"
    assert d["non_derivative_transactions"] == [
        row(
            ROW_FIELDS_ND_TXN,
            security_title="Common Stock",
            transaction_date="2003-07-15",
            form_type="4",
            code="M",
            equity_swap_involved=False,
            shares="4000",
            price_per_share="15.25",
            acquired_disposed="A",
            shares_owned_following="54000",
            direct_or_indirect="D",
        )  # fmt: skip
    ]
    assert d["non_derivative_holdings"] == [
        row(
            ROW_FIELDS_ND_HOLD,
            security_title="Common Stock",
            shares_owned_following="12000",
            direct_or_indirect="I",
            nature_of_ownership="By Spouse",
        )  # fmt: skip
    ]
    assert d["derivative_transactions"] == [
        row(
            ROW_FIELDS_D_TXN,
            {"exercise_date": ["F1"]},
            security_title="Employee Stock Option (right to buy)",
            conversion_or_exercise_price="15.25",
            transaction_date="2003-07-15",
            form_type="4",
            code="M",
            equity_swap_involved=False,
            shares="4000",
            price_per_share="0",
            acquired_disposed="D",
            expiration_date="2010-01-02",
            underlying_security_title="Common Stock",
            underlying_shares="4000",
            shares_owned_following="16000",
            direct_or_indirect="D",
        )  # fmt: skip
    ]
    assert d["derivative_holdings"] == []
    (o,) = d["reporting_owners"]
    assert o == owner("0009999813", "SMITH JOHN A", street1="200 MAIN STREET", city="HARTFORD",
                      state="CT", zip="06103", is_director=True, is_officer=True,
                      is_ten_percent_owner=False, is_other=False,
                      officer_title="President and CEO")  # fmt: skip
    assert d["signatures"] == [{"name": "John A. Smith", "date": "2003-07-17"}]


def test_true_false_booleans():
    d = load("form4-true-false-booleans.xml")
    assert d["not_subject_to_section16"] is False
    assert d["aff10b5one"] is True
    assert d["reporting_owners"] == [
        owner(
            "0009999814",
            "LEE ADA",
            is_director=True,
            is_officer=False,
            is_ten_percent_owner=False,
            is_other=True,
            other_text="Board Chair",
        )  # fmt: skip
    ]
    (r,) = d["non_derivative_transactions"]
    assert r["equity_swap_involved"] is True
    assert (r["code"], r["shares"], r["price_per_share"]) == ("K", "700", "88.10")
    f = parse_ownership((HANDMADE / "form4-true-false-booleans.xml").read_bytes())
    assert f.reporting_owners[0].roles == "Director; Other (Board Chair)"


def test_zero_one_booleans():
    d = load("form4a-amendment.xml")
    o = d["reporting_owners"][0]
    assert (o["is_director"], o["is_officer"], o["is_ten_percent_owner"], o["is_other"]) == (
        False,
        True,
        False,
        False,
    )
    assert d["non_derivative_transactions"][0]["equity_swap_involved"] is False


def test_missing_optional_blocks_are_null_or_empty():
    d = load("form3-missing-optional-blocks.xml")
    assert d["document_type"] == "3"
    for key in ("date_of_original_submission", "no_securities_owned", "not_subject_to_section16",
                "form3_holdings_reported", "form4_transactions_reported", "aff10b5one",
                "remarks"):  # fmt: skip
        assert d[key] is None, key
    assert d["reporting_owners"] == [owner("0009999815", "POE EDGAR", is_director=True)]
    assert d["non_derivative_holdings"] == [
        row(
            ROW_FIELDS_ND_HOLD,
            security_title="Common Stock",
            shares_owned_following="100",
            direct_or_indirect="D",
        )  # fmt: skip
    ]
    assert d["non_derivative_transactions"] == d["derivative_transactions"] == []
    assert d["derivative_holdings"] == []
    assert d["footnotes"] == {}
    assert d["signatures"] == [{"name": "Edgar Poe", "date": "2019-01-16"}]


def test_three_owners_two_of_them_companies():
    d = load("form4-three-owners-company.xml")
    addr = dict(street1="500 PARK AVENUE", street2="FLOOR 12", city="NEW YORK", state="NY",
                zip="10022")  # fmt: skip
    assert d["reporting_owners"] == [
        owner("0009999816", "EXAMPLE CAPITAL FUND III, L.P.", **addr, is_director=False,
              is_officer=False, is_ten_percent_owner=True, is_other=False),
        owner("0009999817", "EXAMPLE CAPITAL GP III, LLC", **addr, is_director=False,
              is_officer=False, is_ten_percent_owner=True, is_other=True,
              other_text="General partner of a 10% owner"),
        owner("0009999818", "O'BRIEN MARY-KATE", **addr, is_director=True, is_officer=False,
              is_ten_percent_owner=True, is_other=False),
    ]  # fmt: skip
    (r,) = d["non_derivative_transactions"]
    assert r == row(
        ROW_FIELDS_ND_TXN, {"price_per_share": ["F1"], "nature_of_ownership": ["F2"]},
        security_title="Common Stock", transaction_date="2025-02-10", form_type="4", code="P",
        equity_swap_involved=False, shares="250000", price_per_share="4.02",
        acquired_disposed="A", shares_owned_following="5250000", direct_or_indirect="I",
        nature_of_ownership="See footnote",
    )  # fmt: skip
    assert [s["name"] for s in d["signatures"]] == [
        "Example Capital Fund III, L.P., by its GP, /s/ Mary-Kate O'Brien",
        "Example Capital GP III, LLC, /s/ Mary-Kate O'Brien, Manager",
        "/s/ Mary-Kate O'Brien",
    ]
    assert {s["date"] for s in d["signatures"]} == {"2025-02-12"}


def test_cr_only_submission_without_declaration():
    raw = (HANDMADE / "submission-cr-only-no-declaration.txt").read_bytes()
    assert b"\n" not in raw and raw.count(b"\r") > 50 and b"<?xml" not in raw
    f = parse_ownership(raw)
    assert f.accession == "0009999807-05-000012"
    d = filing_to_dict(f)
    assert (d["document_type"], d["schema_version"], d["period_of_report"]) == (
        "4",
        "X0202",
        "2005-03-04",
    )
    assert d["issuer"] == {"cik": "0009999807", "name": "CARRIAGE RETURN CORP", "ticker": "CRCO"}
    assert d["reporting_owners"] == [
        owner("0009999819", "MAC CLASSIC", is_director=False, is_officer=True,
              is_ten_percent_owner=False, is_other=False, officer_title="VP, Operations")
    ]  # fmt: skip
    (r,) = f.non_derivative_transactions
    assert (r.transaction_date, r.code, r.shares, r.price_per_share, r.acquired_disposed) == (
        "2005-03-04",
        "S",
        Decimal("1000"),
        Decimal("22.5"),
        "D",
    )
    assert r.shares_owned_following == Decimal("4000")
    # CR inside text is whitespace like any other: collapsed to single spaces.
    assert d["footnotes"] == {"F1": "Line breaks in this footnote are bare carriage returns."}
    assert d["remarks"] == "Filed from an old Mac: CR line endings."
    assert d["signatures"] == [{"name": "/s/ Mac Classic", "date": "2005-03-08"}]


def test_cli_parse_json_on_handmade_txt():
    r = subprocess.run(
        [str(BIN), "parse", str(HANDMADE / "submission-cr-only-no-declaration.txt"), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["non_derivative_transactions"][0]["price_per_share"] == "22.5"
    assert list(d) == list(filing_to_dict(parse_ownership((HANDMADE / "form4a-amendment.xml")
                                                         .read_bytes())))  # fmt: skip
