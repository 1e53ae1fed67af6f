"""Filing -> SQLite rows. One DB transaction per filing, idempotent by accession.

The database is a public interface (docs/schema.md): tables keep every field of the parser
contract, views answer the common questions. Numbers are stored by amounts.to_sql: INTEGER
or REAL when that round-trips to the exact filed decimal (so SQL can sort and sum them),
else the exact text.

Around it: db.py (opening, migrations, the shape: views, codes, full-text search),
schema.py (DDL), amend.py (amendment links), flags.py + holidays.py (late and 10b5-1
flags), positions.py (position keys and latest rows, by the rule of lines.py), reparse.py
(re-derivation), sync_state.py (the sync's failures, ticker cache and raw XML reads). This
module writes rows.

Everything but `filings.raw_xml` and the EDGAR facts beside it (filing date, acceptance time,
URL, when stored) is derived: `reparse` rebuilds it from the stored documents, and one rule
serves both paths, so a reparse equals a fresh sync whatever order filings arrived in.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, amend, flags, positions, schema
from .amounts import to_sql
from .db import conn_of, now, transaction  # noqa: F401  (store.now/conn_of for callers)
from .db import connect as _connect
from .errors import StoreError
from .models import BOOL_FIELDS, DECIMAL_FIELDS, ROW_FIELDS_D_TXN, Filing

if TYPE_CHECKING:
    import sqlite_utils

__all__ = ["FilingMeta", "StoreError", "connect", "save_filing"]

PARSER_VERSION = __version__
SCHEMA_VERSION = schema.LATEST

ROW_COLUMNS: tuple[str, ...] = ROW_FIELDS_D_TXN


def connect(path: str | Path, timeout: float | None = None) -> sqlite_utils.Database:
    """Open (creating if needed) an insider database for writing: db.connect (migrations
    and shape ensured) wrapped in a sqlite_utils Database for the write paths (its import
    costs ~80 ms, so readers use db.connect_readonly instead)."""
    import sqlite_utils

    return sqlite_utils.Database(_connect(path, timeout))


def _transaction(handle) -> transaction:
    return transaction(conn_of(handle))


def _b(v: bool | None) -> int | None:
    return None if v is None else int(v)


@dataclass(frozen=True, slots=True)
class FilingMeta:
    """What EDGAR's filing list says about a filing (not in the XML itself)."""

    accession: str
    filing_date: str | None = None
    acceptance_datetime: str | None = None
    url: str | None = None


def known_accessions(
    db: sqlite_utils.Database, accessions: Iterable[str], *, any_source: bool = False
) -> set[str]:
    """The accessions already stored from their XML. One held only from a data set
    (filings.source 'dataset:...') is not known: a sync fetches its XML to replace it.
    With `any_source`, data-set ones count as known too (sync --all without --refine)."""
    source = "" if any_source else " AND source = 'xml'"
    wanted = list(accessions)
    found: set[str] = set()
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        marks = ",".join("?" * len(chunk))
        found.update(
            r[0]
            for r in db.execute(
                f"SELECT accession FROM filings WHERE accession IN ({marks}){source}",
                chunk,
            )
        )
    return found


# ---------------------------------------------------------------- writing

# Filing columns derived from the XML: rewritten by save and by reparse alike.
PARSED_COLUMNS = (
    "form",
    "period_of_report",
    "date_of_original_submission",
    "issuer_cik",
    "schema_version",
    "no_securities_owned",
    "not_subject_to_section16",
    "form3_holdings_reported",
    "form4_transactions_reported",
    "aff10b5one",
    "remarks",
    "issuer_name",
    "issuer_ticker",
    "owner_count",
    "owner_ciks",
    "owner_names",
    "owner_roles",
    "parser_version",
)


def _owner_cik(acc: str, pos: int, cik: str | None) -> str:
    return cik or f"unknown:{acc}:{pos}"


def parsed_values(filing: Filing, acc: str) -> tuple:
    iss = filing.issuer
    owners = filing.reporting_owners
    ciks = [_owner_cik(acc, p, o.cik) for p, o in enumerate(owners)]
    return (
        filing.document_type,
        filing.period_of_report,
        filing.date_of_original_submission,
        iss.cik,
        filing.schema_version,
        _b(filing.no_securities_owned),
        _b(filing.not_subject_to_section16),
        _b(filing.form3_holdings_reported),
        _b(filing.form4_transactions_reported),
        _b(filing.aff10b5one),
        filing.remarks,
        iss.name,
        iss.ticker,
        len(owners),
        "; ".join(ciks) or None,
        "; ".join(o.name or "" for o in owners) or None,
        "; ".join(o.roles for o in owners) or None,
        PARSER_VERSION,
    )


