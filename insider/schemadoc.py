"""Every table, view and column in plain words: the one source for docs/schema.md's tables
and for `insider datasette-metadata`. Tests check it against a real database, both ways.
"""

from __future__ import annotations

from typing import Any

from . import schema, summaries

_ACC = "EDGAR accession number of the filing, e.g. 0000320193-19-000090."
_FLAG = "1 yes, 0 no, empty when the filing leaves it out."

# Columns of the transaction-like views (transactions, sales, purchases, option_exercises,
# filings_late, holdings_latest): same name, same meaning in each.
VIEW_COLUMNS: dict[str, str] = {
    "accession": _ACC,
    "filing_date": "Date EDGAR accepted the filing (YYYY-MM-DD).",
    "transaction_date": "Date of the trade as filed; on holdings rows, empty.",
    "issuer_cik": "CIK of the company whose securities were traded (10 digits).",
    "issuer_ticker": "The company's trading symbol as given in its latest stored filing.",
    "owner_cik": "CIK of the reporting owner; on a joint filing, every owner's CIK in "
    "filing order joined by '; '.",
    "owner_name": "Reporting owner's name as filed; joint filings: every name joined by '; '.",
    "owner_roles": "Relationship to the company in words (Director; Officer (title); 10% "
    "Owner; Other (text)); joint filings: each owner's roles joined by '; '.",
    "security_title": "Security as filed, e.g. Common Stock or Employee Stock Option.",
    "code": "Transaction code (S sale, P purchase, M exercise, ...); empty on holdings.",
    "code_meaning": "The transaction code in words (from transaction_codes).",
    "shares": "Number of shares (or units) traded, exact as filed.",
    "price_per_share": "Price per share as filed; empty when given only as a footnote. On "
    "Table II this is the price of the derivative, never its exercise price.",
    "value": "shares x price_per_share (rounded to 6 decimals), else the filed total value.",
    "acquired_disposed": "A acquired, D disposed.",
    "shares_owned_following": "Shares owned after the transaction (or held, on holdings).",
    "direct_or_indirect": "D direct or I indirect ownership.",
    "footnotes": "Footnotes on this row: one line per footnote, 'field [id]: text'.",
    "form": "Form type of the filing: 3, 4, 5 or an amendment 3/A, 4/A, 5/A.",
    "form_table": "I (non-derivative securities) or II (derivative securities).",
    "row_num": "Position of the row in the filing (Table I transactions, Table I "
    "holdings, Table II transactions, Table II holdings), from 0.",
    "issuer_name": "The company's name as given in its latest stored filing.",
    "owner_count": "Number of reporting owners on the filing (more than 1: joint filing).",
    "period_of_report": "Period of report of the filing (date of the earliest trade).",
    "deemed_execution_date": "Deemed execution date, when the form gives one.",
    "timeliness": "transactionTimeliness: E early, L late, empty on time.",
    "total_value": "Total value when the form gives one instead of shares.",
    "value_owned_following": "Value owned after the transaction, when given instead of shares.",
    "nature_of_ownership": "Nature of indirect ownership, e.g. By Trust.",
    "conversion_or_exercise_price": "Table II: conversion or exercise price of the derivative.",
    "exercise_date": "Table II: date the derivative becomes exercisable.",
    "expiration_date": "Table II: expiration date of the derivative.",
    "underlying_security_title": "Table II: title of the underlying security.",
    "underlying_shares": "Table II: number of underlying shares.",
    "underlying_value": "Table II: value of the underlying security, when given instead.",
    "late": "1 when filed late (see filings_late), 0 on time, empty when unknown.",
    "due_date": "Forms 4 and 4/A: last day to file, two business days (US federal "
    "holidays excluded) after the deemed execution or transaction date.",
    "late_source": "Why late: 'timeliness' (marked L), 'deadline' (filed after due_date), or both.",
    "plan_10b5_1": "1 when the trade is flagged as made under a Rule 10b5-1 plan, else 0.",
    "plan_10b5_1_source": "Where plan_10b5_1 comes from: 'aff10b5One' (the form's box, from "
    "2023), 'footnote' (a footnote on the row mentions Rule 10b5-1) or 'none'.",
    "amends_accession": "Accession of the filing this amendment amends, if any.",
    "as_of_date": "Date of the amount: the transaction date, else the period of report.",
    "kind": "transaction or holding.",
    "acceptance_datetime": "EDGAR acceptance time of the filing, UTC (empty when the "
    "filing list did not give it).",
    "owned_before": "Shares owned before the transaction: shares_owned_following minus "
    "(acquired) or plus (disposed) shares.",
    "delta_own_pct": "Change in ownership in percent of owned_before (+ acquired, - "
    "disposed), rounded to 0.1; empty when nothing was owned before (a new position).",
    "filing_url": "The filing's index page on sec.gov.",
    "nature_footnotes": "Texts of the footnotes that say which indirect holding a row is "
    "(on the nature of ownership, or on D/I of an I row): when one filing has several lines "
    "with the same nature, these tell them apart.",
    "source": "Where the filing came from: 'xml' (its ownership XML, exact as filed) or "
    "'dataset:YYYYqN' (the SEC's quarterly Insider Transactions Data Set of that quarter: "
    "numbers rounded by the SEC to 2 decimals, no acceptance time, URL or raw XML).",
}

