"""The SEC's quarterly Insider Transactions Data Sets: ZIP members -> Filing records.

A quarter is one ZIP of eight tab-separated tables keyed by ACCESSION_NUMBER (the SEC's
readme, fixtures/datasets/, docs/market.md §1). Each member is read by header name
(`member_rows`); memory stays flat whatever the quarter's size:

1. members in accession order (the SEC's) are merged as they are read (dataset_stream);
   any other order is first copied into TEMP tables of the caller's SQLite connection
   (`stage()`, a file SQLite deletes itself) and read back sorted (dataset_rows.filings);
2. either way `dataset_rows.walk` yields one `Filing` per accession, in the shape the
   XML parser returns, so the store applies the same rules (owners, roles, position keys,
   footnote links, flags, amendments) to both.

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
from itertools import islice
from operator import itemgetter

from .models import ROW_FIELDS_D_TXN

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


def quarter_range(first: str, last: str) -> list[str]:
    a, b = parse_quarter(first), parse_quarter(last)
    if a > b:
        raise DatasetError(f"{first}..{last}: the first quarter is after the last")
    out = []
    y, q = int(a[:4]), int(a[5])
    while f"{y}q{q}" <= b:
        out.append(f"{y}q{q}")
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    return out


def parse_quarters(specs: list[str]) -> list[str]:
    """['2024q3', '2023q1..2023q4'] -> the quarters, sorted, once each."""
    out: set[str] = set()
    for spec in specs:
        if ".." in spec:
            first, _, last = spec.partition("..")
            out.update(quarter_range(first, last))
        else:
            out.add(parse_quarter(spec))
    return sorted(out)


def parse_since(text: str) -> str:
    """--since 2024 or 2024q2 -> the first quarter wanted."""
    t = text.strip()
    if re.fullmatch(r"\d{4}", t):
        return f"{t}q1"
    return parse_quarter(t)


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
    """Pass 1: every member into a TEMP table (columns in COLUMNS order, '' when absent;
    rowid the row's number in its member).

    `progress(member, rows)` is called now and then. Raises DatasetError."""
    members = find_members(zf)
    counts = {}
    for member in MEMBERS:
        cols = COLUMNS[member]
        conn.execute(f"DROP TABLE IF EXISTS {_table(member)}")
        conn.execute(
            f"CREATE TABLE {_table(member)} ("
            + ", ".join(f"c{i} TEXT NOT NULL DEFAULT ''" for i in range(len(cols)))
            + ")"
        )
        insert = (
            f"INSERT INTO {_table(member)}(rowid, {','.join(f'c{k}' for k in range(len(cols)))})"
            f" VALUES ({','.join('?' * (len(cols) + 1))})"
        )
        rows = member_rows(zf, members[member], member)
        total = 0
        while chunk := list(islice(rows, 20000)):
            conn.executemany(insert, chunk)
            total += len(chunk)
            if progress:
                progress(member, total)
        counts[member] = total
    _check_orphans(conn)
    return Staged(counts)


def member_rows(zf: zipfile.ZipFile, info: zipfile.ZipInfo, member: str) -> Iterator[tuple]:
    """One member's data rows, read by header name: (row number, then the COLUMNS[member]
    values in order, '' for a column this vintage lacks or a row cut short). Blank lines
    are skipped. Raises DatasetError (member and line) for what cannot be read."""
    name = info.filename.rsplit("/", 1)[-1]
    reader = None
    try:
        with zf.open(info) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")
            reader = csv.reader(text, delimiter="\t", strict=False)
            try:
                header = next(reader)
            except StopIteration:
                raise DatasetError(f"{name}: empty member (no header row)") from None
            names = [ALIASES.get(h.strip().upper(), h.strip().upper()) for h in header]
            where: dict[str, int] = {}
            for i, h in enumerate(names):
                where.setdefault(h, i + 1)  # +1: the row number goes first
            for req in REQUIRED.get(member, ("ACCESSION_NUMBER",)):
                if req not in where:
                    raise DatasetError(f"{name}: no {req} column in its header")
            n = len(names)
            # A column this vintage lacks reads the '' appended to every row (index n + 1).
            pick = itemgetter(0, *(where.get(c, n + 1) for c in COLUMNS[member]))
            k = 0
            for row in reader:
                if not row:
                    continue  # a blank line
                k += 1
                if len(row) < n:  # a row cut short: the missing fields are ''
                    row.extend([""] * (n - len(row)))
                elif len(row) > n:  # fields beyond the header: not read
                    del row[n:]
                row.insert(0, k)
                row.append("")
                yield pick(row)
    except UnicodeDecodeError:
        line = reader.line_num + 1 if reader is not None else 1
        raise DatasetError(f"{name} line {line}: bytes that are not UTF-8 text") from None
    except csv.Error as e:
        line = reader.line_num if reader is not None else 1
        raise DatasetError(f"{name} line {line}: {e}") from None
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


def stored_of_staged(conn: sqlite3.Connection) -> set[str]:
    """The staged accessions the database holds already (one join)."""
    staged = f"SELECT c0 FROM {_table('SUBMISSION')}"
    sql = f"SELECT accession FROM filings WHERE accession IN ({staged})"
    return {r[0] for r in conn.execute(sql)}
