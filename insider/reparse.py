"""Re-derivation: every derived table rebuilt from the raw XML stored in `filings`, with
the same rules as a fresh sync (store.py writes both), so a reparse equals a fresh sync of
the same filings whatever order they first arrived in. No network."""

from __future__ import annotations

import sqlite3
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import amend, flags, positions, store
from .db import transaction
from .parse import ParseError, parse_ownership
from .store import conn_of

if TYPE_CHECKING:
    import sqlite_utils


@dataclass
class ReparseResult:
    filings: int = 0
    failed: int = 0
    seconds: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        return f"{self.filings} filings re-parsed, {self.failed} failed, in {self.seconds:.1f} s"


Progress = Callable[[int, int], None]


def reparse(db: sqlite_utils.Database, progress: Progress | None = None) -> ReparseResult:
    """Rebuild every derived table from the stored raw XML, in one transaction and one pass.

    Readers keep seeing the old tables until the commit (WAL); an interruption loses
    nothing. A stored document the current parser rejects keeps its filings row, gets no
    derived rows, and is listed in sync_failures with the reason.
    """
    with transaction(conn_of(db)):
        return rederive_all(conn_of(db), progress)


def rederive_all(c: sqlite3.Connection, progress: Progress | None = None) -> ReparseResult:
    """The rebuild itself, inside the caller's transaction (reparse, or a migration).

    Long on purpose: the re-derivation steps in their required order, each a few lines."""
    started = time.monotonic()
    result = ReparseResult()
    c.execute("PRAGMA defer_foreign_keys = ON")
    # Filings stored from a data set have no XML to re-derive from: their rows stay, and
    # so do their owners and issuers.
    xml_only = "accession IN (SELECT accession FROM filings WHERE source = 'xml')"
    for table in ("field_footnotes", "ownership_rows", "footnotes", "signatures"):
        c.execute(f"DELETE FROM {table} WHERE {xml_only}")
    c.execute(f"DELETE FROM filing_owners WHERE {xml_only}")
    c.execute("DELETE FROM owners WHERE cik NOT IN (SELECT owner_cik FROM filing_owners)")
    c.execute(
        "DELETE FROM issuers WHERE cik NOT IN (SELECT issuer_cik FROM filings "
        "WHERE source <> 'xml' AND issuer_cik IS NOT NULL)"
    )
    c.execute("UPDATE filings SET amends_accession = NULL, superseded_by = NULL")
    accs = [
        r[0]
        for r in c.execute("SELECT accession FROM filings WHERE source = 'xml' ORDER BY accession")
    ]
    total = len(accs)
    if progress:
        progress(0, total)
    sets = ",".join(f"{col} = ?" for col in store.PARSED_COLUMNS)
    for n, acc in enumerate(accs, 1):
        (blob,) = c.execute("SELECT raw_xml FROM filings WHERE accession = ?", (acc,)).fetchone()
        try:
            filing = parse_ownership(zlib.decompress(blob), source=acc)
        except (ParseError, zlib.error) as e:
            reason = f"reparse: {getattr(e, 'reason', e)}"
            result.failed += 1
            result.failures.append((acc, reason))
            c.execute(
                "INSERT INTO sync_failures(accession, reason, failed_at) VALUES (?,?,?) "
                "ON CONFLICT(accession) DO UPDATE SET reason = excluded.reason, "
                "failed_at = excluded.failed_at, attempts = attempts + 1",
                (acc, reason, store.now()),
            )
            # Its issuer row must outlive the rebuild (filings.issuer_cik references it).
            c.execute(
                "INSERT INTO issuers(cik) SELECT issuer_cik FROM filings WHERE accession = ? "
                "AND issuer_cik IS NOT NULL ON CONFLICT(cik) DO NOTHING",
                (acc,),
            )
        else:
            store.upsert_parties(c, filing)
            c.execute(
                f"UPDATE filings SET {sets} WHERE accession = ?",
                (*store.parsed_values(filing, acc), acc),
            )
            store.write_children(c, acc, filing)
            flags.refresh(c, [acc])
            result.filings += 1
        if progress and (n % 200 == 0 or n == total):
            progress(n, total)
    store.latest_names(c, None, None)
    amend.relink_all(c)
    positions.refresh_positions(c, None)
    positions.refresh_latest(c, None)
    c.execute("INSERT INTO owners_fts(owners_fts) VALUES ('rebuild')")
    c.execute("INSERT INTO issuers_fts(issuers_fts) VALUES ('rebuild')")
    result.seconds = time.monotonic() - started
    return result
