"""Who an insider is at an issuer, as filers write it: one home for role matching (the
watch's `--role`, screens). The relationship boxes (director, officer, 10% owner) are
filed as booleans; CEO and CFO exist only as free text in `officerTitle`
("Chairman & CEO", "Pres. & Chief Exec. Officer", "EVP, CFO & Treasurer",
"Principal Financial Officer"), so they are matched on words, never on substrings
("Chief Executive Officer" must not look like a CFO, "DIRECTOR OF FINANCE" is no CFO).
"""

from __future__ import annotations

import re

ROLES = ("director", "officer", "ceo", "cfo", "ten-percent")

_CEO = re.compile(
    r"\b(co-?)?c\.?\s?e\.?\s?o\b|\bchief\s+exec\w*(\s+off\w*)?|\bprincipal\s+exec\w*\s+off\w*",
    re.I,
)
_CFO = re.compile(
    r"\bc\.?\s?f\.?\s?o\b|\bchief\s+fin\w*(\s+off\w*)?|\bprincipal\s+fin\w*\s+off\w*",
    re.I,
)


def is_ceo(title: str | None) -> bool:
    return bool(title and _CEO.search(title))


def is_cfo(title: str | None) -> bool:
    return bool(title and _CFO.search(title))


def parse_roles(text: str | None) -> frozenset[str]:
    """`ceo,director` -> the roles; ValueError names an unknown one."""
    if not text:
        return frozenset()
    out = set()
    for part in text.split(","):
        p = part.strip().lower().replace("_", "-")
        if p in ("10%", "ten-percent-owner", "tenpercent", "10-percent"):
            p = "ten-percent"
        if p not in ROLES:
            raise ValueError(f"unknown role {part.strip()!r}: choose from {', '.join(ROLES)}")
        out.add(p)
    return frozenset(out)


def has_role(
    role: str,
    *,
    is_director: object = None,
    is_officer: object = None,
    is_ten_percent_owner: object = None,
    officer_title: str | None = None,
) -> bool:
    """Whether one reporting owner of one filing holds `role` (see ROLES)."""
    if role == "director":
        return bool(is_director)
    if role == "officer":
        return bool(is_officer)
    if role == "ten-percent":
        return bool(is_ten_percent_owner)
    if role == "ceo":
        return is_ceo(officer_title)
    if role == "cfo":
        return is_cfo(officer_title)
    raise ValueError(f"unknown role {role!r}")
