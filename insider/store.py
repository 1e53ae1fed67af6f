"""Filing -> SQLite rows. One DB transaction per filing, idempotent by accession.

The database is a public interface (docs/schema.md): tables keep every field of the parser
contract, views answer the common questions. Numbers are stored as INTEGER or REAL when that
round-trips to the exact filed decimal (so SQL can sort and sum them), else as the exact text.

Layout: schema.py (versioned DDL, migrations, views, full-text search), amend.py (amendment
links), flags.py + holidays.py (late and 10b5-1 flags). This module writes and reads.

Everything but `filings.raw_xml` and the EDGAR facts beside it (filing date, acceptance time,
URL, when stored) is derived: `reparse` rebuilds it from the stored documents, and one rule
serves both paths, so a reparse equals a fresh sync whatever order filings arrived in.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import sqlite_utils

from . import __version__, amend, flags, schema
from .errors import StoreError
from .models import DECIMAL_FIELDS, ROW_FIELDS_D_TXN, Filing, title_key
from .schema import fts_query

PARSER_VERSION = __version__
SCHEMA_VERSION = schema.LATEST

ROW_COLUMNS: tuple[str, ...] = ROW_FIELDS_D_TXN
DEFAULT_BUSY_TIMEOUT = 30.0  # seconds; INSIDER_BUSY_TIMEOUT overrides


def _busy_timeout() -> float:
    try:
        return float(os.environ.get("INSIDER_BUSY_TIMEOUT", DEFAULT_BUSY_TIMEOUT))
    except ValueError:
        return DEFAULT_BUSY_TIMEOUT


def _explain(path: object, e: sqlite3.Error, timeout: float | None = None) -> str:
    msg = str(e)
    if "locked" in msg or "busy" in msg:
        waited = f" (waited {timeout:g} s)" if timeout is not None else ""
        return f"database {path} is locked by another writer{waited}; try again when it is done"
    if "not a database" in msg or "malformed" in msg:
        return f"{path} is not an insider database (not a SQLite file, or damaged): {msg}"
    if "unable to open" in msg:
        return f"cannot open database {path}: {msg} (does its folder exist and is it writable?)"
    return f"database {path}: {msg}"


def connect(path: str | Path, timeout: float | None = None) -> sqlite_utils.Database:
    """Open (creating if needed) an insider database, ready for reads and writes.

    WAL journal (readers never wait for a writer), a busy timeout (writers queue rather
    than fail), foreign keys on; the schema is created or migrated to the latest version.
    """
    t = _busy_timeout() if timeout is None else timeout
    try:
        conn = sqlite3.connect(str(path), timeout=t, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {int(t * 1000)}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        db = sqlite_utils.Database(conn)
        db._insider_path = str(path)  # type: ignore[attr-defined]
        ensure_schema(db)
    except sqlite3.Error as e:
        raise StoreError(_explain(path, e, t)) from None
    return db


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create a new database or bring an older one forward, one version at a time."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"database schema version {version} is newer than this insider ({SCHEMA_VERSION})"
        )
    if version == SCHEMA_VERSION:
        return
    with _transaction(db):
        c = db.conn
        version = c.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version == 0 and schema.user_tables(c):
            raise StoreError(
                f"{_path(db)} is not an insider database (it has other tables and no "
                "insider schema version)"
            )
        rederive = False
        for v in range(version + 1, SCHEMA_VERSION + 1):
            statements, needs_rederive = schema.MIGRATIONS[v]
            for stmt in statements:
                c.execute(stmt)
            rederive = rederive or (needs_rederive and version > 0)
        schema.load_codes(c)
        schema.create_views(c)
        if rederive:
            _rederive_all(c)
        c.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _path(db: sqlite_utils.Database) -> str:
    return getattr(db, "_insider_path", "database")


class _transaction:
    """BEGIN IMMEDIATE ... COMMIT, ROLLBACK on error; SQLite errors become StoreError."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.conn = db.conn

    def __enter__(self) -> None:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            raise StoreError(_explain(_path(self.db), e)) from None

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as e:
                self.conn.execute("ROLLBACK")
                raise StoreError(_explain(_path(self.db), e)) from None
            return
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
        # Locked, busy, disk full, damaged file: the user's to act on. (An IntegrityError is
        # our bug and keeps its traceback.)
        if isinstance(exc, sqlite3.OperationalError) or type(exc) is sqlite3.DatabaseError:
            raise StoreError(_explain(_path(self.db), exc)) from None


