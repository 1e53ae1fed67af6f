"""Every SELECT the reports need, in one place.

The reports (report.py, company.py) and the look-ups (lookup.py) read only through these
functions and get plain tuples and dicts back; they hold no SQL. Conditions that are rules
come from their one home: current rows and live filings from schema.py (the views use the
same text), full-text queries from fts_query here. Functions take a sqlite3 connection or
a sqlite_utils Database alike (both have .execute).

Every query that starts from an owner or an issuer goes through an index
(filing_owners_owner, filings_issuer, the primary keys, owners_fts/issuers_fts).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from .amounts import dec
from .models import DECIMAL_FIELDS, ROW_FIELDS_D_TXN
from .schema import CURRENT_ROW, LIVE_FILING


def fts_query(text: str) -> str | None:
    """Words -> an FTS5 query where every word must start a word of the name, any order:
    'thomas herz' -> '"thomas"* AND "herz"*'. None when there is no word."""
    words = re.findall(r"\w+", text)
    return " AND ".join(f'"{w}"*' for w in words) or None


_CHUNK = 500  # parameters per IN (...) list, well under SQLite's limit


def _chunks(items: Sequence[str]) -> Iterator[tuple[list[str], str]]:
    for i in range(0, len(items), _CHUNK):
        chunk = list(items[i : i + _CHUNK])
        yield chunk, ",".join("?" * len(chunk))


# ---------------------------------------------------------------- owners and issuers


def owner_by_cik(db, cik: str) -> list[tuple[str, str | None]]:
    return db.execute("SELECT cik, name FROM owners WHERE cik = ?", (cik,)).fetchall()


def owners_by_words(db, words: str, limit: int | None = None) -> list[tuple[str, str | None]]:
    """(cik, name) of owners whose name has a word starting with each word (owners_fts)."""
    match = fts_query(words)
    if match is None:
        return []
    return db.execute(
        "SELECT o.cik, o.name FROM owners_fts JOIN owners o ON o.rowid = owners_fts.rowid "
        "WHERE owners_fts MATCH ? ORDER BY o.name, o.cik LIMIT ?",
        (match, -1 if limit is None else limit),
    ).fetchall()


def owners_by_substrings(db, words: list[str]) -> list[tuple[str, str | None]]:
    """(cik, name) of owners whose name contains every one of `words` (a LIKE scan)."""
    if not words:
        return []
    where = " AND ".join("name LIKE ? ESCAPE '\\'" for _ in words)
    return db.execute(
        f"SELECT cik, name FROM owners WHERE {where} ORDER BY name, cik",
        [
            "%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            for w in words
        ],
    ).fetchall()


def issuers_of_owners(db, ciks: Sequence[str]) -> dict[str, list[str]]:
    """For each owner CIK, the issuers it filed on (ticker, else CIK), sorted."""
    out: dict[str, list[str]] = defaultdict(list)
    for chunk, marks in _chunks(ciks):
        for cik, iss in db.execute(
            "SELECT DISTINCT fo.owner_cik, coalesce(i.ticker, f.issuer_cik) FROM filing_owners fo "
            "JOIN filings f ON f.accession = fo.accession "
            f"LEFT JOIN issuers i ON i.cik = f.issuer_cik WHERE fo.owner_cik IN ({marks}) "
            "ORDER BY 1, 2",
            chunk,
        ):
            out[cik].append(iss)
    return out


def issuer_by_cik(db, cik: str) -> list[tuple[str, str | None, str | None]]:
    return db.execute("SELECT cik, name, ticker FROM issuers WHERE cik = ?", (cik,)).fetchall()


def issuers_by_ticker(db, ticker: str) -> list[tuple[str, str | None, str | None]]:
    """(cik, name, ticker) of issuers whose latest ticker is `ticker` (any case)."""
    return db.execute(
        "SELECT cik, name, ticker FROM issuers WHERE upper(ticker) = ?", (ticker.upper(),)
    ).fetchall()


def issuers_by_words(db, words: str, limit: int | None = None) -> list[tuple[str, str | None]]:
    """(cik, name) of issuers whose name or ticker has a word starting with each word."""
    match = fts_query(words)
    if match is None:
        return []
    return db.execute(
        "SELECT i.cik, i.name FROM issuers_fts JOIN issuers i ON i.rowid = issuers_fts.rowid "
        "WHERE issuers_fts MATCH ? ORDER BY i.name, i.cik LIMIT ?",
        (match, -1 if limit is None else limit),
    ).fetchall()


# ---------------------------------------------------------------- rows

# Report rows: every field the parser reads into an ownership row (models.ROW_FIELDS_D_TXN,
# the columns store.py writes), the row's place and derived flags, the filing facts the
# reports use, and the row's footnotes (attached by `_rows`). Numbers come back as exact
# Decimals (the parser's DECIMAL_FIELDS).
_ROW_KEYS = ("accession", "row_num", "form_table", "kind")
_ROW_DERIVED = ("late", "plan_10b5_1", "nature_footnotes", "position_key")
_ROW_COLS = ", ".join(
    [f"r.{c}" for c in (*_ROW_KEYS, *ROW_FIELDS_D_TXN, *_ROW_DERIVED)]
    + [
        "f.owner_ciks, f.form, f.filing_date, f.period_of_report, f.issuer_cik",
        "i.name AS issuer_name, i.ticker AS issuer_ticker, f.aff10b5one, f.owner_roles",
        "(SELECT count(*) FROM filing_owners x WHERE x.accession = r.accession) AS n_owners",
        f"NOT ({CURRENT_ROW}) AS superseded, f.source",
    ]
)
_NUM_KEYS = tuple(c for c in ROW_FIELDS_D_TXN if c in DECIMAL_FIELDS)
_ROW_ORDER = (
    "coalesce(r.transaction_date, f.period_of_report), f.filing_date, r.accession, r.row_num"
)


def owner_rows(db, owner_cik: str, issuer_cik: str | None = None) -> list[dict[str, Any]]:
    """Every row of the owner's filings (of one issuer, if given), amended ones included
    with `superseded` true: the ownership line of a row is decided over its whole filing
    (lines.py). Ordered by issuer, date, filing date, accession, row."""
    sql = (
        f"SELECT {_ROW_COLS} FROM filing_owners fo "
        "JOIN filings f ON f.accession = fo.accession "
        "JOIN ownership_rows r ON r.accession = fo.accession "
        "LEFT JOIN issuers i ON i.cik = f.issuer_cik WHERE fo.owner_cik = ?"
    )
    params = [owner_cik]
    if issuer_cik is not None:
        sql += " AND f.issuer_cik = ?"
        params.append(issuer_cik)
    return _rows(db, sql + f" ORDER BY f.issuer_cik, {_ROW_ORDER}", params)


def issuer_rows(db, issuer_cik: str) -> list[dict[str, Any]]:
    """The current rows of an issuer's filings, by date, filing date, accession, row."""
    return _rows(
        db,
        f"SELECT {_ROW_COLS} FROM filings f JOIN ownership_rows r ON r.accession = f.accession "
        f"LEFT JOIN issuers i ON i.cik = f.issuer_cik WHERE f.issuer_cik = ? AND {CURRENT_ROW} "
        f"ORDER BY {_ROW_ORDER}",
        [issuer_cik],
    )


