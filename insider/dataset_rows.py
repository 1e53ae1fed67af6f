"""A data-set quarter's member rows, side by side by accession, into `Filing` records
(from the merged members, dataset_stream, or the staged tables, datasets.stage), with
every value converted as the XML parser would give it: DD-MON-YYYY -> ISO dates, exact
decimals, 0/1/true/false booleans, 10-digit CIKs, junk tickers dropped, comma-joined
relationships -> roles, `*_FN` ids -> field footnotes.
A value that cannot be what its column says raises DatasetError naming member and line.
"""

from __future__ import annotations

import re
import sqlite3
from collections import namedtuple
from collections.abc import Iterator
from dataclasses import fields
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from itertools import groupby
from operator import itemgetter

from .datasets import DOCUMENT_TYPES, FIELD_COLUMN, FN_FIELD, ROW_TABLES, DatasetError, _table
from .models import (
    DATE_FIELDS,
    DECIMAL_FIELDS,
    ROW_FIELDS_D_TXN,
    Filing,
    Issuer,
    ReportingOwner,
    Row,
    Signature,
)

_FN_FIELDS = tuple(FN_FIELD.values())


# ---------------------------------------------------------------- values
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1
    )
}
_DMY = re.compile(r"^(\d{1,2})-([A-Za-z]{3})-(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_ACCESSION = re.compile(r"^\d{10}-\d{2}-\d{6}$")
_BOOLS = {"1": True, "true": True, "y": True, "yes": True, "t": True}
_BOOLS.update({"0": False, "false": False, "n": False, "no": False, "f": False})
# Tickers filers type when there is none, or in a form no ticker has.
_JUNK_TICKERS = frozenset({"NONE", "N/A", "NA", "NULL", "-", "--", "0", "N.A.", "NOT"})
_TICKER = re.compile(r"^[A-Z][A-Z0-9.\-]{0,11}$")


class _Where:
    """Where a value came from, for the one-line error."""

    __slots__ = ("member", "line")

    def __init__(self) -> None:
        self.member = ""
        self.line = 0

    def fail(self, what: str) -> DatasetError:
        return DatasetError(f"{self.member}.tsv line {self.line}: {what}")


_dates: dict[str, str] = {}


def to_date(text: str, where: _Where, column: str) -> str | None:
    """'31-JUL-2024' (or ISO) -> '2024-07-31'; '' -> None; an impossible date raises."""
    if not text:
        return None
    hit = _dates.get(text)
    if hit is not None:
        return hit
    t = text.strip()
    m = _DMY.match(t)
    try:
        if m and m.group(2).upper() in _MONTHS:
            d = date(int(m.group(3)), _MONTHS[m.group(2).upper()], int(m.group(1)))
        elif (m := _ISO.match(t)) is not None:
            d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        else:
            raise ValueError
    except ValueError:
        raise where.fail(f"{column} {text[:40]!r} is not a date (DD-MON-YYYY)") from None
    iso = d.isoformat()
    if len(_dates) < 100_000:
        _dates[text] = iso
    return iso


def to_decimal(text: str, where: _Where, column: str) -> Decimal | None:
    if not text:
        return None
    try:
        d = Decimal(text)
    except InvalidOperation:
        d = None
    if d is None or not d.is_finite():
        raise where.fail(f"{column} {text[:40]!r} is not a number")
    return d


def to_bool(text: str) -> bool | None:
    if not text:
        return None
    v = _BOOLS.get(text)
    return v if v is not None else _BOOLS.get(text.strip().lower())


def to_cik(text: str, where: _Where, column: str) -> str | None:
    t = text.strip()
    if not t:
        return None
    if not t.isdigit() or len(t) > 10:
        raise where.fail(f"{column} {t[:40]!r} is not a CIK")
    return t.zfill(10)


def clean_ticker(text: str | None) -> str | None:
    """A trading symbol as filed, or None when it is none: NONE, N/A, '-', '(SIRI)'."""
    t = (text or "").strip().upper()
    if not t or t in _JUNK_TICKERS or not _TICKER.match(t):
        return None
    return t


def _text(v: str) -> str | None:
    v = v.strip()
    return v or None


@lru_cache(maxsize=1024)  # a handful of spellings over a whole quarter
def roles(relationship: str) -> tuple[bool, bool, bool, bool]:
    """'Director,Officer,TenPercentOwner' (any case, spaces) -> the four role booleans."""
    parts = {p.strip().replace(" ", "").replace("_", "").upper() for p in relationship.split(",")}
    return (
        "DIRECTOR" in parts,
        "OFFICER" in parts,
        "TENPERCENTOWNER" in parts or "10%OWNER" in parts,
        "OTHER" in parts,
    )


@lru_cache(maxsize=4096)  # 'F1', 'F1, F2': a handful of spellings over a whole quarter
def _ids(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.strip() for p in text.split(",") if p.strip()))


