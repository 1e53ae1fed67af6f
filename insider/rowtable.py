"""Report rows (transactions and holdings) as a table, wide or compact: used by show and
company (and the screens) so a row reads the same everywhere."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from .cells import (
    Notes,
    cell,
    flag,
    flags,
    fmt_cents,
    fmt_money,
    fmt_num,
    fmt_range,
    fmt_signed,
    linked,
)
from .codes import short
from .layout import Column, Grid

_SHOWN = frozenset(
    {
        "security_title",
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
        "timeliness",
    }
)
_HELD = frozenset(
    {
        "shares_owned_following",
        "value_owned_following",
        "direct_or_indirect",
        "nature_of_ownership",
    }
)
_SHOWN_II = frozenset(
    {
        "conversion_or_exercise_price",
        "exercise_date",
        "expiration_date",
        "underlying_security_title",
        "underlying_shares",
        "underlying_value",
    }
)


def _unshown(r: dict[str, Any], derivative: bool, held: bool = True) -> tuple[str, ...]:
    """Footnoted fields without a column of their own (form type, equity swap, and in a
    table without derivative columns the derivative fields): their markers go beside the
    code, so no footnote is ever dropped."""
    shown = _SHOWN | _SHOWN_II if derivative else _SHOWN
    if not held:
        shown = shown - _HELD
    return tuple(f for f in r["footnotes"] if f not in shown)


def group_label(r: dict[str, Any], who: str = "") -> Text:
    """The compact layout's group header: the filing the rows below come from."""
    t = Text("  ")
    if who:
        t.append(f"{who}  ", style="bold")
    t.append_text(linked(r["accession"], r.get("filing_url"), "dim"))
    t.append(f"  Form {r['form']} filed {r['filing_date']}", style="dim")
    if r.get("joint_filing"):
        t.append("  (joint filing)", style="dim")
    if is_dataset(r):
        t.append("  (data set)", style="dim")
    return t


def is_dataset(r: dict[str, Any]) -> bool:
    """A row stored from the SEC's quarterly data sets (numbers rounded to 2 decimals)."""
    return r.get("source", "xml") != "xml"


DATASET_LEGEND = (
    "'data set': filed rows from the SEC's quarterly data sets, numbers rounded to 2 "
    "decimals (insider backfill --refine fetches the exact XML)."
)


def row_grid(
    rows: list[dict[str, Any]],
    notes: Notes | None,
    derivative: bool,
    compact: bool,
    security: bool = False,
    owners: bool = False,
) -> Grid:
    """Transaction/holding rows as a table: the wide layout's columns, or the compact one's
    (code letter, signed shares, one flags column, the filing as a group header).
    `security` adds a Security column and `owners` names the owners (company's rows)."""
    ranged = not compact and any(r.get("price_range_low") is not None for r in rows)
    if notes is not None:
        notes.range_column = ranged
    held = not (compact and owners)  # company's compact rows leave out Owned after and D/I
    cols = [Column("Date")]
    if owners and not compact:
        cols.append(Column("Insider", fold=True))
    if security:
        cols.append(Column("Security", fold=True))
    cols.append(Column("Code", fold=not compact))
    cols += [Column("Shares", number=True), Column("Price", number=True)]
    if ranged:
        cols.append(Column("Range", number=True))
    cols.append(Column("Value", number=True))
    if not compact:
        cols.append(Column("A/D", justify="center"))
    if held:
        cols += [Column("Owned after", number=True), Column("D/I", fold=True)]
    if compact:
        cols.append(Column("Flags"))
    else:
        cols += [
            Column("10b5-1", justify="center"),
            Column("Late", justify="center"),
            Column("Filing", fold=True),
        ]
    if derivative:
        cols += [
            *(
                [Column("Exercise price, exercisable / expires", fold=True)]
                if compact
                else [
                    Column("Exercise price", number=True),
                    Column("Exercisable / expires", fold=True),
                ]
            ),
            Column("Underlying", fold=True),
        ]
    g = Grid(cols)
    last = None
    for r in rows:
        if compact and r["accession"] != last:
            who = "; ".join(o["name"] or o["cik"] for o in r["owners"]) if owners else ""
            g.add_group(group_label(r, who))
            last = r["accession"]
        g.add_row(*_row_cells(r, notes, derivative, compact, ranged, security, owners))
    return g


