"""Reports as JSON and CSV. No rich here: `--json` and `--csv` do not import it.

The keys and columns are a stable interface, documented in README.md ("Output formats").
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from typing import Any

from .sanitize import json_text, spreadsheet_text
from .sections import PUBLIC_ROW_KEYS


def to_jsonable(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    return obj


def dumps(obj: Any) -> str:
    return json_text(json.dumps(to_jsonable(obj), indent=2, ensure_ascii=False))


def strip_footnotes(obj: Any) -> Any:
    """The JSON of a report without footnote texts and ids (for --no-footnotes)."""
    if isinstance(obj, dict):
        return {
            k: strip_footnotes(v)
            for k, v in obj.items()
            if k not in ("footnotes", "nature_footnotes")
        }
    if isinstance(obj, list):
        return [strip_footnotes(v) for v in obj]
    return obj


def csv_value(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, Decimal):
        return f"{v:f}"
    if isinstance(v, int | float):
        return str(v)
    # Text (names, titles, dates as filed, accessions): never a formula in a spreadsheet.
    return spreadsheet_text(str(v))


def notes_text(fn: dict[str, list[dict[str, str]]]) -> str:
    return " | ".join(
        f"{field}[{n['id']}]: {n['text'] or ''}" for field, ns in fn.items() for n in ns
    )


def write_csv(records: list[dict[str, Any]], columns: tuple[str, ...], stream: Any) -> None:

    w = csv.writer(stream, lineterminator="\n")
    w.writerow(columns)
    for rec in records:
        w.writerow([csv_value(rec.get(c)) for c in columns])


ROW_KEYS = (
    *PUBLIC_ROW_KEYS,
    "code_meaning",
    "value",
    "plan_10b5_1",
    "late",
    "joint_filing",
    "footnotes",
    "filing_url",
    "price_range_low",
    "price_range_high",
)
SHOW_ROW_COLUMNS = (
    "owner_cik",
    "owner_name",
    "issuer_cik",
    "issuer_ticker",
    "issuer_name",
    "security_title",
    "table",
    *ROW_KEYS,
)
COMPANY_ROW_COLUMNS = (
    "issuer_cik",
    "issuer_ticker",
    "issuer_name",
    "owner_cik",
    "owner_name",
    "security_title",
    "table",
    *ROW_KEYS,
)


def show_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Every transaction and holding row of a show report, flat, in the order shown."""
    o = report["owner"]
    out = []
    for iss in report["issuers"]:
        for sec in iss["securities"]:
            for r in sec["rows"]:
                rec = {
                    "owner_cik": o["cik"],
                    "owner_name": o["name"],
                    "issuer_cik": iss["issuer_cik"],
                    "issuer_ticker": iss["issuer_ticker"],
                    "issuer_name": iss["issuer_name"],
                    "security_title": sec["security_title"],
                    "table": sec["table"],
                }
                rec.update((k, r.get(k)) for k in ROW_KEYS)
                out.append(rec)
    return out


def company_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The company report's last transactions, flat; several owners joined with '; '."""
    iss = report["issuer"]
    out = []
    for r in report["last_transactions"]:
        rec = {
            "issuer_cik": iss["cik"],
            "issuer_ticker": iss["ticker"],
            "issuer_name": iss["name"],
            "owner_cik": "; ".join(x["cik"] for x in r["owners"]),
            "owner_name": "; ".join(x["name"] or "" for x in r["owners"]),
            "security_title": r["security_title"],
            "table": r["table"],
        }
        rec.update((k, r.get(k)) for k in ROW_KEYS)
        out.append(rec)
    return out


def write_row_csv(
    rows: list[dict[str, Any]], columns: tuple[str, ...], stream: Any, footnotes: bool = True
) -> None:
    flat = [
        {**r, "footnotes": notes_text(r["footnotes"] or {}) if footnotes else None} for r in rows
    ]
    write_csv(flat, columns, stream)


def write_ndjson(rows: list[dict[str, Any]], stream: Any, footnotes: bool = True) -> None:
    """One JSON object per line (the row keys of --json, with their context)."""
    for r in rows:
        rec = r if footnotes else strip_footnotes(r)
        stream.write(json_text(json.dumps(to_jsonable(rec), ensure_ascii=False)) + "\n")
