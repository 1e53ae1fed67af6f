from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

# The machine-wide request budget (insider/edgar/budget.py) lives in the user's cache folder:
# tests (and the processes they start, which inherit the environment) use their own, so a
# test run neither touches ~/.cache nor shares a budget with another run on the machine.
if "INSIDER_CACHE_DIR" not in os.environ:
    import tempfile

    os.environ["INSIDER_CACHE_DIR"] = tempfile.mkdtemp(prefix="insider-test-cache-")


@pytest.fixture(autouse=True)
def _own_request_budget(monkeypatch, tmp_path_factory):
    """Each test its own budget file: requests of the previous test (within the last
    second) must not delay this one's, which would upset the timing tests."""
    monkeypatch.setenv("INSIDER_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
MIRROR = FIXTURES / "edgar"
CORPUS = FIXTURES / "corpus"
HERZOG_XML = FIXTURES / "handmade" / "aiv-herzog-form4-2007-05-14.xml"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep pytest output clean
        pass


@pytest.fixture
def mirror_server() -> Iterator[str]:
    """The bundled mirror served over real HTTP on 127.0.0.1."""
    handler = functools.partial(_Quiet, directory=str(MIRROR))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    t = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def edgar_server():
    """Factory: edgar_server(files_or_mirror, latency=..., gzip=...) -> a started
    EdgarServer (tests/edgar_server.py), stopped at the end of the test."""
    from edgar_server import EdgarServer, Mirror

    started = []

    def make(files, **kw):
        if isinstance(files, Mirror):
            files = files.files
        srv = EdgarServer(files, **kw).start()
        started.append(srv)
        return srv

    yield make
    for srv in started:
        srv.stop()
