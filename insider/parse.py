"""Ownership documents (Forms 3, 4, 5 and amendments) -> `Filing`.

Pure: bytes in, a frozen dataclass out; no I/O, no network, no database. One pass over the
tree, dispatching on tag names, so the cost stays close to lxml's own parse (see
benchmarks/parse.py). Elements are read by name, never by schema version: X0101 to X0609
differ in which elements exist, not in what a given name means.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from lxml import etree

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

# Real ownership documents are a few kB; full .txt submissions with exhibits a few MB.
MAX_BYTES = 25 * 1024 * 1024

DOCUMENT_TYPES = frozenset({"3", "3/A", "4", "4/A", "5", "5/A"})


class ParseError(ValueError):
    """Anything the parser cannot read. The message is one line and says why."""

    def __init__(self, reason: str, source: str | None = None) -> None:
        reason = " ".join(str(reason).split())
        self.reason = reason
        self.source = source
        super().__init__(f"{source}: {reason}" if source else reason)


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
_ACCESSION_RE = re.compile(rb"ACCESSION[ -]NUMBER:\s*(\d{10}-\d{2}-\d{6})")
_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")


def _parser() -> etree.XMLParser:
    # No DTD, no entities, no network: a filing is data, never instructions to fetch.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        remove_blank_text=True,
        collect_ids=False,
    )


def parse_ownership(data: bytes, source: str | None = None) -> Filing:
    """Parse raw `<ownershipDocument>` XML or a full EDGAR .txt submission.

    Raises `ParseError` (one line, with `source` if given) for anything unreadable.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ParseError(f"expected bytes, got {type(data).__name__}", source)
    data = bytes(data)
    if len(data) > MAX_BYTES:
        raise ParseError(
            f"document is {len(data) / 1048576:.1f} MB, over the {MAX_BYTES // 1048576} MB limit",
            source,
        )
    xml = _extract_xml(data, source)
    try:
        root = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as e:
        raise ParseError(f"malformed XML: {e}", source) from None
    except (ValueError, TypeError) as e:
        raise ParseError(f"unreadable XML: {e}", source) from None
    if root.tag.startswith("{"):
        _strip_namespaces(root)
    if root.tag != "ownershipDocument":
        raise ParseError(f"not an ownership document (root is <{root.tag}>)", source)
    accession = None
    if not data.startswith(b"<"):
        m = _ACCESSION_RE.search(data, 0, 4096)
        accession = m.group(1).decode() if m else None
    return _filing(root, accession, source)


def _extract_xml(data: bytes, source: str | None) -> bytes:
    start = data.find(b"<ownershipDocument")
    if start == -1:
        if data.lstrip()[:1] != b"<" and b"<XML>" not in data:
            raise ParseError("not XML (no markup found)", source)
        raise ParseError("not an ownership document (no <ownershipDocument> element)", source)
    end = data.rfind(b"</ownershipDocument>")
    if end == -1 or end < start:
        raise ParseError("truncated: no closing </ownershipDocument>", source)
    begin = start
    decl = data.rfind(b"<?xml", 0, start)
    # Keep the XML declaration (it may name a non-UTF-8 encoding) unless it belongs to
    # something before an SGML <XML> wrapper.
    if decl != -1 and data.find(b"<XML>", decl, start) == -1:
        begin = decl
    xml = data[begin : end + len(b"</ownershipDocument>")]
    for bad in _FORBIDDEN:
        if bad in xml:
            raise ParseError("DTDs and entity declarations are not allowed", source)
    return xml


def _strip_namespaces(root: etree._Element) -> None:
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.startswith("{"):
            el.tag = el.tag.split("}", 1)[1]


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


def _value_and_notes(el: etree._Element) -> tuple[str | None, list[str]]:
    """The text of a field element (wrapped in <value> or bare) and its footnote ids."""
    text = None
    notes: list[str] = []
    has_children = False
    for c in el:
        has_children = True
        tag = c.tag
        if tag == "value":
            text = c.text
        elif tag == "footnoteId":
            fid = c.get("id")
            if fid:
                notes.append(fid.strip())
    if not has_children:
        text = el.text
    return _clean(text), notes