# ---------------------------------------------------------------- filings (pass 2)
# The parser's own field rules (models.py): which row fields are exact decimals and dates.
_DECIMAL_SLOTS = frozenset(i for i, f in enumerate(ROW_FIELDS_D_TXN) if f in DECIMAL_FIELDS)
_DATE_SLOTS = frozenset(i for i, f in enumerate(ROW_FIELDS_D_TXN) if f in DATE_FIELDS)
_BOOL_SLOT = ROW_FIELDS_D_TXN.index("equity_swap_involved")
_NVAL = len(ROW_FIELDS_D_TXN)
_COLNAMES = tuple(FIELD_COLUMN.values())


def _cursor(conn: sqlite3.Connection, member: str, cursors: list) -> sqlite3.Cursor:
    cur = conn.execute(f"SELECT rowid, * FROM {_table(member)} ORDER BY c0, rowid")
    cursors.append(cur)
    return cur


class Unsorted(Exception):
    """A member is not in accession order: import the quarter through the staged path."""


_ACC = itemgetter(1)
_LEADING_INT = re.compile(r"\s*([+-]?\d+)")


def _sk(row: tuple) -> tuple[int, int]:
    """The staged path's order within an accession: CAST(SK AS INTEGER) (SQLite's: the
    leading integer, else 0), then the row's number in its member."""
    m = _LEADING_INT.match(row[2])
    return (int(m.group(1)) if m else 0, row[0])


class Side:
    """One member's rows grouped by accession (rows as datasets.member_rows gives them,
    or the staged cursors), taken in step with SUBMISSION's, checking order as it goes.
    The rows of a Table I/II member are put in SK order within their accession."""

    __slots__ = ("member", "groups", "acc", "rows", "by_sk")

    def __init__(self, member: str, rows: Iterator[tuple]) -> None:
        self.member = member
        self.groups = groupby(rows, _ACC)
        self.by_sk = member in ROW_TABLES
        self.acc: str | None = None
        self.rows: list[tuple] = []
        self._next()

    def _next(self) -> None:
        nxt = next(self.groups, None)
        if nxt is None:
            self.acc, self.rows = None, []
            return
        acc, group = nxt
        if self.acc is not None and acc <= self.acc:
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


