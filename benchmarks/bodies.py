"""What the guarded GET (insider/edgar/request.py: streamed body, cap while decompressing,
deadline watchdog, manual redirects) costs next to a plain `requests` GET of the same body,
measured side by side in one run on a local server.

    .venv/bin/python benchmarks/bodies.py [--runs N]

Bodies: a 10 kB filing (plain), a 1 MB and a 20 MB JSON-like text sent gzip-compressed
(the decompression is the guarded path's own work). The rate limiter is left out of both
(it would measure the 10/s bound, not the body path). Reported: median ms per GET and the
ratio guarded / plain (the floor is 1.0), and how each grows with size.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402

from insider.edgar import Edgar  # noqa: E402


def _text(size: int) -> bytes:
    row = b'{"accessionNumber": "0000320193-24-000001", "form": "4", "filingDate": "2024-01-02"},'
    return (row * (size // len(row) + 1))[:size]


BODIES = {
    "filing-10kB": (b"<ownershipDocument>" + _text(10_000) + b"</ownershipDocument>", False),
    "json-1MB-gzip": (_text(1 << 20), True),
    "json-20MB-gzip": (_text(20 << 20), True),
}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    payloads: dict[str, tuple[bytes, bool]] = {}

    def log_message(self, *a) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        body, gz = self.payloads[self.path.lstrip("/")]
        self.send_response(200)
        if gz:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class NoLimit:
    def acquire(self) -> float:
        return time.monotonic()

    def succeeded(self, sent_at: float) -> None:
        pass


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    Handler.payloads = {
        name: (gzip.compress(body, 6) if gz else body, gz) for name, (body, gz) in BODIES.items()
    }
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{srv.server_address[1]}"
    plain = requests.Session()
    guarded = Edgar(base, "bench bench@example.com", caps={"index": 64 << 20})
    guarded.limiter = NoLimit()  # type: ignore[assignment]
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.runs):  # round robin: noise hits both sides alike
        for name, (body, _gz) in BODIES.items():
            for side in ("plain", "guarded"):
                t = time.perf_counter()
                if side == "plain":
                    got = plain.get(f"{base}/{name}").content
                else:
                    got = guarded.get(name, "index")
                times.setdefault((name, side), []).append(time.perf_counter() - t)
                assert got == body
    srv.shutdown()
    print(f"{'body':<16} {'plain ms':>9} {'guarded ms':>11} {'ratio':>6}")
    for name in BODIES:
        p = statistics.median(times[(name, "plain")]) * 1000
        g = statistics.median(times[(name, "guarded")]) * 1000
        print(f"{name:<16} {p:>9.2f} {g:>11.2f} {g / p:>6.2f}")


if __name__ == "__main__":
    main()
