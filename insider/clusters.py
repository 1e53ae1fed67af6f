"""Cluster buys: the one rule for `insider company` and `insider screen cluster-buys`."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from .amounts import dsum, row_value

CLUSTER_MIN_INSIDERS = 3
CLUSTER_DAYS = 10


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


def cluster_buys(rows: list[dict[str, Any]], owners_of: dict[str, list]) -> list[dict[str, Any]]:
    """Runs of open-market purchases (code P, Table I) in which at least 3 distinct insiders
    bought within 10 calendar days (first to last buy of a window at most 9 days apart).
    Overlapping windows merge into one cluster. Owners of one joint filing count as one.

    Long on purpose: one sliding-window pass whose state (window, distinct owners, joint
    filings) the steps share."""
    buys = []
    days = []
    for r in rows:
        if not (
            r["kind"] == "transaction"
            and r["form_table"] == "I"
            and (r["code"] or "").upper() == "P"
        ):
            continue
        day = _day(r["transaction_date"])
        if day is not None:  # a date as filed that is no date (2007-02-30) cannot be placed
            buys.append(r)
            days.append(day)
    order = sorted(range(len(buys)), key=lambda k: days[k])
    buys = [buys[k] for k in order]
    days = [days[k] for k in order]

    # One buyer = owners who ever file together (Alice alone and Alice with her LLC are one
    # insider, not two): union-find over the owners of each filing.
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in buys:
        ciks = [o["cik"] for o in owners_of.get(r["accession"], [])]
        for c in ciks[1:]:
            parent[root(c)] = root(ciks[0])

    def who(r: dict[str, Any]) -> str:
        ciks = [o["cik"] for o in owners_of.get(r["accession"], [])]
        return root(ciks[0]) if ciks else r["accession"]

    keys = [who(r) for r in buys]
    windows: list[tuple[int, int]] = []
    j = 0
    for i in range(len(buys)):
        j = max(j, i)
        while j + 1 < len(buys) and days[j + 1] - days[i] < timedelta(days=CLUSTER_DAYS):
            j += 1
        if len(set(keys[i : j + 1])) >= CLUSTER_MIN_INSIDERS:
            if windows and i <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(windows[-1][1], j))
            else:
                windows.append((i, j))
    out = []
    zero = Decimal(0)
    for i, j in windows:
        part = buys[i : j + 1]
        names: dict[str, str] = {}
        for r in part:
            for o in owners_of.get(r["accession"], []):
                names.setdefault(o["cik"], o["name"])
        out.append(
            {
                "first_date": part[0]["transaction_date"],
                "last_date": part[-1]["transaction_date"],
                "insiders": [{"cik": c, "name": n} for c, n in names.items()],
                "distinct_buyers": len({who(r) for r in part}),
                "rows": len(part),
                "shares": dsum(r["shares"] or zero for r in part),
                "value": dsum(row_value(r) or zero for r in part),
                "accessions": sorted({r["accession"] for r in part}),
            }
        )
    return out
