"""A parsed filing (the `insider parse --json` dict) as text, for `insider parse`."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from .sanitize import terminal_data


def render_filing(d: dict[str, Any], console: Console | None = None) -> None:
    """A parsed filing (the --json contract dict) as text, for `insider parse`."""
    d = terminal_data(d)  # filed text never reaches the terminal raw
    console = console or Console(highlight=False, markup=False)
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
