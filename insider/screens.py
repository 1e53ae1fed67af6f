"""`insider screen NAME`: market-wide questions over the screen views, as plain data.

Each screen is a documented view (schema.SCREEN_VIEWS) plus a sort, or, for cluster-buys, the
cluster rule of `insider company` (clusters.cluster_buys) run per issuer over the market's
open-market purchases. The SELECTs live in market_queries.py; screen_sql.py gives the same
screens as parameterised SQL for docs/schema.md and Datasette. Rendering lives in
screen_render.py.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from . import market_queries as mq
from . import roles, summaries
from .amounts import dec, dsum, tidy
from .clusters import cluster_buys
from .errors import ReportError
from .queries import co_owners, issuer_by_cik


@dataclass(frozen=True, slots=True)
class Screen:
    name: str
    view: str
    title: str
    order: str  # ORDER BY over the view's columns
    codes: frozenset[str] | None = None  # codes shown by default; None: those of the view
    code_option: bool = False  # --code may choose other codes
    window_days: int | None = None  # without --since: this many days up to the newest trade
    roles: tuple[str, ...] | None = None  # the view's own role rule (roles.py)


_BY_TRADE = "transaction_date DESC, filing_date DESC, accession DESC, row_num"
SCREENS: dict[str, Screen] = {
    s.name: s
    for s in (
        Screen(
            "latest",
            "screen_trades",
            "Latest filings: trades in the stock (Table I; P and S unless --code), newest first",
            "filing_date DESC, acceptance_datetime DESC, accession DESC, row_num",
            codes=frozenset({"P", "S"}),
            code_option=True,
        ),
        Screen("purchases", "screen_purchases", "Open-market purchases (P)", _BY_TRADE),
        Screen("sales", "screen_sales", "Open-market sales (S)", _BY_TRADE),
        Screen(
            "officer-purchases",
            "screen_officer_purchases",
            "Open-market purchases by officers",
            _BY_TRADE,
            roles=("officer",),
        ),
        Screen(
            "ceo-cfo-purchases",
            "screen_ceo_cfo_purchases",
            "Open-market purchases by CEOs and CFOs",
            _BY_TRADE,
            roles=roles.CEO_CFO,
        ),
        Screen(
            "cluster-buys",
            "screen_purchases",
            "Cluster buys: 3 or more insiders of one issuer buying within 10 days",
            "last_date DESC",
            window_days=30,
        ),
        Screen(
            "big-sales",
            "screen_sales",
            "Largest open-market sales by value",
            "value DESC, " + _BY_TRADE,
            window_days=30,
        ),
        Screen(
            "late", "screen_late", "Late filings (rows flagged late)", _BY_TRADE, code_option=True
        ),  # fmt: skip
    )
}


@dataclass(frozen=True, slots=True)
class ScreenQuery:
    since: str | None = None
    until: str | None = None
    min_value: Decimal | None = None
    roles: tuple[str, ...] | None = None
    codes: frozenset[str] | None = None
    issuers: tuple[str, ...] | None = None  # CIKs
    limit: int = 100

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": self.since,
            "until": self.until,
            "min_value": self.min_value,
            "roles": list(self.roles) if self.roles else None,
            "codes": sorted(self.codes) if self.codes else None,
            "issuers": list(self.issuers) if self.issuers else None,
            "limit": self.limit,
        }


def resolve_issuers(db: Any, text: str | None) -> tuple[str, ...] | None:
    """`--issuer AIV,CIK0000320193` -> CIKs (lookup.issuer_ciks, the one issuer look-up of
    filters); a ticker or CIK with no issuer is an error."""
    from .lookup import issuer_ciks

    if not text:
        return None
    out: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        found = issuer_ciks(db, part)
        if not found:
            raise ReportError(f"--issuer {part!r}: no issuer with that ticker or CIK")
        out += found
    return tuple(dict.fromkeys(out)) or None


def _where(q: ScreenQuery, screen: Screen) -> tuple[list[str], dict[str, Any]]:
    where, params = mq.screen_where(
        since=q.since,
        until=q.until,
        min_value=q.min_value if screen.name != "cluster-buys" else None,
        codes=q.codes if q.codes is not None else screen.codes,
        issuers=q.issuers,
        walk_by_day=screen.name == "latest",
    )
    if screen.name == "latest":
        where.append("form_table = 'I'")
    return where, params


def screen_sql(screen: Screen, q: ScreenQuery) -> tuple[str, dict[str, Any]]:
    """The screen's SELECT as run for a row screen other than latest (benchmarks, EXPLAIN).
    Role rules are applied by the caller (`role_filter`): the view SQL of a role is exact
    but costs ~10 us a row in SQLite, while the same rule cached per distinct roles text
    costs nothing, and the rows stream in the screen's order."""
    where, params = _where(q, screen)
    filtered = bool(screen.roles or q.roles)
    return mq.screen_rows_sql(
        _view(screen), where, screen.order, None if filtered else q.limit
    ), params


