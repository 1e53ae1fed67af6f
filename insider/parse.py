"""Ownership documents (Forms 3, 4, 5 and amendments) -> `Filing`.

Pure: bytes in, a frozen dataclass out; no I/O, no network, no database. One pass over the
tree, dispatching on tag names, so the cost stays close to lxml's own parse (see
benchmarks/parse.py). Elements are read by name, never by schema version: X0101 to X0609
differ in which elements exist, not in what a given name means.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import re
from decimal import Decimal, InvalidOperation

from lxml import etree

from .document import (  # noqa: F401  (public names of insider.parse)
    DOCUMENT_TYPES,
    MAX_BYTES,
    ParseError,
    check_size,
    ownership_xml,
    read_root,
)
from .models import (
    BOOL_FIELDS,
    DATE_FIELDS,
    DECIMAL_FIELDS,
    Filing,
    Issuer,
    ReportingOwner,
    Row,
    Signature,
)


def parse_ownership(data: bytes, source: str | None = None) -> Filing:
    """Parse raw `<ownershipDocument>` XML, a full EDGAR .txt submission or a filing in
    EDGAR's dissemination (`<SUBMISSION>`, .nc) form.

    Raises `ParseError` (one line, with `source` if given) for anything unreadable.
    """
    root, accession = read_root(data, source)
    # Nothing below recurses or indexes blindly: any other exception is a bug, and the
    # fuzz test (tests/test_parse_fuzz.py) is there to find it.
    return _filing(root, accession, source)


# Leaf elements of a table row -> field name.
_LEAF = {
    "securityTitle": "security_title",
    "transactionDate": "transaction_date",
    "deemedExecutionDate": "deemed_execution_date",
    "transactionFormType": "form_type",
    "transactionCode": "code",
    "equitySwapInvolved": "equity_swap_involved",
    "transactionTimeliness": "timeliness",
    "transactionShares": "shares",
    "transactionTotalValue": "total_value",
    "transactionPricePerShare": "price_per_share",
    "transactionAcquiredDisposedCode": "acquired_disposed",
    "sharesOwnedFollowingTransaction": "shares_owned_following",
    "valueOwnedFollowingTransaction": "value_owned_following",
    "directOrIndirectOwnership": "direct_or_indirect",
    "natureOfOwnership": "nature_of_ownership",
    "conversionOrExercisePrice": "conversion_or_exercise_price",
    "exerciseDate": "exercise_date",
    "expirationDate": "expiration_date",
    "underlyingSecurityTitle": "underlying_security_title",
    "underlyingSecurityShares": "underlying_shares",
    "underlyingSecurityValue": "underlying_value",
}
# A footnote placed directly on a container explains the container's main field.
_CONTAINER = {
    "transactionCoding": "code",
    "transactionAmounts": "shares",
    "postTransactionAmounts": "shares_owned_following",
    "ownershipNature": "direct_or_indirect",
    "underlyingSecurity": "underlying_security_title",
}
_ROW_TAGS = {
    "nonDerivativeTransaction": ("non_derivative", "transaction"),
    "nonDerivativeHolding": ("non_derivative", "holding"),
    "derivativeTransaction": ("derivative", "transaction"),
    "derivativeHolding": ("derivative", "holding"),
}
# Schema X0101 (2003) has one row element per table, `nonDerivativeSecurity` /
# `derivativeSecurity`, for trades and holdings alike (iangow/edgar issue #42). Such a row is
# a transaction when it carries anything only a transaction has, otherwise a holding.
_X0101_ROWS = {
    "nonDerivativeSecurity": "non_derivative",
    "derivativeSecurity": "derivative",
}
_TRANSACTION_ONLY = frozenset(
    {
        "transaction_date",
        "deemed_execution_date",
        "code",
        "shares",
        "total_value",
        "price_per_share",
        "acquired_disposed",
    }
)
_OWNER_FIELDS = {
    "rptOwnerCik": "cik",
    "rptOwnerName": "name",
    "rptOwnerStreet1": "street1",
    "rptOwnerStreet2": "street2",
    "rptOwnerCity": "city",
    "rptOwnerState": "state",
    "rptOwnerZipCode": "zip",
    "isDirector": "is_director",
    "isOfficer": "is_officer",
    "isTenPercentOwner": "is_ten_percent_owner",
    "isOther": "is_other",
    "officerTitle": "officer_title",
    "otherText": "other_text",
}
_OWNER_BOOLS = frozenset({"is_director", "is_officer", "is_ten_percent_owner", "is_other"})

_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_US_DATE_RE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})$")


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    return text or None


def _collapse(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(text.split())
    return text or None


def _simple(el: etree._Element) -> str | None:
    """Text of a header element: bare, or wrapped in <value> like table fields."""
    text = el.text
    if text is not None:
        text = text.strip()
        if text:
            return text  # the usual case: bare text and no children
    for c in el:
        if c.tag == "value":
            return _clean(c.text)
    return None


def _decimal(text: str) -> Decimal | None:
    try:
        d = Decimal(text)
    except InvalidOperation:
        # Rare: "1,000" or "$54.00" typed by a filer. Anything else is not a number.
        try:
            d = Decimal(text.replace(",", "").replace("$", "").strip())
        except InvalidOperation:
            return None
    return d if d.is_finite() else None


def _date(text: str | None) -> str | None:
    if text is None:
        return None
    m = _DATE_RE.match(text)
    if m:
        return m.group(0)  # drops a timezone suffix such as "-05:00"; 2007-02-30 stays as filed
    m = _US_DATE_RE.match(text)
    if m:
        try:
            return _dt.date(int(m.group(3)), int(m.group(1)), int(m.group(2))).isoformat()
        except ValueError:
            pass
    return text  # keep what was filed (13/45/2024, 2/30/2007); reports flag what looks wrong


_BOOL_WORDS = {
    "1": True, "true": True, "y": True, "yes": True,
    "0": False, "false": False, "n": False, "no": False,
}  # fmt: skip


def _bool(text: str | None) -> bool | None:
    if text is None:
        return None
    value = _BOOL_WORDS.get(text)  # the common case: "0", "1", "true", "false" as filed
    if value is None:
        value = _BOOL_WORDS.get(text.strip().lower())
    return value


# Field name -> converter from stripped text; fields not listed stay text.
_CONVERT = {
    **{name: _decimal for name in DECIMAL_FIELDS},
    **{name: _date for name in DATE_FIELDS},
    **{name: _bool for name in BOOL_FIELDS},
}
# Row's value fields in declaration order (after table and kind, before footnotes): the
# parser fills a list by position and calls Row positionally, the cheapest way to build it.
_ROW_FIELDS = tuple(f.name for f in dataclasses.fields(Row))
if _ROW_FIELDS[:2] != ("table", "kind"):  # a guard for whoever reorders models.Row
    raise ImportError("insider.models.Row must start with the fields table, kind")
_ROW_VALUE_FIELDS = _ROW_FIELDS[2 : _ROW_FIELDS.index("footnotes")]
_N_ROW_VALUES = len(_ROW_VALUE_FIELDS)
_SLOT = {name: i for i, name in enumerate(_ROW_VALUE_FIELDS)}
_LEAF_INDEX = {tag: _SLOT[name] for tag, name in _LEAF.items()}
_CONVERT_SLOTS = tuple((_SLOT[name], conv) for name, conv in _CONVERT.items())
_TRANSACTION_ONLY_SLOTS = tuple((_SLOT[name], name) for name in sorted(_TRANSACTION_ONLY))
# Where a footnoteId's parent element sends it: a field, or a container's main field.
_NOTE_TARGET = {**_LEAF, **_CONTAINER}


def _row(el: etree._Element, table: str, kind: str | None) -> Row:
    """One table row, read in a single flat walk over its descendants.

    Document order puts a field element right before its <value>, so `slot` remembers
    which field the next <value> fills; containers reset it. A <footnoteId> asks its
    parent (rare, so the extra lookup is cheap) which field it explains. No recursion,
    no per-element closures, values kept in a list in Row's field order so the Row is
    built with positional arguments: this loop is where the parser spends its time.
    """
    vals: list[object] = [None] * _N_ROW_VALUES
    # field -> footnote ids as the keys of a dict: ordered, and deduplicated in O(1) (a
    # list would make a document with 10**6 ids on one field take forever).
    notes: dict[str, dict[str, None]] = {}
    slot = -1
    index = _LEAF_INDEX
    it = el.iter()
    next(it)  # the row element itself
    for e in it:
        tag = e.tag
        if tag == "value":
            if slot >= 0:
                text = e.text
                if text is not None:
                    text = text.strip()
                    if text:
                        vals[slot] = text
            continue
        if tag == "footnoteId":
            # A footnoteId straight under the row element has no field to explain; the
            # schema never puts one there, so it is dropped rather than guessed at.
            parent = e.getparent()
            name = _NOTE_TARGET.get(parent.tag) if parent is not None else None
            fid = e.get("id")
            if name is not None and fid:
                fid = fid.strip()
                if fid:
                    ids = notes.get(name)
                    if ids is None:
                        notes[name] = {fid: None}
                    else:
                        ids[fid] = None
            continue
        slot = index.get(tag, -1)
        if slot >= 0:
            text = e.text  # a bare value, as some filers write it (no <value> wrapper)
            if text is not None:
                text = text.strip()
                if text:
                    vals[slot] = text
    for i, conv in _CONVERT_SLOTS:
        text = vals[i]
        if text is not None:
            vals[i] = conv(text)
    if kind is None:  # an X0101 row: decide from what it carries
        kind = "holding"
        for i, name in _TRANSACTION_ONLY_SLOTS:
            if vals[i] is not None or name in notes:
                kind = "transaction"
                break
    footnotes = {k: tuple(v) for k, v in notes.items()}
    return Row(table, kind, *vals, footnotes=footnotes)  # type: ignore[arg-type]


def _owner(el: etree._Element) -> ReportingOwner:
    values: dict[str, object] = {}
    fields = _OWNER_FIELDS
    for c in el.iter():
        name = fields.get(c.tag)
        if name is None:
            continue
        text = c.text  # owner fields are bare text; _simple copes with a <value> wrapper
        text = _simple(c) if text is None else (text.strip() or None)
        values[name] = _bool(text) if name in _OWNER_BOOLS else text
    return ReportingOwner(values.pop("cik", None), values.pop("name", None), **values)  # type: ignore[arg-type]


def _footnote_text(el: etree._Element) -> str:
    """Footnote text with whitespace collapsed; most footnotes are one plain text node."""
    text = el.text if not len(el) else "".join(el.itertext())
    if text is None:
        return ""
    # Collapsing costs a split and a join of the whole text; skip it when there is nothing
    # to collapse. XML text cannot hold other ASCII whitespace (\v, \f, \x1c-\x1f).
    if text.isascii() and "  " not in text and "\n" not in text and "\r" not in text:
        if "\t" not in text:
            return text.strip()
    return " ".join(text.split())


def _filing(root: etree._Element, accession: str | None, source: str | None) -> Filing:
    """The Filing of an <ownershipDocument>: one walk over its children, in document
    order (kept as one loop: the parser's speed on big documents depends on it)."""
    top: dict[str, str | None] = {}
    issuer = Issuer(None, None, None)
    owners: list[ReportingOwner] = []
    tables: dict[tuple[str, str], list[Row]] = {k: [] for k in _ROW_TAGS.values()}
    footnotes: dict[str, str] = {}
    signatures: list[Signature] = []

    for el in root:
        tag = el.tag
        if tag == "reportingOwner":
            owners.append(_owner(el))
        elif tag == "nonDerivativeTable" or tag == "derivativeTable":
            for r in el:
                key = _ROW_TAGS.get(r.tag)
                if key is not None:
                    tables[key].append(_row(r, *key))
                    continue
                table = _X0101_ROWS.get(r.tag)
                if table is not None:
                    row = _row(r, table, None)
                    tables[(table, row.kind)].append(row)
        elif tag == "issuer":
            vals = {c.tag: _simple(c) for c in el}
            issuer = Issuer(
                vals.get("issuerCik"), vals.get("issuerName"), vals.get("issuerTradingSymbol")
            )
        elif tag == "footnotes":
            for fn in el:
                if fn.tag == "footnote":
                    fid = (fn.get("id") or "").strip()
                    if fid:
                        footnotes[fid] = _footnote_text(fn)
        elif tag == "ownerSignature":
            vals = {c.tag: _simple(c) for c in el}
            signatures.append(
                Signature(vals.get("signatureName"), _date(vals.get("signatureDate")))
            )
        elif tag == "remarks":
            top["remarks"] = _collapse("".join(el.itertext()))
        elif isinstance(tag, str):
            top[tag] = _simple(el)

    doc_type = top.get("documentType")
    if doc_type is None:
        raise ParseError("not an ownership document (no documentType)", source)
    doc_type = doc_type.upper().replace(" ", "")
    if doc_type not in DOCUMENT_TYPES:
        raise ParseError(f"unknown documentType {doc_type[:20]!r}", source)

    return Filing(
        document_type=doc_type,
        schema_version=top.get("schemaVersion"),
        period_of_report=_date(top.get("periodOfReport")),
        date_of_original_submission=_date(top.get("dateOfOriginalSubmission")),
        no_securities_owned=_bool(top.get("noSecuritiesOwned")),
        not_subject_to_section16=_bool(top.get("notSubjectToSection16")),
        form3_holdings_reported=_bool(top.get("form3HoldingsReported")),
        form4_transactions_reported=_bool(top.get("form4TransactionsReported")),
        aff10b5one=_bool(top.get("aff10b5One")),
        remarks=top.get("remarks"),
        issuer=issuer,
        reporting_owners=tuple(owners),
        non_derivative_transactions=tuple(tables[("non_derivative", "transaction")]),
        non_derivative_holdings=tuple(tables[("non_derivative", "holding")]),
        derivative_transactions=tuple(tables[("derivative", "transaction")]),
        derivative_holdings=tuple(tables[("derivative", "holding")]),
        footnotes=footnotes,
        signatures=tuple(signatures),
        accession=accession,
    )
