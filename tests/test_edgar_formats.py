"""Decoders of EDGAR's own formats (insider/edgar/): pure functions over the documents as
EDGAR serves them, read from the bundled mirror or written here by hand."""

from __future__ import annotations

import json

from conftest import MIRROR

from insider.edgar.archive import archive_path, pick_document, raw_document_name
from insider.edgar.submissions import FilingRef, filing_refs, older_pages, recent_block
from insider.edgar.tickers import normalize_ticker, ticker_rows


def test_submissions_recent_keeps_only_ownership_forms_with_their_columns():
    sub = json.loads((MIRROR / "submissions" / "CIK0000922864.json").read_text())
    refs = list(filing_refs(recent_block(sub), "0000922864", "0000922864"))
    # The mirror's first row is Herzog's Form 4; a 10-Q, 8-K, 144 and SC 13G follow it.
    first = refs[0]
    assert first.accession == "0009999901-07-000001"
    assert first.form == "4"
    assert first.primary_document == "xslF345X02/form4.xml"
    assert first.path == "Archives/edgar/data/922864/000999990107000001/form4.xml"
    assert {r.form for r in refs} <= {"3", "3/A", "4", "4/A", "5", "5/A"}
    assert older_pages(sub) == ["CIK0000922864-submissions-001.json"]


def test_columns_of_unequal_length_are_padded_not_shifted():
    block = {
        "accessionNumber": ["0000000001-20-000001", "0000000001-20-000002", "0000000001-20-000003"],
        "form": ["4", "10-K", "4/A"],
        "filingDate": ["2020-01-02"],
        "primaryDocument": ["x.xml", "k.htm", "y.xml"],
    }
    refs = list(filing_refs(block, "0000000001", None))
    assert refs == [
        FilingRef("0000000001-20-000001", "4", "2020-01-02", None, "x.xml", "0000000001", None),
        FilingRef("0000000001-20-000003", "4/A", None, None, "y.xml", "0000000001", None),
    ]
    assert list(filing_refs(["not", "a", "block"], "1", None)) == []
    assert older_pages({"filings": {"files": [{"name": "p1.json"}, "junk", {}]}}) == ["p1.json"]


def test_index_json_pick_prefers_primary_raw_xml_then_any_ownership_xml_then_txt():
    def index(*names):
        return {"directory": {"item": [{"name": n} for n in names]}}

    acc = "0000000001-20-000001"
    assert pick_document(index("a.xml", "form4.xml"), acc, "xslF345X05/form4.xml") == "form4.xml"
    assert pick_document(index("R1_cal.xml", "FilingSummary.xml", "b.xml"), acc, "") == "b.xml"
    assert pick_document(index("x.htm", f"{acc}.txt"), acc, "") == f"{acc}.txt"
    assert pick_document(index("x.htm"), acc, "") is None
    assert pick_document(["not", "an", "index"], acc, "") is None


def test_archive_paths():
    assert raw_document_name("xslF345X05/form4.xml") == "form4.xml"
    assert raw_document_name("form4.xml") == "form4.xml"
    assert (
        archive_path("0000922864", "0009999901-07-000001", "f.xml")
        == "Archives/edgar/data/922864/000999990107000001/f.xml"
    )


def test_company_tickers_rows_and_ticker_spelling():
    data = json.loads((MIRROR / "files" / "company_tickers.json").read_text())
    rows = ticker_rows(data)
    assert ("AIV", "0000922864", "APARTMENT INVESTMENT & MANAGEMENT CO") in rows
    assert ticker_rows({"0": {"ticker": "X"}, "1": "junk", "2": {"cik_str": 5, "ticker": "y"}}) == [
        ("Y", "0000000005", None)
    ]
    assert ticker_rows("junk") == []
    assert normalize_ticker(" brk.b ") == "BRK-B"
    assert normalize_ticker("1ABC") is None
    assert normalize_ticker("A" * 13) is None
