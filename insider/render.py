"""Plain report data -> rich tables, JSON. No queries here, no arithmetic beyond formatting."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .codes import short
from .export import dumps, to_jsonable  # noqa: F401  (re-exported: parse --json uses them)
from .sanitize import terminal_data


def fmt_num(v: Decimal | None) -> str:
    """Thousands separators, every filed digit kept: 5500 -> 5,500; 0.33333 stays."""
    if v is None:
        return ""
    return f"{v:,f}"


def fmt_money(v: Decimal | None, places: int = 2) -> str:
    if v is None:
        return ""
    # At least cents, never fewer digits than were filed.
    if v.as_tuple().exponent > -places:  # type: ignore[operator]
        v = v.quantize(Decimal(1).scaleb(-places))
    return f"-${-v:,f}" if v < 0 else f"${v:,f}"


def _natural(label: str) -> tuple:
    digits = "".join(ch for ch in label if ch.isdigit())
    return (int(digits) if digits else 0, label)


def _suffix(count: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa: a marker letter for the count-th repeat of a filing's id."""
    out = ""
    while count > 0:
        count, rem = divmod(count - 1, 26)
        out = chr(ord("a") + rem) + out
    return out


class _Notes:
    """Footnote markers unique across one report: the filing's own number when that is
    unambiguous ("1" for F1), with a letter when two filings both have an F1. Texts are
    listed under the table where a footnote is first used (`flush`)."""

    def __init__(self) -> None:
        self.keys: dict[tuple[str, str], str] = {}
        self.texts: list[tuple[str, str, str]] = []
        self.used: dict[str, int] = {}
        self.pending: list[tuple[str, str, str]] = []

    def mark(self, accession: str, notes: list[dict[str, str]]) -> str:
        labels = []
        for n in notes:
            key = (accession, n["id"])
            if key not in self.keys:
                base = n["id"][1:] if n["id"][:1] in "Ff" and n["id"][1:].isdigit() else n["id"]
                count = self.used.get(base, 0)
                self.used[base] = count + 1
                label = base if count == 0 else f"{base}{_suffix(count)}"
                self.keys[key] = label
                entry = (label, accession, n.get("text") or "")
                self.texts.append(entry)
                self.pending.append(entry)
            labels.append(self.keys[key])
        return "".join(f"({lab})" for lab in labels)

    def flush(self, console: Console) -> None:
        if not self.pending:
            return
        console.print(Text("  Footnotes", style="bold"))
        for label, acc, text in sorted(self.pending, key=lambda t: _natural(t[0])):
            console.print(Text(f"  ({label}) {text}  [{acc}]"), highlight=False)
        self.pending = []


def _marks(notes: _Notes | None, accession: str, fn: list[dict[str, str]] | None) -> str:
    if notes is None or not fn:
        return ""
    return notes.mark(accession, fn)


def _cell(value: str, row: dict[str, Any], fields: tuple[str, ...], notes: _Notes | None) -> Text:
    t = Text(value)
    if notes is None:
        return t
    for f in fields:
        fn = row["footnotes"].get(f)
        if fn:
            t.append(notes.mark(row["accession"], fn), style="cyan")
    return t


def _flag(v: bool | None) -> str:
    return "" if v is None else ("y" if v else "n")


def _line_label(p: dict[str, Any], notes: _Notes | None, accession: str) -> str:
    grant = ""
    if p.get("conversion_or_exercise_price") is not None or p.get("expiration_date"):
        bits = (
            [fmt_money(p["conversion_or_exercise_price"])]
            if p.get("conversion_or_exercise_price") is not None
            else []
        )
        if p.get("expiration_date"):
            bits.append(f"expiring {p['expiration_date']}")
        grant = f" [{', '.join(bits)}]"
    return _line_how(p, notes, accession) + grant


def _line_how(p: dict[str, Any], notes: _Notes | None, accession: str) -> str:
    if (p["direct_or_indirect"] or "").upper() == "D":
        return "directly"
    nature = p["nature_of_ownership"] or ""
    marks = _marks(
        notes, accession, [{"id": n["id"], "text": n["text"]} for n in p["nature_footnotes"]]
    )
    inner = f"{nature}{marks}".strip()
    return f"indirectly ({inner})" if inner else "indirectly"


