"""Response bodies under control: a byte cap per kind of document, applied while the body
streams and while it is decompressed, and an overall deadline per request.

A server (or a mirror folder) decides how many bytes it sends and how slowly. Without
these bounds a 1 MB gzip body inflating to 1 GB was read whole before any size check, and a
server dripping one byte every 2 s kept a read alive for weeks (each byte resets a socket
timeout). Here:

- `CAPS[kind]` bytes at most, counted on the decoded body and on the bytes received;
  decompression is done here, `MAX_CHUNK` bytes of output at a time, so memory stays at the
  cap plus a chunk whatever the compression ratio.
- `DEADLINES[kind]` seconds at most from sending the request to the last byte: a watchdog
  shuts the connection's socket down when it passes, which wakes a read blocked anywhere
  (headers or body).

`read_body` collects a body in memory (filings, JSON, indexes); data-set ZIPs stream to
disk in datasetzips.py under `CAPS["dataset"]` and the same Watchdog. `read_file` is the
same cap for a local path (`insider parse /dev/zero`, a mirror folder).
"""

from __future__ import annotations

import os
import socket
import stat
import threading
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

MB = 1024 * 1024

# Real sizes: a Form 4 is a few kB, a full .txt submission a few MB (the parser's own limit
# is 25 MB); a submissions JSON is up to a few MB, its older pages smaller; daily indexes
# and the feed ~ 1-3 MB, a quarter's full index ~ 50 MB; a data-set ZIP 3-16 MB.
CAPS: dict[str, int] = {
    "filing": 25 * MB,
    "submissions": 64 * MB,
    "index": 128 * MB,
    "dataset": 512 * MB,
}
DEADLINES: dict[str, float] = {
    "filing": 120.0,
    "submissions": 300.0,
    "index": 300.0,
    "dataset": 1800.0,
}
MAX_CHUNK = 64 * 1024


def kind_of(path: str) -> str:
    """The kind of document an EDGAR path names (callers may also say it)."""
    p = path.lower()
    if p.endswith(".zip"):
        return "dataset"
    if p.startswith("submissions/"):
        return "submissions"
    if p.startswith("archives/edgar/data/") and not p.endswith(".json"):
        return "filing"
    return "index"


class BodyError(Exception):
    """Base of the body problems; the message is one line."""


class TooLarge(BodyError):
    """The body is over the cap for its kind (permanent: retrying sends the same bytes)."""


class DeadlineExceeded(BodyError):
    """The whole answer did not arrive within the deadline (transient)."""


class BadEncoding(BodyError):
    """Broken or unknown Content-Encoding."""


def _too_large(kind: str, cap: int, what: str = "") -> TooLarge:
    return TooLarge(f"{kind} body over the {cap // MB} MB limit{what}; not read further")


class _Decoder:
    """gzip / deflate / identity, decoded MAX_CHUNK bytes at a time."""

    def __init__(self, encoding: str) -> None:
        enc = (encoding or "identity").strip().lower()
        if enc in ("", "identity"):
            self.wbits: int | None = None
        elif enc in ("gzip", "x-gzip"):
            self.wbits = 16 + zlib.MAX_WBITS
        elif enc == "deflate":
            self.wbits = zlib.MAX_WBITS  # zlib-wrapped; raw deflate is tried on failure
        else:
            raise BadEncoding(f"unsupported Content-Encoding {encoding[:40]!r}")
        self.d = zlib.decompressobj(self.wbits) if self.wbits is not None else None
        self.started = False

    def feed(self, data: bytes, out: Callable[[bytes], None]) -> None:
        if self.d is None:
            out(data)
            return
        while data:
            try:
                chunk = self.d.decompress(data, MAX_CHUNK)
            except zlib.error as e:
                if self.wbits == zlib.MAX_WBITS and not self.started:
                    self.wbits = -zlib.MAX_WBITS  # a server sending raw deflate
                    self.d = zlib.decompressobj(self.wbits)
                    continue
                raise BadEncoding(f"broken compressed body ({e})") from None
            self.started = True
            if chunk:
                out(chunk)
            if self.d.eof:
                rest = self.d.unused_data
                if rest and self.wbits == 16 + zlib.MAX_WBITS:  # another gzip member
                    self.d = zlib.decompressobj(self.wbits)
                    data = rest
                    continue
                return
            data = self.d.unconsumed_tail

    def finish(self, out: Callable[[bytes], None]) -> None:
        if self.d is not None and not self.d.eof:
            # What zlib still holds back: bounded by what fed it, already capped.
            chunk = self.d.flush()
            if chunk:
                out(chunk)


