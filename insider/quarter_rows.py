"""A data-set quarter's Filing records -> the rows of the store's tables, in batches.

Pure (no database): the rows store.save_filing writes for an XML filing (store.child_rows:
one rule for owners, roles, position keys, nature footnotes and footnote links), each
Table I/II row with its late/10b5-1 flags (flags.filing_flags, the rule of flags.refresh,
computed before the insert rather than updated after) and a first guess at is_latest.
bulkstore.write_quarter inserts the batches; dataset_worker runs this in a second process
so that reading the ZIP and writing the database overlap.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from . import flags, store
from .models import Filing

BATCH = 2000  # filings per batch: big enough to amortise, small for memory


@dataclass
class Batch:
    """Up to BATCH filings' rows, ready for executemany."""

    accessions: list[str] = field(default_factory=list)
    skipped: int = 0  # filings of the quarter the database holds already (not encoded)
    issuers: list[tuple] = field(default_factory=list)  # (cik, name, ticker), first sight
    filings: list[tuple] = field(default_factory=list)  # store.FILING_COLUMNS values
    children: store.ChildRows = field(default_factory=store.ChildRows)


@dataclass(frozen=True)
class Source:
    """What every filing of the quarter records about where it came from."""

    tag: str  # filings.source: 'dataset:2024q1'
    sha256: str  # the ZIP's
    stored_at: str


_SHARES_AFTER, _VALUE_AFTER = store.ROW_OWNED_AFTER


def encode(
    filings: Iterable[tuple[Filing, str]], skip: set[str], source: Source
) -> Iterator[Batch]:
    """Batches of the rows of (Filing, filing_date) pairs, leaving out the accessions in
    `skip` (stored already: a data-set import never overwrites a filing)."""
    issuers: set[str] = set()
    batch = Batch()
    for filing, filing_date in filings:
        acc = filing.accession
        assert acc is not None
        if acc in skip:
            batch.skipped += 1
            continue
        iss = filing.issuer
        if iss.cik is not None and iss.cik not in issuers:  # one insert per issuer
            issuers.add(iss.cik)
            batch.issuers.append((iss.cik, iss.name, iss.ticker))
        meta = store.FilingMeta(acc, filing_date)
        batch.filings.append(
            store.filing_values(filing, meta, b"", source.tag, source.sha256, source.stored_at)
        )
        rows = batch.children.rows
        start = len(rows)
        store.child_rows(acc, filing, batch.children)
        for i, row_flags in enumerate(flags.filing_flags(filing, filing_date), start):
            r = rows[i]
            # is_latest guessed 1 for a row stating an amount owned after (the common
            # case: one row per position in a quarter); positions.refresh_latest then
            # ranks the positions and rewrites only the rows it finds wrong.
            rows[i] = (*r, *row_flags, 1 if r[_SHARES_AFTER] is not None
                       or r[_VALUE_AFTER] is not None else None)  # fmt: skip
        batch.accessions.append(acc)
        if len(batch.accessions) >= BATCH:
            yield batch
            batch = Batch()
    if batch.accessions or batch.skipped:
        yield batch


def without(batch: Batch, skip: set[str]) -> Batch:
    """The batch less the filings in `skip` (encoded before it was known which the
    database holds). Owner rows stay: an owner of a stored filing is stored already."""
    if not skip or skip.isdisjoint(batch.accessions):
        return batch
    ch = batch.children
    keep = lambda rows: [r for r in rows if r[0] not in skip]  # noqa: E731
    kept = store.ChildRows(
        ch.owners,
        keep(ch.filing_owners),
        keep(ch.rows),
        keep(ch.footnotes),
        keep(ch.field_footnotes),
        keep(ch.signatures),
    )
    accessions = [a for a in batch.accessions if a not in skip]
    skipped = batch.skipped + len(batch.accessions) - len(accessions)
    return Batch(accessions, skipped, batch.issuers, keep(batch.filings), kept)
