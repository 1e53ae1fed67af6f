"""An issuer's report (plain data from company.py) as text that fits the terminal."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from .cells import Notes, describe_filters, fmt_cents, fmt_num, plural
from .layout import Column, Grid, choose_compact, paragraph, print_grid
from .rowtable import row_grid
from .sanitize import terminal_data


def _insider_name(p: dict[str, Any]) -> str:
    name = p["owner_name"] or p["owner_cik"]
    return name + (f" ({p['owner_type']})" if p["owner_type"] != "person" else "")


def insiders_grid(traders: list[dict[str, Any]], compact: bool) -> Grid:
    """Net open-market buying and selling per insider. The compact layout folds the roles
    under the name and keeps the share counts and the net value."""
    if compact:
        g = Grid(
            [
                Column("Insider", fold=True),
                Column("Bought", number=True),
                Column("Sold", number=True),
                Column("Net shares", number=True),
                Column("Net $", number=True),
                Column("Late", number=True),
            ]
        )
        for p in traders:
            who = Text(_insider_name(p))
            if p["roles"]:
                who.append(f" - {p['roles']}", style="dim")
            g.add_row(
                who,
                fmt_num(p["purchased_shares"]),
                fmt_num(p["sold_shares"]),
                fmt_num(p["net_shares"]),
                fmt_cents(p["net_value"]),
                str(p["late_rows"]),
            )
        return g
    g = Grid(
        [
            Column("Insider", fold=True),
            Column("CIK"),
            Column("Roles (latest)", fold=True),
            Column("Filings", fold=True),
            *(
                Column(c, number=True)
                for c in ("Bought", "Bought $", "Sold", "Sold $", "Net shares", "Net $")
            ),
            Column("Late", number=True),
        ]
    )
    for p in traders:
        g.add_row(
            _insider_name(p),
            p["owner_cik"],
            p["roles"] or "",
            f"{p['filings']}: {p['first_filing']} to {p['last_filing']}",
            fmt_num(p["purchased_shares"]),
            fmt_cents(p["purchased_value"]),
            fmt_num(p["sold_shares"]),
            fmt_cents(p["sold_value"]),
            fmt_num(p["net_shares"]),
            fmt_cents(p["net_value"]),
            str(p["late_rows"]),
        )
    return g


def render_company(report: dict[str, Any], console: Console, footnotes: bool = True) -> None:
    """The company report as text: header, insiders, clusters, latest filings, footnotes.

    Long on purpose: the sections in the order they print, each a few lines."""
    report = terminal_data(report)  # filed text never reaches the terminal raw
    iss = report["issuer"]
    paragraph(
        console, Text(f"{iss['name']} [{iss['ticker'] or ''}]  (CIK {iss['cik']})", style="bold"), 0
    )
    flt = report.get("filters") or {}
    active = [f"{k} {v if not isinstance(v, list) else ','.join(v)}" for k, v in flt.items() if v]
    if active:
        paragraph(console, f"Filters: {'; '.join(active)}")
    traders = [p for p in report["insiders"] if p["purchases"] or p["sales"]]
    quiet = [p for p in report["insiders"] if not (p["purchases"] or p["sales"])]
    rows = report["last_transactions"]
    late = report["late_filings"]
    scratch = Notes() if footnotes else None
    compact = choose_compact(  # one layout for the whole report
        console,
        [
            lambda c: insiders_grid(traders, c),
            lambda c: row_grid(rows, scratch, False, c, security=True, owners=True),
            lambda c: row_grid(late, scratch, False, c, security=True, owners=True),
        ],
    )
    paragraph(
        console, Text("Insiders (open-market purchases P and sales S of Table I)", style="bold"), 0
    )
    if traders:
        print_grid(console, lambda c: insiders_grid(traders, c), compact)
    else:
        paragraph(console, f"None: {describe_filters({**flt, 'codes': ['P', 'S']})}.")
    if quiet:
        names = "; ".join(
            _insider_name(p) + (f" ({p['roles']})" if p["roles"] else "") for p in quiet
        )
        paragraph(console, f"Without open-market trades in these dates: {names}.")
    notes = Notes() if footnotes else None
    console.print()
    if rows:
        title = f"Last {len(rows)} transactions (newest first)"
        _company_rows(console, title, rows, notes, compact)
    elif active:
        paragraph(console, f"Transactions: {describe_filters(flt)}.", 0)
    console.print()
    clusters = report["cluster_buys"]
    if clusters:
        paragraph(console, "Cluster buys (3+ insiders buying in the open market within 10 days)", 0)
        for c in clusters:
            names = ", ".join(f"{o['name']} ({o['cik']})" for o in c["insiders"])
            paragraph(
                console,
                f"{c['first_date']} to {c['last_date']}: {c['distinct_buyers']} buyers, "
                f"{plural(c['rows'], 'row')}, {fmt_num(c['shares'])} shares for "
                f"{fmt_cents(c['value'])}: {names}",
            )
    else:
        paragraph(
            console,
            "Cluster buys: none (no 3 insiders bought in the open market within 10 days)",
            0,
        )
    unknown = report["unknown_lateness_rows"]
    if late:
        console.print()
        _company_rows(console, "Late filers (rows flagged late)", late, notes, compact)
    else:
        paragraph(
            console,
            "Late filers: none flagged"
            + (f" ({unknown} transaction rows not yet checked for lateness)" if unknown else ""),
            0,
        )
    if notes is not None:
        notes.flush(console)


def _company_rows(
    console: Console,
    title: str,
    rows: list[dict[str, Any]],
    notes: Notes | None,
    compact: bool | None = None,
) -> None:
    paragraph(console, Text(title, style="bold"), 0)
    print_grid(
        console,
        lambda c: row_grid(rows, notes, False, c, security=True, owners=True),
        compact,
    )
