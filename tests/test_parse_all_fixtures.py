"""Every ownership document in the fixtures parses, and each table holds exactly as many rows
as the raw bytes have row elements (counted with a regex, independently of the parser)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import FIXTURES

from insider import parse_ownership

DIRS = [FIXTURES / "corpus", FIXTURES / "handmade", FIXTURES / "edgar" / "Archives"]
FILES = sorted(
    p for d in DIRS for p in d.rglob("*") if p.suffix in (".xml", ".txt") and p.is_file()
)
COMMENT = re.compile(rb"<!--.*?-->", re.S)


def count(raw: bytes, tag: str) -> int:
    # An opening tag (not a closing one, not a longer name); self-closing rows count too.
    return len(re.findall(rb"<" + tag.encode() + rb"[\s/>]", raw))


def test_fixture_set_is_complete():
    names = {p.name for p in FILES}
    assert len([p for p in FILES if p.parent.name == "corpus"]) == 25
    assert "aiv-herzog-form4-2007-05-14.xml" in names
    assert "submission-cr-only-no-declaration.txt" in names
    assert len(FILES) >= 40


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_parses_and_row_counts_match_raw_bytes(path: Path):
    raw = path.read_bytes()
    f = parse_ownership(raw, source=path.name)
    body = COMMENT.sub(b"", raw)
    # X0101 rows (nonDerivativeSecurity / derivativeSecurity) are either kind.
    nd_x0101 = count(body, "nonDerivativeSecurity")
    d_x0101 = count(body, "derivativeSecurity")
    ndt, ndh = len(f.non_derivative_transactions), len(f.non_derivative_holdings)
    dt, dh = len(f.derivative_transactions), len(f.derivative_holdings)
    if nd_x0101 or d_x0101:
        assert ndt + ndh == nd_x0101 + count(body, "nonDerivativeTransaction") + count(
            body, "nonDerivativeHolding"
        )
        assert dt + dh == d_x0101 + count(body, "derivativeTransaction") + count(
            body, "derivativeHolding"
        )
    else:
        assert ndt == count(body, "nonDerivativeTransaction")
        assert ndh == count(body, "nonDerivativeHolding")
        assert dt == count(body, "derivativeTransaction")
        assert dh == count(body, "derivativeHolding")
    assert len(f.reporting_owners) == count(body, "reportingOwner")
    assert len(f.signatures) == count(body, "ownerSignature")
    assert len(f.footnotes) == count(body, "footnote")
    assert f.document_type in {"3", "3/A", "4", "4/A", "5", "5/A"}
    assert f.issuer.cik and f.issuer.name
