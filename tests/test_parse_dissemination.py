"""Issue 11 item 4 (and #15 item 10): EDGAR's dissemination `<SUBMISSION>` (.nc) form.

The Form 4 files are hand-made wrappers (fixtures/README.md) around the real Snowflake
Form 4 XML; expected values below were read from that XML and the wrappers by a person.
The Form D is a real .nc from EDGAR.
"""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import FIXTURES

from insider import parse_ownership
from insider.parse import ParseError
from insider.submission import eastern_to_utc, header, to_utc

HANDMADE = FIXTURES / "handmade"
ONE_LINE = HANDMADE / "dissemination-form4-oneline-header.nc"
MULTI_LINE = HANDMADE / "dissemination-form4-multiline-header.nc"
FORM_D = FIXTURES / "edgar-other" / "dissemination-formD-0002002260-24-000001.nc"


@pytest.mark.parametrize(
    "path, accession",
    [(ONE_LINE, "0009999996-22-000001"), (MULTI_LINE, "0009999996-22-000002")],
)
def test_form4_in_dissemination_form(path, accession):
    f = parse_ownership(path.read_bytes(), source=path.name)
    assert f.accession == accession
    assert f.document_type == "4"
    assert (f.issuer.cik, f.issuer.name, f.issuer.ticker) == (
        "0001640147",
        "Snowflake Inc.",
        "SNOW",
    )
    (o,) = f.reporting_owners
    assert (o.cik, o.name, o.officer_title) == (
        "0001402349",
        "Scarpelli Michael",
        "Chief Financial Officer",
    )
    first, second = f.non_derivative_transactions[:2]
    assert (first.code, first.shares, first.price_per_share) == (
        "M",
        Decimal("200000"),
        Decimal("8.88"),
    )
    assert first.shares_owned_following == Decimal("301097")
    assert (second.shares, second.price_per_share, second.acquired_disposed) == (
        Decimal("73170"),
        Decimal("150.841"),
        "D",
    )
    assert len(f.non_derivative_transactions) == 6
    assert len(f.non_derivative_holdings) == 8


def test_same_filing_in_both_header_layouts_parses_the_same():
    a = parse_ownership(ONE_LINE.read_bytes())
    b = parse_ownership(MULTI_LINE.read_bytes())
    assert a.rows == b.rows and a.footnotes == b.footnotes


def test_header_facts_without_line_breaks():
    h = header(ONE_LINE.read_bytes())
    assert (h.accession, h.form, h.filing_date) == ("0009999996-22-000001", "4", "2022-12-15")
    assert h.acceptance_datetime is None  # the .nc header has no acceptance time


def test_real_form_d_is_refused_with_one_line():
    with pytest.raises(ParseError) as e:
        parse_ownership(FORM_D.read_bytes(), source=FORM_D.name)
    assert "not an ownership document" in str(e.value) and "'D'" in str(e.value)
    assert "\n" not in str(e.value)
    h = header(FORM_D.read_bytes())
    assert (h.accession, h.form, h.filing_date) == ("0002002260-24-000001", "D", "2024-01-11")


def test_cli_parse_reads_nc_and_refuses_form_d():
    ok = subprocess.run(
        [str(Path(sys.executable).parent / "insider"), "parse", str(ONE_LINE), "--json"],
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stderr
    assert '"issuer"' in ok.stdout and "Scarpelli Michael" in ok.stdout
    bad = subprocess.run(
        [str(Path(sys.executable).parent / "insider"), "parse", str(FORM_D)],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1
    assert bad.stdout == ""
    assert len(bad.stderr.strip().splitlines()) == 1
    assert "not an ownership document" in bad.stderr and "Traceback" not in bad.stderr


def test_acceptance_time_of_txt_submissions_in_utc():
    # <ACCEPTANCE-DATETIME>20070817124155 (EDT, UTC-4) and 20221108201810 (EST, UTC-5:
    # daylight saving ended 2022-11-06), read from the corpus headers.
    gpro = (FIXTURES / "corpus" / "gpro-form4-2007-08-15-0001179110-07-016964.txt").read_bytes()
    tsla = (FIXTURES / "corpus" / "tsla-form4-2022-11-08-0000899243-22-035394.txt").read_bytes()
    assert header(gpro).acceptance_datetime == "2007-08-17T16:41:55.000Z"
    assert header(gpro).accession == "0001179110-07-016964"
    assert header(gpro).filing_date == "2007-08-17"
    assert header(tsla).acceptance_datetime == "2022-11-09T01:18:10.000Z"
    assert header(tsla).form == "4"


def test_time_conversions():
    assert eastern_to_utc("20200318173015") == "2020-03-18T21:30:15.000Z"
    assert eastern_to_utc("20201399999999") is None
    assert to_utc("2025-12-12T18:02:43-05:00") == "2025-12-12T23:02:43.000Z"
    assert to_utc("not a time") is None
