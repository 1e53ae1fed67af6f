"""`insider screen NAME`: market-wide questions over the screen views, as plain data.

Each screen is a documented view (schema.SCREEN_VIEWS) plus a sort, or, for cluster-buys, the
cluster rule of `insider company` (clusters.cluster_buys) run per issuer over the market's
open-market purchases. The SELECTs live in market_queries.py; screen_sql.py gives the same
screens as parameterised SQL for docs/schema.md and Datasette. Rendering lives in
screen_render.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from . import market_queries as mq
from . import roles
from .amounts import dec, dsum, tidy
from .cluster_screen import find_clusters
from .errors import ReportError


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
        out["clusters"] = find_clusters(
            db,
            q.since,
            q.until,
            q.issuers,
            q.min_value,
            role_filter(SCREENS["cluster-buys"], q),
            q.limit,
        )
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
