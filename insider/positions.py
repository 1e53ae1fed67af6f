"""Positions: which ownership line (lines.py) each stored row reports, as
ownership_rows.position_key, and which row is a position's latest report
(ownership_rows.is_latest, hence holdings_latest). Kept up to date by every write and by
reparse, so both depend only on the set of stored filings, never on their order."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from . import amend, lines, schema
from .amounts import dec
from .models import Filing


def filing_keys(filing: Filing, owners: str) -> tuple[list[str], list[str | None], list[str]]:
    """(table "I"/"II", nature footnote texts, position key) of each row of a filing, the
    keys as if the filing were alone in its scope: refresh_positions then applies the
    scope-wide rule."""
    notes_of = [_nature_notes(filing, row) for row in filing.rows]
    tables = ["II" if row.table == "derivative" else "I" for row in filing.rows]
    row_lines = lines.assign(
        [
            (None, "", _line_base(table, row), notes)
            for table, row, notes in zip(tables, filing.rows, notes_of, strict=True)
        ]
    )
    keys = [lines.position_key(owners, filing.issuer.cik, line) for line in row_lines]
    return tables, notes_of, keys


def _nature_notes(filing: Filing, row) -> str | None:
    """Texts of the footnotes naming which indirect holding a row is (lines.py)."""
    ids = [
        i
        for f in lines.nature_note_fields(row.direct_or_indirect)
        for i in row.footnotes.get(f, ())
    ]
    return lines.notes_text([filing.footnotes.get(i, "") for i in dict.fromkeys(ids)])


def _line_base(table: str, row) -> lines.Line:
    return lines.base(
        table,
        row.security_title,
        row.direct_or_indirect,
        row.nature_of_ownership,
        row.conversion_or_exercise_price,
        row.expiration_date,
    )


Scope = tuple[str | None, str | None]  # (filings.issuer_cik, filings.owner_ciks)


def scope_of(c: sqlite3.Connection, acc: str) -> Scope | None:
    row = c.execute("SELECT issuer_cik, owner_ciks FROM filings WHERE accession = ?", (acc,))
    found = row.fetchone()
    return (found[0], found[1]) if found else None


_SCOPE_ROWS = (
    "SELECT r.rowid, f.issuer_cik, f.owner_ciks, r.accession, r.form_table, "
    "r.security_title, r.direct_or_indirect, r.nature_of_ownership, "
    "r.conversion_or_exercise_price, r.expiration_date, r.nature_footnotes, r.position_key "
    "FROM filings f JOIN ownership_rows r ON r.accession = f.accession "
)


def _scope_rows(c: sqlite3.Connection, scope: Scope) -> list[tuple]:
    issuer, owners = scope
    # Through the filings_scope index (schema.SHAPE_TABLES): the scope's own filings.
    return c.execute(
        _SCOPE_ROWS + "WHERE f.issuer_cik IS ? AND f.owner_ciks IS ?", (issuer, owners or None)
    ).fetchall()


def refresh_positions(c: sqlite3.Connection, scopes: Iterable[Scope] | None) -> set[str]:
    """Recompute ownership_rows.position_key over whole scopes by the rule of lines.py;
    returns the keys that changed, old and new, for refresh_latest. None: every scope
    where nature footnotes occur (elsewhere no key depends on other filings)."""
    if scopes is None:
        scopes = c.execute(
            "SELECT DISTINCT f.issuer_cik, f.owner_ciks FROM ownership_rows r "
            "JOIN filings f ON f.accession = r.accession WHERE r.nature_footnotes IS NOT NULL"
        ).fetchall()
    changed: set[str] = set()
    for scope in scopes:
        found = _scope_rows(c, tuple(scope))
        new_lines = lines.assign(
            [
                (scope, acc, lines.base(table, title, d_i, nature, dec(price), expiry), notes)
                for _, _, _, acc, table, title, d_i, nature, price, expiry, notes, _ in found
            ]
        )
        updates = []
        for row, line in zip(found, new_lines, strict=True):
            key = lines.position_key(row[2] or "", row[1], line)
            if key != row[-1]:
                changed.update((key, row[-1]))
                updates.append((key, row[0]))
        c.executemany("UPDATE ownership_rows SET position_key = ? WHERE rowid = ?", updates)
    return changed


def has_nature_notes(c: sqlite3.Connection, acc: str) -> bool:
    return (
        c.execute(
            "SELECT 1 FROM ownership_rows WHERE accession = ? AND nature_footnotes IS NOT NULL "
            "LIMIT 1",
            (acc,),
        ).fetchone()
        is not None
    )


# A row can be a position's latest report only when no amendment supersedes it and it
# states an amount owned afterwards.
_ELIGIBLE = (
    "(r.superseded_by IS NULL AND "
    "(r.shares_owned_following IS NOT NULL OR r.value_owned_following IS NOT NULL))"
)
# One pass: every row of the positions ranked among its position's eligible rows, and only
# the rows whose is_latest changes written (measured 40% less CPU than clearing the
# positions, then setting the first of each).
_REFRESH_LATEST = (
    "UPDATE ownership_rows SET is_latest = x.v FROM (SELECT rid, cur, "
    "CASE WHEN e AND n = 1 THEN 1 END AS v FROM (SELECT r.rowid AS rid, r.is_latest AS cur, "
    f"{_ELIGIBLE} AS e, row_number() OVER (PARTITION BY r.position_key, {_ELIGIBLE} "
    f"ORDER BY {schema.LATEST_ORDER}) AS n "
    "FROM ownership_rows r JOIN filings f ON f.accession = r.accession{where})) AS x "
    "WHERE ownership_rows.rowid = x.rid AND x.v IS NOT x.cur"
)


def refresh_latest(c: sqlite3.Connection, keys: Iterable[str] | None) -> None:
    """Recompute ownership_rows.is_latest for these positions (None: for all)."""
    if keys is None:
        c.execute(_REFRESH_LATEST.format(where=""))
        return
    wanted = sorted({k for k in keys if k})
    for i in range(0, len(wanted), 400):
        chunk = wanted[i : i + 400]
        where = f" WHERE r.position_key IN ({','.join('?' * len(chunk))})"
        c.execute(_REFRESH_LATEST.format(where=where), chunk)


def of_group(c: sqlite3.Connection, acc: str, key: amend.Key | None) -> set[str]:
    """Position keys of this filing's rows, and of every filing of its group key when the
    key holds an amendment (only then can rows of other filings change status)."""
    found = {
        r[0]
        for r in c.execute(
            "SELECT DISTINCT position_key FROM ownership_rows WHERE accession = ?", (acc,)
        )
    }
    if amend.has_amendment(c, key):
        assert key is not None
        issuer, period, base = key
        found.update(
            r[0]
            for r in c.execute(
                "SELECT DISTINCT r.position_key FROM filings f JOIN ownership_rows r "
                "ON r.accession = f.accession WHERE f.issuer_cik = ? AND "
                "f.period_of_report = ? AND f.form IN (?, ?)",
                (issuer, period, base, base + "/A"),
            )
        )
    return found