class Filings:
    """Pass 2: iterate for one (Filing, filing_date) per staged accession, in accession
    order. The eight sorted cursors are opened here, at once (SQLite sorts when a cursor
    starts, sizing its sort buffers by the page cache then: the caller keeps the cache
    small until this returns). close() releases them (they hold the TEMP tables)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.cursors: list[sqlite3.Cursor] = []
        self.submissions = _cursor(conn, "SUBMISSION", self.cursors)
        self.sides = {
            m: Side(m, _cursor(conn, m, self.cursors))
            for m in ("REPORTINGOWNER", *ROW_TABLES, "FOOTNOTES", "OWNER_SIGNATURE")
        }

    def __iter__(self) -> Iterator[tuple[Filing, str]]:
        return walk(self.submissions, self.sides)

    def close(self) -> None:
        for cur in self.cursors:
            cur.close()


def filings(conn: sqlite3.Connection) -> Filings:
    return Filings(conn)


def walk(submissions, sides: dict) -> Iterator[tuple[Filing, str]]:
    """Data-set rows of one quarter -> (Filing, filing_date) pairs, grouped by accession.

    Long on purpose: the SUBMISSION, REPORTINGOWNER, footnote and table members are joined
    in one sorted pass (memory stays flat)."""
    where = _Where()
    owners_side = sides["REPORTINGOWNER"]
    notes_side = sides["FOOTNOTES"]
    sig_side = sides["OWNER_SIGNATURE"]
    row_sides = [(sides[m], m, *ROW_TABLES[m]) for m in ROW_TABLES]
    for s in submissions:
        where.member, where.line = "SUBMISSION", s[0] + 1
        acc = s[1]
        if not _ACCESSION.match(acc):
            raise where.fail(f"ACCESSION_NUMBER {acc[:40]!r} is not an accession number")
        form = s[9].strip().upper().replace(" ", "")
        if form not in DOCUMENT_TYPES:
            raise where.fail(f"DOCUMENT_TYPE {s[9][:20]!r} is not a Form 3, 4 or 5")
        filing_date = to_date(s[2], where, "FILING_DATE")
        if filing_date is None:
            raise where.fail("FILING_DATE is empty")
        issuer = Issuer(to_cik(s[10], where, "ISSUERCIK"), _text(s[11]), clean_ticker(s[12]))
        owners = []
        where.member = "REPORTINGOWNER"
        for o in owners_side.take(acc):
            where.line = o[0] + 1
            d, off, ten, other = roles(o[4])
            owners.append(
                ReportingOwner(
                    to_cik(o[2], where, "RPTOWNERCIK"),
                    _text(o[3]),
                    _text(o[7]),
                    _text(o[8]),
                    _text(o[9]),
                    _text(o[10]),
                    _text(o[11]),
                    d,
                    off,
                    ten,
                    other,
                    _text(o[5]),
                    _text(o[6]),
                )
            )
        tables = []
        for side, member, table, kind in row_sides:
            where.member = member
            tables.append(tuple(_row(r, table, kind, where) for r in side.take(acc)))
        notes = {}
        for n in notes_side.take(acc):
            fid = n[2].strip()
            if fid:
                notes[fid] = " ".join(n[3].split())
        where.member = "OWNER_SIGNATURE"
        sigs = []
        for g in sig_side.take(acc):
            where.line = g[0] + 1
            sigs.append(Signature(_text(g[2]), to_date(g[3], where, "OWNERSIGNATUREDATE")))
        where.member = "SUBMISSION"
        where.line = s[0] + 1
        filing = Filing(
            document_type=form,
            schema_version=None,
            period_of_report=to_date(s[3], where, "PERIOD_OF_REPORT"),
            date_of_original_submission=to_date(s[4], where, "DATE_OF_ORIG_SUB"),
            no_securities_owned=to_bool(s[5]),
            not_subject_to_section16=to_bool(s[6]),
            form3_holdings_reported=to_bool(s[7]),
            form4_transactions_reported=to_bool(s[8]),
            aff10b5one=to_bool(s[14]),
            remarks=_text(s[13]),
            issuer=issuer,
            reporting_owners=tuple(owners),
            non_derivative_transactions=tables[0],
            non_derivative_holdings=tables[1],
            derivative_transactions=tables[2],
            derivative_holdings=tables[3],
            footnotes=notes,
            signatures=tuple(sigs),
            accession=acc,
        )
        yield filing, filing_date


def _bool_value(v: str, where: _Where, column: str) -> bool | None:
    return to_bool(v)


# The typed value slots (decimal, date, bool) and their converters; the rest are text.
_TYPED = tuple(
    (i, to_decimal if i in _DECIMAL_SLOTS else to_date if i in _DATE_SLOTS else _bool_value,
     _COLNAMES[i])
    for i in range(_NVAL)
    if i in _DECIMAL_SLOTS or i in _DATE_SLOTS or i == _BOOL_SLOT
)  # fmt: skip
_FN_START = 3 + _NVAL

# A data-set row is a models.Row in all but its class: a named tuple with Row's fields in
# Row's order (table, kind, the values, footnotes), read by attribute like a Row by the
# store's one rule (store.child_rows, positions.filing_keys, flags.filing_flags). Building
# the frozen dataclass cost ~5 us a row, a fifth of pass 2 at 2024q1 size; this ~1 us.
DataSetRow = namedtuple("DataSetRow", ("table", "kind", *ROW_FIELDS_D_TXN, "footnotes"))
assert DataSetRow._fields == tuple(f.name for f in fields(Row))  # same fields, same order
_make_row = DataSetRow._make


def _row(r: tuple, table: str, kind: str, where: _Where) -> Row:
    # r: rowid, acc, sk, the 21 values, the 21 footnote columns; '' is absent
    where.line = r[0] + 1
    vals: list = [(v.strip() or None) if v else None for v in r[3:_FN_START]]
    for i, conv, col in _TYPED:
        v = vals[i]
        if v is not None:
            vals[i] = conv(v, where, col)
    notes: dict[str, tuple[str, ...]] = {}
    for i, text in enumerate(r[_FN_START:]):
        if text:
            ids = _ids(text)
            if ids:
                name = _FN_FIELDS[i]
                prev = notes.get(name)
                notes[name] = tuple(dict.fromkeys((*prev, *ids))) if prev else ids
    return _make_row((table, kind, *vals, notes))  # type: ignore[return-value]