def filing_transactions(db, accession: str) -> list[dict[str, Any]]:
    """The transaction rows of one filing, in filed order (insider watch's alerts)."""
    return _rows(
        db,
        f"SELECT {_ROW_COLS} FROM filings f JOIN ownership_rows r ON r.accession = f.accession "
        "LEFT JOIN issuers i ON i.cik = f.issuer_cik "
        "WHERE f.accession = ? AND r.kind = 'transaction' ORDER BY r.row_num",
        [accession],
    )


def filing_owner_rows(db, accession: str) -> list[dict[str, Any]]:
    """The reporting owners of one filing with their relationship boxes, in filed order."""
    cur = db.execute(
        "SELECT owner_cik, name, roles, officer_title, is_director, is_officer, "
        "is_ten_percent_owner FROM filing_owners WHERE accession = ? ORDER BY position",
        (accession,),
    )
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, t, strict=True)) for t in cur.fetchall()]


def acceptance_time(db, accession: str) -> str | None:
    row = db.execute(
        "SELECT acceptance_datetime FROM filings WHERE accession = ?", (accession,)
    ).fetchone()
    return row[0] if row else None


def _rows(db, sql: str, params: list) -> list[dict[str, Any]]:
    cur = db.execute(sql, params)
    cols = [d[0] for d in cur.description]
    rows = []
    for t in cur.fetchall():
        r = dict(zip(cols, t, strict=True))
        for k in _NUM_KEYS:
            r[k] = dec(r[k])
        r["superseded"] = bool(r["superseded"])
        r["date"] = r["transaction_date"] or r["period_of_report"]
        rows.append(r)
    if rows:
        notes = field_notes(db, sorted({r["accession"] for r in rows}))
        for r in rows:
            r["footnotes"] = notes.get((r["accession"], r["row_num"]), {})
    return rows