def _num(d: Decimal | None) -> int | float | str | None:
    if d is None:
        return None
    if d == d.to_integral_value() and -(2**63) <= d < 2**63:
        return int(d)  # SQLite integers are 64-bit; a bigger one stays exact text
    f = float(d)
    # REAL only when it reads back as the same decimal; else keep the exact text.
    return f if Decimal(repr(f)) == d else str(d)


def _b(v: bool | None) -> int | None:
    return None if v is None else int(v)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class FilingMeta:
    """What EDGAR's filing list says about a filing (not in the XML itself)."""

    accession: str
    filing_date: str | None = None
    acceptance_datetime: str | None = None
    url: str | None = None


def known_accessions(db: sqlite_utils.Database, accessions: Iterable[str]) -> set[str]:
    wanted = list(accessions)
    found: set[str] = set()
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        marks = ",".join("?" * len(chunk))
        found.update(
            r[0]
            for r in db.execute(
                f"SELECT accession FROM filings WHERE accession IN ({marks})", chunk
            )
        )
    return found


# ---------------------------------------------------------------- writing

# Filing columns derived from the XML: rewritten by save and by reparse alike.
_PARSED_COLUMNS = (
    "form",
    "period_of_report",
    "date_of_original_submission",
    "issuer_cik",
    "schema_version",
    "no_securities_owned",
    "not_subject_to_section16",
    "form3_holdings_reported",
    "form4_transactions_reported",
    "aff10b5one",
    "remarks",
    "issuer_name",
    "issuer_ticker",
    "owner_count",
    "owner_ciks",
    "owner_names",
    "owner_roles",
    "parser_version",
)


def _owner_cik(acc: str, pos: int, cik: str | None) -> str:
    return cik or f"unknown:{acc}:{pos}"


def _parsed_values(filing: Filing, acc: str) -> tuple:
    iss = filing.issuer
    owners = filing.reporting_owners
    ciks = [_owner_cik(acc, p, o.cik) for p, o in enumerate(owners)]
    return (
        filing.document_type,
        filing.period_of_report,
        filing.date_of_original_submission,
        iss.cik,
        filing.schema_version,
        _b(filing.no_securities_owned),
        _b(filing.not_subject_to_section16),
        _b(filing.form3_holdings_reported),
        _b(filing.form4_transactions_reported),
        _b(filing.aff10b5one),
        filing.remarks,
        iss.name,
        iss.ticker,
        len(owners),
        "; ".join(ciks) or None,
        "; ".join(o.name or "" for o in owners) or None,
        "; ".join(o.roles for o in owners) or None,
        PARSER_VERSION,
    )


def save_filing(db: sqlite_utils.Database, filing: Filing, meta: FilingMeta, raw: bytes) -> None:
    """Store one filing and its raw XML in a single transaction (all or nothing)."""
    with _transaction(db):
        c = db.conn
        acc = meta.accession
        old_key = amend.key_of(c, acc)
        positions = _group_positions(c, acc, old_key)
        # Replacing a filing (retry) must not leave rows of the old version behind.
        c.execute("DELETE FROM filings WHERE accession = ?", (acc,))
        _upsert_parties(c, filing)
        cols = (
            "accession",
            "filing_date",
            "acceptance_datetime",
            "url",
            "raw_xml",
            "stored_at",
            *_PARSED_COLUMNS,
        )
        c.execute(
            f"INSERT INTO filings({','.join(cols)}) VALUES ({','.join('?' * len(cols))})",
            (
                acc,
                meta.filing_date,
                meta.acceptance_datetime,
                meta.url,
                zlib.compress(raw, 6),
                _now(),
                *_parsed_values(filing, acc),
            ),
        )
        _write_children(c, acc, filing)
        flags.refresh(c, [acc])
        _latest_names(c, [filing.issuer.cik] if filing.issuer.cik else [], _owner_ciks(c, acc))
        new_key = amend.key_of(c, acc)
        amend.relink(c, {old_key, new_key})
        refresh_latest(c, positions | _group_positions(c, acc, new_key))
        c.execute("DELETE FROM sync_failures WHERE accession = ?", (acc,))


