"""Property: whatever bytes come in, parse_ownership returns a Filing that serialises to
JSON, or raises ParseError with a one-line message. Nothing else may escape (no ValueError
of another kind, TypeError, AttributeError, UnicodeError, RecursionError, lxml errors...).

Inputs are real and hand-made fixtures mutated by byte flips, truncations, insertions of
bytes and of XML fragments, deletions of whole tags, and splices of two documents. The run
is derandomised so CI sees the same 10,000 inputs every time (a `slow` test); the default
run checks the first 500 of them.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from insider import ParseError, parse_ownership
from insider.models import filing_to_dict

SEEDS = [
    p.read_bytes()
    for d in ("corpus", "handmade")
    for p in sorted((FIXTURES / d).iterdir())
    if p.suffix in (".xml", ".txt")
]
TAG = re.compile(rb"<[^<>]{1,80}>")
# Fragments that steer mutations toward the parser's own decisions.
FRAGMENTS = [
    b"<value>",
    b"</value>",
    b"<value>x</value>",
    b"<value>1e999999</value>",
    b"<value>NaN</value>",
    b"<value>-0</value>",
    b"<value>2024-13-45</value>",
    b"<value>12/31/2024</value>",
    b'<footnoteId id="F1"/>',
    b'<footnoteId id=""/>',
    b"<footnoteId/>",
    b"<transactionCoding>",
    b"</transactionCoding>",
    b"<nonDerivativeTransaction>",
    b"<derivativeSecurity>",
    b"<reportingOwner>",
    b"<documentType>4/A</documentType>",
    b"<documentType></documentType>",
    b"&amp;",
    b"&#0;",
    b"&#xD800;",
    b"&undefined;",
    b"<![CDATA[x]]>",
    b"<!-- c -->",
    b"<?pi x?>",
    b"<!DOCTYPE x>",
    b"\x00",
    b"\xff\xfe",
    b"\xc3\x28",
    b"\r",
    b"<XML>",
    b"</ownershipDocument>",
    b'<ownershipDocument xmlns="urn:x">',
    b"<a:b xmlns:a='urn:a'>",
]


@st.composite
def mutated(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "truncate", "insert", "fragment", "deltag", "splice"]))
        n = len(data)
        at = draw(st.integers(0, max(n - 1, 0)))
        if op == "flip" and n:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "truncate":
            del data[at:]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == "fragment":
            data[at:at] = draw(st.sampled_from(FRAGMENTS))
        elif op == "deltag":
            tags = list(TAG.finditer(data))
            if tags:
                m = tags[draw(st.integers(0, len(tags) - 1))]
                del data[m.start() : m.end()]
        elif op == "splice":
            other = draw(st.sampled_from(SEEDS))
            cut = draw(st.integers(0, len(other)))
            data = data[:at] + other[cut:]
    return bytes(data)


def check(data: bytes) -> None:
    try:
        filing = parse_ownership(data, source="fuzz")
    except ParseError as e:
        message = str(e)
        assert message.startswith("fuzz: ") and "\n" not in message and "\r" not in message
        return
    json.dumps(filing_to_dict(filing))


@pytest.mark.slow
@settings(
    max_examples=10_000,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutated())
def test_only_parse_error_escapes(data: bytes) -> None:
    check(data)


@settings(
    max_examples=500,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutated())
def test_only_parse_error_escapes_first_500(data: bytes) -> None:
    check(data)


@given(st.binary(max_size=2048))
@settings(max_examples=1_000, deadline=None, derandomize=True, database=None)
def test_random_bytes(data: bytes) -> None:
    check(data)


def test_every_seed_parses():
    for data in SEEDS:
        parse_ownership(data)
