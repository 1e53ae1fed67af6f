"""Pass 1 without staging: a quarter's members read side by side straight from the ZIP.

The SEC writes every member in accession order (as the real 2024q3 rows and the
hand-made fixtures are), so the eight members can be merged as they are read, like the
sorted cursors of the staged path (datasets.stage, then dataset_rows.filings) but without
copying ~560,000 rows into TEMP tables and sorting them back out: about a quarter of an
import's time at 2024q1 size. Same rows, same order, same Filing records, same errors.

Order is checked as the members are read. SUBMISSION is read once first (its accessions
must ascend: the set of stored ones is looked up from them, and a repeated accession is
the staged path's error). Any other member found out of order raises Unsorted; the caller
then rolls back what it wrote and imports the quarter through the staged path, which
sorts. With SUBMISSION in order and a member in order up to its current accession, rows
of an accession that SUBMISSION skipped are orphans for sure (the staged path's error).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter

from .dataset_rows import walk
from .datasets import MEMBERS, ROW_TABLES, DatasetError, member_rows
from .models import Filing


class Unsorted(Exception):
    """A member is not in accession order: import the quarter through the staged path."""


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


_ACC = itemgetter(1)
_LEADING_INT = re.compile(r"\s*([+-]?\d+)")


def _sk(row: tuple) -> tuple[int, int]:
    """The staged path's order within an accession: CAST(SK AS INTEGER) (SQLite's: the
    leading integer, else 0), then the row's number in its member."""
    m = _LEADING_INT.match(row[2])
    return (int(m.group(1)) if m else 0, row[0])


class _Side:
    """One member's rows grouped by accession, taken in step with SUBMISSION's (the
    interface of dataset_rows' staged sides), checking order as it goes."""

    __slots__ = ("member", "groups", "acc", "rows", "by_sk")

    def __init__(self, member: str, rows: Iterator[tuple]) -> None:
        self.member = member
        self.groups = groupby(rows, _ACC)
        self.by_sk = member in ROW_TABLES
        self.acc: str | None = ""
        self.rows: list[tuple] = []
        self._next()

    def _next(self) -> None:
        nxt = next(self.groups, None)
        if nxt is None:
            self.acc, self.rows = None, []
            return
        acc, group = nxt
        if acc <= self.acc:  # type: ignore[operator]
            raise Unsorted(self.member)
        rows = list(group)
        if self.by_sk and len(rows) > 1:
            rows.sort(key=_sk)
        self.acc, self.rows = acc, rows

    def take(self, acc: str) -> list[tuple]:
        if self.acc != acc:
            if self.acc is not None and self.acc < acc:
                self._orphan()
            return []
        rows = self.rows
        self._next()
        return rows

    def _orphan(self) -> None:
        raise DatasetError(
            f"{self.member}.tsv: rows of accession {self.acc!r}, which has no SUBMISSION row"
        )

    def finish(self) -> None:
        if self.acc is not None:  # after the last submission: no SUBMISSION row
            self._orphan()


def filings(zf: zipfile.ZipFile, members: dict) -> Iterator[tuple[Filing, str]]:
    """(Filing, filing_date) per accession, in accession order, as dataset_rows.filings
    gives them from the staged tables. Raises Unsorted (see the module) or DatasetError.
    Call only after submission_accessions() said SUBMISSION ascends."""
    sides = {m: _Side(m, member_rows(zf, members[m], m)) for m in MEMBERS[1:]}
    yield from walk(member_rows(zf, members["SUBMISSION"], "SUBMISSION"), sides)
    for side in sides.values():
        side.finish()
