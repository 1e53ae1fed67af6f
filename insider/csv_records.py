"""`--csv-records`: the older CSV of a report, one record per summary, transaction, position
and chain check (the tidy `--csv`, one row per transaction, is export.py's). Kept for the
scripts written against it; its columns are a stable interface (README, "Output formats")."""

from __future__ import annotations

from typing import Any

from .export import notes_text

SHOW_CSV_COLUMNS = (
    "record",
    "owner_cik",
    "owner_name",
    "issuer_cik",
    "issuer_ticker",
    "security_title",
    "table",
    "accession",
    "form",
    "filing_date",
    "date",
    "code",
    "code_meaning",
    "kind",
    "rows",
    "shares",
    "price_per_share",
    "value",
    "weighted_average_price",
    "min_price",
    "max_price",
    "first_date",
    "last_date",
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
    "plan_10b5_1",
    "late",
    "joint_filing",
    "same_day_received",
    "same_day_sold",
    "same_day_withheld_for_tax",
    "same_day_held",
    "previous_accession",
    "expected_owned",
    "footnotes",
    "roles",
)


def show_csv_records(report: dict[str, Any], footnotes: bool = True) -> list[dict[str, Any]]:
    """The show report as flat records, one per row and per summary line shown.

    Long on purpose: one record shape per section of the report, in the report's order (a
    flat, stable format)."""
    o = report["owner"]
    out: list[dict[str, Any]] = [
        {
            "record": "role",
            "owner_cik": o["cik"],
            "owner_name": o["name"],
            "issuer_cik": r["issuer_cik"],
            "issuer_ticker": r["issuer_ticker"],
            "rows": r["filings"],
            "first_date": r["first_filing"],
            "last_date": r["last_filing"],
            "roles": r["roles"],
        }
        for r in report["roles"]
    ]
    for iss in report["issuers"]:
        base0 = {
            "owner_cik": o["cik"],
            "owner_name": o["name"],
            "issuer_cik": iss["issuer_cik"],
            "issuer_ticker": iss["issuer_ticker"],
        }
        for sec in iss["securities"]:
            base = {**base0, "security_title": sec["security_title"], "table": sec["table"]}
            for r in sec["rows"]:
                rec = {**base, "record": "row", "date": r["transaction_date"]}
                for k in SHOW_CSV_COLUMNS:
                    if k in r and k not in rec:
                        rec[k] = r[k]
                rec["footnotes"] = notes_text(r["footnotes"]) if footnotes else None
                out.append(rec)
            for key in ("sales", "purchases"):
                s = sec[key]
                if s:
                    out.append(
                        {
                            **base,
                            "record": key,
                            "code": "S" if key == "sales" else "P",
                            **{k: v for k, v in s.items() if k in SHOW_CSV_COLUMNS},
                        }
                    )
            for e in sec["exercises"]:
                d = e["same_day"] or {}
                out.append(
                    {
                        **base,
                        "record": "exercise",
                        "accession": e["accession"],
                        "date": e["date"],
                        "code": e["code"],
                        "code_meaning": e["code_meaning"],
                        "shares": e["shares"],
                        "value": e["total_value"],
                        "conversion_or_exercise_price": e["exercise_price"],
                        "exercise_date": e["exercise_date"],
                        "expiration_date": e["expiration_date"],
                        "underlying_security_title": e["underlying_security_title"],
                        "underlying_shares": e["underlying_shares"],
                        "same_day_received": d.get("shares_received"),
                        "same_day_sold": d.get("sold"),
                        "same_day_withheld_for_tax": d.get("withheld_for_tax"),
                        "same_day_held": d.get("held"),
                    }
                )
            groups = [
                ("exercise_shares_received", None, sec["exercise_shares_received"]),
                ("grants", "A", sec["grants"]),
                ("tax_withholdings", "F", sec["tax_withholdings"]),
                ("gifts", "G", sec["gifts"]),
            ] + [("other_code", c, g) for c, g in sec["other_codes"].items()]
            for name, code, g in groups:
                if g:
                    out.append(
                        {
                            **base,
                            "record": name,
                            "code": code,
                            "code_meaning": g.get("meaning"),
                            "rows": g["rows"],
                            "shares": g["shares"],
                            "value": g["value"],
                            "first_date": g["first_date"],
                            "last_date": g["last_date"],
                        }
                    )
            for p in sec["positions"]:
                out.append(
                    {
                        **base,
                        "record": "position",
                        "accession": p["accession"],
                        "date": p["as_of"],
                        "shares_owned_following": p["shares_owned_following"],
                        "value_owned_following": p["value_owned_following"],
                        "direct_or_indirect": p["direct_or_indirect"],
                        "nature_of_ownership": p["nature_of_ownership"],
                        "footnotes": " | ".join(
                            f"nature_of_ownership[{n['id']}]: {n['text'] or ''}"
                            for n in p["nature_footnotes"]
                        )
                        if footnotes
                        else None,
                    }
                )
            for b in sec.get("consistency_breaks") or []:
                out.append(
                    {
                        **base,
                        "record": "chain_break",
                        "accession": b["accession"],
                        "date": b["date"],
                        "code": b["code"],
                        "kind": b["kind"],
                        "shares": b["shares"],
                        "acquired_disposed": b["acquired_disposed"],
                        "shares_owned_following": b["reported_owned"],
                        "direct_or_indirect": b["direct_or_indirect"],
                        "nature_of_ownership": b["nature_of_ownership"],
                        "previous_accession": b["previous_accession"],
                        "expected_owned": b["expected_owned"],
                    }
                )
    return out