def _avg(v: Decimal | None) -> str:
    return f"${v.quantize(Decimal('0.0001')):,f}" if v is not None else "n/a"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def render_owner(
    report: dict[str, Any], console: Console, footnotes: bool = True, timeline: bool = True
) -> None:
    report = terminal_data(report)  # filed text never reaches the terminal raw
    owner = report["owner"]
    kind = {
        "company": "  - a company or other entity, not a natural person",
        "trust": "  - a trust, not a natural person",
    }.get(owner.get("type", "person"), "")
    console.print(Text(f"{owner['name']}  (CIK {owner['cik']}){kind}", style="bold"))
    for role in report["roles"]:
        who = role["issuer_ticker"] or role["issuer_cik"]
        console.print(
            f"  {role['issuer_name']} [{who}]: {role['roles'] or 'no role given'}"
            f"  ({_plural(role['filings'], 'filing')}, "
            f"{role['first_filing']} to {role['last_filing']})",
            highlight=False,
        )
    flt = report.get("filters") or {}
    active = [f"{k} {v if not isinstance(v, list) else ','.join(v)}" for k, v in flt.items() if v]
    if active:
        console.print(f"  Filters: {'; '.join(active)}", highlight=False)
    for j in report.get("joint_filings", []):
        names = ", ".join(f"{o['name']} ({o['cik']})" for o in j["owners"])
        console.print(
            f"  Joint filing {j['accession']} by {names}: its rows are reported jointly and "
            "are shown here once for this owner, not split between the owners.",
            highlight=False,
        )
    for e in report.get("filings_without_rows", []):
        why = "reports no securities owned" if e["no_securities_owned"] else "has no rows"
        console.print(
            f"  Form {e['form']} {e['accession']} ({e['issuer_ticker'] or e['issuer_cik']}, "
            f"filed {e['filing_date']}) {why}.",
            highlight=False,
        )
    if not report["issuers"]:
        console.print("No transactions or holdings match.")
        return
    console.print(
        "  Columns 10b5-1 and Late: y = yes, n = no, blank = unknown. "
        "Owned after is per ownership line (D/I).",
        highlight=False,
    )
    notes = _Notes() if footnotes else None
    for iss in report["issuers"]:
        for sec in iss["securities"]:
            _render_security(console, iss, sec, notes, timeline)
    n = report.get("consistency_breaks", 0)
    if n:
        console.print(
            Text(
                f"{_plural(n, 'break')} in the holdings chain: see 'Chain check' above. "
                "Neither filing is trusted over the other; a missing filing is the usual cause.",
                style="yellow",
            )
        )


def print_table(console: Console, t: Table) -> None:
    """Print a table at its natural width. Rich shrinks a table that is wider than the
    terminal by cutting cells ("3,107,6…"); a number must never be cut, so a table too
    wide for the terminal is printed wider (the terminal wraps the long lines)."""
    need = _natural_width(console, t)
    if need <= console.width:
        console.print(t)
        return
    width = console.width  # print(width=...) cannot exceed the console: widen it for now
    console.width = need
    try:
        console.print(t, crop=False)
    finally:
        console.width = width


def _natural_width(console: Console, t: Table) -> int:
    """An upper bound of the width the table needs with no cell wrapped: the longest cell
    of each column plus padding and borders (cheaper than a rich Measurement, which lays
    out every cell once more)."""
    total = len(t.columns) + 1
    for col in t.columns:
        cells = getattr(col, "_cells", None)
        if cells is None:  # another rich version: measure the slow, exact way
            from rich.measure import Measurement

            return Measurement.get(console, console.options.update_width(100_000), t).maximum
        w = Text(str(col.header)).cell_len
        for c in cells:
            w = max(w, c.cell_len if isinstance(c, Text) else Text(str(c)).cell_len)
        total += w + 2
    return total


def _num_col(t: Table, name: str) -> None:
    t.add_column(name, justify="right", no_wrap=True, overflow="fold")