def field_notes(db, accessions: Sequence[str]) -> dict[tuple[str, int], dict[str, list]]:
    """(accession, row_num) -> {field: [(footnote id, text or None)]}, in filed order."""
    out: dict = defaultdict(dict)
    for chunk, marks in _chunks(accessions):
        for acc, num, field, fid, text in db.execute(
            "SELECT ff.accession, ff.row_num, ff.field, ff.footnote_id, fn.text "
            "FROM field_footnotes ff LEFT JOIN footnotes fn ON fn.accession = ff.accession "
            f"AND fn.footnote_id = ff.footnote_id WHERE ff.accession IN ({marks}) "
            "ORDER BY ff.accession, ff.row_num, ff.field, ff.position",
            chunk,
        ):
            out[(acc, num)].setdefault(field, []).append((fid, text))
    return out


def co_owners(db, accessions: Sequence[str]) -> dict[str, list[dict[str, str]]]:
    """accession -> its reporting owners [{cik, name}] in filing order."""
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    for chunk, marks in _chunks(accessions):
        for acc, cik, name in db.execute(
            "SELECT accession, owner_cik, name FROM filing_owners "
            f"WHERE accession IN ({marks}) ORDER BY accession, position",
            chunk,
        ):
            out[acc].append({"cik": cik, "name": name})
    return out


# ---------------------------------------------------------------- filings


def owner_roles(db, owner_cik: str) -> list[tuple]:
    """(issuer_cik, ticker, name, roles, officer_title, first filing date, last filing
    date, filings) per issuer and role set of the owner's live filings."""
    return db.execute(
        "SELECT f.issuer_cik, i.ticker, i.name, fo.roles, fo.officer_title, "
        "min(f.filing_date), max(f.filing_date), count(*) FROM filing_owners fo "
        "JOIN filings f ON f.accession = fo.accession LEFT JOIN issuers i "
        f"ON i.cik = f.issuer_cik WHERE fo.owner_cik = ? AND {LIVE_FILING} "
        "GROUP BY f.issuer_cik, fo.roles, fo.officer_title "
        "ORDER BY f.issuer_cik, min(f.filing_date)",
        (owner_cik,),
    ).fetchall()


def owner_filings_without_rows(db, owner_cik: str) -> list[tuple]:
    """(accession, form, filing_date, period_of_report, issuer_cik, ticker,
    no_securities_owned) of the owner's current filings that report no row."""
    return db.execute(
        "SELECT f.accession, f.form, f.filing_date, f.period_of_report, f.issuer_cik, "
        "i.ticker, f.no_securities_owned FROM filing_owners fo "
        "JOIN filings f ON f.accession = fo.accession "
        "LEFT JOIN issuers i ON i.cik = f.issuer_cik "
        "WHERE fo.owner_cik = ? AND f.superseded_by IS NULL AND NOT EXISTS "
        "(SELECT 1 FROM ownership_rows r WHERE r.accession = f.accession) "
        "ORDER BY f.filing_date, f.accession",
        (owner_cik,),
    ).fetchall()


def issuer_filing_owners(db, issuer_cik: str) -> list[tuple]:
    """(owner_cik, name as filed, roles, filing_date, accession, latest owner name) of every
    owner of the issuer's live filings, by filing date and accession."""
    return db.execute(
        "SELECT fo.owner_cik, fo.name, fo.roles, f.filing_date, f.accession, "
        "(SELECT name FROM owners o WHERE o.cik = fo.owner_cik) FROM filings f "
        "JOIN filing_owners fo ON fo.accession = f.accession "
        f"WHERE f.issuer_cik = ? AND {LIVE_FILING} "
        "ORDER BY f.filing_date, f.accession",
        (issuer_cik,),
    ).fetchall()
