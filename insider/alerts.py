"""`insider watch` alerts: a stored filing -> the transactions that match the filters, as
one terminal line or one JSON object each, and the `--exec` hand-off.

An alert is one transaction row (Table I or II; holdings are not trades) of a newly stored
filing. Its JSON has the keys of `insider show --json` rows (sections.public_row, one home)
plus `security_title`, `table`, `issuer {cik, name, ticker}`, `owner {cik, name, roles,
officer_title}` (the first reporting owner that matches the filters) and `owners[]` (all
of them, for joint filings). Filed text reaches the terminal only through
sanitize.terminal_line; JSON is ASCII (`\\u` escapes), so no control character can pass.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import roles as roles_mod
from .amounts import row_value
from .export import to_jsonable
from .queries import filing_owner_rows, filing_transactions
from .sanitize import terminal_line
from .sections import public_row


@dataclass(frozen=True)
class AlertFilter:
    codes: frozenset[str] = frozenset()  # empty: every code
    min_value: Decimal | None = None  # shares x price (else total value) at least this
    roles: frozenset[str] = frozenset()  # any of them (roles.ROLES)
    issuer: str | None = None  # ticker or CIK
    owner: str | None = None  # CIK or words of the name

    def issuer_ok(self, r: dict[str, Any]) -> bool:
        if not self.issuer:
            return True
        v = self.issuer.strip()
        if v.isdigit():
            return r["issuer_cik"] == f"{int(v):010d}"
        return (r["issuer_ticker"] or "").upper() == v.upper()

    def owner_ok(self, o: dict[str, Any]) -> bool:
        if self.roles and not any(
            roles_mod.has_role(
                role,
                is_director=o["is_director"],
                is_officer=o["is_officer"],
                is_ten_percent_owner=o["is_ten_percent_owner"],
                officer_title=o["officer_title"],
            )
            for role in self.roles
        ):
            return False
        if not self.owner:
            return True
        v = self.owner.strip()
        if v.isdigit():
            return o["owner_cik"] == f"{int(v):010d}"
        name = (o["name"] or "").lower()
        return all(w in name for w in v.lower().split())

    def row_ok(self, r: dict[str, Any]) -> bool:
        if self.codes and (r["code"] or "").upper() not in self.codes:
            return False
        if self.min_value is not None:
            value = row_value(r)
            if value is None or abs(value) < self.min_value:
                return False
        return self.issuer_ok(r)


def alerts_for(db: Any, accession: str, flt: AlertFilter) -> list[dict[str, Any]]:
    """The alerts of one stored filing, in row order."""
    owners = filing_owner_rows(db, accession)
    matching = [o for o in owners if flt.owner_ok(o)]
    if not matching:
        return []
    out = []
    for r in filing_transactions(db, accession):
        if not flt.row_ok(r):
            continue
        out.append(
            {
                **public_row(r),
                "security_title": r["security_title"],
                "table": r["form_table"],
                "issuer": {
                    "cik": r["issuer_cik"],
                    "name": r["issuer_name"],
                    "ticker": r["issuer_ticker"],
                },
                "owner": _owner(matching[0]),
                "owners": [_owner(o) for o in owners],
            }
        )
    return out


def _owner(o: dict[str, Any]) -> dict[str, Any]:
    return {
        "cik": o["owner_cik"],
        "name": o["name"],
        "roles": o["roles"],
        "officer_title": o["officer_title"],
    }


def to_json(alert: dict[str, Any]) -> str:
    """One line of ASCII JSON (decimal numbers as exact strings, like show --json)."""
    return json.dumps(to_jsonable(alert), ensure_ascii=True, separators=(",", ":"))


def to_line(alert: dict[str, Any], accepted: str | None = None) -> str:
    """`P  ACME (0001234567)  DOE JANE [Director, CEO]  A 1,000 Common Stock @ $54.00 = $54,000.00
    2020-03-17  0001234567-20-000001` — one line, escaped for the terminal."""
    from .cells import fmt_cents, fmt_money, fmt_num

    iss = alert["issuer"]
    own = alert["owner"]
    who = own["name"] or own["cik"]
    role = own["officer_title"] or own["roles"] or ""
    price = alert["price_per_share"]
    amount = f"{fmt_num(alert['shares'])} {alert['security_title'] or ''}".strip()
    if price is not None:
        amount += f" @ {fmt_money(price)}"
    if alert["value"] is not None:
        amount += f" = {fmt_cents(alert['value'])}"
    parts = [
        alert["code"] or "?",
        f"{iss['ticker'] or '-'} {iss['name'] or ''} ({iss['cik']})",
        f"{who} [{role}]" if role else who,
        f"{alert['acquired_disposed'] or ''} {amount}".strip(),
        alert["transaction_date"] or "",
        alert["accession"],
    ]
    if accepted:
        parts.insert(0, accepted)
    return terminal_line("  ".join(p for p in parts if p))


@dataclass
class ExecResult:
    ok: bool
    message: str = ""


@dataclass
class Runner:
    """Runs `--exec CMD` once per alert: the shell runs CMD (the user's own command line),
    the alert's JSON goes on stdin (never into the command line). A command that fails or
    outlives `timeout` seconds is reported by the caller and never stops the watch."""

    command: str
    timeout: float = 30.0
    label: str = "alert command"  # how failure lines name the command (the CLI: --exec)
    failures: list[str] = field(default_factory=list)

    def __call__(self, alert: dict[str, Any]) -> ExecResult:
        data = (to_json(alert) + "\n").encode()
        try:
            # Its own session: Ctrl-C meant for the watch does not hit it, and a timeout
            # kills the whole group (the shell and whatever it started).
            p = subprocess.Popen(
                self.command, shell=True, stdin=subprocess.PIPE, start_new_session=True
            )
        except OSError as e:
            return self._fail(alert, e.strerror or str(e))
        try:
            p.communicate(data, timeout=self.timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            return self._fail(alert, f"timed out after {self.timeout:g} s")
        if p.returncode != 0:
            return self._fail(alert, f"exited with status {p.returncode}")
        return ExecResult(True)

    def _fail(self, alert: dict[str, Any], why: str) -> ExecResult:
        msg = f"{self.label} {why} (alert for {alert['accession']}); the watch goes on"
        self.failures.append(msg)
        return ExecResult(False, msg)
