"""EDGAR's submissions JSON (`submissions/CIK##########.json` and its older pages):
decoded into the ownership filings it lists.

`filings.recent` is columnar (parallel arrays, row i across all of them); each older page
named in `filings.files[]` is one such block without the `filings` wrapper. Columns of
unequal length are padded with None, never misaligned.

Nothing in the JSON is trusted: a document of the wrong shape raises `SubmissionsError`
(one line); an ownership row whose accession, form, dates or document name is not what
EDGAR writes is skipped and described in `problems`, the other rows go on. Names are
checked (edgar/names.py) before any path is built from them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .archive import archive_path, raw_document_name
from .names import is_accession, is_page_name, primary_document_ok

OWNERSHIP_FORMS = frozenset({"3", "3/A", "4", "4/A", "5", "5/A"})


class SubmissionsError(ValueError):
    """A submissions document (or older page) that is not shaped like EDGAR's."""


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


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


def filing_refs(
    block: Any, folder_cik: str, issuer_cik: str | None, problems: list[str] | None = None
) -> Iterator[FilingRef]:
    """The ownership filings of one columnar block (`filings.recent` or an older page).
    Rows that cannot be trusted are skipped and described in `problems`."""
    if not isinstance(block, dict):
        if problems is not None:
            problems.append(f"a filing list is {type(block).__name__}, not an object; skipped")
        return
    acc = block.get("accessionNumber") or []
    forms = block.get("form") or []
    if not isinstance(acc, list) or not isinstance(forms, list):
        raise SubmissionsError("accessionNumber and form are not lists")
    n = len(acc)

    def col(name: str) -> list:
        v = block.get(name) or []
        if not isinstance(v, list):
            raise SubmissionsError(f"{name} is {type(v).__name__}, not a list")
        return v if len(v) == n else v[:n] + [None] * (n - len(v))

    dates, accepted, docs = col("filingDate"), col("acceptanceDateTime"), col("primaryDocument")
    for i in range(n):
        form = forms[i] if i < len(forms) else None
        if not isinstance(form, str) or form not in OWNERSHIP_FORMS:
            continue  # not an ownership filing: none of our business, however written
        why = _bad_row(acc[i], dates[i], accepted[i], docs[i])
        if why:
            if problems is not None:
                problems.append(f"row {i} (form {form}): {why}; skipped")
            continue
        yield FilingRef(
            acc[i],
            form,
            dates[i] or None,
            accepted[i] or None,
            docs[i] or "",
            folder_cik,
            issuer_cik,
        )


def _bad_row(acc: Any, date: Any, accepted: Any, doc: Any) -> str | None:
    if not is_accession(acc):
        return f"accession {_short(acc)} is not an accession number (0000000000-00-000000)"
    for name, v in (("filingDate", date), ("acceptanceDateTime", accepted)):
        if v is not None and not isinstance(v, str):
            return f"{acc}: {name} {_short(v)} is not a date"
    if doc not in (None, "") and not primary_document_ok(doc):
        return f"{acc}: primaryDocument {_short(doc)} is not a document name"
    return None


def _filings(submissions: Any) -> dict[str, Any]:
    if not isinstance(submissions, dict):
        raise SubmissionsError(f"the document is {type(submissions).__name__}, not an object")
    filings = submissions.get("filings") or {}
    if not isinstance(filings, dict):
        raise SubmissionsError(f"'filings' is {type(filings).__name__}, not an object")
    return filings


def recent_block(submissions: Any) -> Any:
    """`filings.recent` of a submissions document ({} when absent)."""
    return _filings(submissions).get("recent") or {}


def older_pages(
    submissions: Any, since: str | None = None, problems: list[str] | None = None
) -> list[str]:
    """Names of the older pages listed in `filings.files[]`, in order; with `since`
    (YYYY-MM-DD), not those whose last filing (`filingTo`) is older. A name that is not a
    plain page name (`../x.json`) is skipped and described in `problems`."""
    pages = _filings(submissions).get("files") or []
    if not isinstance(pages, list):
        raise SubmissionsError(f"'filings.files' is {type(pages).__name__}, not a list")
    names = []
    for p in pages:
        name = p.get("name") if isinstance(p, dict) else None
        if not name:
            continue
        if since and str(p.get("filingTo") or "9999") < since:
            continue
        if not is_page_name(name):
            if problems is not None:
                problems.append(f"older page {_short(name)} is not a page name; skipped")
            continue
        names.append(name)
    return names