def _pump(resp: Any, kind: str, cap: int, sink: Callable[[bytes], None]) -> int:
    """Read `resp` (a streamed requests.Response) to the end through the decoder into
    `sink`, never holding more than a chunk; return the decoded size."""
    length = resp.headers.get("Content-Length")
    if length and length.strip().isdigit() and int(length) > cap:
        raise _too_large(kind, cap, f" (Content-Length {int(length) // MB} MB)")
    decoder = _Decoder(resp.headers.get("Content-Encoding", ""))
    total = 0
    received = 0

    def out(chunk: bytes) -> None:
        nonlocal total
        total += len(chunk)
        if total > cap:
            raise _too_large(kind, cap, " once decompressed" if decoder.d else "")
        sink(chunk)

    raw = resp.raw
    while True:
        data = raw.read(MAX_CHUNK, decode_content=False)
        if not data:
            break
        received += len(data)
        if received > cap:
            raise _too_large(kind, cap)
        decoder.feed(data, out)
    decoder.finish(out)
    return total


def read_body(resp: Any, kind: str, cap: int | None = None) -> bytes:
    """The decoded body of a streamed response, at most the cap of `kind`."""
    parts: list[bytes] = []
    _pump(resp, kind, cap if cap is not None else CAPS[kind], parts.append)
    return b"".join(parts)


def read_file(path: str | Path, cap: int) -> bytes:
    """A local file, at most `cap` bytes: refused before reading when its size is known,
    and reading stops at the cap when it is not (`/dev/zero`, a pipe)."""
    with open(path, "rb") as f:
        st = os.fstat(f.fileno())
        if stat.S_ISREG(st.st_mode) and st.st_size > cap:
            raise TooLarge(f"{st.st_size / MB:.1f} MB, over the {cap // MB} MB limit")
        data = f.read(cap + 1)
    if len(data) > cap:
        raise TooLarge(f"over the {cap // MB} MB limit; not read further")
    return data


# -- the deadline -------------------------------------------------------------------------------
_current = threading.local()


class Watchdog:
    """Shuts down the socket of the request made by this thread if it is not done within
    `seconds`. The connection classes below tell it which socket that is."""

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self.done = False
        self.conn: Any = None
        self.lock = threading.Lock()
        self.timer = threading.Timer(seconds, self._fire)
        self.timer.daemon = True

    def __enter__(self) -> Watchdog:
        _current.watchdog = self
        if not self.timer.is_alive() and not self.done:  # entered once, however often called
            try:
                self.timer.start()
            except RuntimeError:  # started before
                pass
        return self

    def __exit__(self, *exc: Any) -> None:
        with self.lock:
            self.done = True
        self.timer.cancel()
        _current.watchdog = None

    def _fire(self) -> None:
        with self.lock:
            if self.done:
                return
            self.fired = True
            sock = getattr(self.conn, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def _note_connection(conn: Any) -> None:
    dog = getattr(_current, "watchdog", None)
    if dog is not None:
        dog.conn = conn


def mount_watchdog(session: Any) -> None:
    """Make `session` report each request's connection to this thread's Watchdog."""
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    class Conn(HTTPConnection):
        def request(self, *a: Any, **kw: Any) -> Any:
            _note_connection(self)
            return super().request(*a, **kw)

    class SConn(HTTPSConnection):
        def request(self, *a: Any, **kw: Any) -> Any:
            _note_connection(self)
            return super().request(*a, **kw)

    class Pool(HTTPConnectionPool):
        ConnectionCls = Conn

    class SPool(HTTPSConnectionPool):
        ConnectionCls = SConn

    for prefix in ("http://", "https://"):
        adapter = HTTPAdapter()
        adapter.poolmanager.pool_classes_by_scheme = {"http": Pool, "https": SPool}
        session.mount(prefix, adapter)


class _Enough(Exception):
    pass


def read_prefix(resp: Any, n: int = 65536) -> bytes:
    """At most the first `n` decoded bytes of a body (an error page's text); the rest is
    not read (the connection is closed, not reused)."""
    parts: list[bytes] = []
    size = 0

    def sink(chunk: bytes) -> None:
        nonlocal size
        parts.append(chunk[: n - size])
        size += len(parts[-1])
        if size >= n:
            raise _Enough

    try:
        _pump(resp, "index", CAPS["index"], sink)
    except (_Enough, BodyError):
        pass
    return b"".join(parts)