# The views' columns come from their SQL definition (schema.py): one list, never two.
_TXN_VIEW_COLUMNS = list(schema.TRANSACTION_VIEW_COLUMNS)
_HOLDING_VIEW_COLUMNS = list(schema.HOLDING_VIEW_COLUMNS)

_SCREEN_VIEW_COLUMNS = list(schema.SCREEN_VIEW_COLUMNS)
_SCREEN_NOTE = (
    " Amended rows drop out (as in transactions); insider screen, insider serve and the "
    "queries under Screens read it."
)


def _view(description: str, columns: list[str], **override: str) -> dict[str, Any]:
    return {
        "type": "view",
        "description": description,
        "columns": {c: override.get(c, VIEW_COLUMNS[c]) for c in columns},
    }


def _table(description: str, **columns: str) -> dict[str, Any]:
    return {"type": "table", "description": description, "columns": columns}


_TXN_COLS_NOTE = (
    " One row per transaction row of the current version of each filing (amended rows "
    "drop out); a joint filing's row appears once, with every owner in owner_cik/owner_name."
)

OBJECTS: dict[str, dict[str, Any]] = {
    "filings": _table(
        "One row per stored Form 3/4/5 (or amendment): what EDGAR says about it, the "
        "top-level fields of the document, and the raw XML it came from.",
        accession=_ACC + " Primary key.",
        form="documentType: 3, 4, 5, 3/A, 4/A or 5/A.",
        filing_date="Date EDGAR gave the filing (from the filing list).",
        acceptance_datetime="EDGAR acceptance time, UTC (from the filing list, or from the "
        "header of the full .txt submission for sync --all and watch).",
        period_of_report="periodOfReport: date of the earliest transaction reported.",
        date_of_original_submission="Amendments: filing date of the filing being amended.",
        issuer_cik="CIK of the company (references issuers.cik).",
        schema_version="EDGAR ownership XML schema version, e.g. X0306.",
        no_securities_owned="Form 3: the owner holds no securities. " + _FLAG,
        not_subject_to_section16="Box: no longer subject to Section 16. " + _FLAG,
        form3_holdings_reported="Form 5: holdings previously reported on Form 3. " + _FLAG,
        form4_transactions_reported="Form 5: transactions previously reported on Form 4. " + _FLAG,
        aff10b5one="aff10b5One box (from 2023): some trade was made under a Rule 10b5-1 "
        "plan. " + _FLAG,
        remarks="Remarks as filed.",
        amends_accession="Amendments: accession of the original filing it amends, when "
        "stored (see docs/schema.md, Amendments).",
        superseded_by="Accession of the latest amendment of this filing, when one is stored.",
        url="Where the raw XML was fetched from.",
        raw_xml="The ownership XML exactly as fetched (of a full .txt submission, as sync "
        "--all and watch fetch it: the <XML> block inside), zlib-compressed "
        "(store.raw_xml()); empty (0 bytes) for a filing stored from a data set.",
        parser_version="insider version whose parser produced the derived rows.",
        stored_at="When the raw XML was stored (UTC).",
        issuer_name="issuerName as filed on this filing.",
        issuer_ticker="issuerTradingSymbol as filed on this filing.",
        owner_count="Number of reporting owners (more than 1: joint filing).",
        owner_ciks="Reporting owners' CIKs in filing order, joined by '; '.",
        owner_names="Reporting owners' names as filed, joined by '; '.",
        owner_roles="Each reporting owner's roles in words, joined by '; '.",
        source=VIEW_COLUMNS["source"] + " An XML filing replaces its data-set version.",
        source_sha256="Data-set filings: SHA-256 of the quarter's ZIP it was read from; "
        "empty for 'xml'.",
    ),
    "issuers": _table(
        "Companies whose securities the filings report.",
        cik="CIK, 10 digits. Primary key.",
        name="Name as given in the latest stored filing.",
        ticker="Trading symbol as given in the latest stored filing.",
    ),
    "owners": _table(
        "Reporting owners (insiders: officers, directors, 10% owners, funds).",
        cik="CIK, 10 digits ('unknown:ACCESSION:N' when a filing gives none). Primary key.",
        name="Name as given in the owner's latest stored filing.",
    ),
    "filing_owners": _table(
        "Which owners filed each filing, with their address and relationship as filed. "
        "Primary key (accession, owner_cik).",
        accession=_ACC + " References filings.",
        owner_cik="References owners.cik.",
        position="Order of the owner on the filing, from 0.",
        name="Owner's name as filed on this filing.",
        street1="Address line 1.",
        street2="Address line 2.",
        city="City.",
        state="State.",
        zip="ZIP code.",
        is_director="Director. " + _FLAG,
        is_officer="Officer. " + _FLAG,
        is_ten_percent_owner="Owner of 10% or more. " + _FLAG,
        is_other="Other relationship. " + _FLAG,
        officer_title="Officer title as filed, e.g. Executive Vice President - CFO.",
        other_text="Description of the other relationship.",
        roles="The relationship in words: 'Director; Officer (CFO); 10% Owner; Other (...)'.",
    ),
    "ownership_rows": _table(
        "Every row of Table I (non-derivative) and Table II (derivative): transactions and "
        "holdings, with every field of the form. Primary key (accession, row_num). Numbers "
        "are INTEGER or REAL when that is exactly the filed decimal, else the exact text.",
        accession=_ACC + " References filings.",
        row_num=VIEW_COLUMNS["row_num"],
        form_table=VIEW_COLUMNS["form_table"],
        kind=VIEW_COLUMNS["kind"],
        security_title=VIEW_COLUMNS["security_title"],
        transaction_date="Transaction date (transactions only).",
        deemed_execution_date=VIEW_COLUMNS["deemed_execution_date"],
        form_type="transactionFormType / the form the row was reported on.",
        code="Transaction code (see transaction_codes); empty on holdings.",
        equity_swap_involved="Equity swap involved. " + _FLAG,
        timeliness=VIEW_COLUMNS["timeliness"],
        shares=VIEW_COLUMNS["shares"],
        total_value=VIEW_COLUMNS["total_value"],
        price_per_share="Price per share as filed (empty when only a footnote).",
        acquired_disposed=VIEW_COLUMNS["acquired_disposed"],
        shares_owned_following=VIEW_COLUMNS["shares_owned_following"],
        value_owned_following=VIEW_COLUMNS["value_owned_following"],
        direct_or_indirect=VIEW_COLUMNS["direct_or_indirect"],
        nature_of_ownership=VIEW_COLUMNS["nature_of_ownership"],
        conversion_or_exercise_price=VIEW_COLUMNS["conversion_or_exercise_price"],
        exercise_date=VIEW_COLUMNS["exercise_date"],
        expiration_date=VIEW_COLUMNS["expiration_date"],
        underlying_security_title=VIEW_COLUMNS["underlying_security_title"],
        underlying_shares=VIEW_COLUMNS["underlying_shares"],
        underlying_value=VIEW_COLUMNS["underlying_value"],
        late=VIEW_COLUMNS["late"] + " Transactions only.",
        plan_10b5_1=VIEW_COLUMNS["plan_10b5_1"] + " Transactions only.",
        plan_10b5_1_source=VIEW_COLUMNS["plan_10b5_1_source"],
        superseded_by="Accession of the amendment that restates this row's part of the "
        "form; such rows are left out of every view.",
        due_date=VIEW_COLUMNS["due_date"],
        late_source=VIEW_COLUMNS["late_source"],
        nature_footnotes=VIEW_COLUMNS["nature_footnotes"],
        position_key="Which position (ownership line) the row reports: a hash of owners, "
        "issuer, table, security title (case and spacing ignored; Table II: exercise price, "
        "expiry), direct/indirect and nature (case and spacing ignored), plus the nature "
        "footnotes when some filing of the same owners and issuer has several lines that "
        "agree on all of those (elsewhere a reworded footnote does not split a position). "
        "insider show's positions use the same rule (insider/lines.py).",
        is_latest="1 when the row holds the latest reported amount of its position (the "
        "rows of holdings_latest), else empty.",
    ),
    "footnotes": _table(
        "Footnote texts of each filing. Primary key (accession, footnote_id).",
        accession=_ACC + " References filings.",
        footnote_id="Footnote id as filed, e.g. F1.",
        text="Footnote text, whitespace collapsed.",
    ),
    "field_footnotes": _table(
        "Which footnote explains which field of which row. Primary key (accession, "
        "row_num, field, footnote_id); (accession, row_num) references ownership_rows.",
        accession=_ACC,
        row_num="The row (ownership_rows.row_num).",
        field="Column of ownership_rows the footnote sits on, e.g. price_per_share.",
        footnote_id="Footnote id (footnotes.footnote_id of the same filing).",
        position="Order of the footnote on that field, from 0.",
    ),
    "signatures": _table(
        "Signatures at the foot of each filing. Primary key (accession, position).",
        accession=_ACC + " References filings.",
        position="Order of the signature, from 0.",
        name="Signature name as filed.",
        date="Signature date.",
    ),
    "transaction_codes": _table(
        "The SEC's transaction codes in words.",
        code="One-letter code. Primary key.",
        meaning="What the code means.",
    ),
    "sync_failures": _table(
        "Filings that could not be fetched or parsed, with the reason (sync skips them "
        "until --retry-failed, transient ones excepted; reparse records documents the parser "
        "now rejects).",
        accession=_ACC + " Primary key.",
        issuer_cik="CIK whose filing list named the filing.",
        url="URL that was tried.",
        reason="Why it failed, one line. `transient: ...` for a failure that may pass (server "
        "error, timeout, an HTML page instead of the document): the next syncs try it again "
        "by themselves until `attempts` reaches 5.",
        failed_at="When it last failed (UTC).",
        attempts="How many times it failed.",
    ),
    "dataset_quarters": _table(
        "Quarters of the SEC's Insider Transactions Data Sets imported by `insider "
        "backfill`, one row per quarter (replaced when the SEC republishes it).",
        quarter="The quarter, e.g. 2024q3. Primary key.",
        url="Where the ZIP was downloaded from (empty for --zip FILE).",
        sha256="SHA-256 of the ZIP imported.",
        size="Size of the ZIP in bytes.",
        etag="ETag the server sent with the ZIP, if any (for conditional re-fetch).",
        last_modified="Last-Modified the server sent with the ZIP, if any.",
        filings="Filings stored from this quarter.",
        skipped="Accessions of the ZIP not stored because they were already stored from "
        "their XML (or from another quarter).",
        rows="Table I and II rows stored from this quarter.",
        imported_at="When the import finished (UTC).",
    ),
    "ticker_cache": _table(
        "EDGAR's ticker -> CIK list, cached for a day.",
        ticker="Ticker, upper case. Primary key.",
        cik="CIK, 10 digits.",
        title="Company name in EDGAR's list.",
        fetched_at="When the list was fetched (UTC).",
    ),
    "insider_shape": _table(
        "What insider last set up besides the versioned tables: a hash per part (tables, "
        "codes, views, fts). When this insider's definition of a part differs, opening the "
        "file for writing recreates that part (views, transaction_codes, the full-text "
        "indexes, the summary tables), so a changed view never leaves an older database "
        "stale.",
        part="tables, codes, views, fts or summaries. Primary key.",
        hash="Hash of that part's definition.",
    ),
    "watch_state": _table(
        "What insider watch has handled, so a restart neither repeats nor misses a filing "
        "(name/value pairs; created without a schema version bump).",
        name="last_seen (acceptance time, UTC, of the newest filing handled), "
        "last_accession, floor (nothing accepted before it is new: when the watch began or "
        "--since), pending_day (a day whose daily index is read once it exists). Primary key.",
        value="The value (text).",
        updated_at="When it was last written (UTC).",
    ),
    "lake_partitions": _table(
        "What `insider export DIR` last wrote to each folder, one row per partition file: "
        "the next export rewrites only partitions whose fingerprint changed. Primary key "
        "(lake, dataset, partition).",
        lake="Absolute path of the export folder.",
        dataset="Exported table or view, e.g. transactions.",
        partition="Hive partition folder, e.g. year=2024; empty for an unpartitioned table.",
        format="parquet, csv or ndjson.",
        fingerprint="Hash of the partition's rows as read from the database, its columns "
        "and format.",
        rows="Rows in the partition file.",
        bytes="Size of the partition file.",
        file="The partition file, relative to the export folder.",
        exported_at="When the file was written (UTC).",
    ),
    "lake_exports": _table(
        "Per export folder, whether a row changed since its last export: triggers "
        "`lake_changed_<table>_<op>` on the tables the exports read set `dirty`; an unchanged "
        "folder is then exported without reading a row. Primary key lake.",
        lake="Absolute path of the export folder.",
        dirty="1: a row may have changed since the last complete export began.",
        pending="1: a row may have changed since the current or last export began.",
        schema_version="PRAGMA schema_version at that export (a view or table rebuilt since: "
        "everything is read again).",
        selection="JSON: format, --since, --until and the datasets exported.",
        exported_at="When that export began or ended (UTC).",
    ),
    "owners_fts": _table(
        "Full-text index (SQLite FTS5) of owners.name, kept in sync by triggers; rowid = "
        "owners.rowid. Query: owners_fts MATCH '\"herzog\"*'.",
        name="Owner name (owners.name).",
    ),
    "issuers_fts": _table(
        "Full-text index (SQLite FTS5) of issuers.name and ticker; rowid = issuers.rowid.",
        name="Issuer name (issuers.name).",
        ticker="Ticker (issuers.ticker).",
    ),
    "transactions": _view(
        "Table I and Table II transactions together, with issuer, owners, code meaning, "
        "value, flags and footnote texts." + _TXN_COLS_NOTE,
        _TXN_VIEW_COLUMNS,
    ),
    "sales": _view(
        "transactions with code S (open-market or private sale), of either table: add "
        "form_table = 'I' for sales of the stock itself.",
        _TXN_VIEW_COLUMNS,
    ),
    "purchases": _view(
        "transactions with code P (open-market or private purchase), of either table: add "
        "form_table = 'I' for purchases of the stock itself.",
        _TXN_VIEW_COLUMNS,
    ),
    "option_exercises": _view(
        "Table II transactions with code M, X, O or C: exercises and conversions of "
        "derivatives, with exercise price, exercisable and expiration dates and underlying.",
        _TXN_VIEW_COLUMNS,
    ),
    "filings_late": _view(
        "transactions flagged late: filed after due_date (Forms 4 and 4/A) or marked "
        "transactionTimeliness L. One row per late transaction.",
        _TXN_VIEW_COLUMNS,
    ),
    "screen_trades": _view(
        "Every current transaction row (both tables) with what a market screen shows: "
        "acceptance time, shares owned before, change in ownership, 10b5-1 and late flags, "
        "the filing's sec.gov address." + _SCREEN_NOTE,
        _SCREEN_VIEW_COLUMNS,
    ),
    "screen_purchases": _view(
        "screen_trades rows of open-market purchases of the stock itself: Table I, code P.",
        _SCREEN_VIEW_COLUMNS,
    ),
    "screen_sales": _view(
        "screen_trades rows of open-market sales of the stock itself: Table I, code S.",
        _SCREEN_VIEW_COLUMNS,
    ),
    "screen_officer_purchases": _view(
        "screen_purchases by owners who ticked the officer box (insider/roles.py).",
        _SCREEN_VIEW_COLUMNS,
    ),
    "screen_ceo_cfo_purchases": _view(
        "screen_purchases by owners whose filed title names a CEO or CFO, written any "
        "of the usual ways (Chief Executive Officer, CEO, Pres. & CEO, Co-CEO, Principal "
        "Financial Officer...), not assistants, deputies or former ones (insider/roles.py).",
        _SCREEN_VIEW_COLUMNS,
    ),
    "screen_late": _view(
        "screen_trades rows flagged late (any code, both tables).",
        _SCREEN_VIEW_COLUMNS,
    ),
    "holdings_latest": _view(
        "The latest reported amount of each position: per owner (or joint owner group), "
        "issuer, table, security (Table II: and exercise price and expiry), direct/indirect "
        "and nature of ownership, the row (transaction or holding) with the latest "
        "as_of_date, then filing date, accession and row.",
        _HOLDING_VIEW_COLUMNS,
        shares_owned_following="The latest amount owned (shares).",
        code="Code of the transaction that left this amount; empty when a holding row.",
        shares="Shares of that transaction; empty when a holding row.",
    ),
}

# SQLite's own FTS5 storage tables: not part of the API.
INTERNAL_SUFFIXES = ("_fts_data", "_fts_idx", "_fts_docsize", "_fts_config", "_fts_content")


def is_internal(name: str) -> bool:
    return name.startswith("sqlite_") or name.endswith(INTERNAL_SUFFIXES)


# The summary tables describe themselves beside their triggers (summaries.py).
OBJECTS.update({name: _table(desc, **cols) for name, (desc, cols) in summaries.DOCS.items()})
