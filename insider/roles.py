"""Which role a reporting owner holds, read from the roles text as stored: the one rule behind
`--role` (screen, show, company, watch) and the screen views.

The text is `filings.owner_roles` / `filing_owners.roles` as the store writes it:
`Director; Officer (President & CEO); 10% Owner; Other (text)`, joint filings joined by '; '.

- `director`, `officer`, `ten-percent`, `other`: the boxes ticked on the form (the parts the
  store writes), never a word inside a title ("Director of Sales" is an officer's title).
- `ceo`, `cfo`, `coo`, `president`, `chair`: the titles as filed, written many ways
  ("Chief Executive Officer", "CEO", "Pres. & CEO", "Co-CEO", "Principal Executive
  Officer"). A title counts when it names the role as a whole word and no mention of it is
  qualified: a word before it (Deputy, Assistant, Former, Ex-, Vice, "to the"), after it
  (-Elect, Emeritus, 's, Office, Staff), or the title is someone's assistant, adviser or
  chief of staff. So "Assistant to the CEO", "Chief Executive Officer's assistant", "Deputy
  CFO", "Former CEO", "Vice President" and "Vice Chairman" do not count. Known limit: one
  plain and one qualified mention of the same role ("Senior Vice President and President,
  Retail") counts as not holding it.

The rule is written once, as SQL (word search in the upper-cased text), because the views
need it; Python callers evaluate the same expression in an in-memory SQLite.
"""

from __future__ import annotations

import sqlite3
from functools import lru_cache

# Characters that separate words in a title ("Pres./CEO", "EVP-CFO", "CEO's"): each becomes
# a space before matching, so " CEO " matches the whole word only.
_SEPARATORS = ",;&/()-.'"

# Role -> the ways filers write it (words separated by one non-alphanumeric character).
TITLE_ROLES: dict[str, tuple[str, ...]] = {
    "ceo": (
        "CEO",
        "CHIEF EXECUTIVE OFFICER",
        "CHIEF EXECUTIVE",
        "CHIEF EXEC OFFICER",
        "CHIEF EXEC",
        "PRINCIPAL EXECUTIVE OFFICER",
        "C E O",  # C.E.O.
    ),
    "cfo": (
        "CFO",
        "CHIEF FINANCIAL OFFICER",
        "CHIEF FINANCIAL",
        "CHIEF FINANCE OFFICER",
        "CHIEF FIN OFFICER",
        "PRINCIPAL FINANCIAL OFFICER",
        "C F O",
    ),
    "coo": ("COO", "CHIEF OPERATING OFFICER", "CHIEF OPERATING", "CHIEF OPERATIONS OFFICER"),
    "president": ("PRESIDENT", "PRES"),
    "chair": ("CHAIRMAN", "CHAIRWOMAN", "CHAIRPERSON", "CHAIR"),
}
# A title can name the role only if its upper-cased text holds one of these (a cheap test
# before the word-by-word one).
_GATES: dict[str, tuple[str, ...]] = {
    "ceo": ("CEO", "EXEC", "C.E.O"),
    "cfo": ("CFO", "FIN", "C.F.O"),
    "coo": ("COO", "OPERAT"),
    "president": ("PRES",),
    "chair": ("CHAIR",),
}
# A mention right after one of these words is someone else's role, a past one or a lesser one.
_BEFORE = "DEPUTY ASSISTANT ASST ASSOC ASSOCIATE FORMER FMR EX RETIRED VICE TO THE".split()
# ... or right before one of these.
_AFTER = ("ELECT", "EMERITUS", "OFFICE", "STAFF", "S")  # S: the possessive ("CEO's")
# Anywhere in the text: the owner assists or advises the officer named.
_VETO = ("ASSISTANT TO", "ADVISOR TO", "ADVISER TO", "CHIEF OF STAFF")

# Boxes ticked on the form: the exact parts the store writes (models.ReportingOwner.roles).
BOX_ROLES: dict[str, tuple[str, ...]] = {
    "director": ("; Director;",),
    "officer": ("; Officer;", "; Officer ("),
    "ten-percent": ("; 10% Owner;",),
    "other": ("; Other;", "; Other ("),
}

ROLES: tuple[str, ...] = (*TITLE_ROLES, *BOX_ROLES)
CEO_CFO: tuple[str, ...] = ("ceo", "cfo")  # the ceo-cfo-purchases screen
ALIASES = {
    "10%": "ten-percent",
    "10-percent": "ten-percent",
    "tenpercent": "ten-percent",
    "ten-percent-owner": "ten-percent",
}


class RoleError(ValueError):
    """An unknown role name given by the user (one line)."""


def _normalised(column: str) -> str:
    t = f"upper(coalesce({column}, ''))"
    for ch in _SEPARATORS:
        lit = ch.replace("'", "''")
        t = f"replace({t}, '{lit}', ' ')"
    for _ in range(3):  # runs of up to 8 spaces become one
        t = f"replace({t}, '  ', ' ')"
    return f"' ' || {t} || ' '"


