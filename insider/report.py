"""SQLite -> summaries as plain data (dicts of exact values). Rendering lives in render.py.

All arithmetic is Decimal: a sum of 9 sales is $806,651.81, never 806651.8100000001.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlite_utils

from .codes import EXERCISE_CODES, meaning


class ReportError(Exception):
    """A problem with the question (no such owner, ambiguous name); one line."""

    def __init__(self, message: str, exit_code: int = 1, candidates: list | None = None):
        super().__init__(message)
        self.exit_code = exit_code
        self.candidates = candidates or []


@dataclass(frozen=True, slots=True)
class Filters:
    since: str | None = None
    until: str | None = None
    codes: frozenset[str] | None = None
    issuer: str | None = None


def dec(v: Any) -> Decimal | None:
    """A stored number back to the exact Decimal that was filed."""
    if v is None or v == "":
        return None
    if isinstance(v, float):
        return Decimal(repr(v))
    return Decimal(str(v))


def find_owners(db: sqlite_utils.Database, query: str) -> list[dict[str, Any]]:
    q = query.strip()
    if q.isdigit():
        rows = db.execute(
            "SELECT cik, name FROM owners WHERE cik = ?", (f"{int(q):010d}",)
        ).fetchall()
    else:
        # Every word must appear in the name, in any order: "thomas herzog" finds
        # "HERZOG THOMAS M".
        words = q.upper().split()
        where = " AND ".join("upper(name) LIKE ?" for _ in words) or "1"
        rows = db.execute(
            f"SELECT cik, name FROM owners WHERE {where} ORDER BY name",
            [f"%{w}%" for w in words],
        ).fetchall()
    out = []
    for cik, name in rows:
        issuers = db.execute(
            "SELECT DISTINCT coalesce(i.ticker, f.issuer_cik) FROM filing_owners fo "
            "JOIN filings f ON f.accession = fo.accession "
            "LEFT JOIN issuers i ON i.cik = f.issuer_cik WHERE fo.owner_cik = ? ORDER BY 1",
            (cik,),
        ).fetchall()
        out.append({"cik": cik, "name": name, "issuers": [r[0] for r in issuers]})
    return out


def resolve_owner(db: sqlite_utils.Database, query: str) -> dict[str, Any]:
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


_ROWS_SQL = """
SELECT r.accession, r.row_num, r.form_table, r.kind, r.security_title, r.transaction_date,
       r.code, r.shares, r.price_per_share, r.total_value, r.acquired_disposed,
       r.shares_owned_following, r.value_owned_following, r.direct_or_indirect,
       r.nature_of_ownership, r.conversion_or_exercise_price, r.exercise_date,
       r.expiration_date, r.underlying_security_title, r.underlying_shares, r.timeliness,
       f.form, f.filing_date, f.period_of_report, f.issuer_cik, i.name AS issuer_name,
       i.ticker AS issuer_ticker, f.aff10b5one,
       (SELECT count(*) FROM filing_owners x WHERE x.accession = r.accession) AS n_owners
FROM filing_owners fo
JOIN filings f ON f.accession = fo.accession
JOIN ownership_rows r ON r.accession = fo.accession
LEFT JOIN issuers i ON i.cik = f.issuer_cik
WHERE fo.owner_cik = ?
ORDER BY f.issuer_cik, coalesce(r.transaction_date, f.period_of_report), f.filing_date,
         r.accession, r.row_num
