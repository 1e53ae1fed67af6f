"""EDGAR's archive folders: where a filing's documents live, and which one of an
`index.json` listing is the ownership XML."""

from __future__ import annotations

import re
from typing import Any

_XSL_FOLDER = re.compile(r"^xslF345X\d+/", re.I)
# XBRL linkbases and the filing summary are XML too, but never an ownership document.
_NOT_OWNERSHIP_XML = re.compile(r"(_(cal|def|lab|pre|htm)\.xml|FilingSummary\.xml)$", re.I)


def raw_document_name(primary_document: str) -> str:
    """`xslF345X05/form4.xml` is EDGAR's rendered HTML; the raw XML is `form4.xml`."""
    return _XSL_FOLDER.sub("", primary_document)


def archive_path(cik: str | int, accession: str, filename: str) -> str:
    """`Archives/edgar/data/{cik unpadded}/{accession without dashes}/{filename}`."""
    return f"Archives/edgar/data/{int(cik)}/{accession.replace('-', '')}/{filename}"


def pick_document(index: Any, accession: str, primary_document: str) -> str | None:
    """The ownership document named in a folder's `index.json`: the primary document's
    raw XML if listed, else the first XML that is not XBRL or a summary, else the full
    `{accession}.txt` submission; None when the folder has none of them."""
    directory = index.get("directory") if isinstance(index, dict) else None
    items = (directory.get("item") if isinstance(directory, dict) else None) or []
    names = [i.get("name", "") for i in items if isinstance(i, dict)]
    names = [n for n in names if n and isinstance(n, str) and "/" not in n]
    xmls = [n for n in names if n.lower().endswith(".xml") and not _NOT_OWNERSHIP_XML.search(n)]
    wanted = raw_document_name(primary_document or "")
    for n in xmls:
        if n == wanted:
            return n
    if xmls:
        return xmls[0]
    txt = f"{accession}.txt"
    return txt if txt in names else None
