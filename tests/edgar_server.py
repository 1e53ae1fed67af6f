"""A fault-injecting local EDGAR for tests and benchmarks: a real HTTP/1.1 server on
127.0.0.1 (port 0), never a mock of `requests`.

    mirror = build_mirror([IssuerSpec(1000001, "ACME", n=20)])
    with EdgarServer(mirror.files, latency=0.05) as srv:
        srv.add_fault("503", path="Archives/*", times=3)
        ...  Edgar(srv.url) ...
        srv.requests          # every request, with the server's own arrival time
        srv.max_in_window()   # most requests that arrived within any 1-second window

Fault kinds (`add_fault(kind, path=glob or None, times=N or None for always, skip=K)`):
  "403"        403 with EDGAR's "Request Rate Threshold Exceeded" page (+ Retry-After if given)
  "403-tool"   403 with the "Undeclared Automated Tool" page
  "403-plain"  403 Forbidden with no rate-limit text (a permanent refusal)
  "429"        429 Too Many Requests (+ Retry-After if given)
  "500"/"503"  server errors (+ Retry-After if given)
  "404"        not found, whatever the mirror holds
  "reset"      200 and a Content-Length, half the body, then a TCP reset (a .zip: with
               its ETag, so the client can resume with a Range request)
  "truncate"   200 with a Content-Length larger than the body sent, then a clean close
  "half"       200 with the body's Content-Length, half the body, then a clean close
  "malformed"  200 with half the document (a well-formed HTTP answer of broken XML)
  "slow"       only the extra `delay` seconds
Any fault can add `delay`. `latency` delays every request; `gzip=True` compresses every
answer for clients that accept it.
"""

from __future__ import annotations

import fnmatch
import gzip as gzip_mod
import http.server
import json
import re
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from localserver import LocalServer

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "corpus"

RATE_PAGE = (
    b"<html><head><title>SEC.gov | Request Rate Threshold Exceeded</title></head><body>"
    b"<h1>Your Request Originates from an Undeclared Automated Tool</h1>"
    b"<p>Request Rate Threshold Exceeded</p></body></html>"
)
TOOL_PAGE = (
    b"<html><head><title>SEC.gov | Your Request Originates from an Undeclared Automated Tool"
    b"</title></head><body>Please declare your traffic by updating your user agent.</body></html>"
)


@dataclass
class Request:
    t: float  # time.monotonic() when the server read the request line and headers
    method: str
    path: str  # without the leading slash, without the query
    headers: dict[str, str]
    client: tuple[str, int]
    status: int = 0
    fault: str | None = None
    done: float = 0.0  # time.monotonic() when the answer was sent (or cut)
    query: str = ""  # the query string, if any


@dataclass
class Fault:
    kind: str
    path: str | None = None
    times: int | None = 1
    skip: int = 0
    retry_after: str | None = None
    delay: float = 0.0
    seen: int = 0
    used: int = 0

    def take(self, path: str) -> bool:
        if self.path is not None and not fnmatch.fnmatchcase(path, self.path):
            return False
        self.seen += 1
        if self.seen <= self.skip:
            return False
        if self.times is not None and self.used >= self.times:
            return False
        self.used += 1
        return True


