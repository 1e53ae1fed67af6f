"""`insider screen cluster-buys`: the cluster rule of `insider company` (clusters.py) run
over the market's open-market purchases, issuer by issuer, as plain data.

With the buy_days summary (summaries.py) current, the screen reads the rows of only the
issuers that can hold a cluster, in the order of the latest date one of theirs can end
(`cluster_bound`), and stops once the clusters it lists can no longer change: when
`limit` clusters are found and the next issuer's bound is older than the last of them, no
later issuer can enter the list. Without it (a file whose summaries are not this
insider's) every purchase row in the dates is read, as before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from . import market_queries as mq
from . import summaries
from .amounts import dec
from .clusters import CLUSTER_DAYS, CLUSTER_MIN_INSIDERS, cluster_buys
from .queries import co_owners, issuer_by_cik

_BATCH = 200  # issuers whose rows are read in one go


def find_clusters(
    db: Any,
    since: str | None,
    until: str | None,
    issuers: tuple[str, ...] | None,
    min_value: Decimal | None,
    keep: Callable[[str | None], bool],
    limit: int,
) -> list[dict[str, Any]]:
    """The clusters within the dates, newest last trade first, at most `limit`; `keep`
    tests a filing's roles text (--role), `min_value` a cluster's value."""
    found: list[dict[str, Any]] = []

    def add(issuer_cik: str, ts: list[tuple]) -> None:
        found.extend(_issuer_clusters(db, issuer_cik, ts, keep, min_value))

    if summaries.current(db):
        order = _candidates(db, since, until, issuers)
        for i in range(0, len(order), _BATCH):
            if len(found) >= limit:
                found.sort(key=_newest_first, reverse=True)
                del found[limit:]
                if order[i][0] < found[-1]["last_date"]:
                    break  # no later issuer's clusters can end as late as the last listed
            batch = order[i : i + _BATCH]
            rows = mq.open_market_buys_in(
                db, [a for _, _, accs in batch for a in accs], since, until
            )
            by_issuer: dict[str, list[tuple]] = defaultdict(list)
            for t in rows:
                by_issuer[t[3]].append(t)
            for _, issuer_cik, _ in batch:
                add(issuer_cik, by_issuer.get(issuer_cik, []))
    else:
        by_issuer = defaultdict(list)
        for t in mq.open_market_buys(db, since, until, issuers):
            by_issuer[t[3]].append(t)
        for issuer_cik, ts in by_issuer.items():
            add(issuer_cik, ts)
    found.sort(key=_newest_first, reverse=True)
    found = found[:limit]
    _describe(db, found)
    return found


def _newest_first(c: dict[str, Any]) -> tuple[str, str, str]:
    return (c["last_date"], c["first_date"], c["issuer_cik"])  # sorted with reverse=True


def _candidates(
    db: Any, since: str | None, until: str | None, issuers: tuple[str, ...] | None
) -> list[tuple[str, str, list[str]]]:
    """(latest date a cluster can end, issuer CIK, accessions) of the issuers whose buy
    days can hold a cluster, latest first. The check runs on all buys, before --role: a
    superset, so no cluster is missed."""
    days: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for issuer, day, owners, acc in mq.buy_days(db, since, until, issuers):
        days[issuer].append((day, owners, acc))
    out = []
    for issuer, ds in days.items():
        bound = cluster_bound([(d, o) for d, o, _ in ds])
        if bound is not None:
            out.append((bound, issuer, sorted({a for _, _, a in ds})))
    out.sort(reverse=True)
    return out


def _issuer_clusters(
    db: Any,
    issuer_cik: str,
    ts: list[tuple],
    keep: Callable[[str | None], bool],
    min_value: Decimal | None,
) -> list[dict[str, Any]]:
    """The clusters of one issuer's purchase rows (mq.open_market_buys tuples)."""
    ts = [t for t in ts if keep(t[8])]
    # Three buyers need three different owner lists within 10 days at least (joining
    # co-filers only lowers the count): most issuers stop here, without a query.
    if cluster_bound([(t[2], t[4]) for t in ts]) is None:
        return []
    rows = [
        {
            "kind": "transaction",
            "form_table": "I",
            "code": "P",
            "accession": t[0],
            "row_num": t[1],
            "transaction_date": t[2],
            "shares": dec(t[5]),
            "price_per_share": dec(t[6]),
            "total_value": dec(t[7]),  # the view's value: row_value gives the same
        }
        for t in ts
    ]
    owners_of = co_owners(db, sorted({t[0] for t in ts}))
    return [
        {"issuer_cik": issuer_cik, **c}
        for c in cluster_buys(rows, owners_of)
        if min_value is None or c["value"] >= min_value
    ]


@lru_cache(maxsize=65536)
def _ordinal(text: str | None) -> int | None:
    try:
        return date.fromisoformat(text or "").toordinal()
    except ValueError:
        return None  # a date as filed that is no date (2007-02-30) cannot be placed


def cluster_bound(buys: list[tuple[str | None, str | None]]) -> str | None:
    """The latest trade date that can end a cluster among (trade date, owner list) pairs:
    the last day of a 10-day window holding 3 different owner lists (None: no such
    window, so no cluster). Buyers are owner lists joined (co-filers count once) and
    --role only removes rows, so no cluster of these buys ends later. A two-pointer pass
    with a count per owner list: linear in the buys."""
    if len({owners for _, owners in buys}) < CLUSTER_MIN_INSIDERS:
        return None
    days = sorted(
        ((d, text, owners) for text, owners in buys if (d := _ordinal(text)) is not None),
        key=lambda x: x[0],
    )
    count: dict[str | None, int] = defaultdict(int)
    bound = None
    j = 0  # days[lo:j] is the window starting at days[lo]
    for lo in range(len(days)):
        while j < len(days) and days[j][0] - days[lo][0] < CLUSTER_DAYS:
            count[days[j][2]] += 1
            j += 1
        if len(count) >= CLUSTER_MIN_INSIDERS:
            bound = days[j - 1][1]  # windows only move later: the last one found is latest
        gone = days[lo][2]
        count[gone] -= 1
        if not count[gone]:
            del count[gone]
    return bound


def _describe(db: Any, clusters: list[dict[str, Any]]) -> None:
    """Issuer, roles, newest filing (date, acceptance, sec.gov address) of each cluster."""
    for c in clusters:
        found = issuer_by_cik(db, c["issuer_cik"])
        name, ticker = (found[0][1], found[0][2]) if found else (None, None)
        newest = mq.newest_filing(db, c["accessions"])
        role_of = mq.owner_roles_in(db, c["accessions"])
        for person in c["insiders"]:
            person["roles"] = role_of.get(person["cik"])
        shares = c["shares"]
        c.update(
            {
                "issuer_ticker": ticker,
                "issuer_name": name,
                "average_price": (c["value"] / shares).quantize(Decimal("0.0001"))
                if shares
                else None,
                "last_filing_date": newest[0] if newest else None,
                "last_acceptance_datetime": newest[1] if newest else None,
                "last_filing_url": newest[2] if newest else None,
            }
        )