COMPANY_CSV_COLUMNS = (
    "record",
    "issuer_cik",
    "issuer_ticker",
    "owner_cik",
    "owner_name",
    "roles",
    "date",
    "last_date",
    "security_title",
    "table",
    "accession",
    "code",
    "code_meaning",
    "rows",
    "shares",
    "price_per_share",
    "value",
    "acquired_disposed",
    "shares_owned_following",
    "direct_or_indirect",
    "nature_of_ownership",
    "plan_10b5_1",
    "late",
    "joint_filing",
    "purchased_shares",
    "purchased_value",
    "sold_shares",
    "sold_value",
    "net_shares",
    "net_value",
    "late_rows",
    "footnotes",
)


def company_csv_records(report: dict[str, Any], footnotes: bool = True) -> list[dict[str, Any]]:
    iss = report["issuer"]
    base = {"issuer_cik": iss["cik"], "issuer_ticker": iss["ticker"]}
    out: list[dict[str, Any]] = []
    for p in report["insiders"]:
        out.append(
            {
                **base,
                "record": "insider",
                "rows": p["purchases"] + p["sales"],
                "date": p["first_filing"],
                "last_date": p["last_filing"],
                **{k: v for k, v in p.items() if k in COMPANY_CSV_COLUMNS},
            }
        )

    def row_rec(kind: str, r: dict[str, Any]) -> dict[str, Any]:
        rec = {
            **base,
            "record": kind,
            "owner_cik": "; ".join(o["cik"] for o in r["owners"]),
            "owner_name": "; ".join(o["name"] or "" for o in r["owners"]),
            "date": r["transaction_date"],
        }
        for k in COMPANY_CSV_COLUMNS:
            if k in r and k not in rec:
                rec[k] = r[k]
        rec["footnotes"] = notes_text(r["footnotes"]) if footnotes else None
        return rec

    out += [row_rec("transaction", r) for r in report["last_transactions"]]
    for c in report["cluster_buys"]:
        out.append(
            {
                **base,
                "record": "cluster_buy",
                "owner_cik": "; ".join(o["cik"] for o in c["insiders"]),
                "owner_name": "; ".join(o["name"] or "" for o in c["insiders"]),
                "date": c["first_date"],
                "last_date": c["last_date"],
                "code": "P",
                "rows": c["rows"],
                "shares": c["shares"],
                "value": c["value"],
                "accession": "; ".join(c["accessions"]),
            }
        )
    out += [row_rec("late", r) for r in report["late_filings"]]
    return out


# ------------------------------------------------------------------ one row per transaction
# `--csv` and `--ndjson`: the rows of the report, one record each, with the documented row
# keys and the owner, issuer and security they belong to - what a spreadsheet or
# pandas.read_csv wants. The mixed records above stay available as `--csv-records`.