def _upsert_parties(c: sqlite3.Connection, filing: Filing) -> None:
    iss = filing.issuer
    if iss.cik:
        c.execute(
            "INSERT INTO issuers(cik, name, ticker) VALUES (?, ?, ?) ON CONFLICT(cik) DO NOTHING",
            (iss.cik, iss.name, iss.ticker),
        )


def _write_children(c: sqlite3.Connection, acc: str, filing: Filing) -> None:
    for pos, o in enumerate(filing.reporting_owners):
        cik = _owner_cik(acc, pos, o.cik)
        c.execute(
            "INSERT INTO owners(cik, name) VALUES (?, ?) ON CONFLICT(cik) DO NOTHING",
            (cik, o.name),
        )
        c.execute(
            "INSERT OR REPLACE INTO filing_owners VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                acc,
                cik,
                pos,
                o.name,
                o.street1,
                o.street2,
                o.city,
                o.state,
                o.zip,
                _b(o.is_director),
                _b(o.is_officer),
                _b(o.is_ten_percent_owner),
                _b(o.is_other),
                o.officer_title,
                o.other_text,
                o.roles,
            ),
        )
    # Indirect lines of one filing that share table, title, D/I and nature ("Trust" eight
    # times) are told apart by their nature footnotes; elsewhere a footnote reworded between
    # filings must not split one position in two (the rule report.assign_lines follows).
    notes_of = [_nature_notes(filing, row) for row in filing.rows]
    seen: dict[tuple, set] = {}
    for row, notes in zip(filing.rows, notes_of, strict=True):
        seen.setdefault(_line_base(row), set()).add(notes)
    ambiguous = {base for base, texts in seen.items() if len(texts) > 1}
    row_params = []
    note_params = []
    for num, row in enumerate(filing.rows):
        vals = []
        for name in ROW_COLUMNS:
            v = getattr(row, name)
            if name in DECIMAL_FIELDS:
                v = _num(v)
            elif isinstance(v, bool):
                v = int(v)
            vals.append(v)
        nature_notes = notes_of[num]
        table = "II" if row.table == "derivative" else "I"
        key_notes = nature_notes if _line_base(row) in ambiguous else None
        position = _position_key(filing, acc, table, row, key_notes)
        row_params.append((acc, num, table, row.kind, nature_notes, position, *vals))
        for field_name, ids in row.footnotes.items():
            for p, fid in enumerate(dict.fromkeys(ids)):
                note_params.append((acc, num, field_name, fid, p))
    if row_params:
        marks = ",".join("?" * (6 + len(ROW_COLUMNS)))
        cols = ",".join(
            (
                "accession",
                "row_num",
                "form_table",
                "kind",
                "nature_footnotes",
                "position_key",
                *ROW_COLUMNS,
            )
        )
        c.executemany(f"INSERT INTO ownership_rows({cols}) VALUES ({marks})", row_params)
    c.executemany(
        "INSERT INTO footnotes(accession, footnote_id, text) VALUES (?,?,?)",
        [(acc, k, v) for k, v in filing.footnotes.items()],
    )
    c.executemany("INSERT OR IGNORE INTO field_footnotes VALUES (?,?,?,?,?)", note_params)
    c.executemany(
        "INSERT INTO signatures VALUES (?,?,?,?)",
        [(acc, p, s.name, s.date) for p, s in enumerate(filing.signatures)],
    )


