"""EDGAR's daily form index (`form.YYYYMMDD.idx`): bytes -> entries. Pure, no I/O.

The file is fixed-width, not delimited (../shared/docs/market.md §2): a header block, a
line of column names (`Form Type   Company Name   CIK   Date Filed   File Name`), a ruler
of dashes, then one line per (filing, CIK it names). Columns are found from the names
line rather than assumed, because widths have changed over the years. A company name can
run into the CIK column (`badform.idx.txt` has one), so the three last fields (CIK, date,
file name), which never hold spaces, are read from the right; the form type, which can
(`SC 13G`, `1-A POS`), from its column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

_FILE = re.compile(r"^edgar/data/(\d{1,10})/(\d{10}-\d{2}-\d{6})\.txt$")
_DATE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})$")


class IndexFormatError(ValueError):
    """The bytes are not a daily form index (an HTML error page served with 200, say)."""


@dataclass(frozen=True, slots=True)
class IndexEntry:
    form: str
    company: str
    cik: str  # 10 digits
    date_filed: str  # YYYY-MM-DD
    path: str  # Archives/edgar/data/{cik}/{accession}.txt: the full submission
    accession: str


@dataclass
class DailyIndex:
    entries: list[IndexEntry]
    bad_lines: int = 0  # lines after the ruler that are no entry (reported, never fatal)


def index_path(day: date) -> str:
    """Where EDGAR keeps a day's form index."""
    q = (day.month - 1) // 3 + 1
    return f"Archives/edgar/daily-index/{day.year}/QTR{q}/form.{day:%Y%m%d}.idx"


def decode(data: bytes) -> DailyIndex:
    text = data.decode("latin-1")  # EDGAR's indexes are ASCII; never fail on a stray byte
    lines = text.splitlines()
    company_col = None
    start = None
    for i, line in enumerate(lines[:100]):
        if line.startswith("Form Type") and "Company Name" in line and "File Name" in line:
            company_col = line.index("Company Name")
            start = i + 1
            break
    if company_col is None or start is None:
        raise IndexFormatError("not an EDGAR form index (no 'Form Type ... File Name' header)")
    if start < len(lines) and set(lines[start].strip()) == {"-"}:
        start += 1
    out: list[IndexEntry] = []
    bad = 0
    for line in lines[start:]:
        if not line.strip():
            continue
        entry = _entry(line, company_col)
        if entry is None:
            bad += 1
        else:
            out.append(entry)
    return DailyIndex(out, bad)


def _entry(line: str, company_col: int) -> IndexEntry | None:
    parts = line.rstrip().rsplit(None, 3)
    if len(parts) != 4:
        return None
    head, cik, filed, name = parts
    m = _FILE.match(name)
    d = _DATE.match(filed)
    if not m or not d or not cik.isdigit() or len(cik) > 10:
        return None
    if len(head) > company_col and head[company_col - 1] == " ":
        form, company = head[:company_col].strip(), head[company_col:].strip()
    else:  # a form type wider than its column pushes the name right: split at the gap
        form, _, company = (x.strip() for x in head.partition("  "))
    if not form:
        return None
    return IndexEntry(
        form=form,
        company=company,
        cik=f"{int(cik):010d}",
        date_filed=f"{d.group(1)}-{d.group(2)}-{d.group(3)}",
        path=f"Archives/{name}",
        accession=m.group(2),
    )


def ownership_entries(entries: Iterable[IndexEntry], forms: frozenset[str]) -> list[IndexEntry]:
    """Entries of the wanted forms, one per accession (a Form 4 is listed once per CIK it
    names: issuer and each reporting owner), originals before amendments."""
    seen: set[str] = set()
    out = []
    for e in entries:
        if e.form in forms and e.accession not in seen:
            seen.add(e.accession)
            out.append(e)
    out.sort(key=lambda e: (e.form.endswith("/A"), e.accession))
    return out
