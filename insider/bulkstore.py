"""The bulk write path: one data-set quarter into the store, in one transaction.

The rows (quarter_rows.encode: the ones `store.save_filing` writes for an XML filing, each
with its flags) are inserted in batches; the derivations
that save_filing runs per filing run once per quarter here, over the quarter's filings:
amendment links (amend.relink, only for groups that hold an amendment), latest names,
position keys and `is_latest` (positions.refresh_positions and refresh_latest, for the
positions the quarter touched, collected while writing).

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
from dataclasses import dataclass, field

import sqlite_utils

from . import amend, bulkinsert, store, summaries
from .lake import changes as lake_changes
from .positions import refresh_latest, refresh_positions
from .quarter_rows import Batch, Source


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


Encoder = Callable[[set[str], Source], Iterable[Batch]]


def write_quarter(
    db: sqlite_utils.Database,
    batches: Encoder,
    record: QuarterRecord,
    stored: Callable[[sqlite3.Connection], set[str]],
    progress: Progress | None = None,
) -> ImportResult:
    """Store a quarter: `stored(conn)` gives those of its accessions the database holds
    already (asked inside the transaction); `batches(those, source)` then gives the rows
    of the others (quarter_rows.encode, here or in a second process).

    Long on purpose: one transaction's steps in order (skip, write, derive, record), each a
    few lines."""
    started = time.monotonic()
    tag = source_tag(record.quarter)
    result = ImportResult(record.quarter)
    with store._transaction(db):
        c = db.conn
        c.execute("PRAGMA defer_foreign_keys = ON")
        lake_changes.suspend(c)  # export folders marked changed once, not per row
        # Summary tables recounted once for what the quarter touches, not per row.
        summarised = summaries.suspend(c)
        removed = [r[0] for r in c.execute(_SOURCE_ACCESSIONS, (tag,))] if summarised else []
        old_keys, old_positions, old_scopes = _remove_quarter(c, tag, result)
        accs: list[str] = []
        seen = _Seen()
        gathered = bulkinsert.Gathered(c)
        stream = iter(batches(stored(c), Source(tag, record.sha256, store.now())))
        try:
            for batch in stream:
                result.skipped += batch.skipped
                result.rows += _flush(c, gathered, batch, seen)
                accs += batch.accessions
                if progress:
                    progress(len(accs))
        finally:  # a child process reading the ZIP ends now, not when collected
            getattr(stream, "close", lambda: None)()
        gathered.close()
        result.filings = len(accs)
        keys = _derive(c, seen, old_keys, old_positions, old_scopes, tag)
        if summarised:
            relinked = _group_accessions(c, keys | old_keys)
            summaries.resume(c, [*removed, *accs, *relinked], [tag])
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


@dataclass
class _Seen:
    """What the quarter's inserted filings touch, collected while they are written (the
    derivations need it; asking the database again would cost a join per set)."""

    issuers: set = field(default_factory=set)
    owners: set = field(default_factory=set)
    positions: set = field(default_factory=set)
    scopes: set = field(default_factory=set)  # (issuer_cik, owner_ciks) with nature notes


_ISSUER = store.FILING_COLUMNS.index("issuer_cik")
_OWNER_CIKS = store.FILING_COLUMNS.index("owner_ciks")


def _flush(c: sqlite3.Connection, gathered: bulkinsert.Gathered, batch: Batch, seen: _Seen) -> int:
    for issuer in batch.issuers:
        seen.issuers.add(issuer[0])
        store.upsert_issuer(c, *issuer)
    if not batch.filings:
        return 0
    children = batch.children
    gathered.add(batch.filings, children)
    seen.owners.update(fo[1] for fo in children.filing_owners)
    seen.positions.update(r[5] for r in children.rows)
    noted = {r[0] for r in children.rows if r[4] is not None}
    if noted:
        seen.scopes.update((v[_ISSUER], v[_OWNER_CIKS]) for v in batch.filings if v[0] in noted)
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
    seen: _Seen,
    old_keys: set[amend.Key],
    old_positions: set[str],
    old_scopes: set[tuple],
    tag: str,
) -> set[amend.Key]:
    """The per-filing derivations of save_filing, once for the whole quarter, in its order:
    position keys across each scope with nature footnotes (lines.py), latest names,
    amendment links, then is_latest of every position touched. (Flags were written with
    the rows: flags.filing_flags, the rule of flags.refresh.)"""
    changed = refresh_positions(c, sorted(old_scopes | seen.scopes, key=str))
    positions = changed | old_positions  # ranked whatever their size
    latest_names_of_source(c, tag, sorted(seen.issuers), sorted(seen.owners))
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
    # A position whose one row this quarter wrote, untouched since (no key change, no
    # amendment group), is ranked already: its guess at insert (1 when the row states an
    # amount owned after) is the rule's answer for a single row. The others the quarter
    # touched are ranked (only those: ranking all rows at once was measured slower from
    # 200,000 rows on).
    refresh_latest(c, positions | _shared(c, seen.positions - positions))
    return keys


def _shared(c: sqlite3.Connection, keys: set[str]) -> set[str]:
    """The positions among `keys` that have more than one row (position index only)."""
    wanted, out = sorted(keys), set()
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        out.update(
            r[0]
            for r in c.execute(
                "SELECT position_key FROM ownership_rows WHERE position_key IN "
                f"({','.join('?' * len(chunk))}) GROUP BY position_key HAVING count(*) > 1",
                chunk,
            )
        )
    return out


_SOURCE_ACCESSIONS = "SELECT accession FROM filings WHERE source = ?"


def _group_accessions(c: sqlite3.Connection, keys: set[amend.Key]) -> list[str]:
    """The filings of these amendment groups (whose rows a relink may have changed)."""
    return [
        r[0]
        for issuer, period, base in sorted(keys)
        for r in c.execute(
            "SELECT accession FROM filings WHERE issuer_cik = ? AND period_of_report = ? "
            "AND form IN (?, ?)",
            (issuer, period, base, base + "/A"),
        )
    ]


# Each owner's latest named filing among one source's filings (the rule's order).
_SOURCE_OWNER_NAMES = """
SELECT fo.owner_cik, fo.name FROM filings f JOIN filing_owners fo ON fo.accession = f.accession
WHERE f.source = ? AND fo.name IS NOT NULL
ORDER BY fo.owner_cik, f.filing_date DESC, f.accession DESC
"""
# Owners with a filing of another source on or after a date (CROSS JOIN: through the
# filings' date index, never a scan of every owner's filings).
_OWNERS_LATER_ELSEWHERE = """
SELECT DISTINCT fo.owner_cik FROM filings f CROSS JOIN filing_owners fo
ON fo.accession = f.accession WHERE f.filing_date >= ? AND f.source IS NOT ?
"""


def latest_names_of_source(
    c: sqlite3.Connection, source: str, issuer_ciks: list[str], owner_ciks: list[str]
) -> None:
    """store.latest_names (the rule) for the issuers and owners of one source's filings
    just written (a data-set quarter), same result, without reading each owner's whole
    history (the rule's per-owner query grew with the database: ~4 s a quarter after six).
    An owner none of whose other filings is on or after the source's first filing date
    takes the name of its latest named filing in the source (the rule's order); the
    others (few when quarters go in in date order) get the rule itself. Issuers get the
    rule itself: their index (filings_issuer_date) finds the latest filing at once."""
    for i in range(0, len(issuer_ciks), 500):
        store.latest_names(c, issuer_ciks[i : i + 500], [])
    (first,) = c.execute("SELECT min(filing_date) FROM filings WHERE source = ?", (source,))
    later = {r[0] for r in c.execute(_OWNERS_LATER_ELSEWHERE, (first[0], source))}
    names: dict[str, str] = {}
    for cik, name in c.execute(_SOURCE_OWNER_NAMES, (source,)):
        names.setdefault(cik, name)
    full = [o for o in owner_ciks if o in later or o not in names]
    for i in range(0, len(full), 500):
        store.latest_names(c, [], full[i : i + 500])
    c.executemany(
        "UPDATE owners SET name = ? WHERE cik = ? AND name IS NOT ?",
        ((names[o], o, names[o]) for o in owner_ciks if o not in later and o in names),
    )