def _nature_notes(filing: Filing, row) -> str | None:
    """Texts of the footnotes naming which indirect holding a row is: on natureOfOwnership,
    or on directOrIndirectOwnership / ownershipNature of an I row (filers use both)."""
    ids = list(row.footnotes.get("nature_of_ownership", ()))
    if (row.direct_or_indirect or "").upper() == "I":
        ids += row.footnotes.get("direct_or_indirect", ())
    return "\n".join(filing.footnotes.get(i, "") for i in dict.fromkeys(ids)) or None


def _line_base(row) -> tuple:
    return (
        row.table,
        title_key(row.security_title),
        (row.direct_or_indirect or "").upper(),
        title_key(row.nature_of_ownership),
        str(row.conversion_or_exercise_price),
        row.expiration_date or "",
    )


def _position_key(filing: Filing, acc: str, table: str, row, nature_notes: str | None) -> str:
    """One ownership line: same owners, issuer, table, security (Table II: with exercise
    price and expiry), direct/indirect and nature (with its footnotes). A short hash."""
    owners = "; ".join(_owner_cik(acc, p, o.cik) for p, o in enumerate(filing.reporting_owners))
    parts = (
        owners,
        filing.issuer.cik or "",
        table,
        title_key(row.security_title),
        (row.direct_or_indirect or "").upper(),
        title_key(row.nature_of_ownership),
        nature_notes or "",
        str(_num(row.conversion_or_exercise_price)),
        row.expiration_date or "",
    )
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:20]


def refresh_latest(c: sqlite3.Connection, keys: Iterable[str] | None) -> None:
    """Recompute ownership_rows.is_latest for these positions (None: for all)."""
    where_rank = (
        "r.superseded_by IS NULL AND "
        "(r.shares_owned_following IS NOT NULL OR r.value_owned_following IS NOT NULL)"
    )
    rank = (
        "SELECT rid FROM (SELECT r.rowid AS rid, row_number() OVER ("
        f"PARTITION BY r.position_key ORDER BY {schema.LATEST_ORDER}) AS n "
        "FROM ownership_rows r JOIN filings f ON f.accession = r.accession "
        "WHERE {where}) WHERE n = 1"
    )
    if keys is None:
        c.execute("UPDATE ownership_rows SET is_latest = NULL WHERE is_latest IS NOT NULL")
        c.execute(
            "UPDATE ownership_rows SET is_latest = 1 WHERE rowid IN ("
            + rank.format(where=where_rank)
            + ")"
        )
        return
    wanted = sorted({k for k in keys if k})
    for i in range(0, len(wanted), 400):
        chunk = wanted[i : i + 400]
        marks = ",".join("?" * len(chunk))
        c.execute(
            f"UPDATE ownership_rows SET is_latest = NULL WHERE position_key IN ({marks}) "
            "AND is_latest IS NOT NULL",
            chunk,
        )
        c.execute(
            "UPDATE ownership_rows SET is_latest = 1 WHERE rowid IN ("
            + rank.format(where=f"r.position_key IN ({marks}) AND {where_rank}")
            + ")",
            chunk,
        )


def _group_positions(c: sqlite3.Connection, acc: str, key: amend.Key | None) -> set[str]:
    """Position keys of this filing's rows, and of every filing of its group key when the
    key holds an amendment (only then can rows of other filings change status)."""
    found = {
        r[0]
        for r in c.execute(
            "SELECT DISTINCT position_key FROM ownership_rows WHERE accession = ?", (acc,)
        )
    }
    if amend.has_amendment(c, key):
        assert key is not None
        issuer, period, base = key
        found.update(
            r[0]
            for r in c.execute(
                "SELECT DISTINCT r.position_key FROM filings f JOIN ownership_rows r "
                "ON r.accession = f.accession WHERE f.issuer_cik = ? AND "
                "f.period_of_report = ? AND f.form IN (?, ?)",
                (issuer, period, base, base + "/A"),
            )
        )
    return found


def _owner_ciks(c: sqlite3.Connection, acc: str) -> list[str]:
    return [
        r[0] for r in c.execute("SELECT owner_cik FROM filing_owners WHERE accession = ?", (acc,))
    ]


