"""What `insider export` writes: one dataset per documented table or view, its columns
(those of insider/schemadoc.py, the source of docs/schema.md), its Hive partition and the
one SELECT that reads it (over the documented views and tables, nothing else).
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import schemadoc

# Left out of every dataset: the compressed raw document (no engine can read it; the SQLite
# file keeps it, `insider reparse` uses it).
SKIPPED_COLUMNS = {"filings": ("raw_xml",)}

# Partitioned by the year of this date (views: the date `insider show --since` filters on).
_VIEW_DATE = {
    "transactions": "transaction_date",
    "sales": "transaction_date",
    "purchases": "transaction_date",
    "option_exercises": "transaction_date",
    "filings_late": "transaction_date",
    "holdings_latest": "as_of_date",
}
# Tables partitioned by the filing date of the filing each row belongs to.
_FILING_CHILDREN = ("filing_owners", "ownership_rows", "footnotes", "field_footnotes", "signatures")
# Small tables written whole, unpartitioned.
_WHOLE = ("issuers", "owners", "transaction_codes")

DEFAULT = (
    "transactions",
    "holdings_latest",
    "filings",
    *_FILING_CHILDREN,
    *_WHOLE,
)
# Subsets of `transactions` (a filter on code or late): written only when named.
ON_REQUEST = ("sales", "purchases", "option_exercises", "filings_late")
ALL = DEFAULT + ON_REQUEST


@dataclass(frozen=True, slots=True)
class Dataset:
    name: str
    kind: str  # "view" or "table"
    columns: tuple[str, ...]
    date_column: str | None  # partition year and --since/--until; None: written whole
    date_sql: str | None  # the same as SQL over the FROM below
    from_sql: str

    @property
    def partitioned(self) -> bool:
        return self.date_sql is not None

    @property
    def computes_value(self) -> bool:
        """Views: `value` is recomputed exactly (the SQLite view rounds to 6 decimals)."""
        return self.kind == "view" and "value" in self.columns

    @property
    def value_inputs(self) -> tuple[str, str, str]:
        """SQL of shares, price and total value, read after the columns for `value`
        (holdings_latest has no total_value column: read from its row by primary key)."""
        total = (
            "t.total_value"
            if "total_value" in self.columns
            else "(SELECT r.total_value FROM ownership_rows r "
            "WHERE r.accession = t.accession AND r.row_num = t.row_num)"
        )
        return ("t.shares", "t.price_per_share", total)

    def select(self, since: str | None, until: str | None) -> tuple[str, list[str]]:
        """SELECT year, columns... with the date filter; the year is NULL when the date is
        missing or not a date (such rows go to the Hive default partition)."""
        cols = ", ".join(f't."{c}"' for c in self.columns)
        if self.computes_value:
            cols += ", " + ", ".join(self.value_inputs)
        if self.date_sql is None:
            return f"SELECT NULL, {cols} {self.from_sql}", []
        d = self.date_sql
        year = f"CASE WHEN {d} GLOB '[0-9][0-9][0-9][0-9]-*' THEN substr({d}, 1, 4) END"
        where, params = [], []
        if since:
            where.append(f"{d} >= ?")
            params.append(since)
        if until:
            where.append(f"{d} <= ?")
            params.append(until)
        sql = f"SELECT {year}, {cols} {self.from_sql}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return sql, params


def dataset(name: str) -> Dataset:
    obj = schemadoc.OBJECTS[name]
    skip = SKIPPED_COLUMNS.get(name, ())
    cols = tuple(c for c in obj["columns"] if c not in skip)
    if name in _VIEW_DATE:
        col = _VIEW_DATE[name]
        return Dataset(name, "view", cols, col, f"t.{col}", f"FROM {name} t")
    if name == "filings":
        return Dataset(name, "table", cols, "filing_date", "t.filing_date", "FROM filings t")
    if name in _FILING_CHILDREN:
        return Dataset(
            name,
            "table",
            cols,
            "filing_date",
            "f.filing_date",
            f"FROM {name} t JOIN filings f ON f.accession = t.accession",
        )
    if name in _WHOLE:
        return Dataset(name, "table", cols, None, None, f"FROM {name} t")
    raise KeyError(name)


def parse_names(text: str | None) -> tuple[str, ...]:
    """'a,b' -> dataset names (None or empty: DEFAULT); ValueError names the unknown."""
    if not text or not text.strip(","):
        return DEFAULT
    names = tuple(dict.fromkeys(n.strip().lower() for n in text.split(",") if n.strip()))
    unknown = [n for n in names if n not in ALL]
    if unknown:
        raise ValueError(
            f"{','.join(unknown)}: not an exportable table or view (known: {','.join(ALL)})"
        )
    return names
