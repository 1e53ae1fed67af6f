"""Property (issue 15, item 5), beside the parser's own fuzz test: whatever JSON a server
sends as a submissions document or older page, the reader (insider/edgar/submissions.py)
returns filings whose accession is an accession number and whose every path is a plain
EDGAR path, plus one-line descriptions of the rows it skipped, or raises SubmissionsError
with a one-line message. Nothing else escapes (no TypeError, AttributeError, KeyError...).

Inputs are the mirror's real submissions documents with values swapped for arbitrary JSON
(wrong types, hostile names), and arbitrary JSON. Derandomised: CI sees the same inputs
every run; the default run checks the first 100, the slow one 5,000.
"""

from __future__ import annotations

import copy
import json

import pytest
from conftest import FIXTURES, MIRROR
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from insider.edgar.names import is_accession, safe_path
from insider.edgar.submissions import (
    SubmissionsError,
    filing_refs,
    older_pages,
    recent_block,
)

SEEDS = [
    json.loads(p.read_text())
    for p in sorted((MIRROR / "submissions").glob("*.json"))
    + sorted((FIXTURES / "edgar-json").glob("submissions-*.json"))
]
HOSTILE = [
    "../../../../secret/a.xml",
    "%2e%2e/%2e%2e/secret.xml",
    "xslF345X05/../../secret.xml",
    "../../../../../../secret",
    "/etc/passwd",
    "form4.xml\x1b]0;x\x07",
    "0000000001-24-00000\n",
    "０００００００００１-24-000001",
    "",
    "x" * 300,
    "4",
    "4/A",
]
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=30)
    | st.sampled_from(HOSTILE)
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=8), inner, max_size=6)
    ),
    max_leaves=25,
)


def _paths(doc, prefix=()):
    """Every (container, key) inside a JSON document."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield doc, k
            yield from _paths(v)
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield doc, i
            yield from _paths(v)


@st.composite
def mutated(draw):
    doc = copy.deepcopy(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 5))):
        spots = list(_paths(doc))
        if not spots:
            break
        container, key = spots[draw(st.integers(0, len(spots) - 1))]
        container[key] = draw(values)
    return doc


def read(doc) -> None:
    problems: list[str] = []
    try:
        refs = list(filing_refs(recent_block(doc), "0000000001", None, problems))
        pages = older_pages(doc, problems=problems)
        for name in pages:
            assert safe_path(f"submissions/{name}")
        refs += list(filing_refs(doc, "0000000001", None, problems))  # as an older page
    except SubmissionsError as e:
        assert "\n" not in str(e)
        return
    for r in refs:
        assert is_accession(r.accession)
        assert safe_path(r.path) and safe_path(f"{r.folder}/index.json"), r
    for p in problems:
        assert isinstance(p, str) and "\n" not in p and "\x1b" not in p


FUZZ = dict(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.slow
@settings(max_examples=5_000, **FUZZ)
@given(mutated())
def test_only_submissions_error_escapes(doc) -> None:
    read(doc)


@settings(max_examples=100, **FUZZ)
@given(mutated())
def test_only_submissions_error_escapes_first_100(doc) -> None:
    read(doc)


@settings(max_examples=300, **FUZZ)
@given(values)
def test_arbitrary_json(doc) -> None:
    read(doc)


def test_every_seed_reads_whole():
    problems: list[str] = []
    refs = [r for doc in SEEDS for r in filing_refs(recent_block(doc), "1", None, problems)]
    assert len(refs) > 10 and problems == []
