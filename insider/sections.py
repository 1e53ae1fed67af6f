"""The parts of an owner report about one security: rows for people and scripts, trade
summaries, exercises with what happened to their shares that day, positions and the
holdings timeline. Pure functions of report rows (queries.py) to plain data."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .amounts import dsum, row_value, tidy
from .chains import line_dict
from .codes import EXERCISE_CODES, meaning
from .links import filing_url
from .pricerange import price_range

if TYPE_CHECKING:
    from .report import Filters


def _trade_summary(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not rows:
        return None
    shares = dsum(r["shares"] or Decimal(0) for r in rows)
    priced = [r for r in rows if r["shares"] is not None and r["price_per_share"] is not None]
    value = dsum(r["shares"] * r["price_per_share"] for r in priced)
    priced_shares = dsum(r["shares"] for r in priced)
    prices = [r["price_per_share"] for r in priced]
    dates = sorted(r["transaction_date"] for r in rows if r["transaction_date"])
    return {
        "rows": len(rows),
        "shares": shares,
        "value": value,
        # A quotient is not a filed number: 6 decimal places, half-even.
        "weighted_average_price": (value / priced_shares).quantize(Decimal("0.000001"))
        if priced_shares
        else None,
        "min_price": min(prices) if prices else None,
        "max_price": max(prices) if prices else None,
        "first_date": dates[0] if dates else None,
        "last_date": dates[-1] if dates else None,
        "unpriced_rows": len(rows) - len(priced),
    }


def _group_summary(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not rows:
        return None
    dates = sorted(r["transaction_date"] for r in rows if r["transaction_date"])
    acquired = dsum(r["shares"] or Decimal(0) for r in rows if r["acquired_disposed"] == "A")
    disposed = dsum(r["shares"] or Decimal(0) for r in rows if r["acquired_disposed"] == "D")
    return {
        "rows": len(rows),
        "shares": dsum(r["shares"] or Decimal(0) for r in rows),
        "shares_acquired": acquired,
        "shares_disposed": disposed,
        "value": dsum(row_value(r) or Decimal(0) for r in rows),
        "first_date": dates[0] if dates else None,
        "last_date": dates[-1] if dates else None,
    }


def same_day_index(rows: list[dict[str, Any]]) -> dict[tuple, dict[str, Any]]:
    """What an owner did with Table I shares per (issuer, date): the exercise partners."""
    out: dict[tuple, dict[str, Any]] = {}
    for r in rows:
        if r["kind"] != "transaction" or not r["transaction_date"]:
            continue
        d = out.setdefault(
            (r["issuer_cik"], r["transaction_date"]),
            {
                "exercises": 0,
                "exercised_underlying": Decimal(0),
                "received": Decimal(0),
                "sold": Decimal(0),
                "sold_value": Decimal(0),
                "withheld": Decimal(0),
                "disposed_to_issuer": Decimal(0),
            },
        )
        code = (r["code"] or "").upper()
        shares = r["shares"] or Decimal(0)
        if r["form_table"] == "II":
            if code in EXERCISE_CODES:
                d["exercises"] += 1
                d["exercised_underlying"] += r["underlying_shares"] or shares
            continue
        if code in EXERCISE_CODES and (r["acquired_disposed"] or "") == "A":
            d["received"] += shares
        elif code == "S":
            d["sold"] += shares
            d["sold_value"] += row_value(r) or Decimal(0)
        elif code == "F":
            d["withheld"] += shares
        elif code == "D":
            d["disposed_to_issuer"] += shares
    return out


def _exercise(r: dict[str, Any], same_day: dict[tuple, dict[str, Any]]) -> dict[str, Any]:
    d = same_day.get((r["issuer_cik"], r["transaction_date"]))
    day = None
    if d is not None:
        received = d["received"] or d["exercised_underlying"]
        out = d["sold"] + d["withheld"] + d["disposed_to_issuer"]
        day = {
            "exercises_that_day": d["exercises"],
            "shares_received": received,
            "sold": d["sold"],
            "sold_value": tidy(d["sold_value"]),
            "withheld_for_tax": d["withheld"],
            "disposed_to_issuer": d["disposed_to_issuer"],
            "held": max(received - out, Decimal(0)),
        }
    return {
        "date": r["transaction_date"],
        "code": r["code"],
        "code_meaning": meaning(r["code"]),
        "shares": r["shares"],
        "total_value": r["total_value"],
        "exercise_price": r["conversion_or_exercise_price"],
        "exercise_date": r["exercise_date"],
        "expiration_date": r["expiration_date"],
        "underlying_security_title": r["underlying_security_title"],
        "underlying_shares": r["underlying_shares"],
        "accession": r["accession"],
        "same_day": day,
    }


_SUMMARY_CODES = {"A": "grants", "F": "tax_withholdings", "G": "gifts"}


def security_section(
    sec: dict[str, Any], flt: Filters, same_day: dict[tuple, dict[str, Any]]
) -> dict[str, Any]:
    """One security of an owner report: its rows (codes filtered), summaries per code,
    exercises, positions and timeline (every code within the dates). One function: each
    part is a few lines over the same grouped rows, in the order of the JSON keys."""
    all_rows = sec["rows"]  # date-filtered, every code: positions and timeline use them
    rows = [r for r in all_rows if flt.shows(r)]
    txns = [r for r in rows if r["kind"] == "transaction"]
    by_code: dict[str, list] = defaultdict(list)
    for r in txns:
        by_code[(r["code"] or "?").upper()].append(r)
    table2 = sec["table"] == "II"
    exercises = [
        _exercise(r, same_day)
        for r in txns
        if table2 and (r["code"] or "").upper() in EXERCISE_CODES
    ]
    received = [] if table2 else [r for c in sorted(EXERCISE_CODES) for r in by_code.get(c, [])]
    summaries = {key: _group_summary(by_code.get(code, [])) for code, key in _SUMMARY_CODES.items()}
    others = {
        code: {"meaning": meaning(code), **(_group_summary(rs) or {})}
        for code, rs in sorted(by_code.items())
        if code not in ("S", "P", *_SUMMARY_CODES) and code not in EXERCISE_CODES
    }
    positions: dict[tuple, dict[str, Any]] = {}
    timeline: dict[tuple, dict[str, Any]] = {}
    for r in all_rows:
        if r["shares_owned_following"] is None and r["value_owned_following"] is None:
            continue
        key = r["line"]
        positions[key] = {
            **line_dict(r),
            "shares_owned_following": r["shares_owned_following"],
            "value_owned_following": r["value_owned_following"],
            "as_of": r["date"],
            "accession": r["accession"],
        }
        if r["shares_owned_following"] is not None:
            line = timeline.setdefault(key, {**line_dict(r), "points": []})
            line["points"].append(
                {
                    "date": r["date"],
                    "shares_owned_following": r["shares_owned_following"],
                    "code": r["code"] if r["kind"] == "transaction" else None,
                    "acquired_disposed": r["acquired_disposed"],
                }
            )
    pos = list(positions.values())
    total = None
    if pos and all(p["shares_owned_following"] is not None for p in pos):
        total = dsum(p["shares_owned_following"] for p in pos)
    return {
        "security_title": sec["security_title"],
        "table": sec["table"],
        "rows": [public_row(r) for r in rows],
        "sales": _trade_summary(by_code.get("S", [])),
        "purchases": _trade_summary(by_code.get("P", [])),
        "exercises": exercises,
        "exercise_shares_received": _group_summary(received),
        **summaries,
        "other_codes": others,
        "positions": pos,
        "position_total_shares": total,
        "timeline": list(timeline.values()),
    }


# The stored row fields every report row carries, in their documented order; export.py's
# CSV/NDJSON row keys extend this one list.
PUBLIC_ROW_KEYS = (
    "accession",
    "form",
    "filing_date",
    "kind",
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
    "conversion_or_exercise_price",
    "exercise_date",
    "expiration_date",
    "underlying_security_title",
    "underlying_shares",
    "underlying_value",
    "timeliness",
    "equity_swap_involved",
)


def _flag(v: Any) -> bool | None:
    return None if v is None else bool(v)


def public_row(r: dict[str, Any]) -> dict[str, Any]:
    d = {k: r[k] for k in PUBLIC_ROW_KEYS}
    d["code_meaning"] = meaning(r["code"]) if r["kind"] == "transaction" else "holding"
    d["value"] = row_value(r)
    d["plan_10b5_1"] = _flag(r["plan_10b5_1"])
    d["late"] = _flag(r["late"])
    d["joint_filing"] = r["n_owners"] > 1
    d["footnotes"] = {
        field: [{"id": fid, "text": text} for fid, text in notes]
        for field, notes in r["footnotes"].items()
    }
    d["filing_url"] = filing_url(r.get("issuer_cik"), r["accession"])
    rng = price_range(d["footnotes"].get("price_per_share"))
    d["price_range_low"], d["price_range_high"] = rng or (None, None)
    # 'xml', or 'dataset:YYYYqN' (the SEC's data sets: numbers rounded to 2 decimals)
    d["source"] = r.get("source", "xml")
    return d
