"""`insider company`: an issuer's insiders, net open-market buying and selling, the last
transactions, cluster buys and late filers, as plain data (rendering lives in render.py)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from . import lookup, queries
from .amounts import dsum, row_value, tidy
from .clusters import CLUSTER_DAYS, CLUSTER_MIN_INSIDERS, cluster_buys  # noqa: F401
from .lookup import owner_type
from .roles import has_any_role
from .sections import public_row

if TYPE_CHECKING:
    from .report import Filters


def company_report(db, query: str, flt: Filters | None = None, last: int = 20) -> dict[str, Any]:
    """Everything `insider company` prints, as plain data: look-up, queries, the report."""
    from .report import Filters

    flt = flt or Filters()
    issuer = lookup.resolve_issuer(db, query)
    rows = [r for r in queries.issuer_rows(db, issuer["cik"]) if flt.in_window(r["date"])]
    owners_of = queries.co_owners(db, sorted({r["accession"] for r in rows})) if rows else {}
    return build_company_report(
        issuer, rows, owners_of, queries.issuer_filing_owners(db, issuer["cik"]), flt, last
    )


def build_company_report(
    issuer: dict[str, Any],
    rows: list[dict[str, Any]],
    owners_of: dict[str, list[dict[str, str]]],
    filing_owners: list[tuple],
    flt: Filters,
    last: int = 20,
) -> dict[str, Any]:
    """The company report from the issuer's current rows within the dates
    (queries.issuer_rows), the owners of each filing (queries.co_owners) and every owner of
    its live filings (queries.issuer_filing_owners)."""
    txns = [r for r in rows if r["kind"] == "transaction" and flt.shows(r)]
    recent = txns[-last:] if last > 0 else []
    recent.reverse()
    return {
        "issuer": issuer,
        "filters": flt.as_dict(),
        "insiders": _insiders(rows, owners_of, filing_owners, flt),
        "last_transactions": [_company_row(r, owners_of) for r in recent],
        "cluster_buys": cluster_buys(rows, owners_of),
        "late_filings": [
            _company_row(r, owners_of) for r in rows if r["late"] == 1 and flt.shows(r)
        ],
        "unknown_lateness_rows": sum(
            1 for r in rows if r["kind"] == "transaction" and r["late"] is None
        ),
    }


def _insiders(
    rows: list[dict[str, Any]],
    owners_of: dict[str, list[dict[str, str]]],
    filing_owners: list[tuple],
    flt: Filters,
) -> list[dict[str, Any]]:
    """One entry per owner: latest roles, filings, open-market buys and sells (Table I
    P and S), net; with dates given, only owners with rows in them. (Two loops over the
    same people; the second builds the JSON object key by key.)

    Long on purpose: one pass over the rows collects every per-owner figure at once."""
    people: dict[str, dict[str, Any]] = {}
    for fo in filing_owners:
        cik, name, roles, fdate, acc, oname = fo
        p = people.setdefault(
            cik,
            {
                "owner_cik": cik,
                "owner_name": oname or name,
                "owner_type": owner_type(oname or name),
                "roles": roles,
                "first_filing": fdate,
                "last_filing": fdate,
                "filings": 0,
                "_accs": set(),
            },
        )
        p["roles"] = roles or p["roles"]  # the latest roles filed
        p["last_filing"] = fdate
        p["filings"] += 1
        p["_accs"].add(acc)
    active = {o["cik"] for r in rows for o in owners_of.get(r["accession"], [])}
    by_acc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if r["kind"] == "transaction":
            by_acc[r["accession"]].append(r)
    zero = Decimal(0)
    insiders = []
    for cik, p in people.items():
        if (flt.since or flt.until) and cik not in active:
            continue
        if flt.roles is not None and not has_any_role(p["roles"], flt.roles):
            continue  # --role: insiders whose latest roles hold one
        txns = [r for acc in sorted(p["_accs"]) for r in by_acc.get(acc, [])]
        mine = [r for r in txns if r["form_table"] == "I" and flt.value_ok(r)]
        buys = [r for r in mine if (r["code"] or "").upper() == "P"]
        sells = [r for r in mine if (r["code"] or "").upper() == "S"]
        b_sh = dsum(r["shares"] or zero for r in buys)
        s_sh = dsum(r["shares"] or zero for r in sells)
        b_v = dsum(row_value(r) or zero for r in buys)
        s_v = dsum(row_value(r) or zero for r in sells)
        del p["_accs"]
        insiders.append(
            {
                **p,
                "purchases": len(buys),
                "purchased_shares": b_sh,
                "purchased_value": b_v,
                "sales": len(sells),
                "sold_shares": s_sh,
                "sold_value": s_v,
                "net_shares": tidy(b_sh - s_sh),
                "net_value": tidy(b_v - s_v),
                "late_rows": sum(1 for r in txns if r["late"] == 1),
            }
        )
    insiders.sort(key=lambda p: (p["net_value"], p["owner_name"] or ""))
    return insiders


def _company_row(r: dict[str, Any], owners_of: dict[str, list]) -> dict[str, Any]:
    owners = owners_of.get(r["accession"], [])
    return {
        "owners": owners,
        "security_title": r["security_title"],
        "table": r["form_table"],
        **public_row(r),
    }
