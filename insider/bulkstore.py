"""The bulk write path: one data-set quarter into the store, in one transaction.

The rows are the ones `store.save_filing` writes for an XML filing (store.child_rows: one
rule for owners, roles, position keys, nature footnotes and footnote links), inserted in
batches; the derivations that save_filing runs per filing run once per quarter here, over
the quarter's filings: flags (flags.refresh), amendment links (amend.relink, only for
groups that hold an amendment), latest names, position keys and `is_latest`
(positions.refresh_positions and refresh_latest, for the positions the quarter touched).

All or nothing: a quarter is committed whole with its `dataset_quarters` record, or not at
all (an error, Ctrl-C or kill -9 leaves the database as it was before the quarter).
Filings already stored from their XML, or from another quarter, are never overwritten:
they are counted as skipped. Re-importing a quarter (the SEC republished it) first removes
that quarter's data-set filings.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlite_utils

from . import amend, flags, store
from .models import Filing
from .positions import refresh_latest, refresh_positions

BATCH = 2000  # filings per executemany round: big enough to amortise, small for memory


@dataclass
class QuarterRecord:
    quarter: str
    sha256: str
    size: int | None = None
    url: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class ImportResult:
    quarter: str
    filings: int = 0
    skipped: int = 0
    rows: int = 0
    replaced: int = 0  # filings of an earlier import of the same quarter
    seconds: float = 0.0

    def summary(self) -> str:
        line = f"{self.quarter}: {self.filings} filings, {self.rows} rows"
        if self.skipped:
            line += f", {self.skipped} already stored (kept)"
        if self.replaced:
            line += f", replacing {self.replaced} from an earlier copy"
        return line + f" in {self.seconds:.1f} s"


Progress = Callable[[int], None]


def source_tag(quarter: str) -> str:
    return f"dataset:{quarter}"


def write_quarter(
    db: sqlite_utils.Database,
    filings: Iterable[tuple[Filing, str]],
    record: QuarterRecord,
    skip_sql: str,
    progress: Progress | None = None,
) -> ImportResult:
    """Store the quarter's (Filing, filing_date) pairs; `skip_sql` selects the quarter's
    accessions (a SELECT on the staged data) so the stored ones are found in one query."""
    started = time.monotonic()
    tag = source_tag(record.quarter)
    result = ImportResult(record.quarter)
    with store._transaction(db):
        c = db.conn
        c.execute("PRAGMA defer_foreign_keys = ON")
        old_keys, old_positions, old_scopes = _remove_quarter(c, tag, result)
        skip = {
            r[0]
            for r in c.execute(f"SELECT accession FROM filings WHERE accession IN ({skip_sql})")
        }
        accs: list[str] = []
        stamp = store.now()
        seen_issuers: set = set()
        batch: list[Filing] = []
        values: list[tuple] = []
        children = store.ChildRows()
        for filing, filing_date in filings:
            acc = filing.accession
            assert acc is not None
            if acc in skip:
                result.skipped += 1
                continue
            meta = store.FilingMeta(acc, filing_date)
            values.append(store.filing_values(filing, meta, b"", tag, record.sha256, stamp))
            store.child_rows(acc, filing, children)
            batch.append(filing)
            accs.append(acc)
            if len(batch) >= BATCH:
                result.rows += _flush(c, batch, values, children, seen_issuers)
                batch, values, children = [], [], store.ChildRows()
                if progress:
                    progress(len(accs))
        result.rows += _flush(c, batch, values, children, seen_issuers)
        if progress:
            progress(len(accs))
        result.filings = len(accs)
        _derive(c, tag, accs, old_keys, old_positions, old_scopes)
        c.execute(
            "INSERT OR REPLACE INTO dataset_quarters(quarter, url, sha256, size, etag, "
            "last_modified, filings, skipped, rows, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                record.quarter,
                record.url,
                record.sha256,
                record.size,
                record.etag,
                record.last_modified,
                result.filings,
                result.skipped,
                result.rows,
                store.now(),
            ),
        )
    result.seconds = time.monotonic() - started
    return result


def _flush(
    c: sqlite3.Connection,
    batch: list[Filing],
    values: list[tuple],
    children: store.ChildRows,
    seen_issuers: set,
) -> int:
    if not batch:
        return 0
    for filing in batch:
        cik = filing.issuer.cik
        if cik not in seen_issuers:  # one insert per issuer, not per filing
            seen_issuers.add(cik)
            store.upsert_parties(c, filing)
    c.executemany(store.FILING_INSERT, values)
    store.insert_children(c, children)
    return len(children.rows)


_NOTED_SCOPES = (
    "SELECT DISTINCT f.issuer_cik, f.owner_ciks FROM filings f JOIN ownership_rows r "
    "ON r.accession = f.accession WHERE f.source = ? AND r.nature_footnotes IS NOT NULL"
)


def _remove_quarter(
    c: sqlite3.Connection, tag: str, result: ImportResult
) -> tuple[set[amend.Key], set[str], set[tuple]]:
    """Delete an earlier import of this quarter; return what its removal may change."""
    scopes = {tuple(r) for r in c.execute(_NOTED_SCOPES, (tag,))}
    keys = {
        (cik, period, amend.base_form(form))
        for cik, period, form in c.execute(
            "SELECT issuer_cik, period_of_report, form FROM filings WHERE source = ? "
            "AND issuer_cik IS NOT NULL AND period_of_report IS NOT NULL",
            (tag,),
        )
    }
    positions = {
        r[0]
        for r in c.execute(
            "SELECT DISTINCT r.position_key FROM ownership_rows r JOIN filings f "
            "ON f.accession = r.accession WHERE f.source = ?",
            (tag,),
        )
    }
    result.replaced = c.execute("DELETE FROM filings WHERE source = ?", (tag,)).rowcount
    return keys, positions, scopes


def _derive(
    c: sqlite3.Connection,
    tag: str,
    accs: list[str],
    old_keys: set[amend.Key],
    old_positions: set[str],
    old_scopes: set[tuple],
) -> None:
    """The per-filing derivations of save_filing, once for the whole quarter, in its order:
    position keys across each scope with nature footnotes (lines.py), flags, latest names,
    amendment links, then is_latest of every position touched."""
    scopes = old_scopes | {tuple(r) for r in c.execute(_NOTED_SCOPES, (tag,))}
    positions = refresh_positions(c, sorted(scopes, key=str)) | old_positions
    flags.refresh(c, accs)
    issuers = [
        r[0]
        for r in c.execute(
            "SELECT DISTINCT issuer_cik FROM filings WHERE source = ? AND issuer_cik IS NOT NULL",
            (tag,),
        )
    ]
    owners = [
        r[0]
        for r in c.execute(
            "SELECT DISTINCT fo.owner_cik FROM filing_owners fo JOIN filings f "
            "ON f.accession = fo.accession WHERE f.source = ?",
            (tag,),
        )
    ]
    for i in range(0, max(len(issuers), len(owners)), 500):
        store.latest_names(c, issuers[i : i + 500], owners[i : i + 500])
    # Amendment groups: only those holding an amendment can link anything.
    keys = {
        (cik, period, amend.base_form(form))
        for cik, period, form in c.execute(
            "SELECT f.issuer_cik, f.period_of_report, f.form FROM filings f "
            "WHERE f.source = ? AND f.issuer_cik IS NOT NULL "
            "AND f.period_of_report IS NOT NULL AND EXISTS (SELECT 1 FROM filings a "
            "WHERE a.issuer_cik = f.issuer_cik AND a.period_of_report = f.period_of_report "
            "AND a.form LIKE '%/A')",
            (tag,),
        )
    }
    keys |= {k for k in old_keys if amend.has_amendment(c, k)}
    amend.relink(c, sorted(keys))
    positions.update(
        r[0]
        for r in c.execute(
            "SELECT DISTINCT r.position_key FROM ownership_rows r JOIN filings f "
            "ON f.accession = r.accession WHERE f.source = ?",
            (tag,),
        )
    )
    for issuer, period, base in keys:
        positions.update(
            r[0]
            for r in c.execute(
                "SELECT DISTINCT r.position_key FROM filings f JOIN ownership_rows r "
                "ON r.accession = f.accession WHERE f.issuer_cik = ? AND "
                "f.period_of_report = ? AND f.form IN (?, ?)",
                (issuer, period, base, base + "/A"),
            )
        )
    # Only the positions the quarter touched (ranking all rows at once was measured slower
    # from 200,000 rows on: one big sort instead of index look-ups).
    refresh_latest(c, positions)
