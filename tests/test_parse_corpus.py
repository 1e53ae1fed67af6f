"""Every real corpus file, field by field, through the `insider parse --json` contract.

Expected values live in corpus_expected_*.py and were typed by hand from the XML of each
file (not produced by the parser). Each file is checked for: header fields, issuer, every
reporting owner (name as filed, roles, title; the first owner's address), the row count of
each table, the key fields and the footnote map of every row, footnote ids and texts, and
signatures. Comparisons go through `filing_to_dict` + a JSON round trip, so they check the
contract users script against, not only the dataclasses.
"""

from __future__ import annotations

import json

import pytest
from conftest import CORPUS
from corpus_expected_1 import EXPECTED as E1
from corpus_expected_2 import EXPECTED as E2
from corpus_expected_3 import EXPECTED as E3
from corpus_expected_4 import EXPECTED as E4

from insider import parse_ownership
from insider.models import filing_to_dict

EXPECTED = {**E1, **E2, **E3, **E4}

ND_TXN = ("security_title", "transaction_date", "code", "shares", "price_per_share",
          "acquired_disposed", "shares_owned_following", "direct_or_indirect",
          "nature_of_ownership")  # fmt: skip
ND_HOLD = ("security_title", "shares_owned_following", "direct_or_indirect",
           "nature_of_ownership")  # fmt: skip
D_TXN = ("security_title", "conversion_or_exercise_price", "transaction_date", "code", "shares",
         "price_per_share", "acquired_disposed", "exercise_date", "expiration_date",
         "underlying_security_title", "underlying_shares", "shares_owned_following",
         "direct_or_indirect", "nature_of_ownership")  # fmt: skip
D_HOLD = ("security_title", "conversion_or_exercise_price", "exercise_date", "expiration_date",
          "underlying_security_title", "underlying_shares", "shares_owned_following",
          "direct_or_indirect", "nature_of_ownership")  # fmt: skip
TABLES = {
    "ndt": ("non_derivative_transactions", ND_TXN),
    "ndh": ("non_derivative_holdings", ND_HOLD),
    "dt": ("derivative_transactions", D_TXN),
    "dh": ("derivative_holdings", D_HOLD),
}
OWNER = ("cik", "name", "is_director", "is_officer", "is_ten_percent_owner", "is_other",
         "officer_title", "other_text")  # fmt: skip

FILES = sorted(p.name for p in CORPUS.iterdir() if p.suffix in (".xml", ".txt"))


def parsed(name: str) -> dict:
    filing = parse_ownership((CORPUS / name).read_bytes(), source=name)
    d = json.loads(json.dumps(filing_to_dict(filing)))
    d["_accession"] = filing.accession
    return d


def test_every_corpus_file_has_expectations():
    assert sorted(EXPECTED) == FILES
    assert len(FILES) == 25


@pytest.mark.parametrize("name", FILES)
def test_header_and_issuer(name: str):
    exp, d = EXPECTED[name], parsed(name)
    for key, value in exp["header"].items():
        if key == "remarks" and value is not None:
            assert d["remarks"].startswith(value), (key, d["remarks"])
        else:
            assert d[key] == value, key
    for key in ("no_securities_owned", "form3_holdings_reported", "form4_transactions_reported"):
        assert d[key] == exp["header"].get(key), key
    assert (d["issuer"]["cik"], d["issuer"]["name"], d["issuer"]["ticker"]) == exp["issuer"]
    assert d["_accession"] == exp.get("accession")


@pytest.mark.parametrize("name", FILES)
def test_reporting_owners(name: str):
    exp, d = EXPECTED[name], parsed(name)
    got = [tuple(o[k] for k in OWNER) for o in d["reporting_owners"]]
    assert got == exp["owners"]
    first = d["reporting_owners"][0]
    assert (first["street1"], first["street2"], first["city"], first["state"], first["zip"]) == (
        exp["address"]
    )


@pytest.mark.parametrize("name", FILES)
def test_rows_field_by_field(name: str):
    exp, d = EXPECTED[name], parsed(name)
    for short, (key, fields) in TABLES.items():
        rows = d[key]
        assert len(rows) == len(exp[short]), f"{key}: {len(rows)} rows"
        for i, (row, want) in enumerate(zip(rows, exp[short], strict=True)):
            *values, notes = want
            got = tuple(row[f] for f in fields)
            assert got == tuple(values), f"{key}[{i}]"
            assert row["footnotes"] == notes, f"{key}[{i}] footnotes"
    for (short, i), fields in exp.get("row_extra", {}).items():
        row = d[TABLES[short][0]][i]
        for field, value in fields.items():
            assert row[field] == value, (short, i, field)


@pytest.mark.parametrize("name", FILES)
def test_footnotes_and_signatures(name: str):
    exp, d = EXPECTED[name], parsed(name)
    assert list(d["footnotes"]) == list(exp["footnotes"])
    for fid, start in exp["footnotes"].items():
        text = d["footnotes"][fid]
        assert text.startswith(start), (fid, text[:80])
        assert "  " not in text and "\n" not in text  # whitespace collapsed
    assert [(s["name"], s["date"]) for s in d["signatures"]] == exp["signatures"]


@pytest.mark.parametrize("name", FILES)
def test_every_row_footnote_id_is_defined(name: str):
    d = parsed(name)
    for key, _ in TABLES.values():
        for row in d[key]:
            for ids in row["footnotes"].values():
                assert set(ids) <= set(d["footnotes"]), ids


def test_footnotes_on_containers_go_to_the_main_field():
    """The container rule on real files: transactionCoding -> code (dkng, snowflake Form 4,
    zip, meta, pdex, tsla 2023-07, snowflake Form 5), ownershipNature's own children keep
    theirs (lrcx: footnote on directOrIndirectOwnership)."""
    d = parsed("dkng-form4-2025-03-14-draftking_multi_disposal.xml")
    assert [r["footnotes"].get("code") for r in d["non_derivative_transactions"]] == [["F1"]] * 3
    d = parsed("snowflake-form4-2022-12-13.xml")
    codes = [r["footnotes"].get("code") for r in d["non_derivative_transactions"]]
    assert codes == [None] + [["F2"]] * 5
    d = parsed("tsla-form4-2023-07-27-ownership-doc.txt")
    assert d["derivative_transactions"][0]["footnotes"]["code"] == ["F1"]
    d = parsed("lrcx-form4a-2024-11-04-form4A.txt")
    assert [r["footnotes"] for r in d["non_derivative_transactions"]] == [
        {"direct_or_indirect": ["F1"]},
        {"direct_or_indirect": ["F1"]},
    ]


def test_numbers_are_exact_decimals():
    from decimal import Decimal

    f = parse_ownership((CORPUS / "isba-form4-2024-04-29-1.txt").read_bytes())
    row = f.non_derivative_transactions[0]
    assert row.shares == Decimal("275.634") and isinstance(row.shares, Decimal)
    assert str(f.non_derivative_holdings[1].shares_owned_following) == "383262.5326"
    f = parse_ownership((CORPUS / "pdex-form4-2025-01-23-form4-regression-test.txt").read_bytes())
    assert str(f.non_derivative_transactions[0].price_per_share) == "42.00"
