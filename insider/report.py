"""SQLite -> summaries as plain data (dicts of exact values). Rendering lives in render.py.

All arithmetic is Decimal: a sum of 9 sales is $806,651.81, never 806651.8100000001.

Rows an amendment replaced (`ownership_rows.superseded_by` set) are never read here; a part
of a filing that its amendment did not restate (e.g. the trades, under a holdings-only 4/A)
stays current, as in the SQL views.
Every query that starts from an owner or an issuer goes through an index
(filing_owners_owner, filings_issuer, the primary keys); `find_owners` is the one place that
turns a name into owners, so it can move to full-text search without touching the rest.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .codes import EXERCISE_CODES, meaning
from .links import filing_url
from .models import title_key
from .pricerange import price_range

if TYPE_CHECKING:  # reports accept a sqlite_utils.Database or a plain sqlite3.Connection
    import sqlite_utils


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

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": self.since,
            "until": self.until,
            "codes": sorted(self.codes) if self.codes is not None else None,
            "issuer": self.issuer,
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


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def make_filters(
    since: str | None, until: str | None, code: str | None, issuer: str | None
) -> Filters:
    """Filters from command-line text; anything that can match nothing is an error."""
    from .codes import CODES

    codes = frozenset(c.strip().upper() for c in code.split(",") if c.strip()) if code else None
    unknown = sorted(codes - CODES.keys()) if codes else []
    if unknown:
        raise ReportError(
            f"--code {','.join(unknown)}: not a transaction code (known: {''.join(sorted(CODES))})"
        )
    flt = Filters(check_date(since, "--since"), check_date(until, "--until"), codes, issuer)
    if flt.since and flt.until and flt.since > flt.until:
        raise ReportError(f"--since {flt.since} is after --until {flt.until}")
    return flt


def check_date(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    v = value.strip()
    if len(v) == 4 and v.isdigit():
        v = f"{v}-01-01" if option == "--since" else f"{v}-12-31"
    if not _DATE.match(v):
        raise ReportError(f"{option} {value!r}: give a date as YYYY-MM-DD (or a year YYYY)")
    try:
        date.fromisoformat(v)
    except ValueError:
        raise ReportError(f"{option} {value!r} is not a calendar date") from None
    return v


def connect_readonly(path: str | Path) -> sqlite3.Connection:
    """Open an insider database for reading only, without sqlite_utils (and what it
    imports): `insider show` starts faster. Every report function takes this connection or
    a sqlite_utils.Database alike (both have .execute)."""
    if not Path(path).exists():
        raise ReportError(f"database {path} does not exist; run 'insider sync TICKER' first")
    try:
        conn = sqlite3.connect(str(path), timeout=30)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as e:
        raise ReportError(
            f"{path} is not an insider database (not a SQLite file, or damaged): {e}"
        ) from None
    if not {"owners", "filings", "filing_owners", "ownership_rows"} <= tables:
        raise ReportError(f"{path} is not an insider database; run 'insider sync TICKER' first")
    from .schema import LATEST

    if version < LATEST:
        # A database written by an older insider: migrate once (this needs a write).
        conn.close()
        from .store import StoreError, connect

        try:
            connect(path).conn.close()
        except StoreError as e:
            raise ReportError(str(e)) from None
        conn = sqlite3.connect(str(path), timeout=30)
    conn.execute("PRAGMA query_only = 1")
    return conn


def dec(v: Any) -> Decimal | None:
    """A stored number back to the exact Decimal that was filed."""
    if v is None or v == "":
        return None
    if isinstance(v, float):
        return Decimal(repr(v))
    return Decimal(str(v))


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


def find_owners(db: sqlite_utils.Database, query: str) -> list[dict[str, Any]]:
    """Owners whose CIK is `query`, or whose name has every word of it (any order): as word
    prefixes through owners_fts, else as substrings. The project's only name lookup."""
    q = query.strip()
    if q.isdigit():
        rows = db.execute(
            "SELECT cik, name FROM owners WHERE cik = ?", (f"{int(q):010d}",)
        ).fetchall()
    else:
        # Word prefixes through the full-text index first ("thomas herz" finds "HERZOG
        # THOMAS M" in milliseconds on a million owners); a substring scan only when that
        # finds nothing ("ERZO").
        from .schema import fts_query

        match = fts_query(q)
        rows = (
            db.execute(
                "SELECT o.cik, o.name FROM owners_fts JOIN owners o ON o.rowid = owners_fts.rowid"
                " WHERE owners_fts MATCH ? ORDER BY o.name, o.cik",
                (match,),
            ).fetchall()
            if match
            else []
        )
        words = q.split()
        if not words:
            return []
    if not rows and not q.isdigit():
        where = " AND ".join("name LIKE ? ESCAPE '\\'" for _ in words)
        rows = db.execute(
            f"SELECT cik, name FROM owners WHERE {where} ORDER BY name, cik",
            [
                "%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                for w in words
            ],
        ).fetchall()
    issuers: dict[str, list[str]] = defaultdict(list)
    ciks = [r[0] for r in rows]
    for i in range(0, len(ciks), 500):
        chunk = ciks[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for cik, iss in db.execute(
            "SELECT DISTINCT fo.owner_cik, coalesce(i.ticker, f.issuer_cik) FROM filing_owners fo "
            "JOIN filings f ON f.accession = fo.accession "
            f"LEFT JOIN issuers i ON i.cik = f.issuer_cik WHERE fo.owner_cik IN ({marks}) "
            "ORDER BY 1, 2",
            chunk,
        ):
            issuers[cik].append(iss)
    return [
        {"cik": cik, "name": name, "type": owner_type(name), "issuers": issuers.get(cik, [])}
        for cik, name in rows
    ]


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


# A filing still speaks for itself unless an amendment replaced every part it reported.
LIVE_FILING = (
    "(f.superseded_by IS NULL OR EXISTS (SELECT 1 FROM ownership_rows lr "
    "WHERE lr.accession = f.accession AND lr.superseded_by IS NULL))"
)

ROW_COLS = """
       r.accession, r.row_num, r.form_table, r.kind, r.security_title, r.transaction_date,
       r.deemed_execution_date, r.code, r.equity_swap_involved, r.timeliness, r.shares,
       r.price_per_share, r.total_value, r.acquired_disposed, r.shares_owned_following,
       r.value_owned_following, r.direct_or_indirect, r.nature_of_ownership,
       r.conversion_or_exercise_price, r.exercise_date, r.expiration_date,
       r.underlying_security_title, r.underlying_shares, r.underlying_value, r.late,
       r.plan_10b5_1, f.form, f.filing_date, f.period_of_report, f.issuer_cik,
       i.name AS issuer_name, i.ticker AS issuer_ticker, f.aff10b5one,
       (SELECT count(*) FROM filing_owners x WHERE x.accession = r.accession) AS n_owners
"""

_OWNER_ROWS_SQL = f"""
SELECT {ROW_COLS}
FROM filing_owners fo
JOIN filings f ON f.accession = fo.accession
JOIN ownership_rows r ON r.accession = fo.accession
LEFT JOIN issuers i ON i.cik = f.issuer_cik
WHERE fo.owner_cik = ? AND r.superseded_by IS NULL
"""

_ORDER = (
    " ORDER BY f.issuer_cik, coalesce(r.transaction_date, f.period_of_report), "
    "f.filing_date, r.accession, r.row_num"
)

_NUM_KEYS = (
    "shares",
    "price_per_share",
    "total_value",
    "shares_owned_following",
    "value_owned_following",
    "conversion_or_exercise_price",
    "underlying_shares",
    "underlying_value",
)


def _issuer_clause(issuer: str | None) -> tuple[str, list[str]]:
    if not issuer:
        return "", []
    v = issuer.strip()
    if v.isdigit():
        return " AND f.issuer_cik = ?", [f"{int(v):010d}"]
    return " AND upper(i.ticker) = ?", [v.upper()]


def fetch_rows(db: sqlite_utils.Database, sql: str, params: list) -> list[dict[str, Any]]:
    cur = db.execute(sql, params)
    cols = [d[0] for d in cur.description]
    rows = []
    for t in cur.fetchall():
        r = dict(zip(cols, t, strict=True))
        for k in _NUM_KEYS:
            r[k] = dec(r[k])
        r["date"] = r["transaction_date"] or r["period_of_report"]
        rows.append(r)
    if rows:
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


def co_owners(db: sqlite_utils.Database, accs: list[str]) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    for i in range(0, len(accs), 500):
        chunk = accs[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for acc, cik, name in db.execute(
            "SELECT accession, owner_cik, name FROM filing_owners "
            f"WHERE accession IN ({marks}) ORDER BY accession, position",
            chunk,
        ):
            out[acc].append({"cik": cik, "name": name})
    return out


def tidy(d: Decimal) -> Decimal:
    """A computed amount without the trailing zeros multiplication and addition leave
    (5500 x 54 is 297000, not 297000.00); filed values are never passed through here."""
    if d == d.to_integral_value():
        return d.quantize(Decimal(1))
    return d.normalize()


def dsum(values: Iterable[Decimal]) -> Decimal:
    return tidy(sum(values, Decimal(0)))


def row_value(r: dict[str, Any]) -> Decimal | None:
    if r["kind"] != "transaction":
        return None
    if r["shares"] is not None and r["price_per_share"] is not None:
        return tidy(r["shares"] * r["price_per_share"])
    return r["total_value"]


def nature_notes(r: dict[str, Any]) -> list:
    """Footnotes that say which indirect holding a row is: on natureOfOwnership, or (filers
    put them there too) on directOrIndirectOwnership / ownershipNature of an I row."""
    notes = list(r["footnotes"].get("nature_of_ownership") or [])
    if (r["direct_or_indirect"] or "").upper() == "I":
        notes += [n for n in r["footnotes"].get("direct_or_indirect") or [] if n not in notes]
    return notes


def _nature_notes(r: dict[str, Any]) -> str:
    return " ".join((t or fid) for fid, t in nature_notes(r))


def assign_lines(rows: list[dict[str, Any]]) -> None:
    """Give every row its ownership line, `r["line"]`: direct, or one nature of indirect
    ownership, within one issuer, table and security.

    Lines are keyed by D/I and the nature text. When one filing holds several lines with
    the same nature text ("Trust" eight times, each trust named in its footnote), the
    footnote text tells them apart too. Otherwise footnote wording that changes between
    filings does not split one line in two.
    """
    texts: dict[tuple, set[str]] = defaultdict(set)
    for r in rows:
        base = _base_line(r)
        texts[(r["accession"], *base)].add(_nature_notes(r))
    ambiguous = {k[1:] for k, v in texts.items() if len(v) > 1}
    for r in rows:
        base = _base_line(r)
        r["line"] = (*base, _nature_notes(r) if base in ambiguous else "")


def _base_line(r: dict[str, Any]) -> tuple:
    # Two grants of one option title (other exercise price or expiry) are two lines.
    grant = (
        (r["conversion_or_exercise_price"], r["expiration_date"]) if r["form_table"] == "II" else ()
    )
    return (
        r["issuer_cik"],
        r["form_table"],
        title_key(r["security_title"]),
        *grant,
        (r["direct_or_indirect"] or "").upper(),
        (r["nature_of_ownership"] or "").strip(),
    )


def _line_dict(r: dict[str, Any]) -> dict[str, Any]:
    table2 = r["form_table"] == "II"
    return {
        "conversion_or_exercise_price": r["conversion_or_exercise_price"] if table2 else None,
        "expiration_date": r["expiration_date"] if table2 else None,
        "direct_or_indirect": r["direct_or_indirect"],
        "nature_of_ownership": r["nature_of_ownership"],
        "nature_footnotes": [{"id": fid, "text": t} for fid, t in nature_notes(r)],
    }


def _trade_summary(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not rows:
        return None
    shares = dsum(r["shares"] or Decimal(0) for r in rows)
    priced = [r for r in rows if r["shares"] is not None and r["price_per_share"] is not None]
    value = dsum(r["shares"] * r["price_per_share"] for r in priced)
    priced_shares = dsum(r["shares"] for r in priced)
    prices = [r["price_per_share"] for r in priced]
    dates = sorted(r["transaction_date"] for r in rows if r["transaction_date"])
    return {
        "rows": len(rows),
        "shares": shares,
        "value": value,
        # A quotient is not a filed number: 6 decimal places, half-even.
        "weighted_average_price": (value / priced_shares).quantize(Decimal("0.000001"))
        if priced_shares
        else None,
        "min_price": min(prices) if prices else None,
        "max_price": max(prices) if prices else None,
        "first_date": dates[0] if dates else None,
        "last_date": dates[-1] if dates else None,
        "unpriced_rows": len(rows) - len(priced),
    }


def _group_summary(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not rows:
        return None
    dates = sorted(r["transaction_date"] for r in rows if r["transaction_date"])
    acquired = dsum(r["shares"] or Decimal(0) for r in rows if r["acquired_disposed"] == "A")
    disposed = dsum(r["shares"] or Decimal(0) for r in rows if r["acquired_disposed"] == "D")
    return {
        "rows": len(rows),
        "shares": dsum(r["shares"] or Decimal(0) for r in rows),
        "shares_acquired": acquired,
        "shares_disposed": disposed,
        "value": dsum(row_value(r) or Decimal(0) for r in rows),
        "first_date": dates[0] if dates else None,
        "last_date": dates[-1] if dates else None,
    }


# --------------------------------------------------------------------------- consistency


def chain_breaks(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows whose 'owned after' is not the previous amount of the same line +/- the shares.

    `rows` are one owner's, with `assign_lines` applied.
    A holding row states the amount without a change; a row with no amount after, or no
    shares, ends the chain (nothing to compare) and the next row starts a new one.
    """
    last: dict[tuple, dict[str, Any]] = {}
    breaks = []
    # Filing by filing, each in the order its rows were filed: a filer computes "owned
    # after" row by row down the form, whatever the dates of the rows.
    ordered = sorted(
        rows,
        key=lambda r: (
            r.get("period_of_report") or r["date"] or "",
            r.get("filing_date") or "",
            r["accession"],
            r["row_num"],
        ),
    )
    for r in ordered:
        key = r["line"]
        after = r["shares_owned_following"]
        if after is None:
            last.pop(key, None)
            continue
        prev = last.get(key)
        last[key] = r
        if prev is None:
            continue
        change = Decimal(0)
        if r["kind"] == "transaction":
            if r["shares"] is None or (r["acquired_disposed"] or "") not in ("A", "D"):
                continue
            change = r["shares"] if r["acquired_disposed"] == "A" else -r["shares"]
        expected = prev["shares_owned_following"] + change
        if expected != after:
            breaks.append(
                {
                    "issuer_cik": r["issuer_cik"],
                    "issuer_ticker": r["issuer_ticker"],
                    "security_title": r["security_title"],
                    "table": r["form_table"],
                    **_line_dict(r),
                    "previous_accession": prev["accession"],
                    "previous_date": prev["date"],
                    "previous_owned": prev["shares_owned_following"],
                    "accession": r["accession"],
                    "date": r["date"],
                    "kind": r["kind"],
                    "code": r["code"],
                    "shares": r["shares"] if r["kind"] == "transaction" else None,
                    "acquired_disposed": r["acquired_disposed"],
                    "expected_owned": expected,
                    "reported_owned": after,
                    "difference": after - expected,
                }
            )
    return breaks


# --------------------------------------------------------------------------- show


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
            "officer_title": r[4],
            "first_filing": r[5],
            "last_filing": r[6],
            "filings": r[7],
        }
        for r in db.execute(
            "SELECT f.issuer_cik, i.ticker, i.name, fo.roles, fo.officer_title, "
            "min(f.filing_date), max(f.filing_date), count(*) FROM filing_owners fo "
            "JOIN filings f ON f.accession = fo.accession LEFT JOIN issuers i "
            f"ON i.cik = f.issuer_cik WHERE fo.owner_cik = ? AND {LIVE_FILING} "
            "GROUP BY f.issuer_cik, fo.roles, fo.officer_title "
            "ORDER BY f.issuer_cik, min(f.filing_date)",
            (cik,),
        )
    ]
    iss_sql, iss_params = _issuer_clause(flt.issuer)
    everything = fetch_rows(db, _OWNER_ROWS_SQL + iss_sql + _ORDER, [cik, *iss_params])
    assign_lines(everything)
    breaks = [
        b
        # Every code counts here: a break at an M row is as real when only S is shown.
        for b in chain_breaks(everything)
        if flt.in_window(b["date"])
    ]
    joint_accs = sorted({r["accession"] for r in everything if r["n_owners"] > 1})
    co = co_owners(db, joint_accs) if joint_accs else {}
    same_day = _same_day_index(everything)
    dated = [r for r in everything if flt.in_window(r["date"])]

    issuers: dict[str, dict[str, Any]] = {}
    for r in dated:
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
            (r["form_table"], title_key(r["security_title"])),
            {"security_title": r["security_title"], "table": r["form_table"], "rows": []},
        )
        sec["security_title"] = r["security_title"]  # shown as most recently filed
        sec["rows"].append(r)
    out_issuers = []
    for iss in issuers.values():
        secs = [_security_section(sec, flt, same_day) for sec in iss["securities"].values()]
        secs = [s for s in secs if s["rows"] or s["positions"]]
        secs.sort(key=lambda s: (s["table"], s["security_title"] or ""))
        for s in secs:
            s["consistency_breaks"] = [
                b
                for b in breaks
                if b["issuer_cik"] == iss["issuer_cik"]
                and b["table"] == s["table"]
                and title_key(b["security_title"]) == title_key(s["security_title"])
            ]
        out_issuers.append(
            {**{k: v for k, v in iss.items() if k != "securities"}, "securities": secs}
        )
    shown = {r["accession"] for iss in out_issuers for s in iss["securities"] for r in s["rows"]}
    empty = [
        {
            "accession": acc,
            "form": form,
            "filing_date": fdate,
            "period_of_report": period,
            "issuer_cik": icik,
            "issuer_ticker": ticker,
            "no_securities_owned": None if nso is None else bool(nso),
        }
        for acc, form, fdate, period, icik, ticker, nso in db.execute(
            "SELECT f.accession, f.form, f.filing_date, f.period_of_report, f.issuer_cik, "
            "i.ticker, f.no_securities_owned FROM filing_owners fo "
            "JOIN filings f ON f.accession = fo.accession "
            "LEFT JOIN issuers i ON i.cik = f.issuer_cik "
            "WHERE fo.owner_cik = ? AND f.superseded_by IS NULL AND NOT EXISTS "
            "(SELECT 1 FROM ownership_rows r WHERE r.accession = f.accession) "
            "ORDER BY f.filing_date, f.accession",
            (cik,),
        )
        if flt.in_window(period)
        and (
            not flt.issuer
            or _issuer_match(flt.issuer, {"issuer_cik": icik, "issuer_ticker": ticker})
        )
    ]
    return {
        "owner": owner,
        "filters": flt.as_dict(),
        "roles": roles,
        "joint_filings": [
            {"accession": acc, "owners": co.get(acc, [])} for acc in joint_accs if acc in shown
        ],
        "issuers": out_issuers,
        "consistency_breaks": len(breaks),
        "filings_without_rows": empty,
    }


def _issuer_match(issuer: str, role: dict[str, Any]) -> bool:
    v = issuer.strip()
    if v.isdigit():
        return role["issuer_cik"] == f"{int(v):010d}"
    return (role["issuer_ticker"] or "").upper() == v.upper()


def _same_day_index(rows: list[dict[str, Any]]) -> dict[tuple, dict[str, Any]]:
    """What an owner did with Table I shares per (issuer, date): the exercise partners."""
    out: dict[tuple, dict[str, Any]] = {}
    for r in rows:
        if r["kind"] != "transaction" or not r["transaction_date"]:
            continue
        d = out.setdefault(
            (r["issuer_cik"], r["transaction_date"]),
            {
                "exercises": 0,
                "exercised_underlying": Decimal(0),
                "received": Decimal(0),
                "sold": Decimal(0),
                "sold_value": Decimal(0),
                "withheld": Decimal(0),
                "disposed_to_issuer": Decimal(0),
            },
        )
        code = (r["code"] or "").upper()
        shares = r["shares"] or Decimal(0)
        if r["form_table"] == "II":
            if code in EXERCISE_CODES:
                d["exercises"] += 1
                d["exercised_underlying"] += r["underlying_shares"] or shares
            continue
        if code in EXERCISE_CODES and (r["acquired_disposed"] or "") == "A":
            d["received"] += shares
        elif code == "S":
            d["sold"] += shares
            d["sold_value"] += row_value(r) or Decimal(0)
        elif code == "F":
            d["withheld"] += shares
        elif code == "D":
            d["disposed_to_issuer"] += shares
    return out


def _exercise(r: dict[str, Any], same_day: dict[tuple, dict[str, Any]]) -> dict[str, Any]:
    d = same_day.get((r["issuer_cik"], r["transaction_date"]))
    day = None
    if d is not None:
        received = d["received"] or d["exercised_underlying"]
        out = d["sold"] + d["withheld"] + d["disposed_to_issuer"]
        day = {
            "exercises_that_day": d["exercises"],
            "shares_received": received,
            "sold": d["sold"],
            "sold_value": tidy(d["sold_value"]),
            "withheld_for_tax": d["withheld"],
            "disposed_to_issuer": d["disposed_to_issuer"],
            "held": max(received - out, Decimal(0)),
        }
    return {
        "date": r["transaction_date"],
        "code": r["code"],
        "code_meaning": meaning(r["code"]),
        "shares": r["shares"],
        "total_value": r["total_value"],
        "exercise_price": r["conversion_or_exercise_price"],
        "exercise_date": r["exercise_date"],
        "expiration_date": r["expiration_date"],
        "underlying_security_title": r["underlying_security_title"],
        "underlying_shares": r["underlying_shares"],
        "accession": r["accession"],
        "same_day": day,
    }


_SUMMARY_CODES = {"A": "grants", "F": "tax_withholdings", "G": "gifts"}


def _security_section(
    sec: dict[str, Any], flt: Filters, same_day: dict[tuple, dict[str, Any]]
) -> dict[str, Any]:
    all_rows = sec["rows"]  # date-filtered, every code: positions and timeline use them
    rows = [r for r in all_rows if flt.code_ok(r)]
    txns = [r for r in rows if r["kind"] == "transaction"]
    by_code: dict[str, list] = defaultdict(list)
    for r in txns:
        by_code[(r["code"] or "?").upper()].append(r)
    table2 = sec["table"] == "II"
    exercises = [
        _exercise(r, same_day)
        for r in txns
        if table2 and (r["code"] or "").upper() in EXERCISE_CODES
    ]
    received = [] if table2 else [r for c in sorted(EXERCISE_CODES) for r in by_code.get(c, [])]
    summaries = {key: _group_summary(by_code.get(code, [])) for code, key in _SUMMARY_CODES.items()}
    others = {
        code: {"meaning": meaning(code), **(_group_summary(rs) or {})}
        for code, rs in sorted(by_code.items())
        if code not in ("S", "P", *_SUMMARY_CODES) and code not in EXERCISE_CODES
    }
    positions: dict[tuple, dict[str, Any]] = {}
    timeline: dict[tuple, dict[str, Any]] = {}
    for r in all_rows:
        if r["shares_owned_following"] is None and r["value_owned_following"] is None:
            continue
        key = r["line"]
        positions[key] = {
            **_line_dict(r),
            "shares_owned_following": r["shares_owned_following"],
            "value_owned_following": r["value_owned_following"],
            "as_of": r["date"],
            "accession": r["accession"],
        }
        if r["shares_owned_following"] is not None:
            line = timeline.setdefault(key, {**_line_dict(r), "points": []})
            line["points"].append(
                {
                    "date": r["date"],
                    "shares_owned_following": r["shares_owned_following"],
                    "code": r["code"] if r["kind"] == "transaction" else None,
                    "acquired_disposed": r["acquired_disposed"],
                }
            )
    pos = list(positions.values())
    total = None
    if pos and all(p["shares_owned_following"] is not None for p in pos):
        total = dsum(p["shares_owned_following"] for p in pos)
    return {
        "security_title": sec["security_title"],
        "table": sec["table"],
        "rows": [public_row(r) for r in rows],
        "sales": _trade_summary(by_code.get("S", [])),
        "purchases": _trade_summary(by_code.get("P", [])),
        "exercises": exercises,
        "exercise_shares_received": _group_summary(received),
        **summaries,
        "other_codes": others,
        "positions": pos,
        "position_total_shares": total,
        "timeline": list(timeline.values()),
    }


_PUBLIC = (
    "accession",
    "form",
    "filing_date",
    "kind",
    "transaction_date",
    "deemed_execution_date",
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
    "underlying_value",
    "timeliness",
    "equity_swap_involved",
)


def _flag(v: Any) -> bool | None:
    return None if v is None else bool(v)


def public_row(r: dict[str, Any]) -> dict[str, Any]:
    d = {k: r[k] for k in _PUBLIC}
    d["code_meaning"] = meaning(r["code"]) if r["kind"] == "transaction" else "holding"
    d["value"] = row_value(r)
    d["plan_10b5_1"] = _flag(r["plan_10b5_1"])
    d["late"] = _flag(r["late"])
    d["joint_filing"] = r["n_owners"] > 1
    d["footnotes"] = {
        field: [{"id": fid, "text": text} for fid, text in notes]
        for field, notes in r["footnotes"].items()
    }
    d["filing_url"] = filing_url(r.get("issuer_cik"), r["accession"])
    rng = price_range(d["footnotes"].get("price_per_share"))
    d["price_range_low"], d["price_range_high"] = rng or (None, None)
    return d


# --------------------------------------------------------------------------- company
