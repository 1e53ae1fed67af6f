"""EDGAR's SGML wrappers around a filing's documents: facts from their headers.

Two wrappers exist (docs: ../shared/docs/market.md §2 and §4):

- the full submission `.txt` served in the archive: `<SEC-DOCUMENT>` / `<SEC-HEADER>` with
  `<ACCEPTANCE-DATETIME>20200318173015` and `ACCESSION NUMBER:`, `CONFORMED SUBMISSION
  TYPE:`, `FILED AS OF DATE:` lines;
- the dissemination (`.nc`) form kept by feed archives: `<SUBMISSION>` with tags that have
  no closing tag (`<ACCESSION-NUMBER>…`, `<TYPE>4`, `<FILING-DATE>20240111`), one per line
  or all on one line.

Pure: bytes in, values out. Only the header is read (the first `_HEAD` bytes), so a
multi-megabyte exhibit costs nothing. EDGAR writes acceptance times in Eastern time; they
are returned in UTC, as the submissions JSON gives them (`2020-03-18T21:30:15.000Z`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

EASTERN = ZoneInfo("America/New_York")
_HEAD = 16384

# A tag's value runs to the next tag or line break: `<TYPE>4\n` and `<TYPE>4<SEQUENCE>1` alike.
_ACCEPTANCE = re.compile(rb"<ACCEPTANCE-DATETIME>\s*(\d{14})")
_ACCESSION = re.compile(rb"(?:ACCESSION[ -]NUMBER:|<ACCESSION-NUMBER>)\s*(\d{10}-\d{2}-\d{6})")
_TYPE = re.compile(rb"(?:CONFORMED SUBMISSION TYPE:|<TYPE>)[ \t]*([^<\r\n]{1,40})")
_FILED = re.compile(rb"(?:FILED AS OF DATE:|<FILING-DATE>)\s*(\d{8})")


@dataclass(frozen=True, slots=True)
class Header:
    accession: str | None = None
    form: str | None = None
    filing_date: str | None = None  # YYYY-MM-DD
    acceptance_datetime: str | None = None  # UTC, 2020-03-18T21:30:15.000Z


def eastern_to_utc(stamp: str) -> str | None:
    """`20200318173015` (EDGAR, Eastern time) -> `2020-03-18T21:30:15.000Z`; None if it is
    no time (a filer cannot set it, but a damaged file can hold anything)."""
    try:
        local = datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=EASTERN)
    except ValueError:
        return None
    return local.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def to_utc(stamp: str) -> str | None:
    """An ISO time with an offset (the feed's `2025-12-12T18:02:43-05:00`) in UTC, in the
    submissions JSON's form; None when it is not one."""
    try:
        when = datetime.fromisoformat(stamp.strip())
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=EASTERN)
    return when.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def is_sgml(data: bytes) -> bool:
    head = data[:2048]
    return b"<SEC-DOCUMENT>" in head or b"<SUBMISSION>" in head or b"<SEC-HEADER>" in head


def header(data: bytes) -> Header:
    """What the wrapper's header says; fields it lacks are None."""
    head = data[:_HEAD]
    # The first <TYPE> of a .nc is the submission's; later ones belong to its documents.
    m_acc = _ACCESSION.search(head)
    m_type = _TYPE.search(head)
    m_filed = _FILED.search(head)
    m_acc_t = _ACCEPTANCE.search(head)
    filed = None
    if m_filed:
        d = m_filed.group(1).decode()
        filed = f"{d[:4]}-{d[4:6]}-{d[6:]}"
    return Header(
        accession=m_acc.group(1).decode() if m_acc else None,
        form=m_type.group(1).decode("latin-1").strip() if m_type else None,
        filing_date=filed,
        acceptance_datetime=eastern_to_utc(m_acc_t.group(1).decode()) if m_acc_t else None,
    )