def _view(screen: Screen) -> str:
    # A role screen reads screen_purchases and applies its rule in Python (role_filter).
    return SCREENS["purchases"].view if screen.roles else screen.view


def role_filter(screen: Screen, q: ScreenQuery):
    """A test of a roles text for every role rule in force (the screen's and --role)."""
    rules = [r for r in (screen.roles, q.roles) if r]
    return lambda text: all(roles.has_any_role(text, r) for r in rules)


def default_window(db: Any, screen: Screen, q: ScreenQuery) -> ScreenQuery:
    """Screens that rank or group (big-sales, cluster-buys) look at a window: without
    --since, the `window_days` days up to --until or the newest trade of their code."""
    if screen.window_days is None or q.since:
        return q
    code = "P" if screen.name == "cluster-buys" else "S"
    end = q.until or mq.newest_trade_date(db, code)
    if not end:
        return q
    try:
        start = date.fromisoformat(end) - timedelta(days=screen.window_days - 1)
    except ValueError:
        return q
    return ScreenQuery(start.isoformat(), end, q.min_value, q.roles, q.codes, q.issuers, q.limit)


def _row(t: dict[str, Any]) -> dict[str, Any]:
    shares, price = dec(t["shares"]), dec(t["price_per_share"])
    value = tidy(shares * price) if shares is not None and price is not None else dec(t["value"])
    before = dec(t["owned_before"])
    return {
        "filing_date": t["filing_date"],
        "acceptance_datetime": t["acceptance_datetime"],
        "transaction_date": t["transaction_date"],
        "issuer_cik": t["issuer_cik"],
        "issuer_ticker": t["issuer_ticker"],
        "issuer_name": t["issuer_name"],
        "owner_cik": t["owner_cik"],
        "owner_name": t["owner_name"],
        "owner_roles": t["owner_roles"],
        "code": t["code"],
        "code_meaning": t["code_meaning"],
        "table": t["form_table"],
        "security_title": t["security_title"],
        "acquired_disposed": t["acquired_disposed"],
        "shares": shares,
        "price_per_share": price,
        "value": value,
        "shares_owned_following": dec(t["shares_owned_following"]),
        "owned_before": tidy(before) if before is not None else None,
        "delta_own_pct": _pct(t["delta_own_pct"]),
        "new_position": before == 0 if before is not None else None,
        "direct_or_indirect": t["direct_or_indirect"],
        "plan_10b5_1": None if t["plan_10b5_1"] is None else bool(t["plan_10b5_1"]),
        "late": None if t["late"] is None else bool(t["late"]),
        "joint_filing": (t["owner_count"] or 0) > 1,
        "form": t["form"],
        "accession": t["accession"],
        "row_num": t["row_num"],
        "filing_url": t["filing_url"],
        "source": t["source"],  # 'xml', or 'dataset:YYYYqN' (numbers rounded to cents)
    }


def _pct(v: Any) -> Decimal | None:
    # SQLite's round(x, 1) is a REAL; one decimal place, as the view documents it.
    return None if v is None else dec(v).quantize(Decimal("0.1"))


