"""The document around an ownership filing's XML, read safely: the size cap, EDGAR's full
.txt and dissemination (.nc) envelopes, and an lxml parser that fetches nothing, expands no
entity and refuses DTDs. Pure like the parser (bytes in, an element tree out)."""

from __future__ import annotations

import threading

from lxml import etree

from . import submission

# Real ownership documents are a few kB; full .txt submissions with exhibits a few MB.
MAX_BYTES = 25 * 1024 * 1024

_MAX_REASON = 300

DOCUMENT_TYPES = frozenset({"3", "3/A", "4", "4/A", "5", "5/A"})


class ParseError(ValueError):
    """Anything the parser cannot read. The message is one line and says why."""

    def __init__(self, reason: str, source: str | None = None) -> None:
        reason = " ".join(str(reason).split())
        # lxml quotes tag and entity names from the document: keep a hostile one short.
        if len(reason) > _MAX_REASON:
            reason = reason[: _MAX_REASON - 3] + "..."
        self.reason = reason
        self.source = source
        where = " ".join(str(source).split()) if source else None  # even "a\nb.xml"
        super().__init__(f"{where}: {reason}" if where else reason)


_ROOT_OPEN = b"<ownershipDocument"
_ROOT_CLOSE = b"</ownershipDocument>"
# How a full EDGAR .txt submission may begin once a PEM header is out of the way.
# `<SUBMISSION` is EDGAR's dissemination (.nc) form (submission.py reads its header).
_SGML_TAGS = (
    b"<SEC-DOCUMENT",
    b"<DOCUMENT",
    b"<SEC-HEADER",
    b"<IMS-DOCUMENT",
    b"<XML>",
    b"<SUBMISSION",
)

# One parser per thread: building an XMLParser costs about as much as parsing a small
# filing, and lxml parsers must not be shared between threads. Its configuration never
# changes, so this is the only state the module keeps.
_local = threading.local()


def _parser() -> etree.XMLParser:
    parser = getattr(_local, "parser", None)
    if parser is None:
        # No DTD, no entities, no network: a filing is data, never instructions to fetch.
        # huge_tree=False keeps libxml2's limits on depth and text node size.
        parser = etree.XMLParser(
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
        _local.parser = parser
    return parser


def check_size(size: int, source: str | None = None) -> None:
    """Raise ParseError for a document over MAX_BYTES (callers can check before reading)."""
    if size > MAX_BYTES:
        raise ParseError(
            f"document is {size / 1048576:.1f} MB, over the {MAX_BYTES // 1048576} MB limit",
            source,
        )


def ownership_xml(data: bytes) -> bytes:
    """The ownership XML inside a .txt or .nc submission (the document itself otherwise):
    what the store keeps of a filing fetched as a whole submission. Call it on data that
    `parse_ownership` accepted."""
    return _extract_xml(data, None)[0]


def _extract_xml(data: bytes, source: str | None) -> tuple[bytes, bool]:
    """The XML to parse, and whether it came out of an SGML (.txt) submission.

    A raw document is parsed whole, so a wrong root element is reported as such. In a
    full submission the ownership XML sits in an `<XML>` block, often indented or after
    CR-only line breaks; anything around it (PEM and SGML headers, exhibits) is not XML.
    """
    head = data[:256].lstrip()
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:].lstrip()
    if not head:
        raise ParseError("empty document", source)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ParseError("UTF-16 documents are not supported (EDGAR files UTF-8/ASCII)", source)
    if head[:1] == b"<" and not head.startswith(_SGML_TAGS):
        # libxml2 wants the XML declaration at the very start: drop a UTF-8 byte order
        # mark (UTF-8 is the default anyway) and leading blank lines some filers leave.
        xml = data
        if xml.startswith(b"\xef\xbb\xbf"):
            xml = xml[3:]
        if xml[:1].isspace():
            xml = xml.lstrip()
        sgml = False
    else:
        start = data.find(_ROOT_OPEN)
        if start == -1:
            if head[:1] != b"<":
                raise ParseError("not XML (does not start with markup)", source)
            form = submission.header(data).form
            if form:  # a Form D in dissemination form, a 10-K .txt: say what it is
                why = f"not an ownership document (a Form {form[:20]!r} submission)"
                raise ParseError(why, source)
            raise ParseError("not an ownership document (no <ownershipDocument> in it)", source)
        end = data.find(_ROOT_CLOSE, start)
        if end == -1:
            raise ParseError("truncated: no closing </ownershipDocument>", source)
        # Keep an XML declaration that belongs to this block (it may name the encoding);
        # one before the block's <XML> tag belongs to something else.
        begin = start
        decl = data.rfind(b"<?xml", 0, start)
        if decl != -1 and data.find(b"<XML>", decl, start) == -1:
            begin = decl
        xml = data[begin : end + len(_ROOT_CLOSE)]
        sgml = True
    # lxml would not expand entities anyway (resolve_entities=False), but a document
    # type declaration has no place in a filing: refuse it before libxml2 reads it. It can
    # only stand before the root element, so only the prolog is searched (searching the
    # whole document for "<!" costs as much as a third of lxml's parse); parse_ownership
    # checks the parsed tree for a DTD as well, in case the prolog search was fooled.
    root_at = xml.find(_ROOT_OPEN)
    prolog_end = root_at if root_at != -1 else len(xml)
    if xml.find(b"<!DOCTYPE", 0, prolog_end) != -1 or xml.find(b"<!ENTITY", 0, prolog_end) != -1:
        raise ParseError("DTDs and entity declarations are not allowed", source)
    return xml, sgml


def _strip_namespaces(root: etree._Element) -> None:
    for el in root.iter():
        tag = el.tag
        if isinstance(tag, str) and tag.startswith("{"):
            el.tag = tag.split("}", 1)[1]


def read_root(data: bytes, source: str | None = None) -> tuple[etree._Element, str | None]:
    """The `<ownershipDocument>` element of raw XML, a .txt or a .nc submission (namespaces
    stripped), and the accession number its SGML header gives (None for raw XML).
    Raises ParseError (one line) for anything unreadable."""
    if not isinstance(data, bytes):
        if not isinstance(data, (bytearray, memoryview)):
            raise ParseError(f"expected bytes, got {type(data).__name__}", source)
        data = bytes(data)
    check_size(len(data), source)
    xml, sgml = _extract_xml(data, source)
    try:
        root = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as e:
        if not sgml and _ROOT_CLOSE not in xml:
            raise ParseError(f"truncated: no closing </ownershipDocument> ({e})", source) from None
        raise ParseError(f"malformed XML: {e}", source) from None
    except (etree.LxmlError, ValueError, TypeError, LookupError) as e:
        raise ParseError(f"unreadable XML: {e}", source) from None
    if root.getroottree().docinfo.internalDTD is not None:
        raise ParseError("DTDs and entity declarations are not allowed", source)
    tag = root.tag
    if isinstance(tag, str) and tag.startswith("{"):
        _strip_namespaces(root)
        tag = root.tag
    if tag != "ownershipDocument":
        raise ParseError(f"not an ownership document (root element is <{tag}>)", source)
    return root, (submission.header(data).accession if sgml else None)
