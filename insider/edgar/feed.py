"""EDGAR's latest-filings Atom feed (`browse-edgar?action=getcurrent`): bytes -> entries.
Pure, no I/O (../shared/docs/market.md §3).

Traps: `type=4` is a prefix match (424B2, 497K, 40-APP come with it), so callers filter by
each entry's own form; a filing appears once per CIK it names, with the role in the
title (`4 - Perez Daniel Antonio (0002063236) (Reporting)`); `updated` is the acceptance
time with its offset (returned here in UTC). The feed holds at most `FEED_MAX` entries;
asking past them answers 503.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from ..submission import to_utc

FEED_MAX = 5100
PAGE_SIZES = (10, 20, 40, 80, 100)
_ATOM = "{http://www.w3.org/2005/Atom}"
_TITLE = re.compile(r"^(?P<form>.+?) - (?P<name>.*) \((?P<cik>\d{1,10})\) \((?P<role>[^()]*)\)\s*$")
_ACC = re.compile(r"accession-number=(\d{10}-\d{2}-\d{6})")
_LINK_ACC = re.compile(r"/(\d{10}-\d{2}-\d{6})-index\.html?$")


class FeedFormatError(ValueError):
    """Not an Atom feed (an HTML page served with 200, truncated XML)."""


@dataclass(frozen=True, slots=True)
class FeedEntry:
    accession: str
    form: str
    cik: str | None  # 10 digits: the CIK this entry is listed under
    name: str | None
    role: str | None  # Reporting, Issuer, Filer, ...
    updated: str | None  # acceptance time, UTC: 2025-12-12T23:02:43.000Z

    @property
    def path(self) -> str | None:
        """The full submission `.txt` (one request for the whole filing)."""
        if not self.cik:
            return None
        return f"Archives/edgar/data/{int(self.cik)}/{self.accession}.txt"


def feed_path(form_type: str, start: int = 0, count: int = 100) -> str:
    if count not in PAGE_SIZES:
        raise ValueError(f"count must be one of {PAGE_SIZES}")
    return (
        "cgi-bin/browse-edgar?action=getcurrent"
        f"&type={form_type}&company=&dateb=&owner=include&start={start}&count={count}&output=atom"
    )


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def decode(data: bytes) -> list[FeedEntry]:
    """Entries in feed order (newest first); entries without an accession are dropped."""
    try:
        root = etree.fromstring(data, _parser())
    except (etree.XMLSyntaxError, ValueError) as e:
        raise FeedFormatError(f"not an Atom feed ({' '.join(str(e).split())[:120]})") from None
    if root.tag != f"{_ATOM}feed":
        raise FeedFormatError(f"not an Atom feed (root element {str(root.tag)[:60]!r})")
    out = []
    for entry in root.iter(f"{_ATOM}entry"):
        title = (entry.findtext(f"{_ATOM}title") or "").strip()
        ident = entry.findtext(f"{_ATOM}id") or ""
        m = _ACC.search(ident)
        link = entry.find(f"{_ATOM}link")
        href = link.get("href", "") if link is not None else ""
        if not m:
            m = _LINK_ACC.search(href)
        if not m:
            continue
        t = _TITLE.match(title)
        cat = entry.find(f"{_ATOM}category")
        form = (cat.get("term") if cat is not None else None) or (t.group("form") if t else "")
        updated = entry.findtext(f"{_ATOM}updated")
        out.append(
            FeedEntry(
                accession=m.group(1),
                form=" ".join(form.split()),
                cik=f"{int(t.group('cik')):010d}" if t else _cik_from_link(href),
                name=t.group("name").strip() if t else None,
                role=t.group("role") if t else None,
                updated=to_utc(updated) if updated else None,
            )
        )
    return out


def _cik_from_link(href: str) -> str | None:
    m = re.search(r"/data/(\d{1,10})/", href)
    return f"{int(m.group(1)):010d}" if m else None
