"""An owner's report (plain data from report.py) as text that fits the terminal.

No queries here and no arithmetic beyond formatting. Tables go through layout.py (wide or
compact by the terminal's width); prose through `paragraph` (folded at spaces).
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from .cells import (
    FLAGS_LEGEND,
    Notes,
    describe_filters,
    flags,
    fmt_cents,
    fmt_money,
    fmt_num,
    marks,
    plural,
)
from .export import dumps, to_jsonable  # noqa: F401  (re-exported: parse --json uses them)
from .layout import choose_compact, paragraph, print_grid
from .render_company import render_company  # noqa: F401  (re-exported for callers)
from .render_filing import render_filing  # noqa: F401  (re-exported for callers)
from .rowtable import DATASET_LEGEND, is_dataset, row_grid
from .sanitize import terminal_data


def _line_label(p: dict[str, Any], notes: Notes | None, accession: str) -> str:
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


def _line_how(p: dict[str, Any], notes: Notes | None, accession: str) -> str:
    if (p["direct_or_indirect"] or "").upper() == "D":
        return "directly"
    nature = p["nature_of_ownership"] or ""
    m = marks(notes, accession, [{"id": n["id"], "text": n["text"]} for n in p["nature_footnotes"]])
    inner = f"{nature}{m}".strip()
    return f"indirectly ({inner})" if inner else "indirectly"


def _avg(v: Any) -> str:
    from decimal import Decimal

    return f"${v.quantize(Decimal('0.0001')):,f}" if v is not None else "n/a"


def render_owner(
    report: dict[str, Any], console: Console, footnotes: bool = True, timeline: bool = True
) -> None:
    """The owner report as text on `console`: header, roles, each issuer's securities,
    positions, checks and footnotes.

    Long on purpose: the sections in the order they print, each a few lines."""
    report = terminal_data(report)  # filed text never reaches the terminal raw
    owner = report["owner"]
    kind = {
        "company": "  - a company or other entity, not a natural person",
        "trust": "  - a trust, not a natural person",
    }.get(owner.get("type", "person"), "")
    paragraph(console, Text(f"{owner['name']}  (CIK {owner['cik']}){kind}", style="bold"), 0)
    for role in report["roles"]:
        who = role["issuer_ticker"] or role["issuer_cik"]
        paragraph(
            console,
            f"{role['issuer_name']} [{who}]: {role['roles'] or 'no role given'}"
            f"  ({plural(role['filings'], 'filing')}, "
            f"{role['first_filing']} to {role['last_filing']})",
        )
    flt = report.get("filters") or {}
    active = [f"{k} {v if not isinstance(v, list) else ','.join(v)}" for k, v in flt.items() if v]
    if active:
        paragraph(console, f"Filters: {'; '.join(active)}")
    for j in report.get("joint_filings", []):
        names = ", ".join(f"{o['name']} ({o['cik']})" for o in j["owners"])
        paragraph(
            console,
            f"Joint filing {j['accession']} by {names}: its rows are reported jointly and "
            "are shown here once for this owner, not split between the owners.",
        )
    for e in report.get("filings_without_rows", []):
        why = "reports no securities owned" if e["no_securities_owned"] else "has no rows"
        paragraph(
            console,
            f"Form {e['form']} {e['accession']} ({e['issuer_ticker'] or e['issuer_cik']}, "
            f"filed {e['filing_date']}) {why}.",
        )
    if not report["issuers"]:
        text = describe_filters(flt)
        paragraph(
            console,
            "No transactions or holdings match."
            + (f" {text[0].upper()}{text[1:]}." if active else ""),
            0,
        )
        return
    compact = _choose_compact(console, report, footnotes)
    if not compact:
        legend = "Columns 10b5-1 and Late: y = yes, n = no, blank = unknown."
    else:
        rows = [r for i in report["issuers"] for sec in i["securities"] for r in sec["rows"]]
        legend = "Shares: + acquired, - disposed."
        if any(flags(r) for r in rows):  # the Flags column is shown only when it has some
            legend = f"{FLAGS_LEGEND} {legend}"
    paragraph(console, legend + " Owned after is per ownership line (D/I).")
    if any(is_dataset(r) for i in report["issuers"] for s in i["securities"] for r in s["rows"]):
        paragraph(console, DATASET_LEGEND)
    notes = Notes() if footnotes else None
    for iss in report["issuers"]:
        for sec in iss["securities"]:
            _render_security(console, iss, sec, notes, timeline, flt, compact)
    n = report.get("consistency_breaks", 0)
    if n:
        paragraph(
            console,
            Text(
                f"{plural(n, 'break')} in the holdings chain: see 'Chain check' above. "
                "Neither filing is trusted over the other; a missing filing is the usual cause.",
                style="yellow",
            ),
            0,
        )


def _choose_compact(console: Console, report: dict[str, Any], footnotes: bool) -> bool:
    """One layout for the whole report (see layout.choose_compact), tried with markers
    numbered as the real pass will number them."""
    scratch = Notes() if footnotes else None

    def build(sec: dict[str, Any]):
        def grid(c: bool):
            for r in sec["rows"]:
                marks(scratch, r["accession"], r["footnotes"].get("security_title"))
            return row_grid(sec["rows"], scratch, sec["table"] == "II", c)

        return grid

    secs = [sec for iss in report["issuers"] for sec in iss["securities"] if sec["rows"]]
    return choose_compact(console, (build(sec) for sec in secs))


def _render_security(
    console: Console,
    iss: dict[str, Any],
    sec: dict[str, Any],
    notes: Notes | None,
    timeline: bool,
    flt: dict[str, Any] | None = None,
    compact: bool | None = None,
) -> None:
    who = iss["issuer_ticker"] or iss["issuer_cik"]
    derivative = sec["table"] == "II"
    head = Text(f"{iss['issuer_name']} [{who}] - {sec['security_title']}", style="bold")
    if sec["rows"]:
        if notes is not None:
            seen: list[str] = []
            for r in sec["rows"]:
                m = marks(notes, r["accession"], r["footnotes"].get("security_title"))
                if m and m not in seen:
                    seen.append(m)
            head.append("".join(seen), style="cyan")
        head.append(f" (Table {sec['table']})", style="bold")
        paragraph(console, head, 0)
        print_grid(console, lambda c: row_grid(sec["rows"], notes, derivative, c), compact)
    else:
        head.append(f" (Table {sec['table']})")
        head.stylize("italic")
        paragraph(console, head, 0)
        if flt and any(flt.values()):  # say what matched nothing: "no P transactions ..."
            text = describe_filters({**flt, "issuer": None})
            paragraph(console, f"{text[0].upper()}{text[1:]}.")
    _render_summaries(console, sec, notes, timeline)
    if notes is not None:
        notes.flush(console)
    console.print()


def _render_summaries(
    console: Console, sec: dict[str, Any], notes: Notes | None, timeline: bool
) -> None:
    """The summary lines of one security (sales, purchases, exercises, grants...).

    Long on purpose: one short branch per kind of summary, in the order they print."""

    def say(s: str) -> None:
        paragraph(console, s[2:] if s.startswith("  ") else s)

    for label, s in (("Sales", sec["sales"]), ("Purchases", sec["purchases"])):
        if s:
            rng = (
                f"from {fmt_money(s['min_price'])} to {fmt_money(s['max_price'])}"
                if s["min_price"] is not None
                else "no prices"
            )
            unpriced = f" ({s['unpriced_rows']} without a price)" if s["unpriced_rows"] else ""
            say(
                f"  {label}: {plural(s['rows'], 'row')}, {fmt_num(s['shares'])} shares for "
                f"{fmt_cents(s['value'])}{unpriced}, weighted average "
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
                + (f" for {fmt_cents(d['sold_value'])}" if d["sold"] else "")
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
        paragraph(console, Text(f"Chain check: {break_text(b)}", style="yellow"))
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
    parts = [f"{plural(g['rows'], 'row')}, {fmt_num(g['shares'])} shares"]
    if g["shares_acquired"] and g["shares_disposed"]:
        parts.append(
            f"{fmt_num(g['shares_acquired'])} acquired, {fmt_num(g['shares_disposed'])} disposed"
        )
    if g.get("value"):
        parts.append(fmt_cents(g["value"]))
    if g.get("first_date"):
        parts.append(f"{g['first_date']} to {g['last_date']}")
    return ", ".join(parts)


def _timeline_line(console: Console, ln: dict[str, Any], notes: Notes | None) -> None:
    from .timeline import sample, sparkline

    pts = ln["points"]
    label = _line_label(ln, None, "")
    vals = [p["shares_owned_following"] for p in pts]

    def stats(drawn: int) -> str:
        return (
            f"{fmt_num(vals[0])} ({pts[0]['date']}) -> {fmt_num(vals[-1])} "
            f"({pts[-1]['date']}), low {fmt_num(min(vals))}, high {fmt_num(max(vals))}, "
            f"{len(pts)} points" + (f", {drawn} drawn" if drawn < len(pts) else "")
        )

    shown = sample(pts, 60)
    t = Text(f"    {label:<24} ")
    t.append(sparkline([p["shares_owned_following"] for p in shown]), style="green")
    t.append(f"  {stats(len(shown))}")
    if t.cell_len <= console.width:
        console.print(t, highlight=False, soft_wrap=True)
        return
    # Narrow terminal: the label and a shorter sparkline, then the figures folded below.
    head = Text(f"    {label} ")
    room = console.width - head.cell_len
    if room < 10:
        paragraph(console, label, 4, 6)
        head, room = Text("      "), console.width - 6
    shown = sample(pts, max(1, min(60, room)))
    head.append(sparkline([p["shares_owned_following"] for p in shown]), style="green")
    console.print(head, highlight=False, soft_wrap=True)
    paragraph(console, stats(len(shown)), 6, 6)


def timeline_lines(report: dict[str, Any], derivatives: bool = False) -> list[dict[str, Any]]:
    """Every timeline line of a show report, for --plot: its security (one chart panel
    each), a label naming the line (direct, or the nature of the indirect ownership and,
    when several lines share a nature, its footnote), and the points. Table II only with
    `derivatives`."""
    out = []
    for iss in report["issuers"]:
        for sec in iss["securities"]:
            if sec["table"] == "II" and not derivatives:
                continue
            security = (
                f"{iss['issuer_ticker'] or iss['issuer_cik']} {sec['security_title']} "
                f"(Table {sec['table']})"
            )
            natures = [ln["nature_of_ownership"] for ln in sec["timeline"]]
            texts = [
                next((n["text"] for n in ln["nature_footnotes"] if n.get("text")), "")
                for ln in sec["timeline"]
            ]
            common = _common_words([t for t in texts if t])
            for ln, text in zip(sec["timeline"], texts, strict=True):
                label = _line_label(ln, None, "")
                nature = ln["nature_of_ownership"] or ""
                if text and (
                    natures.count(nature) > 1 or "footnote" in nature.lower() or not nature
                ):
                    # Lines sharing a nature ("Trust" x8) differ by their footnote: name
                    # each by it, leaving out the words all of them begin with.
                    rest = " ".join(text.split()[common:]) or text
                    label += f": {rest[:90]}{'...' if len(rest) > 90 else ''}"
                out.append({"security": security, "label": label, "points": ln["points"]})
    return out


def _common_words(texts: list[str]) -> int:
    """How many leading words all `texts` share (when there are two or more)."""
    if len(texts) < 2:
        return 0
    split = [t.split() for t in texts]
    n = 0
    while all(len(w) > n + 1 for w in split) and len({w[n] for w in split}) == 1:
        n += 1
    return n
