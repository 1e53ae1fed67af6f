"""Amendments (3/A, 4/A, 5/A): which filing each one amends, and which rows stay current.

Links are recomputed from scratch for a whole *group key* (issuer CIK, period of report,
base form) each time a filing of that key is written, so the result depends only on which
filings are stored, never on the order they arrived in (or a reparse).

Matching. An amendment amends the stored original (same base form without /A) of the same
issuer and period whose reporting owners are the same set of CIKs and whose filing date is
the amendment's `dateOfOriginalSubmission` (none on that day: the nearest filed within
three days of it, since filers type that date by hand). An amendment without that date
takes the latest such original filed on or before it. Several candidates: the latest
accession wins. No candidate: the amendment stays unlinked (`amends_accession` NULL) and
counts on its own until its original is stored.

Versions. An original and its amendments form a chain ordered by filing date, acceptance
time and accession; the last one is the current version. Every earlier filing of the chain
gets `filings.superseded_by` = the current version's accession.

Rows. A form has four parts: Table I transactions, Table I holdings, Table II transactions,
Table II holdings. A version that reports at least one row in a part restates that part:
the rows of that part in earlier versions get `ownership_rows.superseded_by` = the
restating accession and drop out of the views. A part a later version leaves empty keeps
its earlier rows, so a holdings-only 4/A never erases the original's transactions.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

Key = tuple[str, str, str]  # issuer_cik, period_of_report, base form

_PARTS = ("I", "II")
TOLERANCE_DAYS = 3


def _days(a: str | None, b: str | None) -> int | None:
    try:
        return abs((date.fromisoformat(a or "") - date.fromisoformat(b or "")).days)
    except ValueError:
        return None


def base_form(form: str | None) -> str:
    return (form or "").upper().removesuffix("/A")


def key_of(conn: sqlite3.Connection, accession: str) -> Key | None:
    row = conn.execute(
        "SELECT issuer_cik, period_of_report, form FROM filings WHERE accession = ?",
        (accession,),
    ).fetchone()
    if row is None or row[0] is None or row[1] is None:
        return None
    return (row[0], row[1], base_form(row[2]))


def relink_all(conn: sqlite3.Connection) -> None:
    """Recompute every link (reparse, migrations): only keys holding an amendment."""
    conn.execute(
        "UPDATE filings SET amends_accession = NULL, superseded_by = NULL "
        "WHERE amends_accession IS NOT NULL OR superseded_by IS NOT NULL"
    )
    conn.execute("UPDATE ownership_rows SET superseded_by = NULL WHERE superseded_by IS NOT NULL")
    keys = {
        (cik, period, base_form(form))
        for cik, period, form in conn.execute(
            "SELECT issuer_cik, period_of_report, form FROM filings "
            "WHERE form LIKE '%/A' AND issuer_cik IS NOT NULL AND period_of_report IS NOT NULL"
        )
    }
    relink(conn, sorted(keys), reset=False)


def has_amendment(conn: sqlite3.Connection, key: Key | None) -> bool:
    if key is None:
        return False
    issuer, period, base = key
    return (
        conn.execute(
            "SELECT 1 FROM filings WHERE issuer_cik = ? AND period_of_report = ? AND form = ? "
            "LIMIT 1",
            (issuer, period, base + "/A"),
        ).fetchone()
        is not None
    )


def relink(conn: sqlite3.Connection, keys: Iterable[Key | None], reset: bool = True) -> None:
    for key in keys:
        if key is not None:
            _relink_key(conn, key, reset)


def _relink_key(conn: sqlite3.Connection, key: Key, reset: bool) -> None:
    """Recompute the links of one group key: match each amendment to its original, order
    the chains, mark superseded filings and rows (the rules in the module docstring).

    One function on purpose: the steps share the group's rows and in-memory chains, and
    the rules read top to bottom in the order the docstring gives them.

    Long on purpose: matching, chain order and superseding share one group's state; split,
    each step would re-read the group."""
    issuer, period, base = key
    rows = conn.execute(
        "SELECT accession, form, filing_date, acceptance_datetime, "
        "date_of_original_submission FROM filings "
        "WHERE issuer_cik = ? AND period_of_report = ? AND (form = ? OR form = ?)",
        (issuer, period, base, base + "/A"),
    ).fetchall()
    if not rows:
        return
    accs = [r[0] for r in rows]
    marks = ",".join("?" * len(accs))
    if reset:
        conn.execute(
            f"UPDATE filings SET amends_accession = NULL, superseded_by = NULL "
            f"WHERE accession IN ({marks}) "
            "AND (amends_accession IS NOT NULL OR superseded_by IS NOT NULL)",
            accs,
        )
        conn.execute(
            f"UPDATE ownership_rows SET superseded_by = NULL WHERE accession IN ({marks}) "
            "AND superseded_by IS NOT NULL",
            accs,
        )

    def order(r: tuple) -> tuple:
        return (r[2] or "", r[3] or "", r[0])

    amendments = sorted((r for r in rows if (r[1] or "").upper().endswith("/A")), key=order)
    if not amendments:
        return
    owners: dict[str, frozenset[str]] = defaultdict(frozenset)
    for acc, cik in conn.execute(
        f"SELECT accession, owner_cik FROM filing_owners WHERE accession IN ({marks})", accs
    ):
        owners[acc] = owners[acc] | {cik}
    originals: dict[frozenset[str], list[tuple]] = defaultdict(list)
    for r in rows:
        if not (r[1] or "").upper().endswith("/A"):
            originals[owners[r[0]]].append(r)
    chains: dict[str, list[tuple]] = defaultdict(list)
    for a in amendments:
        same = originals.get(owners[a[0]], [])
        if a[4]:
            cands = [o for o in same if o[2] == a[4]]
            if not cands:
                # Filers type this date by hand: accept an original filed within three days
                # of it (same issuer, period and owners), the nearest first.
                near = [(_days(o[2], a[4]), o) for o in same]
                near = [(d, o) for d, o in near if d is not None and d <= TOLERANCE_DAYS]
                if near:
                    best = min(d for d, _ in near)
                    cands = [o for d, o in near if d == best]
        else:
            cands = [o for o in same if (o[2] or "") <= (a[2] or "")]
        if not cands:
            continue
        orig = max(cands, key=order)
        chains[orig[0]].append(a)
    by_acc = {r[0]: r for r in rows}
    for orig_acc, amends in chains.items():
        chain = [by_acc[orig_acc], *sorted(amends, key=order)]
        current = chain[-1][0]
        conn.executemany(
            "UPDATE filings SET amends_accession = ? WHERE accession = ?",
            [(orig_acc, a[0]) for a in amends],
        )
        conn.executemany(
            "UPDATE filings SET superseded_by = ? WHERE accession = ?",
            [(current, v[0]) for v in chain[:-1]],
        )
        versions = [v[0] for v in chain]
        vmarks = ",".join("?" * len(versions))
        present = {
            (acc, table, kind)
            for acc, table, kind in conn.execute(
                f"SELECT DISTINCT accession, form_table, kind FROM ownership_rows "
                f"WHERE accession IN ({vmarks})",
                versions,
            )
        }
        for table in _PARTS:
            for kind in ("transaction", "holding"):
                having = [v for v in versions if (v, table, kind) in present]
                if len(having) < 2:
                    continue
                restating = having[-1]
                conn.executemany(
                    "UPDATE ownership_rows SET superseded_by = ? "
                    "WHERE accession = ? AND form_table = ? AND kind = ?",
                    [(restating, v, table, kind) for v in having[:-1]],
                )
