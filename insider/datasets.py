"""The SEC's quarterly Insider Transactions Data Sets: ZIP members -> Filing records.

A quarter is one ZIP of eight tab-separated tables keyed by ACCESSION_NUMBER (the SEC's
readme, fixtures/datasets/, docs/market.md §1). Reading is two passes so that memory stays
flat whatever the quarter's size:

1. `stage()` copies each member, by header name, into a TEMP table of the caller's SQLite
   connection (a file SQLite deletes itself): the csv reader and executemany, nothing else.
2. `filings()` walks SUBMISSION and the seven other tables sorted by accession side by
   side and yields one `Filing` per accession, in the shape the XML parser returns, so the
   store applies the same rules (owners, roles, position keys, footnote links, flags,
   amendments) to both. Values are converted here: DD-MON-YYYY -> ISO dates, decimals,
   0/1/true/false booleans, 10-digit CIKs, junk tickers dropped.

Anything that makes the quarter unreadable (a missing member or ACCESSION_NUMBER column,
non-UTF-8 bytes, an impossible date, a number that is none, rows of an accession with no
SUBMISSION row) raises DatasetError with one line naming the member and line: the caller
imports nothing of that quarter.
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from operator import itemgetter

from .models import ROW_FIELDS_D_TXN, Filing, Issuer, ReportingOwner, Row, Signature

MEMBERS = (
    "SUBMISSION",
    "REPORTINGOWNER",
    "NONDERIV_TRANS",
    "NONDERIV_HOLDING",
    "DERIV_TRANS",
    "DERIV_HOLDING",
    "FOOTNOTES",
    "OWNER_SIGNATURE",
)
DOCUMENT_TYPES = frozenset({"3", "3/A", "4", "4/A", "5", "5/A"})


class DatasetError(Exception):
    """A quarter that cannot be imported; the message is one line."""


# ---------------------------------------------------------------- quarters
_QUARTER = re.compile(r"^(\d{4})q([1-4])$", re.I)
_ZIP_QUARTER = re.compile(r"(\d{4})q([1-4])_form345\.zip$", re.I)


def parse_quarter(text: str) -> str:
    """'2024q3' / '2024Q3' -> '2024q3'; DatasetError otherwise."""
    m = _QUARTER.match(text.strip())
    if not m or not 2000 <= int(m.group(1)) <= 2100:
        raise DatasetError(f"{text!r} is not a quarter (write it like 2024q3)")
    return f"{m.group(1)}q{m.group(2)}"


def quarter_of_name(name: str) -> str | None:
    """The quarter a data-set file name says: '.../2024q3_form345.zip' -> '2024q3'."""
    m = _ZIP_QUARTER.search(name)
    return f"{m.group(1)}q{m.group(2)}" if m else None


# ---------------------------------------------------------------- columns
# Names seen for the same column in different vintages, the readme and the metadata JSON
# (docs/market.md): the header name -> the name used here.
ALIASES = {
    "FORM3_HOLDING_REPORTED": "FORM3_HOLDINGS_REPORTED",
    "EQUITY_SWAP_TRANS_CD_FN": "EQUITY_SWAP_INVOLVED_FN",
    "EXCERCISE_DATE": "EXERCISE_DATE",
    "EXCERCISE_DATE_FN": "EXERCISE_DATE_FN",
}

SUBMISSION_COLUMNS = (
    "ACCESSION_NUMBER",
    "FILING_DATE",
    "PERIOD_OF_REPORT",
    "DATE_OF_ORIG_SUB",
    "NO_SECURITIES_OWNED",
    "NOT_SUBJECT_SEC16",
    "FORM3_HOLDINGS_REPORTED",
    "FORM4_TRANS_REPORTED",
    "DOCUMENT_TYPE",
    "ISSUERCIK",
    "ISSUERNAME",
    "ISSUERTRADINGSYMBOL",
    "REMARKS",
    "AFF10B5ONE",  # later vintages only
)
OWNER_COLUMNS = (
    "ACCESSION_NUMBER",
    "RPTOWNERCIK",
    "RPTOWNERNAME",
    "RPTOWNER_RELATIONSHIP",
    "RPTOWNER_TITLE",
    "RPTOWNER_TXT",
    "RPTOWNER_STREET1",
    "RPTOWNER_STREET2",
    "RPTOWNER_CITY",
    "RPTOWNER_STATE",
    "RPTOWNER_ZIPCODE",
)
FOOTNOTE_COLUMNS = ("ACCESSION_NUMBER", "FOOTNOTE_ID", "FOOTNOTE_TXT")
SIGNATURE_COLUMNS = ("ACCESSION_NUMBER", "OWNERSIGNATURENAME", "OWNERSIGNATUREDATE")

# Row field (models.Row, in its order) -> data-set column. Every column X has a sibling X_FN
# with the footnote ids on that field.
FIELD_COLUMN = {
    "security_title": "SECURITY_TITLE",
    "transaction_date": "TRANS_DATE",
    "deemed_execution_date": "DEEMED_EXECUTION_DATE",
    "form_type": "TRANS_FORM_TYPE",
    "code": "TRANS_CODE",
    "equity_swap_involved": "EQUITY_SWAP_INVOLVED",
    "timeliness": "TRANS_TIMELINESS",
    "shares": "TRANS_SHARES",
    "total_value": "TRANS_TOTAL_VALUE",
    "price_per_share": "TRANS_PRICEPERSHARE",
    "acquired_disposed": "TRANS_ACQUIRED_DISP_CD",
    "shares_owned_following": "SHRS_OWND_FOLWNG_TRANS",
    "value_owned_following": "VALU_OWND_FOLWNG_TRANS",
    "direct_or_indirect": "DIRECT_INDIRECT_OWNERSHIP",
    "nature_of_ownership": "NATURE_OF_OWNERSHIP",
    "conversion_or_exercise_price": "CONV_EXERCISE_PRICE",
    "exercise_date": "EXERCISE_DATE",
    "expiration_date": "EXPIRATION_DATE",
    "underlying_security_title": "UNDLYNG_SEC_TITLE",
    "underlying_shares": "UNDLYNG_SEC_SHARES",
    "underlying_value": "UNDLYNG_SEC_VALUE",
}
assert tuple(FIELD_COLUMN) == ROW_FIELDS_D_TXN  # Row is built positionally
# The field a footnote column annotates. The equity-swap column's footnote is the one the
# XML puts on <transactionCoding> (there is no TRANS_CODE_FN), which the parser files under
# `code`, the container's main field.
FN_FIELD = {f"{col}_FN": name for name, col in FIELD_COLUMN.items()}
FN_FIELD["EQUITY_SWAP_INVOLVED_FN"] = "code"
FN_COLUMNS = tuple(FN_FIELD)
_FN_FIELDS = tuple(FN_FIELD.values())

ROW_TABLES = {
    "NONDERIV_TRANS": ("non_derivative", "transaction"),
    "NONDERIV_HOLDING": ("non_derivative", "holding"),
    "DERIV_TRANS": ("derivative", "transaction"),
    "DERIV_HOLDING": ("derivative", "holding"),
}


def _row_columns(member: str) -> tuple[str, ...]:
    return ("ACCESSION_NUMBER", f"{member}_SK", *FIELD_COLUMN.values(), *FN_COLUMNS)


COLUMNS: dict[str, tuple[str, ...]] = {
    "SUBMISSION": SUBMISSION_COLUMNS,
    "REPORTINGOWNER": OWNER_COLUMNS,
    **{m: _row_columns(m) for m in ROW_TABLES},
    "FOOTNOTES": FOOTNOTE_COLUMNS,
    "OWNER_SIGNATURE": SIGNATURE_COLUMNS,
}
REQUIRED = {"SUBMISSION": ("ACCESSION_NUMBER", "DOCUMENT_TYPE", "FILING_DATE")}


# ---------------------------------------------------------------- stage (pass 1)
@dataclass
class Staged:
    counts: dict[str, int]  # member -> data rows

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def open_zip(path: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise DatasetError(f"{path}: not a readable ZIP file ({e}); truncated download?") from None


def find_members(zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Member name -> entry, matched by file name (any folder, any case, .tsv or .txt)."""
    found: dict[str, zipfile.ZipInfo] = {}
    for info in zf.infolist():
        base = info.filename.rsplit("/", 1)[-1].upper()
        stem, _, ext = base.rpartition(".")
        if stem in MEMBERS and ext in ("TSV", "TXT") and stem not in found:
            found[stem] = info
    missing = [m for m in MEMBERS if m not in found]
    if missing:
        raise DatasetError(
            f"{zf.filename}: no {', '.join(m + '.tsv' for m in missing)} in the ZIP "
            "(not an Insider Transactions Data Set, or a damaged one)"
        )
    return found


