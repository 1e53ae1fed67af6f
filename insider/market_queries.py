"""Every SELECT of the market-wide readers: the screens (screens.py) and the discovery
commands (discover.py: issuers, owners, status). A sibling of queries.py, which holds the
per-owner and per-issuer SELECTs; like it, this module returns plain tuples and dicts and
decides nothing but what to read.

Row screens read their documented view (schema.SCREEN_VIEWS) with the view's SQL inlined,
so a screen runs the same on a file whose views predate it. Which index serves each query
is in benchmarks/README.md (screens).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .schema import SCREEN_VIEWS

# The columns a screen row is built from (screens._row), in the view's names.
SCREEN_COLUMNS = (
    "accession, form, filing_date, acceptance_datetime, transaction_date, issuer_cik, "
    "issuer_ticker, issuer_name, owner_cik, owner_name, owner_roles, owner_count, form_table, "
    "row_num, security_title, code, code_meaning, acquired_disposed, shares, price_per_share, "
    "value, shares_owned_following, owned_before, delta_own_pct, direct_or_indirect, "
    "plan_10b5_1, late, filing_url, source"
)


def view_sql(view: str) -> str:
    """The view's SELECT with the views it reads inlined (works whether or not the file has
    the view yet)."""
    sql = SCREEN_VIEWS[view]
    if view != "screen_trades":
        sql = sql.replace("FROM screen_trades", f"FROM ({SCREEN_VIEWS['screen_trades']})", 1)
    return sql


def _marks(prefix: str, values: Sequence[str]) -> tuple[str, dict[str, str]]:
    names = [f"{prefix}{k}" for k in range(len(values))]
    return ", ".join(f":{n}" for n in names), dict(zip(names, values, strict=True))


def screen_where(
    *,
    since: str | None,
    until: str | None,
    min_value: Any,
    codes: Sequence[str] | None,
    issuers: Sequence[str] | None,
    walk_by_day: bool = False,
) -> tuple[list[str], dict[str, Any]]:
    """WHERE terms over a screen view's columns, and their parameters. Codes are literal
    (checked against the code table by the caller); everything else is a parameter."""
    where: list[str] = []
    params: dict[str, Any] = {}
    if since:
        where.append("transaction_date >= :since")
        params["since"] = since
    if until:
        where.append("transaction_date <= :until")
        params["until"] = until
    if min_value is not None:
        where.append("value >= :min_value")
        params["min_value"] = float(min_value) if min_value % 1 else int(min_value)
    if codes:
        # latest walks filings newest first (filings_filing_date); the unary + keeps SQLite
        # from preferring the code index and sorting every P and S row instead.
        col = "+code" if walk_by_day else "code"
        where.append(f"{col} IN (" + ", ".join(f"'{c}'" for c in sorted(codes)) + ")")
    if issuers:
        marks, named = _marks("issuer", issuers)
        where.append(f"issuer_cik IN ({marks})")
        params.update(named)
    return where, params


def screen_rows(
    db: Any,
    view: str,
    where: list[str],
    params: dict[str, Any],
    order: str,
    keep: Callable[[str | None], bool],
    limit: int,
    *,
    filtered: bool,
) -> list[dict[str, Any]]:
    """Rows of a screen view in `order`, those whose owner_roles `keep` accepts, at most
    `limit`. Unfiltered, SQLite gets the LIMIT (a top-N sort); with a role test the rows
    stream in order and reading stops as soon as enough are kept."""
    sql = screen_rows_sql(view, where, order, None if filtered else limit)
    return _fetch(db, sql, params, keep, limit)


def screen_rows_sql(view: str, where: list[str], order: str, limit: int | None) -> str:
    """The SELECT of `screen_rows` (also what benchmarks/screens.py EXPLAINs)."""
    sql = f"SELECT {SCREEN_COLUMNS} FROM ({view_sql(view)})"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" ORDER BY {order}"
    return sql if limit is None else sql + f" LIMIT {int(limit)}"


def latest_rows(
    db: Any,
    view: str,
    where: list[str],
    params: dict[str, Any],
    order: str,
    keep: Callable[[str | None], bool],
    limit: int,
    *,
    since: str | None,
    issuers: Sequence[str] | None,
) -> list[dict[str, Any]]:
    """Newest filing day first, one day at a time through filings_filing_date (or
    filings_issuer_date with issuers), then that day's rows from the view: the cost follows
    the days walked, not the size of the market, with or without SQLite statistics."""
    iss = ""
    if issuers:
        marks, named = _marks("i", issuers)
        iss = f" AND issuer_cik IN ({marks})"
        params = {**params, **named}
    day_sql = f"SELECT max(filing_date) FROM filings WHERE filing_date < :before{iss}"
    rows_sql = (
        f"SELECT {SCREEN_COLUMNS} FROM ({view_sql(view)}) WHERE accession IN "
        f"(SELECT accession FROM filings WHERE filing_date = :day{iss})"
        + "".join(f" AND {w}" for w in where)
        + f" ORDER BY {order}"
    )
    out: list[dict[str, Any]] = []
    day = db.execute(day_sql, {**params, "before": "A"}).fetchone()[0]  # "A" > any date
    # A trade is filed on or after its date: filings older than --since hold none.
    while day and len(out) < limit and not (since and day < since):
        out += _fetch(db, rows_sql, {**params, "day": day}, keep, limit - len(out))
        day = db.execute(day_sql, {**params, "before": day}).fetchone()[0]
    return out


def _fetch(db: Any, sql: str, params: dict[str, Any], keep, limit: int) -> list[dict[str, Any]]:
    cur = db.execute(sql, params)
    cols = [d[0] for d in cur.description]
    at = cols.index("owner_roles")
    out = []
    for t in cur:
        if keep(t[at]):
            out.append(dict(zip(cols, t, strict=True)))
            if len(out) >= limit:
                break
    cur.close()
    return out


def newest_trade_date(db: Any, code: str) -> str | None:
    """The newest well-formed transaction date of a code (a screen's default window)."""
    return db.execute(
        "SELECT max(transaction_date) FROM ownership_rows WHERE code = ? "
        "AND transaction_date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'",
        (code,),
    ).fetchone()[0]


# --------------------------------------------------------------------------- cluster buys


def open_market_buys(
    db: Any, since: str | None, until: str | None, issuers: Sequence[str] | None
) -> list[tuple]:
    """(accession, row_num, transaction_date, issuer_cik, owner_ciks, shares,
    price_per_share, value, owner_roles) of the current open-market purchases (Table I, P)
    traded within the dates, from screen_purchases."""
    sql = (
        "SELECT accession, row_num, transaction_date, issuer_cik, owner_cik, shares, "
        f"price_per_share, value, owner_roles FROM ({view_sql('screen_purchases')}) "
        "WHERE transaction_date >= :since AND transaction_date <= :until"
    )
    return _in_dates_of_issuers(db, sql, since, until, issuers)


def open_market_buys_in(
    db: Any, accessions: Sequence[str], since: str | None, until: str | None
) -> list[tuple]:
    """`open_market_buys` of these filings only, by the ownership_rows primary key: the
    rows of screen_purchases (screen_trades, Table I, code P), with the unary + keeping
    SQLite off ownership_rows_code, which would walk every purchase in the dates."""
    out: list[tuple] = []
    for i in range(0, len(accessions), 500):
        chunk = list(accessions[i : i + 500])
        out += db.execute(
            "SELECT accession, row_num, transaction_date, issuer_cik, owner_cik, shares, "
            f"price_per_share, value, owner_roles FROM ({view_sql('screen_trades')}) "
            f"WHERE accession IN ({', '.join('?' * len(chunk))}) AND form_table = 'I' "
            "AND +code = 'P' AND +transaction_date >= ? AND +transaction_date <= ?",
            [*chunk, since or "0000", until or "9999"],
        ).fetchall()
    return out


def buy_days(
    db: Any, since: str | None, until: str | None, issuers: Sequence[str] | None
) -> list[tuple]:
    """(issuer_cik, transaction_date, owner_ciks, accession) of the buy_days summary within
    the dates (index buy_days_date, covering)."""
    sql = (
        "SELECT issuer_cik, transaction_date, owner_ciks, accession FROM buy_days "
        "WHERE transaction_date >= :since AND transaction_date <= :until"
    )
    return _in_dates_of_issuers(db, sql, since, until, issuers)


def newest_filing(db: Any, accessions: Sequence[str]) -> tuple | None:
    """(filing_date, acceptance_datetime, filing_url) of the newest of these filings."""
    marks = ", ".join("?" * len(accessions))
    return db.execute(
        f"SELECT filing_date, acceptance_datetime, filing_url FROM "
        f"({view_sql('screen_trades')}) WHERE accession IN ({marks}) "
        "ORDER BY filing_date DESC, acceptance_datetime DESC, accession DESC LIMIT 1",
        list(accessions),
    ).fetchone()


def owner_roles_in(db: Any, accessions: Sequence[str]) -> dict[str, str | None]:
    """owner CIK -> the roles filed in these filings (the last accession's when several)."""
    marks = ", ".join("?" * len(accessions))
    return {
        cik: r
        for cik, r in db.execute(
            f"SELECT owner_cik, roles FROM filing_owners WHERE accession IN ({marks}) "
            "ORDER BY accession",
            list(accessions),
        )
    }


# --------------------------------------------------------------------------- discovery


def issuer_listing(db: Any, limit: int | None = None) -> list[tuple]:
    """(cik, ticker, name, filings, first filing, last filing) of every issuer, by ticker."""
    sql = (
        "SELECT i.cik, i.ticker, i.name, s.n, s.first, s.last FROM issuers i "
        "LEFT JOIN (SELECT issuer_cik, count(*) AS n, min(filing_date) AS first, "
        "max(filing_date) AS last FROM filings GROUP BY issuer_cik) s ON s.issuer_cik = i.cik "
        "ORDER BY i.ticker IS NULL, upper(i.ticker), i.name, i.cik"
    )
    if limit:
        sql += f" LIMIT {int(limit)}"
    return db.execute(sql).fetchall()


def _quoted(table: str) -> str:
    return '"' + table.replace('"', '""') + '"'  # a name found in the file may hold quotes


def count(db: Any, table: str) -> int:
    """Rows of a table of the file."""
    return db.execute(f"SELECT count(*) FROM {_quoted(table)}").fetchone()[0]


def busiest_owners(db: Any, limit: int) -> list[str]:
    """CIKs of the owners with the most filings."""
    return [
        r[0]
        for r in db.execute(
            "SELECT owner_cik FROM filing_owners GROUP BY owner_cik "
            "ORDER BY count(*) DESC, owner_cik LIMIT ?",
            (int(limit),),
        )
    ]


def owner_summary(db: Any, cik: str) -> tuple[tuple, list[str]]:
    """((name, filings, last filing date), issuers' tickers or CIKs) of one owner."""
    head = db.execute(
        "SELECT o.name, count(fo.accession), max(f.filing_date) FROM owners o "
        "LEFT JOIN filing_owners fo ON fo.owner_cik = o.cik "
        "LEFT JOIN filings f ON f.accession = fo.accession WHERE o.cik = ?",
        (cik,),
    ).fetchone()
    tickers = [
        t
        for (t,) in db.execute(
            "SELECT DISTINCT coalesce(i.ticker, f.issuer_cik) FROM filing_owners fo "
            "JOIN filings f ON f.accession = fo.accession "
            "LEFT JOIN issuers i ON i.cik = f.issuer_cik WHERE fo.owner_cik = ? ORDER BY 1",
            (cik,),
        )
    ]
    return head, tickers


def table_names(db: Any) -> set[str]:
    return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def filings_by_source_form(db: Any, counted: bool) -> list[tuple]:
    """(source, form, filings, first, last filing date). `counted`: the numbers come from
    the filing_counts summary and the dates from two seeks each in the
    filings_source_form index; else one pass over that index (2.5 M entries at 25 M rows)."""
    if not counted:
        return db.execute(
            "SELECT source, form, count(*), min(filing_date), max(filing_date) FROM filings "
            "GROUP BY source, form ORDER BY source, form"
        ).fetchall()
    return db.execute(
        "SELECT c.source, c.form, c.filings, "
        "(SELECT min(filing_date) FROM filings f WHERE f.source = c.source AND f.form = c.form), "
        "(SELECT max(filing_date) FROM filings f WHERE f.source = c.source AND f.form = c.form) "
        "FROM filing_counts c ORDER BY c.source, c.form"
    ).fetchall()


def status_facts(db: Any) -> dict[str, Any]:
    """Schema version, last filing date, failures and the five newest of them."""
    return {
        "schema_version": db.execute("PRAGMA user_version").fetchone()[0],
        "last_filing_date": db.execute("SELECT max(filing_date) FROM filings").fetchone()[0],
        "failures": count(db, "sync_failures"),
        "recent_failures": db.execute(
            "SELECT accession, reason, failed_at, attempts FROM sync_failures "
            "ORDER BY failed_at DESC LIMIT 5"
        ).fetchall(),
    }


def dataset_quarters(db: Any) -> list[tuple]:
    return db.execute(
        "SELECT quarter, filings, rows, imported_at FROM dataset_quarters ORDER BY quarter"
    ).fetchall()


def watch_state(db: Any) -> list[tuple]:
    return db.execute("SELECT name, value, updated_at FROM watch_state ORDER BY name").fetchall()


def last_row(db: Any, table: str) -> tuple[list[str], tuple] | None:
    """Column names and the last row (by rowid) of a table found in the file."""
    cur = db.execute(f"SELECT * FROM {_quoted(table)} ORDER BY rowid DESC LIMIT 1")
    row = cur.fetchone()
    return None if row is None else ([d[0] for d in cur.description], row)


def _in_dates_of_issuers(db: Any, sql: str, since, until, issuers) -> list[tuple]:
    """Run `sql` (whose WHERE bounds transaction_date by :since and :until) for these
    dates, open-ended when not given, and only these issuer CIKs when given."""
    params: dict[str, Any] = {"since": since or "0000", "until": until or "9999"}
    if issuers:
        marks, named = _marks("i", issuers)
        sql += f" AND issuer_cik IN ({marks})"
        params.update(named)
    return db.execute(sql, params).fetchall()
