"""Screen report data (screens.run_screen) -> a terminal table or CSV records."""

from __future__ import annotations

from typing import Any

from .export import write_csv

ROW_CSV_COLUMNS = (
    "filing_date",
    "acceptance_datetime",
    "transaction_date",
    "issuer_cik",
    "issuer_ticker",
    "issuer_name",
    "owner_cik",
    "owner_name",
    "owner_roles",
    "code",
    "code_meaning",
    "table",
    "security_title",
    "acquired_disposed",
    "shares",
    "price_per_share",
    "value",
    "shares_owned_following",
    "owned_before",
    "delta_own_pct",
    "direct_or_indirect",
    "plan_10b5_1",
    "late",
    "joint_filing",
    "form",
    "accession",
    "filing_url",
    "source",
)
CLUSTER_CSV_COLUMNS = (
    "issuer_cik",
    "issuer_ticker",
    "issuer_name",
    "first_date",
    "last_date",
    "distinct_buyers",
    "insiders",
    "rows",
    "shares",
    "value",
    "average_price",
    "last_filing_date",
    "last_acceptance_datetime",
    "last_filing_url",
    "accessions",
)


def write_screen_csv(report: dict[str, Any], stream: Any) -> None:
    if "clusters" in report:
        records = [
            {
                **c,
                "insiders": "; ".join(p["name"] or p["cik"] for p in c["insiders"]),
                "accessions": "; ".join(c["accessions"]),
            }
            for c in report["clusters"]
        ]
        write_csv(records, CLUSTER_CSV_COLUMNS, stream)
    else:
        write_csv(report["rows"], ROW_CSV_COLUMNS, stream)


def _time(accepted: str | None) -> str:
    # 2007-05-14T17:02:11.000Z -> 17:02 (UTC)
    if accepted and len(accepted) >= 16 and accepted[10] == "T":
        return accepted[11:16]
    return ""


def _pct(r: dict[str, Any]) -> str:
    if r["new_position"]:
        return "new"
    p = r["delta_own_pct"]
    if p is None:
        return ""
    return f"{p:+,f}%"


def _from_dataset(r: dict[str, Any]) -> str:
    # Rows stored from the SEC's quarterly data sets: rounded numbers, no acceptance time.
    src = r.get("source") or "xml"
    return "" if src == "xml" else f" (data set {src.removeprefix('dataset:')})"


def _flag(v: bool | None) -> str:
    return "" if v is None else ("y" if v else "n")


def _filters_line(f: dict[str, Any]) -> str:
    parts = []
    if f["since"] or f["until"]:
        parts.append(f"{f['since'] or '...'} to {f['until'] or '...'}")
    if f["min_value"] is not None:
        parts.append(f"value >= ${f['min_value']:,f}")
    if f["roles"]:
        parts.append("roles " + ",".join(f["roles"]))
    if f["codes"]:
        parts.append("codes " + ",".join(f["codes"]))
    if f["issuers"]:
        parts.append("issuers " + ",".join(f["issuers"]))
    return "; ".join(parts)


