"""Plain report data -> rich tables, JSON. No queries here, no arithmetic beyond formatting."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .codes import short


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
    return f"${v:,f}"


def to_jsonable(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    return obj


def dumps(obj: Any) -> str:
    return json.dumps(to_jsonable(obj), indent=2, ensure_ascii=False)


def _natural(label: str) -> tuple:
    digits = "".join(ch for ch in label if ch.isdigit())
    return (int(digits) if digits else 0, label)


class _Notes:
    """Footnote markers unique across one report: the filing's own number when that is
    unambiguous ("1" for F1), with a letter when two filings both have an F1."""

    def __init__(self) -> None:
        self.keys: dict[tuple[str, str], str] = {}
        self.texts: list[tuple[str, str, str]] = []
        self.used: dict[str, int] = {}

    def mark(self, accession: str, notes: list[dict[str, str]]) -> str:
        labels = []
        for n in notes:
            key = (accession, n["id"])
            if key not in self.keys:
                base = n["id"][1:] if n["id"][:1] in "Ff" and n["id"][1:].isdigit() else n["id"]
                count = self.used.get(base, 0)
                self.used[base] = count + 1
                label = base if count == 0 else f"{base}{chr(ord('a') + count - 1)}"
                self.keys[key] = label
                self.texts.append((label, accession, n.get("text") or ""))
            labels.append(self.keys[key])
        return "".join(f"({lab})" for lab in labels)


def _cell(value: str, row: dict[str, Any], fields: tuple[str, ...], notes: _Notes | None) -> Text:
    t = Text(value)
    if notes is None:
        return t
    for f in fields:
        fn = row["footnotes"].get(f)
        if fn:
            t.append(notes.mark(row["accession"], fn), style="cyan")
    return t


def render_owner(report: dict[str, Any], console: Console, footnotes: bool = True) -> None:
    owner = report["owner"]
    console.print(Text(f"{owner['name']}  (CIK {owner['cik']})", style="bold"))
    for role in report["roles"]:
        who = role["issuer_ticker"] or role["issuer_cik"]
        console.print(
            f"  {role['issuer_name']} [{who}]: {role['roles'] or 'no role given'}"
            f"  (filings {role['first_filing']} to {role['last_filing']})",
            highlight=False,
        )
    if not report["issuers"]:
        console.print("No transactions or holdings match.")
        return
    notes = _Notes() if footnotes else None
    for iss in report["issuers"]:
        for sec in iss["securities"]:
            _render_security(console, iss, sec, notes)
    if notes and notes.texts:
        console.print(Text("Footnotes", style="bold"))
        for label, acc, text in sorted(notes.texts, key=lambda t: _natural(t[0])):
            console.print(Text(f"({label}) {text}  [{acc}]"), highlight=False)


def _render_security(
    console: Console, iss: dict[str, Any], sec: dict[str, Any], notes: _Notes | None
) -> None:
    title = (
        f"{iss['issuer_name']} [{iss['issuer_ticker'] or iss['issuer_cik']}] - "
        f"{sec['security_title']} (Table {sec['table']})"
    )
    t = Table(title=title, title_justify="left", show_lines=False, pad_edge=False)
    for col, just in (
        ("Date", "left"),
        ("Code", "left"),
        ("Shares", "right"),
        ("Price", "right"),
        ("Value", "right"),
        ("A/D", "center"),
        ("Owned after", "right"),
        ("D/I", "center"),
        ("Filing", "left"),
    ):
        t.add_column(col, justify=just, no_wrap=True)
    derivative = sec["table"] == "II"
    if derivative:
        t.add_column("Exercise price", justify="right", no_wrap=True)
        t.add_column("Exercisable / expires", no_wrap=True)
        t.add_column("Underlying", no_wrap=False)
    for r in sec["rows"]:
        code = r["code"] or ""
        cells = [
            _cell(r["transaction_date"] or "", r, ("transaction_date",), notes),
            _cell(
                f"{code} {short(code)}" if r["kind"] == "transaction" else "holding",
                r,
                ("code",),
                notes,
            ),
            _cell(fmt_num(r["shares"]), r, ("shares",), notes),
            _cell(fmt_money(r["price_per_share"]), r, ("price_per_share",), notes),
            _cell(
                fmt_money(r["value"]) if r["value"] is not None else "", r, ("total_value",), notes
            ),
            _cell(r["acquired_disposed"] or "", r, ("acquired_disposed",), notes),
            _cell(
                fmt_num(r["shares_owned_following"]) or fmt_money(r["value_owned_following"]),
                r,
                ("shares_owned_following", "value_owned_following"),
                notes,
            ),
            _cell(
                r["direct_or_indirect"] or "",
                r,
                ("direct_or_indirect", "nature_of_ownership"),
                notes,
            ),
            Text(r["accession"] + (" joint" if r["joint_filing"] else "")),
        ]
        if derivative:
            cells += [
                _cell(
                    fmt_money(r["conversion_or_exercise_price"]),
                    r,
                    ("conversion_or_exercise_price",),
                    notes,
                ),
                _cell(f"{r['exercise_date'] or ''}", r, ("exercise_date",), notes)
                .append(" / ")
                .append_text(_cell(r["expiration_date"] or "", r, ("expiration_date",), notes)),
                _cell(
                    f"{fmt_num(r['underlying_shares'])} {r['underlying_security_title'] or ''}",
                    r,
                    ("underlying_security_title", "underlying_shares"),
                    notes,
                ),
            ]
        t.add_row(*cells)
    console.print(t)
    for label, s in (("Sales", sec["sales"]), ("Purchases", sec["purchases"])):
        if s:
            rng = (
                f"from {fmt_money(s['min_price'])} to {fmt_money(s['max_price'])}"
                if s["min_price"] is not None
                else "no prices"
            )
            avg = s["weighted_average_price"]
            avg_s = f"{avg.quantize(Decimal('0.0001')):,f}" if avg is not None else "n/a"
            console.print(
                f"  {label}: {s['rows']} rows, {fmt_num(s['shares'])} shares for "
                f"{fmt_money(s['value'])}, weighted average ${avg_s}, {rng}, "
                f"{s['first_date']} to {s['last_date']}",
                highlight=False,
            )
    for e in sec["exercises"]:
        console.print(
            f"  Exercise ({e['code']}) on {e['date']}: {fmt_num(e['shares'])} "
            f"{sec['security_title']} at {fmt_money(e['exercise_price'])}, expiring "
            f"{e['expiration_date'] or 'n/a'}, into {fmt_num(e['underlying_shares'])} "
            f"{e['underlying_security_title'] or ''}",
            highlight=False,
        )
    for code, o in sec["other_codes"].items():
        console.print(
            f"  {code} ({o['meaning']}): {o['rows']} rows, {fmt_num(o['shares'])} shares"
            + (f", {fmt_money(o['value'])}" if o.get("value") else ""),
            highlight=False,
        )
    for p in sec["positions"]:
        how = (
            "directly"
            if p["direct_or_indirect"] == "D"
            else (
                f"indirectly ({p['nature_of_ownership']})"
                if p["nature_of_ownership"]
                else "indirectly"
            )
        )
        amount = (
            f"{fmt_num(p['shares_owned_following'])} shares"
            if p["shares_owned_following"] is not None
            else fmt_money(p["value_owned_following"])
        )
        console.print(f"  Held {how}: {amount} as of {p['as_of']}", highlight=False)
    console.print()


def render_filing(d: dict[str, Any], console: Console | None = None) -> None:
    """A parsed filing (the --json contract dict) as text, for `insider parse`."""
    console = console or Console(highlight=False)
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
