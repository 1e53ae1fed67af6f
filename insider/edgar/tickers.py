"""EDGAR's `company_tickers.json` and the ticker spelling it uses."""

from __future__ import annotations

import re
from typing import Any

_TICKER = re.compile(r"^[A-Za-z][A-Za-z0-9.\-]{0,11}$")


def normalize_ticker(text: str) -> str | None:
    """'brk.b' -> 'BRK-B' (EDGAR writes class shares with a dash); None when `text` cannot
    be a ticker."""
    t = text.strip()
    if not _TICKER.match(t):
        return None
    return t.upper().replace(".", "-")


def ticker_rows(data: Any) -> list[tuple[str, str, str | None]]:
    """`{"0": {"cik_str": 922864, "ticker": "AIV", "title": ...}, ...}` (or a list of such
    entries) -> [(ticker, 10-digit CIK, title)]; malformed entries are skipped."""
    rows = []
    entries = data.values() if isinstance(data, dict) else data if isinstance(data, list) else []
    for entry in entries:
        try:
            rows.append(
                (str(entry["ticker"]).upper(), f"{int(entry['cik_str']):010d}", entry.get("title"))
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
    return rows