def run_screen(db: Any, name: str, q: ScreenQuery) -> dict[str, Any]:
    """Everything `insider screen NAME` prints, as plain data."""
    screen = SCREENS[name]
    if q.codes is not None and not screen.code_option:
        raise ReportError(
            f"screen {name} shows its own codes; --code works with "
            + " and ".join(s.name for s in SCREENS.values() if s.code_option)
        )
    q = default_window(db, screen, q)
    out: dict[str, Any] = {"screen": name, "title": screen.title, "filters": q.as_dict()}
    if name == "cluster-buys":
        out["clusters"] = _clusters(db, q)
        return out
    keep = role_filter(screen, q)
    where, params = _where(q, screen)
    view = _view(screen)
    if name == "latest":
        found = mq.latest_rows(
            db, view, where, params, screen.order, keep, q.limit, since=q.since, issuers=q.issuers
        )
    else:
        found = mq.screen_rows(
            db,
            view,
            where,
            params,
            screen.order,
            keep,
            q.limit,
            filtered=bool(screen.roles or q.roles),
        )
    rows = [_row(t) for t in found]
    out["rows"] = rows
    if name in ("sales", "big-sales"):
        out["plan_10b5_1"] = _plan_share(rows)
    return out


def _plan_share(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """How much of the sales listed was made under a Rule 10b5-1 plan (rows and value)."""
    zero = Decimal(0)
    plan = [r for r in rows if r["plan_10b5_1"]]
    value = dsum(r["value"] or zero for r in rows)
    plan_value = dsum(r["value"] or zero for r in plan)
    return {
        "rows": len(rows),
        "plan_rows": len(plan),
        "value": value,
        "plan_value": plan_value,
        "value_pct": (plan_value * 100 / value).quantize(Decimal("0.1")) if value else None,
    }


# --------------------------------------------------------------------------- cluster buys


def _clusters(db: Any, q: ScreenQuery) -> list[dict[str, Any]]:
    by_issuer: dict[str, list[tuple]] = defaultdict(list)
    keep = role_filter(SCREENS["cluster-buys"], q)
    if summaries.current(db):
        buys = _candidate_buys(db, q)
    else:  # a file whose summaries are not this insider's: every purchase row
        buys = mq.open_market_buys(db, q.since, q.until, q.issuers)
    for t in buys:
        if keep(t[8]):
            by_issuer[t[3]].append(t)
    found: list[dict[str, Any]] = []
    for issuer_cik, ts in by_issuer.items():
        # Three buyers need three different owner lists within 10 days at least (joining
        # co-filers only lowers the count): most issuers stop here, without a query.
        if not _may_cluster([(t[2], t[4]) for t in ts]):
            continue
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
        for c in cluster_buys(rows, owners_of):
            if q.min_value is not None and c["value"] < q.min_value:
                continue
            found.append({"issuer_cik": issuer_cik, **c})
    found.sort(key=lambda c: (c["last_date"], c["first_date"], c["issuer_cik"]), reverse=True)
    found = found[: q.limit]
    _describe(db, found)
    return found


def _candidate_buys(db: Any, q: ScreenQuery) -> list[tuple]:
    """The purchase rows (as mq.open_market_buys gives them) of the issuers whose buy days
    (summaries.buy_days: one entry per filing and date) can hold a cluster; the rows of
    every other issuer are never read. The check runs on all buys, before --role: a
    superset, so no cluster is missed."""
    days: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for issuer, day, owners, acc in mq.buy_days(db, q.since, q.until, q.issuers):
        days[issuer].append((day, owners, acc))
    accs = sorted(
        {
            acc
            for ds in days.values()
            if _may_cluster([(d, o) for d, o, _ in ds])
            for _, _, acc in ds
        }
    )
    return mq.open_market_buys_in(db, accs, q.since, q.until) if accs else []


def _may_cluster(buys: list[tuple[str | None, str | None]]) -> bool:
    """Whether some 10-day window of (trade date, owner list) pairs holds 3 different
    owner lists (a two-pointer pass with a count per owner list: linear in the buys)."""
    from .clusters import CLUSTER_DAYS, CLUSTER_MIN_INSIDERS

    if len({owners for _, owners in buys}) < CLUSTER_MIN_INSIDERS:
        return False
    days = []
    for day_text, owners in buys:
        try:
            days.append((date.fromisoformat(day_text or "").toordinal(), owners))
        except ValueError:
            continue
    days.sort()
    count: dict[str, int] = defaultdict(int)
    lo = 0
    for day, owners in days:
        count[owners] += 1
        while day - days[lo][0] >= CLUSTER_DAYS:
            gone = days[lo][1]
            count[gone] -= 1
            if not count[gone]:
                del count[gone]
            lo += 1
        if len(count) >= CLUSTER_MIN_INSIDERS:
            return True
    return False


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