def _render_security(
    console: Console,
    iss: dict[str, Any],
    sec: dict[str, Any],
    notes: _Notes | None,
    timeline: bool,
) -> None:
    title = (
        f"{iss['issuer_name']} [{iss['issuer_ticker'] or iss['issuer_cik']}] - "
        f"{sec['security_title']} (Table {sec['table']})"
    )
    derivative = sec["table"] == "II"
    if sec["rows"]:
        head = Text(
            f"{iss['issuer_name']} [{iss['issuer_ticker'] or iss['issuer_cik']}] - "
            f"{sec['security_title']}",
            style="bold",
        )
        if notes is not None:
            seen: list[str] = []
            for r in sec["rows"]:
                m = _marks(notes, r["accession"], r["footnotes"].get("security_title"))
                if m and m not in seen:
                    seen.append(m)
            head.append("".join(seen), style="cyan")
        head.append(f" (Table {sec['table']})", style="bold")
        console.print(head)
        t = Table(show_lines=False, pad_edge=False)
        t.add_column("Date", no_wrap=True, overflow="fold")
        t.add_column("Code", overflow="fold")
        for col in ("Shares", "Price", "Value"):
            _num_col(t, col)
        t.add_column("A/D", justify="center", no_wrap=True)
        _num_col(t, "Owned after")
        t.add_column("D/I", overflow="fold")
        t.add_column("10b5-1", justify="center", no_wrap=True)
        t.add_column("Late", justify="center", no_wrap=True)
        t.add_column("Filing", no_wrap=True, overflow="fold")
        if derivative:
            _num_col(t, "Exercise price")
            t.add_column("Exercisable / expires", no_wrap=True, overflow="fold")
            t.add_column("Underlying", overflow="fold")
        for r in sec["rows"]:
            t.add_row(*_row_cells(r, notes, derivative))
        print_table(console, t)
    else:
        console.print(Text(title, style="italic"))
    _render_summaries(console, sec, notes, timeline)
    if notes is not None:
        notes.flush(console)
    console.print()


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


def _unshown(r: dict[str, Any], derivative: bool) -> tuple[str, ...]:
    """Footnoted fields without a column of their own (form type, equity swap, and in a
    table without derivative columns the derivative fields): their markers go beside the
    code, so no footnote is ever dropped."""
    shown = _SHOWN | _SHOWN_II if derivative else _SHOWN
    return tuple(f for f in r["footnotes"] if f not in shown)


def _row_cells(r: dict[str, Any], notes: _Notes | None, derivative: bool) -> list[Text]:
    code = r["code"] or ""
    holding = r["kind"] != "transaction"
    di = (r["direct_or_indirect"] or "") + (
        f" {r['nature_of_ownership']}" if r["nature_of_ownership"] else ""
    )
    cells = [
        _cell(r["transaction_date"] or "", r, ("transaction_date", "deemed_execution_date"), notes),
        _cell(
            "holding" if holding else f"{code} {short(code)}",
            r,
            ("code", *_unshown(r, derivative)),
            notes,
        ),
        _cell(fmt_num(r["shares"]), r, ("shares",), notes),
        _cell(fmt_money(r["price_per_share"]), r, ("price_per_share",), notes),
        _cell(fmt_money(r["value"]), r, ("total_value",), notes),
        _cell(r["acquired_disposed"] or "", r, ("acquired_disposed",), notes),
        _cell(
            fmt_num(r["shares_owned_following"]) or fmt_money(r["value_owned_following"]),
            r,
            ("shares_owned_following", "value_owned_following"),
            notes,
        ),
        _cell(di, r, ("direct_or_indirect", "nature_of_ownership"), notes),
        Text(_flag(r["plan_10b5_1"])),
        _cell(_flag(r["late"]), r, ("timeliness",), notes),
        Text(r["accession"] + (" joint" if r["joint_filing"] else "")),
    ]
    if derivative:
        dates = _cell(r["exercise_date"] or "", r, ("exercise_date",), notes)
        dates.append(" / ").append_text(
            _cell(r["expiration_date"] or "", r, ("expiration_date",), notes)
        )
        under = r["underlying_shares"]
        cells += [
            _cell(
                fmt_money(r["conversion_or_exercise_price"]),
                r,
                ("conversion_or_exercise_price",),
                notes,
            ),
            dates,
            _cell(
                f"{fmt_num(under) if under is not None else fmt_money(r['underlying_value'])} "
                f"{r['underlying_security_title'] or ''}".strip(),
                r,
                ("underlying_security_title", "underlying_shares", "underlying_value"),
                notes,
            ),
        ]
    return cells


