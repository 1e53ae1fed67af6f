"""Pass 1 without staging: a quarter's members read side by side straight from the ZIP.

The SEC writes every member in accession order (as the real 2024q3 rows and the
hand-made fixtures are), so the eight members can be merged as they are read, like the
sorted cursors of the staged path (datasets.stage, then dataset_rows.filings) but without
copying ~560,000 rows into TEMP tables and sorting them back out: about a quarter of an
import's time at 2024q1 size. Same rows, same order, same Filing records, same errors.

Order is checked as the members are read. SUBMISSION is read once first (its accessions
must ascend: the set of stored ones is looked up from them, and a repeated accession is
the staged path's error). Any other member found out of order raises
dataset_rows.Unsorted (dataset_rows.Side checks, for both paths); the caller then rolls
back what it wrote and imports the quarter through the staged path, which sorts. With
SUBMISSION in order and a member in order up to its current accession, rows of an
accession that SUBMISSION skipped are orphans for sure (the staged path's error).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator

from .dataset_rows import Side, walk
from .datasets import MEMBERS, DatasetError, member_rows
from .models import Filing


def submission_accessions(zf: zipfile.ZipFile, members: dict) -> list[str] | None:
    """SUBMISSION's accessions when they ascend (None when not: the staged path sorts).
    A repeated accession raises the staged path's DatasetError."""
    out: list[str] = []
    for row in member_rows(zf, members["SUBMISSION"], "SUBMISSION"):
        acc = row[1]
        if out and acc <= out[-1]:
            if acc == out[-1]:
                raise DatasetError(f"SUBMISSION.tsv: accession {acc!r} appears twice")
            return None
        out.append(acc)
    return out


def filings(zf: zipfile.ZipFile, members: dict) -> Iterator[tuple[Filing, str]]:
    """(Filing, filing_date) per accession, in accession order, as dataset_rows.filings
    gives them from the staged tables. Raises dataset_rows.Unsorted (see the module) or
    DatasetError. Call only after submission_accessions() said SUBMISSION ascends."""
    sides = {m: Side(m, member_rows(zf, members[m], m)) for m in MEMBERS[1:]}
    yield from walk(member_rows(zf, members["SUBMISSION"], "SUBMISSION"), sides)
    for side in sides.values():
        side.finish()
