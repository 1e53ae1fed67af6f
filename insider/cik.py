"""CIKs as people type them: the one parser every command uses (sync targets, --owner,
show, company, --issuer, the name look-ups)."""

from __future__ import annotations

import re

_CIK = re.compile(r"^(?:CIK)?\s*(\d{1,10})$", re.I)


def parse_cik(value: str | int | None) -> str | None:
    """'320193', '0000320193', 'CIK0000320193', 'cik320193', 320193 -> '0000320193'.

    None when `value` is not a CIK: not 1-10 digits after an optional `CIK` prefix, or zero
    (EDGAR has no CIK 0)."""
    if value is None:
        return None
    m = _CIK.match(str(value).strip())
    if m is None or int(m.group(1)) == 0:
        return None
    return f"{int(m.group(1)):010d}"


def looks_like_cik(value: str) -> bool:
    """True for text that is meant as a CIK (digits, maybe a `CIK` prefix), even a bad one
    such as '0' or 11 digits: such input is never looked up as a name or ticker."""
    v = value.strip().upper().removeprefix("CIK").strip()
    return v.isdigit()


# Whitespace str.strip() removes from ASCII text (the SQL form below strips the same).
_SQL_SPACE = "' ' || char(9, 10, 11, 12, 13)"


def sql_cik_number(column: str) -> str:
    """`parse_cik` as a SQL expression over a column or parameter, for the views that build
    addresses in SQL: the CIK as an INTEGER, NULL when it is not one. Same rule: surrounding
    whitespace, an optional `CIK` prefix (any case) and whitespace after it, then 1-10
    digits, not zero. (Python's rule also takes non-ASCII digits, which no EDGAR CIK has;
    the SQL one takes ASCII only.) tests/test_screens.py checks the two agree."""
    text = f"trim({column}, {_SQL_SPACE})"
    digits = (
        f"CASE WHEN upper(substr(t, 1, 3)) = 'CIK' THEN ltrim(substr(t, 4), {_SQL_SPACE}) "
        "ELSE t END"
    )
    return (
        "(SELECT CASE WHEN d GLOB '[0-9]*' AND NOT d GLOB '*[^0-9]*' AND length(d) <= 10 "
        f"AND CAST(d AS INTEGER) > 0 THEN CAST(d AS INTEGER) END "
        f"FROM (SELECT {digits} AS d FROM (SELECT CAST({text} AS TEXT) AS t)))"
    )