# issuers/owners carry the name (and ticker) of their latest filing, whatever the order in
# which filings were stored: the rule is applied after every write and after a reparse.
_ISSUER_LATEST = """
UPDATE issuers SET
    name = coalesce((SELECT f.issuer_name FROM filings f WHERE f.issuer_cik = issuers.cik
        AND f.issuer_name IS NOT NULL ORDER BY f.filing_date DESC, f.accession DESC LIMIT 1),
        name),
    ticker = coalesce((SELECT f.issuer_ticker FROM filings f WHERE f.issuer_cik = issuers.cik
        AND f.issuer_ticker IS NOT NULL ORDER BY f.filing_date DESC, f.accession DESC LIMIT 1),
        ticker)
"""
_OWNER_LATEST = """
UPDATE owners SET name = coalesce((SELECT fo.name FROM filing_owners fo
    JOIN filings f ON f.accession = fo.accession
    WHERE fo.owner_cik = owners.cik AND fo.name IS NOT NULL
    ORDER BY f.filing_date DESC, f.accession DESC LIMIT 1), name)
"""


def _latest_names(
    c: sqlite3.Connection, issuer_ciks: list[str] | None, owner_ciks: list[str] | None
) -> None:
    """Apply the latest-name rule to these issuers/owners (None: to all)."""
    for sql, keys in ((_ISSUER_LATEST, issuer_ciks), (_OWNER_LATEST, owner_ciks)):
        if keys is None:
            c.execute(sql)
        elif keys:
            c.execute(sql + f" WHERE cik IN ({','.join('?' * len(keys))})", keys)


# ---------------------------------------------------------------- reparse


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
    with _transaction(db):
        return _rederive_all(db.conn, progress)


def _rederive_all(c: sqlite3.Connection, progress: Progress | None = None) -> ReparseResult:
    from .parse import ParseError, parse_ownership

    started = time.monotonic()
    result = ReparseResult()
    c.execute("PRAGMA defer_foreign_keys = ON")
    for table in ("field_footnotes", "ownership_rows", "footnotes", "signatures"):
        c.execute(f"DELETE FROM {table}")
    c.execute("DELETE FROM filing_owners")
    c.execute("DELETE FROM owners")
    c.execute("DELETE FROM issuers")
    c.execute("UPDATE filings SET amends_accession = NULL, superseded_by = NULL")
    accs = [r[0] for r in c.execute("SELECT accession FROM filings ORDER BY accession")]
    total = len(accs)
    if progress:
        progress(0, total)
    sets = ",".join(f"{col} = ?" for col in _PARSED_COLUMNS)
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
                (acc, reason, _now()),
            )
            # Its issuer row must outlive the rebuild (filings.issuer_cik references it).
            c.execute(
                "INSERT INTO issuers(cik) SELECT issuer_cik FROM filings WHERE accession = ? "
                "AND issuer_cik IS NOT NULL ON CONFLICT(cik) DO NOTHING",
                (acc,),
            )
        else:
            _upsert_parties(c, filing)
            c.execute(
                f"UPDATE filings SET {sets} WHERE accession = ?",
                (*_parsed_values(filing, acc), acc),
            )
            _write_children(c, acc, filing)
            flags.refresh(c, [acc])
            result.filings += 1
        if progress and (n % 200 == 0 or n == total):
            progress(n, total)
    _latest_names(c, None, None)
    amend.relink_all(c)
    refresh_latest(c, None)
    c.execute("INSERT INTO owners_fts(owners_fts) VALUES ('rebuild')")
    c.execute("INSERT INTO issuers_fts(issuers_fts) VALUES ('rebuild')")
    result.seconds = time.monotonic() - started
    return result


# ---------------------------------------------------------------- reading


def record_failure(
    db: sqlite_utils.Database, accession: str, issuer_cik: str | None, url: str | None, reason: str
) -> None:
    with _transaction(db):
        db.conn.execute(
            "INSERT INTO sync_failures(accession, issuer_cik, url, reason, failed_at) "
            "VALUES (?,?,?,?,?) ON CONFLICT(accession) DO UPDATE SET "
            "reason = excluded.reason, failed_at = excluded.failed_at, "
            "url = excluded.url, attempts = attempts + 1",
            (accession, issuer_cik, url, reason, _now()),
        )