def _render_summaries(
    console: Console, sec: dict[str, Any], notes: _Notes | None, timeline: bool
) -> None:
    def say(s: str) -> None:
        console.print(Text(s), highlight=False)

    for label, s in (("Sales", sec["sales"]), ("Purchases", sec["purchases"])):
        if s:
            rng = (
                f"from {fmt_money(s['min_price'])} to {fmt_money(s['max_price'])}"
                if s["min_price"] is not None
                else "no prices"
            )
            unpriced = f" ({s['unpriced_rows']} without a price)" if s["unpriced_rows"] else ""
            say(
                f"  {label}: {_plural(s['rows'], 'row')}, {fmt_num(s['shares'])} shares for "
                f"{fmt_money(s['value'])}{unpriced}, weighted average "
                f"{_avg(s['weighted_average_price'])}, {rng}, "
                f"{s['first_date']} to {s['last_date']}"
            )
    for e in sec["exercises"]:
        amount = (
            f"{fmt_num(e['shares'])} {sec['security_title']}"
            if e["shares"] is not None
            else f"{sec['security_title']} worth {fmt_money(e['total_value'])} (no share count)"
        )
        line = (
            f"  Exercise ({e['code']}) on {e['date']}: {amount} "
            f"at {fmt_money(e['exercise_price']) or 'no exercise price'}, expiring "
            f"{e['expiration_date'] or 'n/a'}, into {fmt_num(e['underlying_shares'])} "
            f"{e['underlying_security_title'] or ''}".rstrip()
        )
        d = e["same_day"]
        if d:
            shared = (
                f" (shared by the {d['exercises_that_day']} exercises of that day)"
                if d["exercises_that_day"] > 1
                else ""
            )
            line += (
                f"; same day{shared}: {fmt_num(d['shares_received'])} shares received, "
                f"{fmt_num(d['sold'])} sold"
                + (f" for {fmt_money(d['sold_value'])}" if d["sold"] else "")
                + f", {fmt_num(d['withheld_for_tax'])} withheld for tax"
                + (
                    f", {fmt_num(d['disposed_to_issuer'])} disposed to the issuer"
                    if d["disposed_to_issuer"]
                    else ""
                )
                + f", {fmt_num(d['held'])} held"
            )
        say(line)
    groups = (
        (
            "Shares received from exercises/conversions (value at the filed price)",
            "exercise_shares_received",
        ),
        ("Grants/awards (A)", "grants"),
        ("Tax withholdings (F)", "tax_withholdings"),
        ("Gifts (G)", "gifts"),
    )
    for label, key in groups:
        g = sec.get(key)
        if g:
            say(f"  {label}: {_group_text(g)}")
    for code, o in sec["other_codes"].items():
        say(f"  {code} ({o['meaning']}): {_group_text(o)}")
    for p in sec["positions"]:
        amount = (
            f"{fmt_num(p['shares_owned_following'])} shares"
            if p["shares_owned_following"] is not None
            else fmt_money(p["value_owned_following"])
        )
        say(f"  Held {_line_label(p, notes, p['accession'])}: {amount} as of {p['as_of']}")
    if len(sec["positions"]) > 1 and sec["position_total_shares"] is not None:
        say(
            f"  Position: {fmt_num(sec['position_total_shares'])} shares in all "
            f"({len(sec['positions'])} ownership lines, each as of its last filing)"
        )
    if timeline:
        lines = [ln for ln in sec["timeline"] if len(ln["points"]) > 1]
        if lines:
            say("  Timeline (shares owned after each row, oldest to newest):")
            for ln in lines:
                _timeline_line(console, ln, notes)
    breaks = sec.get("consistency_breaks") or []
    for b in breaks:
        console.print(Text(f"  Chain check: {break_text(b)}", style="yellow"), highlight=False)
    if not breaks and any(len(ln["points"]) > 1 for ln in sec["timeline"]):
        say("  Chain check: each amount owned after follows from the previous one.")


