"""A hostile HTTP server on 127.0.0.1 for the issue-15 tests: a real server (never a mock of
`requests`) that serves an EDGAR mirror's files, except for paths given a behaviour:

    srv = HostileServer(mirror.files, {path: gzip_bomb(1 << 30), other: drip(0.5)})

Behaviours (functions returning a handler): `status(code, body, headers)`, `gzip_bomb(n)`,
`flood(n, length=True)`, `drip(interval, header=False)`, `redirect(location)`.
Every request is logged with its arrival time and headers; `sent[path]` counts body bytes
actually written.
"""

from __future__ import annotations

import fnmatch
import functools
import http.server
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from localserver import LocalServer

Behaviour = Callable[["_Handler", str], None]


@dataclass
class Hit:
    t: float
    path: str
    headers: dict[str, str]


class HostileServer(LocalServer):
    def __init__(self, files: dict[str, bytes], routes: dict[str, Behaviour] | None = None):
        self.files = files
        self.routes = dict(routes or {})
        self.hits: list[Hit] = []
        self.sent: dict[str, int] = {}
        self.lock = threading.Lock()

    def handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        owner = self

        class H(_Handler):
            srv = owner

        return H

    def count(self, glob: str = "*") -> int:
        with self.lock:
            return sum(1 for h in self.hits if fnmatch.fnmatchcase(h.path, glob))

    def paths(self) -> list[str]:
        with self.lock:
            return [h.path for h in self.hits]


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    srv: HostileServer

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path.lstrip("/")
        with self.srv.lock:
            self.srv.hits.append(Hit(time.monotonic(), path, dict(self.headers.items())))
        behaviour = self.srv.routes.get(path)
        if behaviour is None:
            for glob, b in self.srv.routes.items():
                if fnmatch.fnmatchcase(path, glob):
                    behaviour = b
                    break
        try:
            if behaviour is not None:
                behaviour(self, path)
            elif path in self.srv.files:
                status(200, self.srv.files[path])(self, path)
            else:
                status(404, b"<h1>Not Found</h1>")(self, path)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def write(self, path: str, data: bytes) -> None:
        self.wfile.write(data)
        with self.srv.lock:
            self.srv.sent[path] = self.srv.sent.get(path, 0) + len(data)


def status(code: int, body: bytes = b"", headers: dict[str, str] | None = None) -> Behaviour:
    def run(h: _Handler, path: str) -> None:
        h.send_response(code)
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.write(path, body)

    return run


@functools.lru_cache(maxsize=2)
def bomb_bytes(decoded: int) -> bytes:
    """gzip of `decoded` zero bytes (1 GiB -> about 1 MB): one 64 MiB member repeated (a
    gzip stream may hold several members; compressing 1 GiB once takes seconds)."""
    member = 64 << 20
    c = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    one = c.compress(bytes(member)) + c.flush()
    return one * (decoded // member)


def gzip_bomb(decoded: int = 1 << 30) -> Behaviour:
    body = bomb_bytes(decoded)
    return status(200, body, {"Content-Encoding": "gzip", "Content-Type": "application/xml"})


def flood(size: int, length: bool = True) -> Behaviour:
    """`size` zero bytes; with `length` False, no Content-Length: the body ends when the
    connection closes."""

    def run(h: _Handler, path: str) -> None:
        h.send_response(200)
        if length:
            h.send_header("Content-Length", str(size))
        else:
            h.send_header("Connection", "close")
            h.close_connection = True
        h.end_headers()
        chunk = bytes(1 << 16)
        left = size
        while left > 0:
            h.write(path, chunk[: min(left, len(chunk))])
            left -= len(chunk)

    return run


def drip(interval: float, header: bool = False, total: int = 10_000) -> Behaviour:
    """One byte every `interval` seconds: of the body (after honest headers promising
    `total` bytes), or with `header`, of the status line and headers themselves."""

    def run(h: _Handler, path: str) -> None:
        if header:
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * total:
                h.wfile.write(bytes([byte]))
                h.wfile.flush()
                time.sleep(interval)
            return
        h.send_response(200)
        h.send_header("Content-Length", str(total))
        h.end_headers()
        h.wfile.flush()
        for _ in range(total):
            h.write(path, b"<")
            h.wfile.flush()
            time.sleep(interval)

    return run


def redirect(location: str, code: int = 302) -> Behaviour:
    return status(code, b"", {"Location": location})
