"""Dataclasses that cross module borders: what the parser returns and the store reads.

Frozen and slotted: a parsed filing is a value, not a mutable record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# Field order of each row kind in the `insider parse --json` contract.
ROW_FIELDS_ND_TXN: tuple[str, ...] = (
    "security_title",
    "transaction_date",
    "deemed_execution_date",
    "form_type",
    "code",
    "equity_swap_involved",
    "timeliness",
    "shares",
    "total_value",
    "price_per_share",
    "acquired_disposed",
    "shares_owned_following",
    "value_owned_following",
    "direct_or_indirect",
    "nature_of_ownership",
)
DERIVATIVE_EXTRA: tuple[str, ...] = (
    "conversion_or_exercise_price",
    "exercise_date",
    "expiration_date",
    "underlying_security_title",
    "underlying_shares",
    "underlying_value",
)
ROW_FIELDS_D_TXN: tuple[str, ...] = ROW_FIELDS_ND_TXN + DERIVATIVE_EXTRA
ROW_FIELDS_ND_HOLD: tuple[str, ...] = (
    "security_title",
    "form_type",
    "shares_owned_following",
    "value_owned_following",
    "direct_or_indirect",
    "nature_of_ownership",
)
ROW_FIELDS_D_HOLD: tuple[str, ...] = ROW_FIELDS_ND_HOLD + DERIVATIVE_EXTRA

DECIMAL_FIELDS = frozenset(
    {
        "shares",
        "total_value",
        "price_per_share",
        "shares_owned_following",
        "value_owned_following",
        "conversion_or_exercise_price",
        "underlying_shares",
        "underlying_value",
    }
)
DATE_FIELDS = frozenset(
    {"transaction_date", "deemed_execution_date", "exercise_date", "expiration_date"}
)
BOOL_FIELDS = frozenset({"equity_swap_involved"})


@dataclass(frozen=True, slots=True)
class Issuer:
    cik: str | None
    name: str | None
    ticker: str | None


@dataclass(frozen=True, slots=True)
class ReportingOwner:
    cik: str | None
    name: str | None
    street1: str | None = None
    street2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    is_director: bool | None = None
    is_officer: bool | None = None
    is_ten_percent_owner: bool | None = None
    is_other: bool | None = None
    officer_title: str | None = None
    other_text: str | None = None

    @property
    def roles(self) -> str:
        """Roles in words, e.g. 'Director; Officer (Executive Vice President - CFO)'."""
        parts = []
        if self.is_director:
            parts.append("Director")
        if self.is_officer:
            parts.append(f"Officer ({self.officer_title})" if self.officer_title else "Officer")
        if self.is_ten_percent_owner:
            parts.append("10% Owner")
        if self.is_other:
            parts.append(f"Other ({self.other_text})" if self.other_text else "Other")
        if not parts and self.officer_title:
            parts.append(self.officer_title)
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class Row:
    """One row of Table I or II: a transaction or a holding.

    `table` is "non_derivative" or "derivative"; `kind` is "transaction" or "holding".
    `footnotes` maps a field name to the footnote ids that annotate it, in document order.
    """

    table: str
    kind: str
    security_title: str | None = None
    transaction_date: str | None = None
    deemed_execution_date: str | None = None
    form_type: str | None = None
    code: str | None = None
    equity_swap_involved: bool | None = None
    timeliness: str | None = None
    shares: Decimal | None = None
    total_value: Decimal | None = None
    price_per_share: Decimal | None = None
    acquired_disposed: str | None = None
    shares_owned_following: Decimal | None = None
    value_owned_following: Decimal | None = None
    direct_or_indirect: str | None = None
    nature_of_ownership: str | None = None
    conversion_or_exercise_price: Decimal | None = None
    exercise_date: str | None = None
    expiration_date: str | None = None
    underlying_security_title: str | None = None
    underlying_shares: Decimal | None = None
    underlying_value: Decimal | None = None
    footnotes: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def field_names(self) -> tuple[str, ...]:
        if self.kind == "transaction":
            return ROW_FIELDS_D_TXN if self.table == "derivative" else ROW_FIELDS_ND_TXN
        return ROW_FIELDS_D_HOLD if self.table == "derivative" else ROW_FIELDS_ND_HOLD


@dataclass(frozen=True, slots=True)
class Signature:
    name: str | None
    date: str | None


@dataclass(frozen=True, slots=True)
class Filing:
    document_type: str | None
    schema_version: str | None
    period_of_report: str | None
    date_of_original_submission: str | None
    no_securities_owned: bool | None
    not_subject_to_section16: bool | None
    form3_holdings_reported: bool | None
    form4_transactions_reported: bool | None
    aff10b5one: bool | None
    remarks: str | None
    issuer: Issuer
    reporting_owners: tuple[ReportingOwner, ...]
    non_derivative_transactions: tuple[Row, ...]
    non_derivative_holdings: tuple[Row, ...]
    derivative_transactions: tuple[Row, ...]
    derivative_holdings: tuple[Row, ...]
    footnotes: dict[str, str]
    signatures: tuple[Signature, ...]
    # From the SGML header of a full .txt submission, when there is one; not in the XML.
    accession: str | None = None

    @property
    def rows(self) -> tuple[Row, ...]:
        return (
            self.non_derivative_transactions
            + self.non_derivative_holdings
            + self.derivative_transactions
            + self.derivative_holdings
        )


def row_to_dict(row: Row) -> dict[str, Any]:
    d: dict[str, Any] = {}
    for name in row.field_names:
        v = getattr(row, name)
        # Decimals as exact text as filed: a JSON float could not keep "54.00" or 0.1 exact.
        d[name] = str(v) if type(v) is Decimal else v
    d["footnotes"] = {k: list(v) for k, v in row.footnotes.items()}
    return d


def filing_to_dict(f: Filing) -> dict[str, Any]:
    """The `insider parse --json` contract: keys and order are a stable interface."""
    return {
        "document_type": f.document_type,
        "schema_version": f.schema_version,
        "period_of_report": f.period_of_report,
        "date_of_original_submission": f.date_of_original_submission,
        "no_securities_owned": f.no_securities_owned,
        "not_subject_to_section16": f.not_subject_to_section16,
        "form3_holdings_reported": f.form3_holdings_reported,
        "form4_transactions_reported": f.form4_transactions_reported,
        "aff10b5one": f.aff10b5one,
        "remarks": f.remarks,
        "issuer": {"cik": f.issuer.cik, "name": f.issuer.name, "ticker": f.issuer.ticker},
        "reporting_owners": [
            {
                "cik": o.cik,
                "name": o.name,
                "street1": o.street1,
                "street2": o.street2,
                "city": o.city,
                "state": o.state,
                "zip": o.zip,
                "is_director": o.is_director,
                "is_officer": o.is_officer,
                "is_ten_percent_owner": o.is_ten_percent_owner,
                "is_other": o.is_other,
                "officer_title": o.officer_title,
                "other_text": o.other_text,
            }
            for o in f.reporting_owners
        ],
        "non_derivative_transactions": [row_to_dict(r) for r in f.non_derivative_transactions],
        "non_derivative_holdings": [row_to_dict(r) for r in f.non_derivative_holdings],
        "derivative_transactions": [row_to_dict(r) for r in f.derivative_transactions],
        "derivative_holdings": [row_to_dict(r) for r in f.derivative_holdings],
        "footnotes": dict(f.footnotes),
        "signatures": [{"name": s.name, "date": s.date} for s in f.signatures],
    }
