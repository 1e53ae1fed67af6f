"""`insider show`: an owner's report as plain data (rendering lives in render.py, JSON and
CSV in export.py).

`owner_report` reads through queries.py and lookup.py, then `build_owner_report` turns the
rows into the report: a pure function, testable on hand-made rows. All arithmetic is
Decimal (amounts.py): a sum of 9 sales is $806,651.81, never 806651.8100000001.

Rows an amendment replaced are never shown; a part of a filing that its amendment did not
restate (e.g. the trades, under a holdings-only 4/A) stays current, as in the SQL views.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from . import lookup, queries
from .amounts import row_value
from .chains import assign_lines, chain_breaks
from .errors import ReportError
from .lines import text_key
from .sections import same_day_index, security_section

__all__ = ["Filters", "ReportError", "build_owner_report", "owner_report"]


@dataclass(frozen=True, slots=True)
class Filters:
    since: str | None = None
    until: str | None = None
    codes: frozenset[str] | None = None
    issuer: str | None = None
    min_value: Decimal | None = None  # --min-value: rows worth at least this (holdings: none)
    roles: tuple[str, ...] | None = None  # --role: rows of filings whose owners hold one

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": self.since,
            "until": self.until,
            "codes": sorted(self.codes) if self.codes is not None else None,
            "issuer": self.issuer,
            "min_value": self.min_value,
            "roles": list(self.roles) if self.roles is not None else None,
        }

    def in_window(self, day: str | None) -> bool:
        if self.since and (day or "") < self.since:
            return False
        if self.until and (day or "") > self.until:
            return False
        return True

    def code_ok(self, r: dict[str, Any]) -> bool:
        if self.codes is None:
            return True
        # A holding has no code: it is kept only when the filter names no code at all.
        return (r["code"] or "").upper() in self.codes

    def value_ok(self, r: dict[str, Any]) -> bool:
        """--min-value: a transaction worth at least that (a holding has no value)."""
        if self.min_value is None:
            return True
        v = row_value(r)
        return v is not None and v >= self.min_value

    def shows(self, r: dict[str, Any]) -> bool:
        """--code, --min-value and --role: whether a row is listed and summed."""
        if not (self.code_ok(r) and self.value_ok(r)):
            return False
        if self.roles is not None:
            from .roles import has_any_role

            return has_any_role(r.get("owner_roles"), self.roles)
        return True


def owner_report(db, query: str, flt: Filters | None = None) -> dict[str, Any]:
    """Everything `insider show` prints, as plain data: look-up, queries, then the report."""
    flt = flt or Filters()
    owner = lookup.resolve_owner(db, query)
    issuer_ciks = lookup.issuer_ciks(db, flt.issuer) if flt.issuer else None
    if issuer_ciks is None:
        rows = queries.owner_rows(db, owner["cik"])
    else:
        rows = [r for c in sorted(issuer_ciks) for r in queries.owner_rows(db, owner["cik"], c)]
    joint = sorted({r["accession"] for r in rows if r["n_owners"] > 1 and not r["superseded"]})
    return build_owner_report(
        owner,
        rows,
        roles=queries.owner_roles(db, owner["cik"]),
        co_owners=queries.co_owners(db, joint) if joint else {},
        without_rows=[
            f
            for f in queries.owner_filings_without_rows(db, owner["cik"])
            if issuer_ciks is None or f[4] in issuer_ciks
        ],
        flt=flt,
    )


def build_owner_report(
    owner: dict[str, Any],
    rows: list[dict[str, Any]],
    *,
    roles: list[tuple],
    co_owners: dict[str, list[dict[str, str]]],
    without_rows: list[tuple],
    flt: Filters,
) -> dict[str, Any]:
    """The owner report from its rows (queries.owner_rows: amended rows included, for the
    lines), role rows (queries.owner_roles), co-owners of joint filings and filings without
    rows (queries.owner_filings_without_rows)."""
    assign_lines(rows)
    everything = [r for r in rows if not r.get("superseded")]
    breaks = [
        b
        # Every code counts here: a break at an M row is as real when only S is shown.
        for b in chain_breaks(everything)
        if flt.in_window(b["date"])
    ]
    joint_accs = sorted({r["accession"] for r in everything if r["n_owners"] > 1})
    out_issuers = _issuers(everything, flt, breaks)
    shown = {r["accession"] for iss in out_issuers for s in iss["securities"] for r in s["rows"]}
    return {
        "owner": owner,
        "filters": flt.as_dict(),
        "roles": [dict(zip(_ROLE_KEYS, r, strict=True)) for r in roles],
        "joint_filings": [
            {"accession": acc, "owners": co_owners.get(acc, [])}
            for acc in joint_accs
            if acc in shown
        ],
        "issuers": out_issuers,
        "consistency_breaks": len(breaks),
        "filings_without_rows": [
            dict(zip(_EMPTY_KEYS, (*f[:6], None if f[6] is None else bool(f[6])), strict=True))
            for f in without_rows
            if flt.in_window(f[3])
        ],
    }


_ROLE_KEYS = (
    "issuer_cik",
    "issuer_ticker",
    "issuer_name",
    "roles",
    "officer_title",
    "first_filing",
    "last_filing",
    "filings",
)
_EMPTY_KEYS = (
    "accession",
    "form",
    "filing_date",
    "period_of_report",
    "issuer_cik",
    "issuer_ticker",
    "no_securities_owned",
)


def _issuers(
    everything: list[dict[str, Any]], flt: Filters, breaks: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Per issuer, one section per table and security (titles compared as lines.py does)."""
    same_day = same_day_index(everything)
    issuers: dict[str, dict[str, Any]] = {}
    for r in everything:
        if not flt.in_window(r["date"]):
            continue
        iss = issuers.setdefault(
            r["issuer_cik"],
            {
                "issuer_cik": r["issuer_cik"],
                "issuer_name": r["issuer_name"],
                "issuer_ticker": r["issuer_ticker"],
                "securities": {},
            },
        )
        sec = iss["securities"].setdefault(
            (r["form_table"], text_key(r["security_title"])),
            {"security_title": r["security_title"], "table": r["form_table"], "rows": []},
        )
        sec["security_title"] = r["security_title"]  # shown as most recently filed
        sec["rows"].append(r)
    out = []
    for iss in issuers.values():
        secs = [security_section(sec, flt, same_day) for sec in iss["securities"].values()]
        secs = [s for s in secs if s["rows"] or s["positions"]]
        secs.sort(key=lambda s: (s["table"], s["security_title"] or ""))
        for s in secs:
            s["consistency_breaks"] = [
                b
                for b in breaks
                if b["issuer_cik"] == iss["issuer_cik"]
                and b["table"] == s["table"]
                and text_key(b["security_title"]) == text_key(s["security_title"])
            ]
        out.append({**{k: v for k, v in iss.items() if k != "securities"}, "securities": secs})
    return out
