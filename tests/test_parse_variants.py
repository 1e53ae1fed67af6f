"""Spellings of the same document that real filers produce: each must give the same values.
Variants are made from fixtures by byte substitutions written out in each test."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import FIXTURES, HERZOG_XML

from insider import ParseError, parse_ownership
from insider.models import filing_to_dict

AMEND = (FIXTURES / "handmade" / "form4a-amendment.xml").read_bytes()
BASE = filing_to_dict(parse_ownership(AMEND))


def same_as_base(data: bytes) -> None:
    assert filing_to_dict(parse_ownership(data)) == BASE


def test_default_namespace():
    same_as_base(
        AMEND.replace(b"<ownershipDocument>", b'<ownershipDocument xmlns="urn:example:own">')
    )


def test_prefixed_namespace():
    data = AMEND.replace(b"<ownershipDocument>", b'<o:ownershipDocument xmlns:o="urn:x">')
    same_as_base(data.replace(b"</ownershipDocument>", b"</o:ownershipDocument>"))


def test_utf8_bom_and_leading_blank_lines():
    same_as_base(b"\xef\xbb\xbf\r\n\n  " + AMEND)
    same_as_base(b"\n\n" + AMEND)


def test_crlf_line_endings():
    same_as_base(AMEND.replace(b"\n", b"\r\n"))


def test_unwrapped_values():
    # Older and hand-rolled filings give values bare, without the <value> wrapper.
    data = AMEND.replace(b"<value>1200</value>", b"1200").replace(
        b"<value>Common Stock</value>", b"Common Stock"
    )
    same_as_base(data)


def test_latin1_declared_encoding():
    data = HERZOG_XML.read_bytes().replace(
        b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="ISO-8859-1"?>'
    )
    data = data.replace(b"HERZOG THOMAS M", b"HERZ\xd6G THOMAS M")
    assert parse_ownership(data).reporting_owners[0].name == "HERZÖG THOMAS M"


def test_us_dates_commas_and_dollar_signs():
    data = (
        AMEND.replace(b"<value>2024-02-27-05:00</value>", b"<value>2/27/2024</value>")
        .replace(b"<value>41.3750</value>", b"<value>$41.3750</value>")
        .replace(b"<value>18800</value>", b"<value>18,800</value>")
    )
    row = parse_ownership(data).non_derivative_transactions[0]
    assert row.transaction_date == "2024-02-27"
    assert row.price_per_share == Decimal("41.3750")
    assert row.shares_owned_following == Decimal("18800")


def test_impossible_us_date_kept_as_filed():
    for filed in (b"13/45/2024", b"2/30/2024"):
        data = AMEND.replace(b"<value>2024-02-27-05:00</value>", b"<value>" + filed + b"</value>")
        assert parse_ownership(data).non_derivative_transactions[0].transaction_date == (
            filed.decode()
        )


def test_not_a_number_is_null_not_zero():
    data = AMEND.replace(b"<value>1200</value>", b"<value>see footnote</value>")
    assert parse_ownership(data).non_derivative_transactions[0].shares is None
    data = AMEND.replace(b"<value>1200</value>", b"<value>NaN</value>")
    assert parse_ownership(data).non_derivative_transactions[0].shares is None


def test_repeated_footnote_id_listed_once():
    data = AMEND.replace(b'<footnoteId id="F2"/>', b'<footnoteId id="F2"/><footnoteId id="F2"/>')
    assert parse_ownership(data).non_derivative_transactions[0].footnotes == {
        "code": ("F1",),
        "price_per_share": ("F2",),
    }


def test_document_type_spelling():
    f = parse_ownership(AMEND.replace(b"<documentType>4/A<", b"<documentType> 4/a <"))
    assert f.document_type == "4/A"
    with pytest.raises(ParseError, match="unknown documentType"):
        parse_ownership(AMEND.replace(b"<documentType>4/A<", b"<documentType>144<"))


def test_filing_is_frozen_value():
    f = parse_ownership(AMEND)
    assert f == parse_ownership(AMEND)
    with pytest.raises(AttributeError):
        f.document_type = "4"  # type: ignore[misc]


def test_footnote_on_an_element_that_never_has_a_value_wrapper():
    # transactionCode is bare text in every schema; a footnoteId may still sit inside it.
    data = AMEND.replace(
        b"<transactionCode>S</transactionCode>",
        b'<transactionCode>S<footnoteId id="F2"/></transactionCode>',
    )
    row = parse_ownership(data).non_derivative_transactions[0]
    assert row.code == "S"
    assert row.footnotes["code"] == ("F2", "F1")  # its own first, then the container's