def _table(member: str) -> str:
    return f"temp.ds_{member.lower()}"


def stage(conn: sqlite3.Connection, zf: zipfile.ZipFile, progress=None) -> Staged:
    """Pass 1: every member into a TEMP table (columns in COLUMNS order, '' when absent).

    `progress(member, rows)` is called now and then. Raises DatasetError."""
    members = find_members(zf)
    counts = {}
    for member in MEMBERS:
        cols = COLUMNS[member]
        conn.execute(f"DROP TABLE IF EXISTS {_table(member)}")
        conn.execute(
            f"CREATE TABLE {_table(member)} ("
            + ", ".join(f"c{i} TEXT" for i in range(len(cols)))
            + ")"
        )
        counts[member] = _stage_member(conn, zf, members[member], member, cols, progress)
    _check_orphans(conn)
    return Staged(counts)


def _stage_member(conn, zf, info, member, cols, progress) -> int:
    insert = f"INSERT INTO {_table(member)} VALUES ({','.join('?' * len(cols))})"
    name = info.filename.rsplit("/", 1)[-1]
    line = 1
    try:
        with zf.open(info) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")
            reader = csv.reader(text, delimiter="\t", strict=False)
            try:
                header = next(reader)
            except StopIteration:
                raise DatasetError(f"{name}: empty member (no header row)") from None
            names = [ALIASES.get(h.strip().upper(), h.strip().upper()) for h in header]
            where = {}
            for i, h in enumerate(names):
                where.setdefault(h, i)
            for req in REQUIRED.get(member, ("ACCESSION_NUMBER",)):
                if req not in where:
                    raise DatasetError(f"{name}: no {req} column in its header")
            n = len(names)
            pick = itemgetter(*[where.get(c, n) for c in cols])  # n: the '' appended below
            pad = [""] * (n + 1)

            def rows() -> Iterator[tuple]:
                nonlocal line
                for row in reader:
                    line += 1
                    if len(row) != n:
                        if not row or row == [""]:
                            continue  # a blank line
                        row = (row + pad)[:n]
                    row.append("")
                    yield pick(row)

            it = rows()
            total = 0
            while True:
                chunk = [r for _, r in zip(range(20000), it, strict=False)]
                if not chunk:
                    break
                conn.executemany(insert, chunk)
                total += len(chunk)
                if progress:
                    progress(member, total)
            return total
    except UnicodeDecodeError:
        raise DatasetError(f"{name} line {line + 1}: bytes that are not UTF-8 text") from None
    except csv.Error as e:
        raise DatasetError(f"{name} line {line + 1}: {e}") from None
    except (zipfile.BadZipFile, EOFError, zlib.error, OSError) as e:
        raise DatasetError(f"{zf.filename}: damaged ZIP member {name} ({e})") from None


