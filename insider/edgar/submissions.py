"""EDGAR's submissions JSON (`submissions/CIK##########.json` and its older pages):
decoded into the ownership filings it lists.

`filings.recent` is columnar (parallel arrays, row i across all of them); each older page
named in `filings.files[]` is one such block without the `filings` wrapper. Columns of
unequal length are padded with None, never misaligned.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .archive import archive_path, raw_document_name

OWNERSHIP_FORMS = frozenset({"3", "3/A", "4", "4/A", "5", "5/A"})


@dataclass(frozen=True, slots=True)
class FilingRef:
    """One Form 3/4/5 (+/A) as a submissions list names it."""

    accession: str
    form: str
    filing_date: str | None
    acceptance_datetime: str | None
    primary_document: str
    folder_cik: str
    # The issuer when the list was an issuer's; None on an owner's list (the XML says).
    issuer_cik: str | None = None

    @property
    def folder(self) -> str:
        return archive_path(self.folder_cik, self.accession, "x").rsplit("/", 1)[0]

    @property
    def path(self) -> str:
        doc = raw_document_name(self.primary_document or "")
        return f"{self.folder}/{doc}" if doc else f"{self.folder}/index.json"


def filing_refs(block: Any, folder_cik: str, issuer_cik: str | None) -> Iterator[FilingRef]:
    """The ownership filings of one columnar block (`filings.recent` or an older page)."""
    if not isinstance(block, dict):
        return
    acc = block.get("accessionNumber") or []
    forms = block.get("form") or []
    n = len(acc)

    def col(name: str) -> list:
        v = block.get(name) or []
        return v if len(v) == n else list(v)[:n] + [None] * (n - len(v))

    dates, accepted, docs = col("filingDate"), col("acceptanceDateTime"), col("primaryDocument")
    for i in range(n):
        form = forms[i] if i < len(forms) else None
        if form in OWNERSHIP_FORMS and acc[i]:
            yield FilingRef(
                acc[i],
                form,
                dates[i] or None,
                accepted[i] or None,
                docs[i] or "",
                folder_cik,
                issuer_cik,
            )


def recent_block(submissions: dict[str, Any]) -> Any:
    """`filings.recent` of a submissions document ({} when absent)."""
    return (submissions.get("filings") or {}).get("recent") or {}


def older_pages(submissions: dict[str, Any], since: str | None = None) -> list[str]:
    """Names of the older pages listed in `filings.files[]`, in order; with `since`
    (YYYY-MM-DD), not those whose last filing (`filingTo`) is older."""
    pages = (submissions.get("filings") or {}).get("files") or []
    names = []
    for p in pages:
        if not isinstance(p, dict) or not p.get("name"):
            continue
        if since and str(p.get("filingTo") or "9999") < since:
            continue
        names.append(p["name"])
    return names