def raw_xml(db: sqlite_utils.Database, accession: str) -> bytes | None:
    row = db.execute("SELECT raw_xml FROM filings WHERE accession = ?", (accession,)).fetchone()
    return zlib.decompress(row[0]) if row else None


def find_owner_ciks(db: sqlite_utils.Database, query: str, limit: int = 100) -> list[str]:
    """Owner CIKs whose name matches `query` (see fts_query), or the CIK itself when the
    query is digits. Uses the owners_fts index: milliseconds on a million owners."""
    q = query.strip()
    if q.isdigit():
        cik = f"{int(q):010d}"
        return [r[0] for r in db.execute("SELECT cik FROM owners WHERE cik = ?", (cik,))]
    match = fts_query(q)
    if match is None:
        return []
    return [
        r[0]
        for r in db.execute(
            "SELECT o.cik FROM owners_fts JOIN owners o ON o.rowid = owners_fts.rowid "
            "WHERE owners_fts MATCH ? ORDER BY o.name, o.cik LIMIT ?",
            (match, limit),
        )
    ]


def find_issuer_ciks(db: sqlite_utils.Database, query: str, limit: int = 100) -> list[str]:
    """Issuer CIKs for a CIK, an exact ticker, or words of the name (issuers_fts)."""
    q = query.strip()
    if q.isdigit():
        cik = f"{int(q):010d}"
        return [r[0] for r in db.execute("SELECT cik FROM issuers WHERE cik = ?", (cik,))]
    exact = [
        r[0] for r in db.execute("SELECT cik FROM issuers WHERE upper(ticker) = ?", (q.upper(),))
    ]
    if exact:
        return exact
    match = fts_query(q)
    if match is None:
        return []
    return [
        r[0]
        for r in db.execute(
            "SELECT i.cik FROM issuers_fts JOIN issuers i ON i.rowid = issuers_fts.rowid "
            "WHERE issuers_fts MATCH ? ORDER BY i.name, i.cik LIMIT ?",
            (match, limit),
        )
    ]


def failures(db: sqlite_utils.Database) -> list[dict]:
    """Filings that failed to fetch or parse and are not stored yet (oldest first)."""
    cur = db.execute(
        "SELECT accession, issuer_cik, url, reason, failed_at, attempts FROM sync_failures "
        "WHERE accession NOT IN (SELECT accession FROM filings) ORDER BY failed_at, accession"
    )
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def cached_ticker(db: sqlite_utils.Database, ticker: str) -> tuple[str, str] | None:
    """(cik, fetched_at) of a ticker in the company_tickers cache, or None."""
    row = db.execute(
        "SELECT cik, fetched_at FROM ticker_cache WHERE ticker = ?", (ticker,)
    ).fetchone()
    return (row[0], row[1]) if row else None


def has_filings(db: sqlite_utils.Database) -> bool:
    return db.execute("SELECT 1 FROM filings LIMIT 1").fetchone() is not None


def similar_tickers(db: sqlite_utils.Database, ticker: str, n: int = 3) -> list[str]:
    """Cached tickers spelled like `ticker` ("AAPLL" -> AAPL), for "did you mean"."""
    import difflib

    known = [r[0] for r in db.execute("SELECT ticker FROM ticker_cache")]
    return difflib.get_close_matches(ticker.upper(), known, n=n, cutoff=0.6)


def replace_ticker_cache(
    db: sqlite_utils.Database, rows: Iterable[tuple[str, str, str | None]]
) -> None:
    """Replace the whole cache with (ticker, cik, title) rows, stamped now."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with _transaction(db):
        db.conn.execute("DELETE FROM ticker_cache")
        db.conn.executemany(
            "INSERT OR REPLACE INTO ticker_cache(ticker, cik, title, fetched_at) VALUES (?,?,?,?)",
            [(t, c, title, now) for t, c, title in rows],
        )