def _check_orphans(conn: sqlite3.Connection) -> None:
    sub = _table("SUBMISSION")
    dup = conn.execute(f"SELECT c0 FROM {sub} GROUP BY c0 HAVING count(*) > 1 LIMIT 1").fetchone()
    if dup:
        raise DatasetError(f"SUBMISSION.tsv: accession {dup[0]!r} appears twice")
    for member in MEMBERS[1:]:
        orphan = conn.execute(
            f"SELECT c0 FROM {_table(member)} WHERE c0 NOT IN (SELECT c0 FROM {sub}) LIMIT 1"
        ).fetchone()
        if orphan:
            raise DatasetError(
                f"{member}.tsv: rows of accession {orphan[0]!r}, which has no SUBMISSION row"
            )


def drop_stage(conn: sqlite3.Connection) -> None:
    for member in MEMBERS:
        conn.execute(f"DROP TABLE IF EXISTS {_table(member)}")


def staged_accessions(conn: sqlite3.Connection) -> str:
    """SQL naming the staged accessions (for joins with the store's tables)."""
    return f"SELECT c0 FROM {_table('SUBMISSION')}"


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


def roles(relationship: str) -> tuple[bool, bool, bool, bool]:
    """'Director,Officer,TenPercentOwner' (any case, spaces) -> the four role booleans."""
    parts = {p.strip().replace(" ", "").replace("_", "").upper() for p in relationship.split(",")}
    return (
        "DIRECTOR" in parts,
        "OFFICER" in parts,
        "TENPERCENTOWNER" in parts or "10%OWNER" in parts,
        "OTHER" in parts,
    )


def _ids(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.strip() for p in text.split(",") if p.strip()))


# ---------------------------------------------------------------- filings (pass 2)
_DECIMAL_SLOTS = frozenset(
    i
    for i, f in enumerate(ROW_FIELDS_D_TXN)
    if f
    in (
        "shares",
        "total_value",
        "price_per_share",
        "shares_owned_following",
        "value_owned_following",
        "conversion_or_exercise_price",
        "underlying_shares",
        "underlying_value",
    )
)
_DATE_SLOTS = frozenset(
    i
    for i, f in enumerate(ROW_FIELDS_D_TXN)
    if f in ("transaction_date", "deemed_execution_date", "exercise_date", "expiration_date")
)
_BOOL_SLOT = ROW_FIELDS_D_TXN.index("equity_swap_involved")
_NVAL = len(ROW_FIELDS_D_TXN)
_COLNAMES = tuple(FIELD_COLUMN.values())


