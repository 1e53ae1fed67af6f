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


def test_threads_share_nothing():
    """One lxml parser per thread: parsing in parallel gives the same filings as in turn."""
    from concurrent.futures import ThreadPoolExecutor

    blobs = [p.read_bytes() for p in FILES] * 4
    expected = [parse_ownership(b) for b in blobs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(parse_ownership, blobs)) == expected


def test_pure_no_file_or_network_access(monkeypatch):
    """The parser never opens a file or a socket from Python. (libxml2's own loading of
    DTDs and entities is switched off; test_parse_hostile shows a local file never leaks.)"""
    import builtins
    import socket

    blobs = [p.read_bytes() for p in FILES]

    def refuse(*args, **kwargs):
        raise AssertionError(f"I/O attempted: {args!r}")

    monkeypatch.setattr(builtins, "open", refuse)
    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for b in blobs:
        parse_ownership(b)


def test_counts_agree_with_corpus_manifest():
    """MANIFEST.tsv's counts were made by whoever assembled the corpus, not by this parser."""
    lines = (FIXTURES / "corpus" / "MANIFEST.tsv").read_text().splitlines()
    header = lines[0].split("\t")
    assert len(lines) == 26
    for line in lines[1:]:
        m = dict(zip(header, line.split("\t"), strict=True))
        f = parse_ownership((FIXTURES / "corpus" / Path(m["file"]).name).read_bytes())
        got = (
            f.document_type,
            f.schema_version,
            f.issuer.name,
            len(f.reporting_owners),
            len(f.non_derivative_transactions),
            len(f.non_derivative_holdings),
            len(f.derivative_transactions),
            len(f.derivative_holdings),
            len(f.footnotes),
        )
        want = (m["document_type"], m["schema"], m["issuer"]) + tuple(
            int(m[k]) for k in ("owners", "nd_trans", "nd_hold", "d_trans", "d_hold", "footnotes")
        )
        assert got == want, m["file"]