def break_text(b: dict[str, Any]) -> str:
    how = "direct" if (b["direct_or_indirect"] or "").upper() == "D" else "indirect"
    if b["nature_of_ownership"]:
        how += f" ({b['nature_of_ownership']})"
    if b["shares"] is not None:
        sign = "+" if b["acquired_disposed"] == "A" else "-"
        change = f" {sign} {fmt_num(b['shares'])} ({b['code']})"
    else:
        change = " (holding, no change)"
    return (
        f"{how} line: {fmt_num(b['previous_owned'])} after {b['previous_accession']} "
        f"({b['previous_date']}){change} = {fmt_num(b['expected_owned'])} expected, but "
        f"{b['accession']} ({b['date']}) reports {fmt_num(b['reported_owned'])} "
        f"(difference {fmt_num(b['difference'])})"
    )


def _group_text(g: dict[str, Any]) -> str:
    parts = [f"{_plural(g['rows'], 'row')}, {fmt_num(g['shares'])} shares"]
    if g["shares_acquired"] and g["shares_disposed"]:
        parts.append(
            f"{fmt_num(g['shares_acquired'])} acquired, {fmt_num(g['shares_disposed'])} disposed"
        )
    if g.get("value"):
        parts.append(fmt_money(g["value"]))
    if g.get("first_date"):
        parts.append(f"{g['first_date']} to {g['last_date']}")
    return ", ".join(parts)


def _timeline_line(console: Console, ln: dict[str, Any], notes: _Notes | None) -> None:
    from .timeline import sample, sparkline

    pts = ln["points"]
    shown = sample(pts, 60)
    spark = sparkline([p["shares_owned_following"] for p in shown])
    vals = [p["shares_owned_following"] for p in pts]
    label = _line_label(ln, None, "")
    t = Text(f"    {label:<24} ")
    t.append(spark, style="green")
    t.append(
        f"  {fmt_num(vals[0])} ({pts[0]['date']}) -> {fmt_num(vals[-1])} ({pts[-1]['date']}), "
        f"low {fmt_num(min(vals))}, high {fmt_num(max(vals))}, {len(pts)} points"
        + (f", {len(shown)} drawn" if len(shown) < len(pts) else "")
    )
    console.print(t, highlight=False)