class EdgarServer(LocalServer):
    def __init__(
        self, files: dict[str, bytes] | Path | str, *, latency: float = 0.0, gzip: bool = False
    ) -> None:
        self.files = load_folder(Path(files)) if isinstance(files, (str, Path)) else files
        self.latency = latency
        self.gzip = gzip
        self.faults: list[Fault] = []
        # path -> handler(query) -> (status, body, content type): answers built per request
        # (the latest-filings feed, which depends on its query and grows between polls).
        self.routes: dict[str, Callable[[str], tuple[int, bytes, str]]] = {}
        self._requests: list[Request] = []
        self._lock = threading.Lock()

    # -- life cycle (localserver.LocalServer) ------------------------------------------
    def handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        owner = self

        class Handler(_Handler):
            server_obj = owner

        return Handler

    # -- faults -------------------------------------------------------------------------
    def add_fault(
        self,
        kind: str,
        path: str | None = None,
        *,
        times: int | None = 1,
        skip: int = 0,
        retry_after: float | str | None = None,
        delay: float = 0.0,
    ) -> Fault:
        """Inject `kind` into requests whose path matches the glob `path` (None: any):
        let the first `skip` matching requests through, then fault `times` of them."""
        f = Fault(kind, path, times, skip, None if retry_after is None else str(retry_after), delay)
        with self._lock:
            self.faults.append(f)
        return f

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    def _pick_fault(self, path: str) -> Fault | None:
        with self._lock:
            for f in self.faults:
                if f.take(path):
                    return f
        return None

    # -- the request log --------------------------------------------------------------------
    def _record(self, r: Request) -> None:
        with self._lock:
            self._requests.append(r)

    @property
    def requests(self) -> list[Request]:
        with self._lock:
            return list(self._requests)

    def reset_log(self) -> None:
        with self._lock:
            self._requests.clear()

    def paths(self, glob: str = "*") -> list[str]:
        return [r.path for r in self.requests if fnmatch.fnmatchcase(r.path, glob)]

    def count(self, glob: str = "*") -> int:
        return len(self.paths(glob))

    def max_in_window(self, window: float = 1.0, glob: str = "*") -> int:
        """The most requests that arrived within any `window` seconds (server clock)."""
        ts = sorted(r.t for r in self.requests if fnmatch.fnmatchcase(r.path, glob))
        best = lo = 0
        for hi, t in enumerate(ts):
            while t - ts[lo] >= window:
                lo += 1
            best = max(best, hi - lo + 1)
        return best


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    server_obj: EdgarServer

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        srv = self.server_obj
        t = time.monotonic()
        parts = urlsplit(self.path)
        path = parts.path.lstrip("/")
        req = Request(t, "GET", path, dict(self.headers.items()), self.client_address)
        req.query = parts.query
        srv._record(req)  # at arrival; status and done are filled in below
        fault = srv._pick_fault(path)
        req.fault = fault.kind if fault else None
        delay = srv.latency + (fault.delay if fault else 0.0)
        if delay:
            time.sleep(delay)
        try:
            self._answer(srv, path, fault, req)
        finally:
            req.done = time.monotonic()

    def _answer(self, srv: EdgarServer, path: str, fault: Fault | None, req: Request) -> None:
        kind = fault.kind if fault else None
        extra = {"Retry-After": fault.retry_after} if fault and fault.retry_after else {}
        if kind in ("403", "403-tool", "403-plain"):
            body = {"403": RATE_PAGE, "403-tool": TOOL_PAGE}.get(kind, b"<h1>Forbidden</h1>")
            return self._send(req, 403, body, "text/html", extra)
        if kind in ("429", "500", "503"):
            return self._send(req, int(kind), f"<h1>{kind}</h1>".encode(), "text/html", extra)
        route = srv.routes.get(path)
        if route is not None and kind is None:
            status, body, ctype = route(req.query)
            return self._send(req, status, body, ctype, {})
        body = srv.files.get(path)
        if kind == "404" or body is None:
            return self._send(req, 404, b"<h1>Not Found</h1>", "text/html", {})
        ctype = "application/json" if path.endswith(".json") else "application/xml"
        if path.endswith(".zip"):
            ctype = "application/zip"
        elif "." not in path.rsplit("/", 1)[-1]:
            ctype = "text/html"  # a landing page
        if kind == "malformed":
            return self._send(req, 200, body[: len(body) // 2], ctype, {})
        if kind in ("reset", "truncate", "half"):
            req.status = 200
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            if path.endswith(".zip"):  # a resumable download: the client may ask the rest
                self.send_header("ETag", etag_of(body))
            extra_length = 100 if kind == "truncate" else 0
            self.send_header("Content-Length", str(len(body) + extra_length))
            self.end_headers()
            self.wfile.write(body if kind == "truncate" else body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            if kind == "reset":  # RST instead of FIN
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()
            else:
                self.connection.shutdown(socket.SHUT_WR)
            return
        if path.endswith(".zip"):
            return self._send_download(req, body, ctype)
        self._send(req, 200, body, ctype, {})

    def _send_download(self, req: Request, body: bytes, ctype: str) -> None:
        """Files fetched whole (data-set ZIPs): ETag and Last-Modified, 304 for a matching
        If-None-Match, 206 for `Range: bytes=N-` (with a matching If-Range), 416 past the
        end; never gzip (byte ranges count the file itself)."""
        etag = etag_of(body)
        headers = {"ETag": etag, "Last-Modified": LAST_MODIFIED, "Accept-Ranges": "bytes"}
        if self.headers.get("If-None-Match") == etag:
            req.status = 304
            self.send_response(304)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        m = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", ""))
        if_range = self.headers.get("If-Range")
        status, start = 200, 0
        if m and (if_range is None or if_range == etag):
            start = int(m.group(1))
            if start >= len(body):
                req.status = 416
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(body)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status = 206
            headers["Content-Range"] = f"bytes {start}-{len(body) - 1}/{len(body)}"
        req.status = status
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        self.wfile.write(body[start:])

    def _send(self, req: Request, status: int, body: bytes, ctype: str, extra: dict) -> None:
        req.status = status
        headers = {"Content-Type": ctype, **extra}
        if self.server_obj.gzip and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip_mod.compress(body, 6)
            headers["Content-Encoding"] = "gzip"
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


LAST_MODIFIED = "Tue, 01 Oct 2024 12:00:00 GMT"


def etag_of(body: bytes) -> str:
    import hashlib

    return '"' + hashlib.sha256(body).hexdigest()[:16] + '"'


def load_folder(folder: Path) -> dict[str, bytes]:
    """An EDGAR-shaped folder as {path: bytes}."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


# -- synthetic mirrors ------------------------------------------------------------------------
def xml_of(data: bytes) -> bytes:
    m = re.search(rb"<XML>\s*(.*?)\s*</XML>", data, re.S | re.I)
    return (m.group(1) + b"\n") if m else data


def corpus_templates(single_owner: bool = False) -> list[bytes]:
    """The raw ownership XML of every corpus filing (optionally only single-owner ones)."""
    out = []
    for p in sorted(CORPUS.iterdir()):
        if p.suffix not in (".xml", ".txt"):
            continue
        x = xml_of(p.read_bytes())
        if single_owner and x.count(b"<reportingOwner>") != 1:
            continue
        out.append(x)
    return out


def _sub(tag: str, value: str, xml: bytes, count: int = 0) -> bytes:
    pat = re.compile(rb"(<%s>)\s*[^<]*?\s*(</%s>)" % (tag.encode(), tag.encode()))
    return pat.sub(lambda m: m.group(1) + value.encode() + m.group(2), xml, count=count)


def document_type(xml: bytes) -> str:
    m = re.search(rb"<documentType>\s*([^<]+?)\s*</documentType>", xml)
    return m.group(1).decode() if m else "4"


@dataclass
class SynthFiling:
    accession: str
    form: str
    filing_date: str
    acceptance: str
    primary_document: str  # as the submissions JSON lists it (xslF345X05/...)
    issuer_cik: int
    owner_cik: int | None
    xml: bytes

    @property
    def raw_name(self) -> str:
        return self.primary_document.split("/")[-1]

    def path(self, folder_cik: int) -> str:
        return f"Archives/edgar/data/{folder_cik}/{self.accession.replace('-', '')}/{self.raw_name}"


@dataclass
class IssuerSpec:
    cik: int
    ticker: str
    n: int = 5  # ownership filings of its own
    name: str | None = None
    recent: int | None = None  # how many of the newest sit in `recent`; the rest on pages
    page_size: int = 1000
    other_forms: tuple[str, ...] = ("10-Q", "8-K", "144", "424B5", "SC 13G")


@dataclass
class OwnerSpec:
    cik: int
    name: str
    filings: dict[int, int]  # issuer cik -> number of filings by this owner there


@dataclass
class Mirror:
    files: dict[str, bytes] = field(default_factory=dict)
    filings: list[SynthFiling] = field(default_factory=list)
    others: list[str] = field(default_factory=list)  # accessions of non-ownership forms

    def of_issuer(self, cik: int) -> list[SynthFiling]:
        return [f for f in self.filings if f.issuer_cik == cik]


_COLUMNS = (
    "accessionNumber filingDate reportDate acceptanceDateTime act form fileNumber filmNumber "
    "items size isXBRL isInlineXBRL primaryDocument primaryDocDescription"
).split()


def _row(acc: str, form: str, day: str, accepted: str, doc: str, size: int) -> dict:
    return {
        "accessionNumber": acc,
        "filingDate": day,
        "reportDate": day,
        "acceptanceDateTime": accepted,
        "act": "" if form[:1] in "345" else "34",
        "form": form,
        "fileNumber": "",
        "filmNumber": "",
        "items": "",
        "size": size,
        "isXBRL": 0,
        "isInlineXBRL": 0,
        "primaryDocument": doc,
        "primaryDocDescription": f"FORM {form}",
    }


def _columnar(rows: list[dict]) -> dict:
    return {c: [r[c] for r in rows] for c in _COLUMNS}


def build_mirror(
    issuers: Iterable[IssuerSpec],
    owners: Iterable[OwnerSpec] = (),
    *,
    start: date = date(2020, 1, 2),
    templates: list[bytes] | None = None,
) -> Mirror:
    """An in-memory EDGAR: company_tickers.json, each CIK's submissions JSON (recent +
    older pages), and every filing's raw XML under each CIK that lists it (as EDGAR serves a
    filing under the issuer's and every owner's CIK). Filings are corpus documents with the
    issuer (and, for owner filings, the reporting owner) rewritten, under distinct
    accessions. Each list also holds non-ownership forms (with no document) sync must skip."""
    issuers = list(issuers)
    owners = list(owners)
    tpl_all = templates or corpus_templates()
    tpl_one = [t for t in tpl_all if t.count(b"<reportingOwner>") == 1] or tpl_all
    m = Mirror()
    lists: dict[int, list[tuple[dict, SynthFiling | None]]] = {}
    by_cik = {s.cik: s for s in issuers}
    seq = 0

    def make(issuer: IssuerSpec, owner: OwnerSpec | None, agent: int, k: int) -> SynthFiling:
        nonlocal seq
        seq += 1
        day = start + timedelta(days=seq)
        pool = tpl_one if owner else tpl_all
        xml = pool[seq % len(pool)]
        xml = _sub("issuerCik", f"{issuer.cik:010d}", xml)
        xml = _sub("issuerName", issuer.name or f"{issuer.ticker} INC", xml)
        xml = _sub("issuerTradingSymbol", issuer.ticker, xml)
        if owner:
            xml = _sub("rptOwnerCik", f"{owner.cik:010d}", xml, 1)
            xml = _sub("rptOwnerName", owner.name, xml, 1)
        form = document_type(xml)
        acc = f"{agent:010d}-{day.year % 100:02d}-{seq:06d}"
        doc = f"xslF345X0{3 + seq % 3}/form{form[0]}-{seq}.xml"
        return SynthFiling(
            acc,
            form,
            day.isoformat(),
            f"{day}T21:{seq % 60:02d}:00.000Z",
            doc,
            issuer.cik,
            owner.cik if owner else None,
            xml,
        )

    for spec in issuers:
        lists.setdefault(spec.cik, [])
        for k in range(spec.n):
            f = make(spec, None, spec.cik, k)
            m.filings.append(f)
            lists[spec.cik].append(
                (
                    _row(
                        f.accession,
                        f.form,
                        f.filing_date,
                        f.acceptance,
                        f.primary_document,
                        len(f.xml),
                    ),
                    f,
                )
            )
    for o in owners:
        lists.setdefault(o.cik, [])
        for icik, n in o.filings.items():
            spec = by_cik.get(icik) or IssuerSpec(icik, f"T{icik % 10000}", 0)
            for k in range(n):
                f = make(spec, o, o.cik, k)
                m.filings.append(f)
                entry = _row(
                    f.accession, f.form, f.filing_date, f.acceptance, f.primary_document, len(f.xml)
                )
                lists[o.cik].append((entry, f))
                if icik in lists:
                    lists[icik].append((dict(entry), f))
    for cik, entries in lists.items():
        spec = by_cik.get(cik)
        others = spec.other_forms if spec else ("144", "SC 13D")
        for i, form in enumerate(others):
            day = start + timedelta(days=7 * i + 3)
            acc = f"9999999998-{day.year % 100:02d}-{cik % 10000:04d}{i:02d}"
            m.others.append(acc)
            doc = "xsl144X01/primary_doc.xml" if form == "144" else f"d{i}.htm"
            entries.append((_row(acc, form, day.isoformat(), f"{day}T12:00:00.000Z", doc, 0), None))
        for _entry, f in entries:
            if f is not None:
                m.files[f.path(cik)] = f.xml
        entries.sort(key=lambda e: (e[0]["filingDate"], e[0]["accessionNumber"]), reverse=True)
        rows = [e[0] for e in entries]
        n_recent = spec.recent if spec and spec.recent is not None else len(rows)
        recent, older = rows[:n_recent], rows[n_recent:]
        size = spec.page_size if spec else 1000
        files = []
        for p in range(0, len(older), size):
            chunk = older[p : p + size]
            name = f"CIK{cik:010d}-submissions-{p // size + 1:03d}.json"
            m.files[f"submissions/{name}"] = json.dumps(_columnar(chunk)).encode()
            files.append(
                {
                    "name": name,
                    "filingCount": len(chunk),
                    "filingFrom": chunk[-1]["filingDate"],
                    "filingTo": chunk[0]["filingDate"],
                }
            )
        name = spec.name if spec else next(o.name for o in owners if o.cik == cik)
        sub = {
            "cik": str(cik),
            "entityType": "operating" if spec else "other",
            "name": name or (spec.ticker if spec else ""),
            "tickers": [spec.ticker] if spec else [],
            "filings": {"recent": _columnar(recent), "files": files},
        }
        m.files[f"submissions/CIK{cik:010d}.json"] = json.dumps(sub).encode()
    tickers = {
        str(i): {"cik_str": s.cik, "ticker": s.ticker, "title": s.name or f"{s.ticker} INC"}
        for i, s in enumerate(issuers)
    }
    m.files["files/company_tickers.json"] = json.dumps(tickers).encode()
    return m
