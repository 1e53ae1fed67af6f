"""Owner and issuer look-up: the one place that turns what a user typed (a CIK with or
without `CIK` prefix and zeros, a ticker, words of a name) into owners and issuers. Every
command and filter uses it: show, company, --issuer, and the tests of the FTS index.

Names go through the full-text index (word prefixes, any order: "thomas herz" finds
"HERZOG THOMAS M" in milliseconds on a million owners); a substring scan only when that
finds nothing ("ERZO").
"""

from __future__ import annotations

import re
from typing import Any

from . import queries
from .cik import looks_like_cik, parse_cik
from .errors import ReportError

_ENTITY_WORDS = frozenset(
    "INC INC. CORP CORP. CORPORATION CO CO. COMPANY LLC L.L.C. LP L.P. LTD LTD. LIMITED PLC "
    "FUND FUNDS PARTNERS PARTNERSHIP HOLDINGS HOLDING CAPITAL GROUP FOUNDATION MANAGEMENT "
    "VENTURES ADVISORS ADVISERS BANK N.V. S.A. AG GMBH SE INVESTMENTS ASSOCIATES".split()
)
_TRUST_WORDS = frozenset({"TRUST", "TRUSTS", "TR", "ESTATE"})


def owner_type(name: str | None) -> str:
    """'person', 'company' or 'trust', guessed from the name as filed (EDGAR does not say)."""
    words = set(re.split(r"[\s,]+", (name or "").upper()))
    if words & _TRUST_WORDS:
        return "trust"
    if words & _ENTITY_WORDS:
        return "company"
    return "person"


# ---------------------------------------------------------------- owners


def find_owner_ciks(db, query: str, limit: int = 100) -> list[str]:
    """Owner CIKs for a CIK, or words of the name (owners_fts only, no substring scan)."""
    if looks_like_cik(query):
        cik = parse_cik(query)
        return [c for c, _ in queries.owner_by_cik(db, cik)] if cik else []
    return [c for c, _ in queries.owners_by_words(db, query, limit)]


def find_owners(db, query: str) -> list[dict[str, Any]]:
    """Owners whose CIK is `query`, or whose name has every word of it (any order): as word
    prefixes through owners_fts, else as substrings. Each with its type and issuers."""
    if looks_like_cik(query):
        cik = parse_cik(query)
        rows = queries.owner_by_cik(db, cik) if cik else []
    else:
        rows = queries.owners_by_words(db, query) or queries.owners_by_substrings(db, query.split())
    issuers = queries.issuers_of_owners(db, [r[0] for r in rows])
    return [
        {"cik": cik, "name": name, "type": owner_type(name), "issuers": issuers.get(cik, [])}
        for cik, name in rows
    ]


def resolve_owner(db, query: str) -> dict[str, Any]:
    """The one owner `query` names; ReportError when none, or several (exit status 2, the
    candidates listed) unless exactly one has that very name."""
    matches = find_owners(db, query)
    if not matches:
        raise ReportError(f"no reporting owner matches {query!r} in this database")
    if len(matches) > 1:
        exact = [m for m in matches if (m["name"] or "").upper() == query.strip().upper()]
        if len(exact) == 1:
            return exact[0]
        raise ReportError(
            f"{len(matches)} reporting owners match {query!r}; give more of the name or a CIK",
            exit_code=2,
            candidates=matches,
        )
    return matches[0]


# ---------------------------------------------------------------- issuers


def find_issuer_ciks(db, query: str, limit: int = 100) -> list[str]:
    """Issuer CIKs for a CIK, an exact ticker, or words of the name (issuers_fts)."""
    if looks_like_cik(query):
        cik = parse_cik(query)
        return [c for c, _, _ in queries.issuer_by_cik(db, cik)] if cik else []
    exact = [c for c, _, _ in queries.issuers_by_ticker(db, query.strip())]
    return exact or [c for c, _ in queries.issuers_by_words(db, query, limit)]


def issuer_ciks(db, query: str) -> list[str]:
    """Issuers a filter names (a CIK or an exact ticker): every match, maybe none."""
    if looks_like_cik(query):
        cik = parse_cik(query)
        return [cik] if cik else []
    return [c for c, _, _ in queries.issuers_by_ticker(db, query.strip())]


def resolve_issuer(db, query: str) -> dict[str, Any]:
    """The one issuer a CIK or ticker names; ReportError when none or several."""
    q = query.strip()
    if looks_like_cik(q):
        cik = parse_cik(q)
        rows = queries.issuer_by_cik(db, cik) if cik else []
    else:
        rows = queries.issuers_by_ticker(db, q)
    if not rows:
        raise ReportError(f"no issuer {query!r} in this database; run 'insider sync {q}' first")
    if len(rows) > 1:
        raise ReportError(
            f"{len(rows)} issuers have ticker {query!r}; give a CIK",
            exit_code=2,
            candidates=[{"cik": c, "name": n, "issuers": [t or ""]} for c, n, t in rows],
        )
    cik, name, ticker = rows[0]
    return {"cik": cik, "name": name, "ticker": ticker}