def text_table(headers: list[str], right: set[str], rows: list[list[str]]) -> list[str]:
    """Columns padded to their widest cell, numbers right-aligned, nothing cut or wrapped
    (a wide table stays wide). Plain text: rich's layout cost ~15 ms a row here."""
    from rich.cells import cell_len

    widths = [max([cell_len(h)] + [cell_len(r[k]) for r in rows]) for k, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        out = []
        for k, c in enumerate(cells):
            pad = " " * (widths[k] - cell_len(c))
            out.append(pad + c if headers[k] in right else c + pad)
        return "  ".join(out).rstrip()

    return [line(headers), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


def render_screen(report: dict[str, Any], out: Any) -> None:
    """A screen's rows as a table on `console`, columns chosen for the width.

    Long on purpose: one short rule per column, in column order."""
    from .codes import short
    from .render import fmt_money, fmt_num
    from .sanitize import terminal_data

    report = terminal_data(report)  # filed text never reaches the terminal raw
    flt = _filters_line(report["filters"])
    lines = [report["title"] + (f"  ({flt})" if flt else "")]
    if "clusters" in report:
        cl = report["clusters"]
        heads = ["Filed", "Trades", "Ticker", "Issuer", "Buyers", "Insiders", "Rows", "Shares",
                 "Value", "Avg price", "Newest filing"]  # fmt: skip
        rows = [
            [
                f"{c['last_filing_date'] or ''} {_time(c['last_acceptance_datetime'])}".strip(),
                f"{c['first_date']} to {c['last_date']}",
                c["issuer_ticker"] or "",
                c["issuer_name"] or c["issuer_cik"],
                str(c["distinct_buyers"]),
                "; ".join(p["name"] or p["cik"] for p in c["insiders"]),  # roles: --json
                str(c["rows"]),
                fmt_num(c["shares"]),
                fmt_money(c["value"]),
                fmt_money(c["average_price"]) if c["average_price"] is not None else "",
                c["last_filing_url"] or "",
            ]
            for c in cl
        ]
        right = {"Buyers", "Rows", "Shares", "Value", "Avg price"}
        lines += text_table(heads, right, rows) if rows else ["No cluster buys."]
        out.write("\n".join(lines) + "\n")
        return
    heads = ["Filed", "Trade", "Ticker", "Issuer", "Insider", "Title", "Code", "Shares", "Price",
             "Value", "Owned after", "ΔOwn", "10b5-1", "Late", "Filing"]  # fmt: skip
    rows = [
        [
            f"{r['filing_date'] or ''} {_time(r['acceptance_datetime'])}".strip(),
            r["transaction_date"] or "",
            r["issuer_ticker"] or "",
            r["issuer_name"] or r["issuer_cik"] or "",
            r["owner_name"] or "",
            r["owner_roles"] or "",
            f"{r['code'] or ''} {short(r['code'])}".strip()
            + (" (II)" if r["table"] == "II" else ""),
            fmt_num(r["shares"]),
            fmt_money(r["price_per_share"]) if r["price_per_share"] is not None else "",
            fmt_money(r["value"]) if r["value"] is not None else "",
            fmt_num(r["shares_owned_following"]),
            _pct(r),
            _flag(r["plan_10b5_1"]),
            _flag(r["late"]),
            (r["filing_url"] or r["accession"]) + _from_dataset(r),
        ]
        for r in report["rows"]
    ]
    right = {"Shares", "Price", "Value", "Owned after", "ΔOwn"}
    lines += text_table(heads, right, rows) if rows else ["No rows."]
    plan = report.get("plan_10b5_1")
    if plan and plan["rows"]:
        pct = f" ({plan['value_pct']:f}% of the value)" if plan["value_pct"] is not None else ""
        lines.append(
            f"Rule 10b5-1 plan: {plan['plan_rows']} of {plan['rows']} sales listed, "
            f"{fmt_money(plan['plan_value'])} of {fmt_money(plan['value'])}{pct}"
        )
    if rows and len(rows) == report["filters"]["limit"]:
        lines.append(f"First {len(rows)} rows; --limit N for more.")
    out.write("\n".join(lines) + "\n")


def render_listing(listing: dict[str, Any], out: Any) -> None:
    """issuers / owners: a title line and one table."""
    from .sanitize import terminal_data

    listing = terminal_data(listing)
    cols = list(listing["columns"])
    rows = [
        ["" if r[c] is None else f"{r[c]:,}" if isinstance(r[c], int) else str(r[c]) for c in cols]
        for r in listing["rows"]
    ]
    lines = [listing["title"], *(text_table(cols, {"filings"}, rows) if rows else [])]
    out.write("\n".join(lines) + "\n")


def render_status(st: dict[str, Any], out: Any) -> None:
    from .sanitize import terminal_data

    st = terminal_data(st)
    mb = st["size_bytes"] / 1e6
    lines = [
        f"{st['database']}: {mb:,.1f} MB, schema version {st['schema_version']}, "
        f"{st['filings']:,} filings of {st['issuers']:,} issuers by {st['owners']:,} owners; "
        f"last filing date {st['last_filing_date'] or 'none'}"
    ]
    rows = [
        [str(r["source"]), str(r["form"]), f"{r['filings']:,}", r["first_filing"] or "",
         r["last_filing"] or ""]
        for r in st["filings_by_source_and_form"]
    ]  # fmt: skip
    if rows:
        heads = ["source", "form", "filings", "first filing", "last filing"]
        lines += text_table(heads, {"filings"}, rows)
    quarters = st.get("quarters_imported")
    if quarters:
        n = sum(q["filings"] for q in quarters)
        lines.append(
            f"Data-set quarters imported: {len(quarters)} ({quarters[0]['quarter']} to "
            f"{quarters[-1]['quarter']}), {n:,} filings; last import "
            f"{max(q['imported_at'] for q in quarters)}"
        )
    elif quarters is not None:
        lines.append("Data-set quarters imported: none (insider backfill)")
    for name, v in (st.get("watch_state") or {}).items():
        lines.append(f"{name}: {v['value']} (at {v['updated_at']})")
    for name, info in (st.get("other_tables") or {}).items():
        last = info.get("last_row")
        tail = ", last: " + ", ".join(f"{k}={v}" for k, v in last.items()) if last else ""
        lines.append(f"{name}: {info['rows']:,} rows{tail}")
    lines.append(f"Failures: {st['failures']:,} (table sync_failures; sync --retry-failed)")
    for f in st["recent_failures"]:
        lines.append(f"  {f['failed_at']}  {f['accession']}  {f['reason']}")
    out.write("\n".join(lines) + "\n")