def _row_cells(
    r: dict[str, Any],
    notes: Notes | None,
    derivative: bool,
    compact: bool,
    ranged: bool,
    security: bool,
    owners: bool,
) -> list[Text]:
    """The cells of one transaction row at the chosen layout.

    Long on purpose: one short rule per column, in column order."""
    code = r["code"] or ""
    holding = r["kind"] != "transaction"
    held = not (compact and owners)
    di = (r["direct_or_indirect"] or "") + (
        f" {r['nature_of_ownership']}" if r["nature_of_ownership"] else ""
    )
    if compact:
        code_text = "hold" if holding else code
        shares = fmt_signed(r["shares"], r["acquired_disposed"])
    else:
        code_text = "holding" if holding else f"{code} {short(code)}"
        shares = fmt_num(r["shares"])
    cells = [
        cell(r["transaction_date"] or "", r, ("transaction_date", "deemed_execution_date"), notes)
    ]
    if owners and not compact:
        cells.append(Text("; ".join(o["name"] or o["cik"] for o in r["owners"])))
    if security:
        # Compact: only Table II is marked ("Common Stock" then fits on one line).
        table = "" if compact and r["table"] == "I" else f" ({r['table']})"
        cells.append(cell(f"{r['security_title']}{table}", r, ("security_title",), notes))
    cells += [
        cell(code_text, r, ("code", *_unshown(r, derivative, held)), notes),
        cell(shares, r, ("shares",), notes),
        cell(fmt_money(r["price_per_share"]), r, ("price_per_share",), notes),
    ]
    if ranged:
        cells.append(Text(fmt_range(r.get("price_range_low"), r.get("price_range_high"))))
    cells.append(cell(fmt_cents(r["value"]), r, ("total_value",), notes))
    if not compact:
        cells.append(cell(r["acquired_disposed"] or "", r, ("acquired_disposed",), notes))
    if held:
        cells += [
            cell(
                fmt_num(r["shares_owned_following"]) or fmt_money(r["value_owned_following"]),
                r,
                ("shares_owned_following", "value_owned_following"),
                notes,
            ),
            cell(di, r, ("direct_or_indirect", "nature_of_ownership"), notes),
        ]
    if compact:
        cells.append(cell(flags(r), r, ("timeliness",), notes))
    else:
        cells += [
            Text(flag(r["plan_10b5_1"])),
            cell(flag(r["late"]), r, ("timeliness",), notes),
            linked(r["accession"], r.get("filing_url")).append(
                (" joint" if r["joint_filing"] else "") + (" data set" if is_dataset(r) else "")
            ),
        ]
    if derivative:
        dates = cell(r["exercise_date"] or "", r, ("exercise_date",), notes)
        dates.append(" / ").append_text(
            cell(r["expiration_date"] or "", r, ("expiration_date",), notes)
        )
        under = r["underlying_shares"]
        price = cell(
            fmt_money(r["conversion_or_exercise_price"]),
            r,
            ("conversion_or_exercise_price",),
            notes,
        )
        if compact:  # one folding column: "$33.95 (1) / 2014-01-19"
            terms = price + Text(" ") + dates if price.plain else dates
            cells.append(terms)
        else:
            cells += [price, dates]
        cells += [
            cell(
                f"{fmt_num(under) if under is not None else fmt_money(r['underlying_value'])} "
                f"{r['underlying_security_title'] or ''}".strip(),
                r,
                ("underlying_security_title", "underlying_shares", "underlying_value"),
                notes,
            ),
        ]
    return cells