def save_filing(db: sqlite_utils.Database, filing: Filing, meta: FilingMeta, raw: bytes) -> None:
    """Store one filing and its raw XML in a single transaction (all or nothing).

    A data-set version of the same accession (filings.source 'dataset:...') is replaced
    whole: its rows, owners, footnotes and links go with it, in this same transaction."""
    with _transaction(db):
        c = conn_of(db)
        acc = meta.accession
        old_key = amend.key_of(c, acc)
        keys = positions.of_group(c, acc, old_key)
        old_scope = positions.scope_of(c, acc)
        # A filing without nature footnotes cannot change another row's line (lines.py):
        # the scope is recomputed only when the old or the new version has some.
        old_notes = positions.has_nature_notes(c, acc)
        # Replacing a filing (retry) must not leave rows of the old version behind.
        c.execute("DELETE FROM filings WHERE accession = ?", (acc,))
        upsert_parties(c, filing)
        c.execute(FILING_INSERT, filing_values(filing, meta, zlib.compress(raw, 6)))
        write_children(c, acc, filing)
        if old_notes or positions.has_nature_notes(c, acc):
            scopes = {old_scope, positions.scope_of(c, acc)} - {None}
            keys |= positions.refresh_positions(c, scopes)
        flags.refresh(c, [acc])
        latest_names(c, [filing.issuer.cik] if filing.issuer.cik else [], _owner_ciks(c, acc))
        new_key = amend.key_of(c, acc)
        amend.relink(c, {old_key, new_key})
        positions.refresh_latest(c, keys | positions.of_group(c, acc, new_key))
        c.execute("DELETE FROM sync_failures WHERE accession = ?", (acc,))


# Every column of a filings row as written by save_filing and by the data-set bulk path.
FILING_COLUMNS = (
    "accession",
    "filing_date",
    "acceptance_datetime",
    "url",
    "raw_xml",
    "stored_at",
    "source",
    "source_sha256",
    *PARSED_COLUMNS,
)
FILING_INSERT = (
    f"INSERT INTO filings({','.join(FILING_COLUMNS)}) "
    f"VALUES ({','.join('?' * len(FILING_COLUMNS))})"
)


def filing_values(
    filing: Filing,
    meta: FilingMeta,
    raw_blob: bytes,
    source: str = "xml",
    source_sha256: str | None = None,
    stored_at: str | None = None,
) -> tuple:
    """The values of FILING_COLUMNS. `raw_blob` is the zlib-compressed XML, or b"" for a
    filing that has none (a data-set row)."""
    acc = meta.accession
    return (
        acc,
        meta.filing_date,
        meta.acceptance_datetime,
        meta.url,
        raw_blob,
        stored_at or now(),
        source,
        source_sha256,
        *parsed_values(filing, acc),
    )


def upsert_parties(c: sqlite3.Connection, filing: Filing) -> None:
    iss = filing.issuer
    if iss.cik:
        upsert_issuer(c, iss.cik, iss.name, iss.ticker)


def upsert_issuer(c: sqlite3.Connection, cik: str, name: str | None, ticker: str | None) -> None:
    """An issuer row if there is none yet (names are set by latest_names afterwards)."""
    c.execute(
        "INSERT INTO issuers(cik, name, ticker) VALUES (?, ?, ?) ON CONFLICT(cik) DO NOTHING",
        (cik, name, ticker),
    )


@dataclass
class ChildRows:
    """Rows of the child tables of one or more filings, ready for executemany: the bulk
    path collects many filings' rows and inserts them in one go (insert_children)."""

    owners: list[tuple] = field(default_factory=list)
    filing_owners: list[tuple] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    footnotes: list[tuple] = field(default_factory=list)
    field_footnotes: list[tuple] = field(default_factory=list)
    signatures: list[tuple] = field(default_factory=list)


def write_children(c: sqlite3.Connection, acc: str, filing: Filing) -> None:
    out = ChildRows()
    child_rows(acc, filing, out)
    insert_children(c, out)


_ROW_INSERT_COLUMNS = (
    "accession",
    "row_num",
    "form_table",
    "kind",
    "nature_footnotes",
    "position_key",
    *ROW_COLUMNS,
)
# The same with the flag columns (flags.FLAG_COLUMNS) and is_latest appended to each
# row's values: the bulk path writes the flags with the rows instead of updating them
# afterwards, and a first guess at is_latest that positions.refresh_latest corrects.
ROW_INSERT_FLAGGED_COLUMNS = (*_ROW_INSERT_COLUMNS, *flags.FLAG_COLUMNS, "is_latest")
# Where the amounts owned after a row sit in child_rows' row tuples.
ROW_OWNED_AFTER = tuple(
    _ROW_INSERT_COLUMNS.index(c) for c in ("shares_owned_following", "value_owned_following")
)


# How each child table is written, by one filing's save (insert_children) and by a bulk
# quarter (bulkinsert) alike: ChildRows field -> (table, columns (None: all, in table
# order), how many, the conflict rule's verb, its tail).
CHILD_TABLES = {
    "owners": ("owners", ("cik", "name"), 2, "INSERT", " ON CONFLICT(cik) DO NOTHING"),
    "filing_owners": ("filing_owners", None, 16, "INSERT OR REPLACE", ""),
    "rows": ("ownership_rows", _ROW_INSERT_COLUMNS, len(_ROW_INSERT_COLUMNS), "INSERT", ""),
    "footnotes": ("footnotes", ("accession", "footnote_id", "text"), 3, "INSERT", ""),
    "field_footnotes": ("field_footnotes", None, 5, "INSERT OR IGNORE", ""),
    "signatures": ("signatures", None, 4, "INSERT", ""),
}
_CHILD_INSERTS = {
    name: f"{verb} INTO {table}{'(' + ','.join(cols) + ')' if cols else ''} "
    f"VALUES ({','.join('?' * n)}){tail}"
    for name, (table, cols, n, verb, tail) in CHILD_TABLES.items()
}


