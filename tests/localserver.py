"""The life cycle both test servers share (edgar_server.EdgarServer, hostile_server.
HostileServer): a threading HTTP server on 127.0.0.1 at a free port, started on a daemon
thread, stopped at once, usable as a context manager."""

from __future__ import annotations

import http.server
import threading
from typing import Self


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # listen() backlog: dropped SYNs would arrive 1 s late

    def handle_error(self, request, client_address) -> None:
        pass  # clients killed or hanging up mid-answer (kill and hostile tests) are expected


class LocalServer:
    """Subclasses give `handler()`: the request handler class bound to themselves."""

    _server: QuietServer | None = None

    def handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        raise NotImplementedError

    def start(self) -> Self:
        self._server = QuietServer(("127.0.0.1", 0), self.handler())
        # A short poll: stop() (shutdown) waits up to one poll interval, 0.5 s by default.
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
