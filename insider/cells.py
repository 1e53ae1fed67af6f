"""Report values as table cells and prose: numbers, money, flags, footnote markers, links.

Shared by every terminal report (show, company, screens) so a figure reads the same way
everywhere. Numbers are exact as stored; only computed money (shares x price, sums) is
rounded to the cent for reading - JSON and CSV keep every digit.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from rich.console import Console
from rich.style import Style
from rich.text import Text

from .layout import paragraph
from .pricerange import range_in

CENT = Decimal("0.01")


def fmt_num(v: Decimal | None) -> str:
    """Thousands separators, every filed digit kept: 5500 -> 5,500; 0.33333 stays."""
    if v is None:
        return ""
    return f"{v:,f}"


def fmt_signed(v: Decimal | None, acquired_disposed: str | None) -> str:
    """Shares with the direction as a sign: +7,547 acquired, -5,500 disposed."""
    if v is None:
        return ""
    sign = {"A": "+", "D": "-"}.get((acquired_disposed or "").upper(), "")
    return f"{sign}{v:,f}"


def fmt_money(v: Decimal | None, places: int = 2) -> str:
    """A filed amount (a price): at least cents, never fewer digits than were filed."""
    if v is None:
        return ""
    if v.as_tuple().exponent > -places:  # type: ignore[operator]
        v = v.quantize(Decimal(1).scaleb(-places))
    return f"-${-v:,f}" if v < 0 else f"${v:,f}"


def fmt_cents(v: Decimal | None) -> str:
    """A computed amount (shares x price, a sum) to the cent, for reading; exact in
    JSON/CSV."""
    if v is None:
        return ""
    return fmt_money(v.quantize(CENT, rounding=ROUND_HALF_UP))


def fmt_price(v: Decimal) -> str:
    """A price without trailing zeros beyond the cent: 188.970 -> 188.97, 195.065 kept."""
    if v == v.to_integral_value():
        return f"{v.quantize(CENT):,f}"
    n = v.normalize()
    return f"{n.quantize(CENT):,f}" if n.as_tuple().exponent > -2 else f"{n:,f}"  # type: ignore[operator]


def fmt_range(low: Decimal | None, high: Decimal | None) -> str:
    if low is None or high is None:
        return ""
    return f"{fmt_price(low)}–{fmt_price(high)}"


def flag(v: bool | None) -> str:
    return "" if v is None else ("y" if v else "n")


def flags(r: dict[str, Any]) -> str:
    """The compact layout's one flags column: P = 10b5-1 plan, L = filed late, ? = lateness
    not known yet (transactions only)."""
    out = "P" if r.get("plan_10b5_1") else ""
    if r.get("late"):
        out += "L"
    elif r.get("late") is None and r.get("kind") == "transaction":
        out += "?"
    return out


FLAGS_LEGEND = "Flags: P = 10b5-1 plan, L = filed late, ? = lateness not known."


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def linked(text: str, url: str | None, style: str = "") -> Text:
    """Text that is a terminal hyperlink (OSC 8) to `url`; rich writes the link only to a
    terminal, so piped output and files stay plain."""
    if not url:
        return Text(text, style=style)
    return Text(text, style=Style.parse(style or "none") + Style(link=url))


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


class Notes:
    """Footnote markers unique across one report: the filing's own number when that is
    unambiguous ("1" for F1), with a letter when two filings both have an F1. Texts are
    listed under the table where a footnote is first used (`flush`); weighted-average
    price footnotes, one per row in many filings, are listed as one shared line because
    the tables show their price range in a column."""

    def __init__(self) -> None:
        self.keys: dict[tuple[str, str], str] = {}
        self.used: dict[str, int] = {}
        self.pending: list[tuple[str, str, str]] = []
        self.price_keys: set[str] = set()
        self.range_column = False  # set by the table: are ranges in a column of their own?

    def labels(self, accession: str, notes: list[dict[str, str]], price: bool = False) -> list[str]:
        out = []
        for n in notes:
            key = (accession, n["id"])
            if key not in self.keys:
                base = n["id"][1:] if n["id"][:1] in "Ff" and n["id"][1:].isdigit() else n["id"]
                count = self.used.get(base, 0)
                self.used[base] = count + 1
                label = base if count == 0 else f"{base}{_suffix(count)}"
                self.keys[key] = label
                self.pending.append((label, accession, n.get("text") or ""))
            if price:
                self.price_keys.add(self.keys[key])
            if self.keys[key] not in out:
                out.append(self.keys[key])
        return out

    def mark(self, accession: str, notes: list[dict[str, str]], price: bool = False) -> str:
        return "".join(f"({lab})" for lab in self.labels(accession, notes, price))

    def flush(self, console: Console) -> None:
        if not self.pending:
            return
        console.print(Text("  Footnotes", style="bold"))
        ranged = [p for p in self.pending if p[0] in self.price_keys and range_in(p[2]) is not None]
        for label, acc, text in sorted(self.pending, key=lambda t: _natural(t[0])):
            if (label, acc, text) not in ranged:
                paragraph(console, Text(f"({label}) {text}  [{acc}]"), indent=2, hang=6)
        if ranged:
            ranged.sort(key=lambda t: _natural(t[0]))
            accs = ", ".join(dict.fromkeys(p[1] for p in ranged))
            if self.range_column:
                head = "".join(f"({p[0]})" for p in ranged) + " The price is"
                where = "from the low to the high of the Range column"
            else:
                head = ", ".join(f"({p[0]}) {fmt_range(*range_in(p[2]))}" for p in ranged)  # type: ignore[misc]
                head += ": each price marked so is"
                where = "in that range"
            paragraph(
                console,
                Text(
                    f"{head} the weighted average of several trades at prices {where} (the "
                    f"filer gives the details on request; full texts in --json).  [{accs}]"
                ),
                indent=2,
                hang=6,
            )
        self.pending = []


def marks(notes: Notes | None, accession: str, fn: list[dict[str, str]] | None) -> str:
    if notes is None or not fn:
        return ""
    return notes.mark(accession, fn)


def cell(value: str, row: dict[str, Any], fields: tuple[str, ...], notes: Notes | None) -> Text:
    """A value with the markers of the footnotes on `fields`, each marker once."""
    t = Text(value)
    if notes is None:
        return t
    labels: list[str] = []
    for f in fields:
        fn = row["footnotes"].get(f)
        if fn:
            for lab in notes.labels(row["accession"], fn, price=f == "price_per_share"):
                if lab not in labels:
                    labels.append(lab)
    if labels:
        t.append("".join(f"({lab})" for lab in labels), style="cyan")
    return t


def describe_filters(flt: dict[str, Any], what: str = "transactions") -> str:
    """'no P transactions between 2020-01-01 and 2020-12-31 of AIV' for an empty result."""
    codes = flt.get("codes") or []
    text = f"no {','.join(codes)} {what}" if codes else f"no {what} or holdings"
    since, until = flt.get("since"), flt.get("until")
    if since and until:
        text += f" between {since} and {until}"
    elif since:
        text += f" since {since}"
    elif until:
        text += f" until {until}"
    if flt.get("issuer"):
        text += f" of {flt['issuer']}"
    return text