def _has(phrase: str) -> str:
    return f"instr(t, ' {phrase} ') > 0"


def sql_condition(role: str, column: str) -> str:
    """A SQL boolean expression: the roles text in `column` holds `role` (1/0; NULL text: 0).

    Title roles: the text is normalised once (a correlated one-row subquery) and searched
    with instr, which keeps the check near a microsecond per row."""
    if role in BOX_ROLES:
        padded = f"('; ' || coalesce({column}, '') || ';')"
        return "(" + " OR ".join(f"instr({padded}, '{p}') > 0" for p in BOX_ROLES[role]) + ")"
    if role not in TITLE_ROLES:
        raise RoleError(f"unknown role {role!r}")
    good = []
    bad = [_has(v) for v in _VETO]
    for m in TITLE_ROLES[role]:
        good.append(_has(m))
        bad += [_has(f"{b} {m}") for b in _BEFORE]
        bad += [_has(f"{m} {a}") for a in _AFTER]
    test = f"({' OR '.join(good)}) AND NOT ({' OR '.join(bad)})"
    # Normalising costs ~10 us a row: first a cheap look for the telling word of each way
    # of writing the role (EXEC, FIN, ...), which most titles do not contain.
    gate = " OR ".join(f"instr(upper({column}), '{w}') > 0" for w in _gate_words(role))
    full = f"(SELECT {test} FROM (SELECT {_normalised(column)} AS t))"
    return f"(CASE WHEN {gate} THEN {full} ELSE 0 END)"


def _gate_words(role: str) -> tuple[str, ...]:
    return _GATES[role]


def sql_any(roles: tuple[str, ...] | list[str], column: str) -> str:
    """The text holds at least one of `roles`."""
    return "(" + " OR ".join(sql_condition(r, column) for r in roles) + ")"


def parse_role_option(text: str | None) -> tuple[str, ...] | None:
    """`--role ceo,cfo` -> ('ceo', 'cfo'); None when not given; unknown names are an error."""
    if text is None:
        return None
    out = []
    for part in text.split(","):
        name = part.strip().lower().replace("_", "-")
        if not name:
            continue
        name = ALIASES.get(name, name)
        if name not in ROLES:
            raise RoleError(f"unknown role {part.strip()!r}: choose from {', '.join(ROLES)}")
        if name not in out:
            out.append(name)
    if not out:
        raise RoleError(f"no role in {text!r}: choose from {', '.join(ROLES)}")
    return tuple(out)


@lru_cache(maxsize=1)
def _memory() -> sqlite3.Connection:
    return sqlite3.connect(":memory:", check_same_thread=False)


@lru_cache(maxsize=65536)
def text_has_role(roles_text: str | None, role: str) -> bool:
    """Whether a roles text (as stored) holds `role`, by the same SQL the views use."""
    sql = f"SELECT {sql_condition(role, ':t')}"
    return bool(_memory().execute(sql, {"t": roles_text}).fetchone()[0])


def has_any_role(roles_text: str | None, roles: tuple[str, ...] | None) -> bool:
    """True when `roles` is None (no filter) or the text holds one of them."""
    return roles is None or any(text_has_role(roles_text, r) for r in roles)


# ---------------------------------------------------------------- one owner's boxes and title
# For callers holding one reporting owner's fields (the watch's alerts) rather than the
# stored roles text: the same rule, applied to the text the store would write for them.


def _owner_text(is_director, is_officer, is_ten_percent_owner, is_other, officer_title,
                other_text) -> str:  # fmt: skip
    from .models import ReportingOwner

    return ReportingOwner(
        None,
        None,
        is_director=bool(is_director),
        is_officer=bool(is_officer),
        is_ten_percent_owner=bool(is_ten_percent_owner),
        is_other=bool(is_other),
        officer_title=officer_title,
        other_text=other_text,
    ).roles


def has_role(
    role: str,
    *,
    is_director: object = None,
    is_officer: object = None,
    is_ten_percent_owner: object = None,
    is_other: object = None,
    officer_title: str | None = None,
    other_text: str | None = None,
) -> bool:
    """Whether one reporting owner of one filing holds `role` (see ROLES)."""
    if role not in ROLES:
        raise RoleError(f"unknown role {role!r}")
    text = _owner_text(
        is_director, is_officer, is_ten_percent_owner, is_other, officer_title, other_text
    )
    if officer_title and not is_officer and role in TITLE_ROLES:
        text = f"Officer ({officer_title})"  # a title filed without the officer box
    return text_has_role(text, role)


def is_ceo(title: str | None) -> bool:
    return bool(title) and text_has_role(f"Officer ({title})", "ceo")


def is_cfo(title: str | None) -> bool:
    return bool(title) and text_has_role(f"Officer ({title})", "cfo")


def parse_roles(text: str | None) -> frozenset[str]:
    """`ceo,director` -> the roles (empty when none given); RoleError (a ValueError) names
    an unknown one."""
    return frozenset(parse_role_option(text) or ()) if text and text.strip(" ,") else frozenset()