def timeline_lines(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Every timeline line of a show report, labelled, for --plot."""
    out = []
    for iss in report["issuers"]:
        for sec in iss["securities"]:
            for ln in sec["timeline"]:
                label = (
                    f"{iss['issuer_ticker'] or iss['issuer_cik']} {sec['security_title']}, "
                    f"{_line_label(ln, None, '')}"
                )
                out.append({"label": label, "points": ln["points"]})
    return out


# --------------------------------------------------------------------------- company


def render_company(report: dict[str, Any], console: Console, footnotes: bool = True) -> None:
    report = terminal_data(report)  # filed text never reaches the terminal raw
    iss = report["issuer"]
    console.print(Text(f"{iss['name']} [{iss['ticker'] or ''}]  (CIK {iss['cik']})", style="bold"))
    flt = report.get("filters") or {}
    active = [f"{k} {v if not isinstance(v, list) else ','.join(v)}" for k, v in flt.items() if v]
    if active:
        console.print(f"  Filters: {'; '.join(active)}", highlight=False)
    console.print(Text("Insiders (open-market purchases P and sales S of Table I)", style="bold"))
    t = Table(pad_edge=False)
    for col in ("Insider", "CIK", "Roles (latest)", "Filings"):
        t.add_column(col, overflow="fold")
    for col in ("Bought", "Bought $", "Sold", "Sold $", "Net shares", "Net $"):
        _num_col(t, col)
    t.add_column("Late", justify="right")
    for p in report["insiders"]:
        name = p["owner_name"] or ""
        if p["owner_type"] != "person":
            name += f" ({p['owner_type']})"
        t.add_row(
            name,
            p["owner_cik"],
            p["roles"] or "",
            f"{p['filings']}: {p['first_filing']} to {p['last_filing']}",
            fmt_num(p["purchased_shares"]),
            fmt_money(p["purchased_value"]),
            fmt_num(p["sold_shares"]),
            fmt_money(p["sold_value"]),
            fmt_num(p["net_shares"]),
            fmt_money(p["net_value"]),
            str(p["late_rows"]),
        )
    print_table(console, t)
    notes = _Notes() if footnotes else None
    rows = report["last_transactions"]
    if rows:
        console.print()
        _company_rows(console, f"Last {len(rows)} transactions (newest first)", rows, notes)
    console.print()
    clusters = report["cluster_buys"]
    if clusters:
        console.print(Text("Cluster buys (3+ insiders buying in the open market within 10 days)"))
        for c in clusters:
            names = ", ".join(f"{o['name']} ({o['cik']})" for o in c["insiders"])
            console.print(
                f"  {c['first_date']} to {c['last_date']}: {c['distinct_buyers']} buyers, "
                f"{_plural(c['rows'], 'row')}, {fmt_num(c['shares'])} shares for "
                f"{fmt_money(c['value'])}: {names}",
                highlight=False,
            )
    else:
        console.print("Cluster buys: none (no 3 insiders bought in the open market within 10 days)")
    late = report["late_filings"]
    unknown = report["unknown_lateness_rows"]
    if late:
        console.print()
        _company_rows(console, "Late filers (rows flagged late)", late, notes)
    else:
        console.print(
            "Late filers: none flagged"
            + (f" ({unknown} transaction rows not yet checked for lateness)" if unknown else ""),
            highlight=False,
        )
    if notes is not None:
        notes.flush(console)


def _company_rows(
    console: Console, title: str, rows: list[dict[str, Any]], notes: _Notes | None
) -> None:
    console.print(Text(title, style="bold"))
    t = Table(pad_edge=False)
    t.add_column("Date", no_wrap=True)
    t.add_column("Insider", overflow="fold")
    t.add_column("Security", overflow="fold")
    t.add_column("Code", overflow="fold")
    for col in ("Shares", "Price", "Value"):
        _num_col(t, col)
    t.add_column("A/D", justify="center")
    _num_col(t, "Owned after")
    t.add_column("D/I", overflow="fold")
    t.add_column("10b5-1", justify="center")
    t.add_column("Late", justify="center")
    t.add_column("Filing", no_wrap=True, overflow="fold")
    for r in rows:
        names = "; ".join(o["name"] or o["cik"] for o in r["owners"])
        cells = _row_cells(r, notes, False)
        security = _cell(f"{r['security_title']} ({r['table']})", r, ("security_title",), notes)
        t.add_row(cells[0], Text(names), security, *cells[1:])
    print_table(console, t)


def render_filing(d: dict[str, Any], console: Console | None = None) -> None:
    """A parsed filing (the --json contract dict) as text, for `insider parse`."""
    console = console or Console(highlight=False, markup=False)
    d = terminal_data(d)  # filed text never reaches the terminal raw
    iss = d["issuer"]
    console.print(
        Text(
            f"Form {d['document_type']} ({d['schema_version']}), period {d['period_of_report']}"
            f" - {iss['name']} [{iss['ticker']}] CIK {iss['cik']}",
            style="bold",
        )
    )
    if d["date_of_original_submission"]:
        console.print(f"Amends the filing of {d['date_of_original_submission']}")
    for o in d["reporting_owners"]:
        roles = [
            k[3:].replace("_", " ")
            for k in ("is_director", "is_officer", "is_ten_percent_owner", "is_other")
            if o[k]
        ]
        title = o["officer_title"] or o["other_text"] or ""
        console.print(f"Owner: {o['name']} (CIK {o['cik']}) {', '.join(roles)} {title}".rstrip())
    for key in (
        "non_derivative_transactions",
        "non_derivative_holdings",
        "derivative_transactions",
        "derivative_holdings",
    ):
        rows = d[key]
        if not rows:
            continue
        # One block per row, one line per field: a wide table would cut numbers.
        console.print(Text(key.replace("_", " ").capitalize(), style="bold"))
        for n, r in enumerate(rows, 1):
            console.print(f"  #{n}")
            for f, v in r.items():
                if f == "footnotes" or v is None:
                    continue
                marks = "".join(f"({i})" for i in r["footnotes"].get(f, []))
                console.print(Text(f"    {f}: {v}{marks}"))
            for f, ids in r["footnotes"].items():
                if r.get(f) is None:
                    console.print(Text(f"    {f}: (see {', '.join(ids)})"))
    for fid, text in d["footnotes"].items():
        console.print(f"({fid}) {text}")
    if d["remarks"]:
        console.print(f"Remarks: {d['remarks']}")
    for s in d["signatures"]:
        console.print(f"Signed: {s['name']} {s['date']}")