def _cursor(conn: sqlite3.Connection, member: str, order: str, cursors: list) -> sqlite3.Cursor:
    cur = conn.execute(f"SELECT rowid, * FROM {_table(member)} ORDER BY c0, {order}")
    cursors.append(cur)
    return cur


def _grouped(rows: Iterator[tuple]) -> Iterator[tuple[str, list[tuple]]]:
    acc = None
    batch: list[tuple] = []
    for r in rows:
        if r[1] != acc:
            if batch:
                yield acc, batch
            acc, batch = r[1], []
        batch.append(r)
    if batch:
        yield acc, batch


class _Side:
    """One member's groups, advanced in step with SUBMISSION's accessions."""

    __slots__ = ("it", "acc", "rows")

    def __init__(self, groups: Iterator[tuple[str, list[tuple]]]) -> None:
        self.it = groups
        self.acc: str | None = None
        self.rows: list[tuple] = []
        self._next()

    def _next(self) -> None:
        nxt = next(self.it, None)
        self.acc, self.rows = nxt if nxt is not None else (None, [])

    def take(self, acc: str) -> list[tuple]:
        if self.acc != acc:
            return []  # (orphans were refused by stage(); accessions ascend on both sides)
        rows = self.rows
        self._next()
        return rows


def filings(conn: sqlite3.Connection) -> Iterator[tuple[Filing, str]]:
    """Pass 2: one (Filing, filing_date) per staged accession, in accession order.

    Close the generator when done with it early: its cursors hold the TEMP tables."""
    cursors: list[sqlite3.Cursor] = []
    try:
        yield from _filings(conn, cursors)
    finally:
        for cur in cursors:
            cur.close()


def _filings(conn: sqlite3.Connection, cursors: list) -> Iterator[tuple[Filing, str]]:
    where = _Where()
    # SK surrogate keys follow the order rows were loaded from the XML; ties: file order.
    sk = "CAST(c1 AS INTEGER), rowid"
    sides = {
        "REPORTINGOWNER": _Side(_grouped(_cursor(conn, "REPORTINGOWNER", "rowid", cursors))),
        **{m: _Side(_grouped(_cursor(conn, m, sk, cursors))) for m in ROW_TABLES},
        "FOOTNOTES": _Side(_grouped(_cursor(conn, "FOOTNOTES", "rowid", cursors))),
        "OWNER_SIGNATURE": _Side(_grouped(_cursor(conn, "OWNER_SIGNATURE", "rowid", cursors))),
    }
    owners_side = sides["REPORTINGOWNER"]
    notes_side = sides["FOOTNOTES"]
    sig_side = sides["OWNER_SIGNATURE"]
    row_sides = [(sides[m], m, *ROW_TABLES[m]) for m in ROW_TABLES]
    for s in _cursor(conn, "SUBMISSION", "rowid", cursors):
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


def _text_value(v: str, where: _Where, column: str) -> str | None:
    return v.strip() or None


def _bool_value(v: str, where: _Where, column: str) -> bool | None:
    return to_bool(v)


# One converter per Row value slot.
_CONVERTERS = tuple(
    to_decimal
    if i in _DECIMAL_SLOTS
    else to_date
    if i in _DATE_SLOTS
    else _bool_value
    if i == _BOOL_SLOT
    else _text_value
    for i in range(_NVAL)
)
_SLOTS = tuple(zip(range(_NVAL), _CONVERTERS, _COLNAMES, strict=True))


def _row(r: tuple, table: str, kind: str, where: _Where) -> Row:
    # r: rowid, acc, sk, the 21 values, the 21 footnote columns
    where.line = r[0] + 1
    vals: list = list(r[3 : 3 + _NVAL])
    for i, conv, col in _SLOTS:
        v = vals[i]
        vals[i] = conv(v, where, col) if v else None
    notes: dict[str, tuple[str, ...]] = {}
    fns = r[3 + _NVAL :]
    for i, text in enumerate(fns):
        if text:
            ids = _ids(text)
            if ids:
                name = _FN_FIELDS[i]
                prev = notes.get(name)
                notes[name] = tuple(dict.fromkeys((*prev, *ids))) if prev else ids
    return Row(table, kind, *vals, footnotes=notes)