"""

_NUM_KEYS = (
    "shares",
    "price_per_share",
    "total_value",
    "shares_owned_following",
    "value_owned_following",
    "conversion_or_exercise_price",
    "underlying_shares",
)


def _load_rows(db: sqlite_utils.Database, cik: str, flt: Filters) -> list[dict[str, Any]]:
    cur = db.execute(_ROWS_SQL, (cik,))
    cols = [d[0] for d in cur.description]
    rows = []
    for t in cur.fetchall():
        r = dict(zip(cols, t, strict=True))
        for k in _NUM_KEYS:
            r[k] = dec(r[k])
        date = r["transaction_date"] or r["period_of_report"]
        if flt.since and (date or "") < flt.since:
            continue
        if flt.until and (date or "") > flt.until:
            continue
        if flt.codes is not None and (r["code"] or "") not in flt.codes:
            continue
        if flt.issuer and flt.issuer.upper() not in (
            (r["issuer_ticker"] or "").upper(),
            (r["issuer_cik"] or "").lstrip("0"),
            r["issuer_cik"] or "",
        ):
            continue
        rows.append(r)
    if not rows:
        return rows
    accs = sorted({r["accession"] for r in rows})
    notes = _field_notes(db, accs)
    for r in rows:
        r["footnotes"] = notes.get((r["accession"], r["row_num"]), {})
    return rows


def _field_notes(db: sqlite_utils.Database, accs: list[str]) -> dict:
    out: dict = defaultdict(dict)
    for i in range(0, len(accs), 500):
        chunk = accs[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for acc, num, field, fid, text in db.execute(
            "SELECT ff.accession, ff.row_num, ff.field, ff.footnote_id, fn.text "
            "FROM field_footnotes ff LEFT JOIN footnotes fn ON fn.accession = ff.accession "
            f"AND fn.footnote_id = ff.footnote_id WHERE ff.accession IN ({marks}) "
            "ORDER BY ff.accession, ff.row_num, ff.field, ff.position",
            chunk,
        ):
            out[(acc, num)].setdefault(field, []).append((fid, text))
    return out


def _value(r: dict[str, Any]) -> Decimal | None:
    if r["shares"] is not None and r["price_per_share"] is not None:
        return r["shares"] * r["price_per_share"]
    return r["total_value"]


def _trade_summary(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not rows:
        return None
    shares = sum((r["shares"] or Decimal(0) for r in rows), Decimal(0))
    priced = [r for r in rows if r["shares"] is not None and r["price_per_share"] is not None]
    value = sum((r["shares"] * r["price_per_share"] for r in priced), Decimal(0))
    priced_shares = sum((r["shares"] for r in priced), Decimal(0))
    prices = [r["price_per_share"] for r in priced]
    dates = sorted(r["transaction_date"] for r in rows if r["transaction_date"])
    return {
        "rows": len(rows),
        "shares": shares,
        "value": value,
        "weighted_average_price": (value / priced_shares) if priced_shares else None,
        "min_price": min(prices) if prices else None,
        "max_price": max(prices) if prices else None,
        "first_date": dates[0] if dates else None,
        "last_date": dates[-1] if dates else None,
        "unpriced_rows": len(rows) - len(priced),
    }


def _group_summary(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not rows:
        return None
    return {
        "rows": len(rows),
        "shares": sum((r["shares"] or Decimal(0) for r in rows), Decimal(0)),
        "value": sum((_value(r) or Decimal(0) for r in rows), Decimal(0)),
    }


def owner_report(db: sqlite_utils.Database, query: str, flt: Filters | None = None) -> dict:
    """Everything `insider show` prints, as plain data."""
    flt = flt or Filters()
    owner = resolve_owner(db, query)
    cik = owner["cik"]
    roles = [
        {
            "issuer_cik": r[0],
            "issuer_ticker": r[1],
            "issuer_name": r[2],
            "roles": r[3],
            "first_filing": r[4],
            "last_filing": r[5],
        }
        for r in db.execute(
            "SELECT f.issuer_cik, i.ticker, i.name, fo.roles, min(f.filing_date), "
            "max(f.filing_date) FROM filing_owners fo JOIN filings f "
            "ON f.accession = fo.accession LEFT JOIN issuers i ON i.cik = f.issuer_cik "
            "WHERE fo.owner_cik = ? GROUP BY f.issuer_cik, fo.roles "
            "ORDER BY f.issuer_cik, min(f.filing_date)",
            (cik,),
        )
    ]
    rows = _load_rows(db, cik, flt)
    issuers: dict[str, dict[str, Any]] = {}
    for r in rows:
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
            (r["form_table"], r["security_title"]),
            {"security_title": r["security_title"], "table": r["form_table"], "rows": []},
        )
        sec["rows"].append(r)
    out_issuers = []
    for iss in issuers.values():
        secs = []
        for sec in iss["securities"].values():
            secs.append(_security_section(sec))
        out_issuers.append(
            {**{k: v for k, v in iss.items() if k != "securities"}, "securities": secs}
        )
    return {"owner": owner, "roles": roles, "issuers": out_issuers}


def _security_section(sec: dict[str, Any]) -> dict[str, Any]:
    rows = sec["rows"]
    txns = [r for r in rows if r["kind"] == "transaction"]
    by_code: dict[str, list] = defaultdict(list)
    for r in txns:
        by_code[(r["code"] or "?").upper()].append(r)
    exercises = [
        {
            "date": r["transaction_date"],
            "code": r["code"],
            "shares": r["shares"],
            "exercise_price": r["conversion_or_exercise_price"],
            "expiration_date": r["expiration_date"],
            "underlying_security_title": r["underlying_security_title"],
            "underlying_shares": r["underlying_shares"],
            "accession": r["accession"],
        }
        for r in txns
        if (r["code"] or "").upper() in EXERCISE_CODES and r["form_table"] == "II"
    ]
    others = {
        code: {"meaning": meaning(code), **(_group_summary(rs) or {})}
        for code, rs in sorted(by_code.items())
        if code not in ("S", "P") and not (code in EXERCISE_CODES and sec["table"] == "II")
    }
    # Latest amount per ownership line: direct, and each nature of indirect ownership.
    positions: dict[tuple, dict[str, Any]] = {}
    for r in rows:
        if r["shares_owned_following"] is None and r["value_owned_following"] is None:
            continue
        key = (r["direct_or_indirect"], r["nature_of_ownership"])
        positions[key] = {
            "direct_or_indirect": r["direct_or_indirect"],
            "nature_of_ownership": r["nature_of_ownership"],
            "shares_owned_following": r["shares_owned_following"],
            "value_owned_following": r["value_owned_following"],
            "as_of": r["transaction_date"] or r["period_of_report"],
            "accession": r["accession"],
        }
    return {
        "security_title": sec["security_title"],
        "table": sec["table"],
        "rows": [_public_row(r) for r in rows],
        "sales": _trade_summary(by_code.get("S", [])),
        "purchases": _trade_summary(by_code.get("P", [])),
        "exercises": exercises,
        "other_codes": others,
        "positions": list(positions.values()),
    }


_PUBLIC = (
    "accession",
    "form",
    "filing_date",
    "kind",
    "transaction_date",
    "code",
    "shares",
    "price_per_share",
    "total_value",
    "acquired_disposed",
    "shares_owned_following",
    "value_owned_following",
    "direct_or_indirect",
    "nature_of_ownership",
    "conversion_or_exercise_price",
    "exercise_date",
    "expiration_date",
    "underlying_security_title",
    "underlying_shares",
    "timeliness",
)


def _public_row(r: dict[str, Any]) -> dict[str, Any]:
    d = {k: r[k] for k in _PUBLIC}
    d["code_meaning"] = meaning(r["code"]) if r["kind"] == "transaction" else "holding"
    d["value"] = _value(r) if r["kind"] == "transaction" else None
    d["joint_filing"] = r["n_owners"] > 1
    d["footnotes"] = {
        field: [{"id": fid, "text": text} for fid, text in notes]
        for field, notes in r["footnotes"].items()
    }
    return d