def insert_children(c: sqlite3.Connection, out: ChildRows) -> None:
    for name, sql in _CHILD_INSERTS.items():
        rows = getattr(out, name)
        if rows:
            c.executemany(sql, rows)


_ROW_VALUES = attrgetter(*ROW_COLUMNS)
_DECIMAL_INDEXES = tuple(i for i, name in enumerate(ROW_COLUMNS) if name in DECIMAL_FIELDS)
_BOOL_INDEXES = tuple(i for i, name in enumerate(ROW_COLUMNS) if name in BOOL_FIELDS)


def child_rows(acc: str, filing: Filing, out: ChildRows) -> None:
    """Append the child-table rows of one filing to `out` (one rule for XML and data sets:
    owners, roles, position keys, nature footnotes, field footnote links)."""
    for pos, o in enumerate(filing.reporting_owners):
        cik = _owner_cik(acc, pos, o.cik)
        out.owners.append((cik, o.name))
        out.filing_owners.append(
            (
                acc,
                cik,
                pos,
                o.name,
                o.street1,
                o.street2,
                o.city,
                o.state,
                o.zip,
                _b(o.is_director),
                _b(o.is_officer),
                _b(o.is_ten_percent_owner),
                _b(o.is_other),
                o.officer_title,
                o.other_text,
                o.roles,
            )
        )
    rows = filing.rows
    owners = "; ".join(_owner_cik(acc, p, o.cik) for p, o in enumerate(filing.reporting_owners))
    # Keys as if the filing were alone in its scope; positions.refresh_positions then
    # applies the scope-wide rule (lines.py).
    tables, notes_of, keys = positions.filing_keys(filing, owners)
    row_params = out.rows
    note_params = out.field_footnotes
    for num, row in enumerate(rows):
        vals = list(_ROW_VALUES(row))
        for i in _DECIMAL_INDEXES:
            if vals[i] is not None:
                vals[i] = to_sql(vals[i])
        for i in _BOOL_INDEXES:
            if vals[i] is not None:
                vals[i] = int(vals[i])
        row_params.append((acc, num, tables[num], row.kind, notes_of[num], keys[num], *vals))
        for field_name, ids in row.footnotes.items():
            for p, fid in enumerate(dict.fromkeys(ids)):
                note_params.append((acc, num, field_name, fid, p))
    out.footnotes.extend((acc, k, v) for k, v in filing.footnotes.items())
    out.signatures.extend((acc, p, s.name, s.date) for p, s in enumerate(filing.signatures))


def _owner_ciks(c: sqlite3.Connection, acc: str) -> list[str]:
    return [
        r[0] for r in c.execute("SELECT owner_cik FROM filing_owners WHERE accession = ?", (acc,))
    ]


# issuers/owners carry the name (and ticker) of their latest filing, whatever the order in
# which filings were stored: the rule is applied after every write and after a reparse.
_ISSUER_LATEST = """
UPDATE issuers SET
    name = coalesce((SELECT f.issuer_name FROM filings f WHERE f.issuer_cik = issuers.cik
        AND f.issuer_name IS NOT NULL ORDER BY f.filing_date DESC, f.accession DESC LIMIT 1),
        name),
    ticker = coalesce((SELECT f.issuer_ticker FROM filings f WHERE f.issuer_cik = issuers.cik
        AND f.issuer_ticker IS NOT NULL ORDER BY f.filing_date DESC, f.accession DESC LIMIT 1),
        ticker)
"""
_OWNER_LATEST = """
UPDATE owners SET name = coalesce((SELECT fo.name FROM filing_owners fo
    JOIN filings f ON f.accession = fo.accession
    WHERE fo.owner_cik = owners.cik AND fo.name IS NOT NULL
    ORDER BY f.filing_date DESC, f.accession DESC LIMIT 1), name)
"""


def latest_names(
    c: sqlite3.Connection, issuer_ciks: list[str] | None, owner_ciks: list[str] | None
) -> None:
    """Apply the latest-name rule to these issuers/owners (None: to all)."""
    for sql, keys in ((_ISSUER_LATEST, issuer_ciks), (_OWNER_LATEST, owner_ciks)):
        if keys is None:
            c.execute(sql)
        elif keys:
            c.execute(sql + f" WHERE cik IN ({','.join('?' * len(keys))})", keys)


# The sync's bookkeeping lives in sync_state.py; these names stay importable from here.
from .sync_state import (  # noqa: E402,F401
    cached_ticker,
    failures,
    has_filings,
    raw_xml,
    record_failure,
    replace_ticker_cache,
    similar_tickers,
)
