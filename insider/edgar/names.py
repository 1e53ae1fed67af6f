"""What may become part of a path or URL: accession numbers, CIKs, document and page names
read from EDGAR's JSON are checked here before any path or URL is built from them, and the
client checks every path once more before a request (`safe_path`). A name that fails is
refused, never repaired: `../`, `%2e%2e` or `xslF345X05/../..` cannot reach outside the
`--edgar` base.

Credentials in a URL (`http://user:pass@host/`) are kept out of everything stored or shown
(`strip_credentials`).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

ACCESSION = re.compile(r"[0-9]{10}-[0-9]{2}-[0-9]{6}")  # ASCII: \d matches "０" too
# EDGAR's file names: letters, digits, '.', '_', '-' (the Filer Manual's rule); never a
# leading dot, so no '.' or '..'.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")
_XSL_PREFIX = re.compile(r"xslF345X[0-9]{2}/", re.I)
_SEGMENT = _NAME
_QUERY = re.compile(r"[A-Za-z0-9=&_.,+/-]*")  # the feed: type=4/A
MAX_CIK_DIGITS = 10


def is_accession(value: object) -> bool:
    """`0000320193-24-000001`: ten digits, two, six."""
    return isinstance(value, str) and ACCESSION.fullmatch(value) is not None


def is_cik(value: object) -> bool:
    """A CIK as EDGAR writes it: 1 to 10 digits, not zero (an int or a digit string)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 0 < value < 10**MAX_CIK_DIGITS
    return (
        isinstance(value, str)
        and 0 < len(value) <= MAX_CIK_DIGITS
        and value.isascii()
        and value.isdigit()
        and int(value) > 0
    )


def is_document_name(value: object) -> bool:
    """A file name inside one filing folder (no folder, no dot segment, no escapes)."""
    return isinstance(value, str) and _NAME.fullmatch(value) is not None and ".." not in value


def primary_document_ok(value: object) -> bool:
    """`form4.xml` or EDGAR's rendered `xslF345X05/form4.xml`: one name after an optional
    single xsl folder."""
    if not isinstance(value, str):
        return False
    m = _XSL_PREFIX.match(value)
    return is_document_name(value[m.end() :] if m else value)


def is_page_name(value: object) -> bool:
    """An older submissions page: `CIK0000320193-submissions-001.json`."""
    return is_document_name(value) and str(value).lower().endswith(".json")


def safe_path(path: str) -> bool:
    """A relative EDGAR path the client may request: segments of plain names, an optional
    plain query (`cgi-bin/browse-edgar?action=getcurrent&type=4`). No `..`, `.`, empty
    segment, percent-escape, backslash, scheme, host or control character."""
    if not isinstance(path, str) or not path or len(path) > 1000:
        return False
    head, sep, query = path.partition("?")
    if sep and not _QUERY.fullmatch(query):
        return False
    return all(_SEGMENT.fullmatch(s) and ".." not in s for s in head.split("/"))


def strip_credentials(url: str) -> str:
    """`http://user:pass@host:8080/x` -> `http://host:8080/x` (anything else unchanged)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) with the scheme's default port filled in."""
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    return parts.scheme.lower(), (parts.hostname or "").lower(), port
