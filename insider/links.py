"""The sec.gov address of a filing: the one place it is built (JSON, CSV, terminal links).

Built only from a validated CIK and accession number, so nothing read from a filing or a
mirror can turn it into another address.
"""

from __future__ import annotations

import re

from .cik import parse_cik, sql_cik_number

_ACCESSION = re.compile(r"^\d{10}-\d{2}-\d{6}$")

SEC_ARCHIVES = "https://www.sec.gov/Archives/edgar/data"


def filing_url(cik: str | int | None, accession: str | None) -> str | None:
    """The filing's index page on sec.gov, e.g.
    https://www.sec.gov/Archives/edgar/data/922864/000999990107000001/0009999901-07-000001-index.htm;
    None when the CIK or the accession is not well formed."""
    number = parse_cik(cik)  # the one CIK parser (cik.py)
    if number is None or accession is None or not _ACCESSION.match(accession):
        return None
    return f"{SEC_ARCHIVES}/{int(number)}/{accession.replace('-', '')}/{accession}-index.htm"


_SQL_ACCESSION = "[0-9]" * 10 + "-[0-9][0-9]-" + "[0-9]" * 6


def filing_url_sql(cik: str, accession: str) -> str:
    """`filing_url` as a SQL expression over two columns (the screen views): the same
    address and the same refusals, the CIK read by cik.sql_cik_number (parse_cik's rule)
    (tests/test_screens.py compares the two)."""
    number = sql_cik_number(cik)
    return (
        f"CASE WHEN {accession} GLOB '{_SQL_ACCESSION}' AND length({accession}) = 20 "
        f"AND {number} IS NOT NULL THEN '{SEC_ARCHIVES}/' || {number} || '/' "
        f"|| replace({accession}, '-', '') || '/' || {accession} || '-index.htm' END"
    )
