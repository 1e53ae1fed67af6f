"""Ownership lines of report rows and the chain check ("owned after" follows from the
previous amount of the same line).

Lines come from lines.py, the rule the store's position_key uses, over the same scope (one
owner set at one issuer) and the same rows (amended ones included, as in the store), so a
report's positions and holdings_latest always agree.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from . import lines


def nature_notes(r: dict[str, Any]) -> list[tuple[str, str | None]]:
    """(id, text) of the footnotes that say which indirect holding a row is (lines.py)."""
    notes: list[tuple[str, str | None]] = []
    for field in lines.nature_note_fields(r["direct_or_indirect"]):
        notes += [n for n in r["footnotes"].get(field) or [] if n[0] not in {x[0] for x in notes}]
    return notes


def assign_lines(rows: list[dict[str, Any]]) -> None:
    """Give every row its ownership line, `r["line"]`: (issuer, owners, *lines.Line)."""
    scoped = [
        (
            (r["issuer_cik"], r.get("owner_ciks") or ""),
            r["accession"],
            lines.base(
                r["form_table"],
                r["security_title"],
                r["direct_or_indirect"],
                r["nature_of_ownership"],
                r["conversion_or_exercise_price"],
                r["expiration_date"],
            ),
            lines.notes_text([text for _, text in nature_notes(r)]),
        )
        for r in rows
    ]
    for r, (scope, _, _, _), line in zip(rows, scoped, lines.assign(scoped), strict=True):
        r["line"] = (*scope, *line)


def line_dict(r: dict[str, Any]) -> dict[str, Any]:
    """What a report says about a row's line."""
    table2 = r["form_table"] == "II"
    return {
        "conversion_or_exercise_price": r["conversion_or_exercise_price"] if table2 else None,
        "expiration_date": r["expiration_date"] if table2 else None,
        "direct_or_indirect": r["direct_or_indirect"],
        "nature_of_ownership": r["nature_of_ownership"],
        "nature_footnotes": [{"id": fid, "text": t} for fid, t in nature_notes(r)],
    }


def chain_breaks(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows whose 'owned after' is not the previous amount of the same line +/- the shares.

    `rows` are one owner's, with `assign_lines` applied.
    A holding row states the amount without a change; a row with no amount after, or no
    shares, ends the chain (nothing to compare) and the next row starts a new one.
    """
    last: dict[tuple, dict[str, Any]] = {}
    breaks = []
    # Filing by filing, each in the order its rows were filed: a filer computes "owned
    # after" row by row down the form, whatever the dates of the rows.
    ordered = sorted(
        rows,
        key=lambda r: (
            r.get("period_of_report") or r["date"] or "",
            r.get("filing_date") or "",
            r["accession"],
            r["row_num"],
        ),
    )
    for r in ordered:
        key = r["line"]
        after = r["shares_owned_following"]
        if after is None:
            last.pop(key, None)
            continue
        prev = last.get(key)
        last[key] = r
        if prev is None:
            continue
        change = Decimal(0)
        if r["kind"] == "transaction":
            if r["shares"] is None or (r["acquired_disposed"] or "") not in ("A", "D"):
                continue
            change = r["shares"] if r["acquired_disposed"] == "A" else -r["shares"]
        expected = prev["shares_owned_following"] + change
        if expected != after:
            breaks.append(
                {
                    "issuer_cik": r["issuer_cik"],
                    "issuer_ticker": r["issuer_ticker"],
                    "security_title": r["security_title"],
                    "table": r["form_table"],
                    **line_dict(r),
                    "previous_accession": prev["accession"],
                    "previous_date": prev["date"],
                    "previous_owned": prev["shares_owned_following"],
                    "accession": r["accession"],
                    "date": r["date"],
                    "kind": r["kind"],
                    "code": r["code"],
                    "shares": r["shares"] if r["kind"] == "transaction" else None,
                    "acquired_disposed": r["acquired_disposed"],
                    "expected_owned": expected,
                    "reported_owned": after,
                    "difference": after - expected,
                }
            )
    return breaks
