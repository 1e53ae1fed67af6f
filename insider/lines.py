"""The ownership line: which holding a row of Table I or II reports, and its position key.

One definition for the store (ownership_rows.position_key, hence holdings_latest) and the
reports (positions, timeline, chain check):

- a line is the issuer, the table, the security title (Table II: with exercise price and
  expiry, so two grants of one option title are two lines), direct or indirect, and the
  nature of indirect ownership. Titles and natures compare without case or spacing
  ("By 401(k) plan" and "by 401(K)  Plan" are one line);
- a position is a line of one set of reporting owners (the owners of the filing, in
  order): the store's position_key. Positions are tracked within a *scope*: one owner set
  at one issuer;
- when one filing holds several lines that agree on all that but differ in the footnotes
  on the nature ("Trust" eight times, each trust named in its footnote), the footnote
  texts tell them apart, in every filing of the scope. Otherwise a footnote reworded
  between filings does not split one line in two.

The result depends only on the set of rows in a scope, never on the order filings
arrived in: the store recomputes a scope's keys after each write (positions.refresh_positions).
"""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from collections.abc import Hashable, Sequence
from decimal import Decimal

from .amounts import to_sql

Line = tuple[str, ...]


@functools.lru_cache(maxsize=8192)  # a few hundred titles and natures cover most rows
def text_key(text: str | None) -> str:
    """How titles and natures compare: "Class A common  stock" and "Class A Common Stock"
    are one."""
    return " ".join((text or "").split()).casefold()


def base(
    table: str,
    security_title: str | None,
    direct_or_indirect: str | None,
    nature_of_ownership: str | None,
    exercise_price: Decimal | None,
    expiration_date: str | None,
) -> Line:
    """A row's line before the nature footnotes are considered. `table` is "I" or "II"."""
    return (
        table,
        text_key(security_title),
        (direct_or_indirect or "").upper(),
        text_key(nature_of_ownership),
        str(to_sql(exercise_price)),
        expiration_date or "",
    )


def nature_note_fields(direct_or_indirect: str | None) -> tuple[str, ...]:
    """The fields whose footnotes say which indirect holding a row is: natureOfOwnership,
    and on an I row directOrIndirectOwnership too (filers use both)."""
    if (direct_or_indirect or "").upper() == "I":
        return ("nature_of_ownership", "direct_or_indirect")
    return ("nature_of_ownership",)


def notes_text(texts: Sequence[str | None]) -> str | None:
    """The nature footnote texts of a row, as stored in ownership_rows.nature_footnotes."""
    return "\n".join(t or "" for t in texts) or None


def assign(rows: Sequence[tuple[Hashable, str, Line, str | None]]) -> list[Line]:
    """The line of each row from (scope, accession, base, nature footnote texts).

    A scope is the set of rows positions are tracked in: one set of owners at one issuer
    (the store's position key). Within a scope, a base that some one filing reports with
    different footnote texts is told apart by those texts in every filing of the scope;
    any other base ignores them."""
    texts: dict[tuple, set[str]] = defaultdict(set)
    for scope, accession, b, notes in rows:
        texts[(scope, accession, b)].add(notes or "")
    ambiguous = {(scope, b) for (scope, _, b), seen in texts.items() if len(seen) > 1}
    return [
        (*b[:4], (notes or "") if (scope, b) in ambiguous else "", *b[4:])
        for scope, _, b, notes in rows
    ]


def position_key(owner_ciks: str, issuer_cik: str | None, line: Line) -> str:
    """The stored position key: a short hash of the owners ('; '-joined CIKs), the issuer
    and the line."""
    parts = (owner_ciks, issuer_cik or "", *line)
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:20]
