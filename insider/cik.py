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