def _decimal(text: str | None) -> Decimal | None:
    if text is None:
        return None
    t = text.replace(",", "").lstrip("$").strip()
    try:
        d = Decimal(t)
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def _date(text: str | None) -> str | None:
    if text is None:
        return None
    m = _DATE_RE.match(text)
    if m:
        return m.group(0)  # drops a timezone suffix such as "-05:00"
    m = _US_DATE_RE.match(text)
    if m:
        return f"{m.group(3)}-{int(m.group(1)):02d}-{int(m.group(2)):02d}"
    return text  # keep what was filed; reports flag what looks wrong


def _bool(text: str | None) -> bool | None:
    if text is None:
        return None
    t = text.strip().lower()
    if t in ("1", "true", "y", "yes"):
        return True
    if t in ("0", "false", "n", "no"):
        return False
    return None


def _convert(name: str, text: str | None) -> object:
    if name in DECIMAL_FIELDS:
        return _decimal(text)
    if name in DATE_FIELDS:
        return _date(text)
    if name in BOOL_FIELDS:
        return _bool(text)
    return text


def _row(el: etree._Element, table: str, kind: str) -> Row:
    values: dict[str, object] = {}
    notes: dict[str, list[str]] = {}

    def leaf(child: etree._Element, name: str) -> None:
        text, fns = _value_and_notes(child)
        if text is not None:
            values[name] = _convert(name, text)
        if fns:
            notes.setdefault(name, []).extend(fns)

    for child in el:
        tag = child.tag
        name = _LEAF.get(tag)
        if name is not None:
            leaf(child, name)
            continue
        main = _CONTAINER.get(tag)
        if main is None:
            continue
        for sub in child:
            stag = sub.tag
            if stag == "footnoteId":
                fid = sub.get("id")
                if fid:
                    notes.setdefault(main, []).append(fid.strip())
                continue
            sname = _LEAF.get(stag)
            if sname is not None:
                leaf(sub, sname)
    return Row(
        table=table,
        kind=kind,
        footnotes={k: tuple(v) for k, v in notes.items()},
        **values,  # type: ignore[arg-type]
    )


def _owner(el: etree._Element) -> ReportingOwner:
    values: dict[str, object] = {}
    for part in el:
        for c in part:
            name = _OWNER_FIELDS.get(c.tag)
            if name is None:
                continue
            text, _ = _value_and_notes(c)
            values[name] = _bool(text) if name in _OWNER_BOOLS else text
    return ReportingOwner(**values)  # type: ignore[arg-type]


def _filing(root: etree._Element, accession: str | None, source: str | None) -> Filing:
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
        elif tag in ("nonDerivativeTable", "derivativeTable"):
            for r in el:
                key = _ROW_TAGS.get(r.tag)
                if key is not None:
                    tables[key].append(_row(r, *key))
        elif tag == "issuer":
            vals = {c.tag: _value_and_notes(c)[0] for c in el}
            issuer = Issuer(
                vals.get("issuerCik"), vals.get("issuerName"), vals.get("issuerTradingSymbol")
            )
        elif tag == "footnotes":
            for fn in el:
                if fn.tag == "footnote":
                    fid = (fn.get("id") or "").strip()
                    if fid:
                        footnotes[fid] = _collapse("".join(fn.itertext())) or ""
        elif tag == "ownerSignature":
            vals = {c.tag: _value_and_notes(c)[0] for c in el}
            signatures.append(
                Signature(vals.get("signatureName"), _date(vals.get("signatureDate")))
            )
        elif tag == "remarks":
            top["remarks"] = _collapse("".join(el.itertext()))
        elif isinstance(tag, str):
            top[tag] = _value_and_notes(el)[0]

    doc_type = top.get("documentType")
    if doc_type is None:
        raise ParseError("not an ownership document (no documentType)", source)
    doc_type = doc_type.upper().replace(" ", "")
    if doc_type not in DOCUMENT_TYPES:
        raise ParseError(f"unknown documentType {doc_type!r}", source)

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
