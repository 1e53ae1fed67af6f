"""`insider serve` in a real browser: headless Chromium (Debian's `chromium`, installed by
scripts/test.sh when missing) loads the home page, a screen view and a filtered canned
query; the test reads the rendered DOM (after Datasette's and our JavaScript ran). On a
failure the page is saved as a screenshot in test-artifacts/.

The database file is called market.db, not insider.db: names and metadata follow --db.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import lxml.html
import pytest
from conftest import ROOT
from markethelp import market_db

BIN = Path(sys.executable).parent / "insider"
# A real browser per page (~5 s each): in CI's full run, not in the quick inner loop.
browser = pytest.mark.slow
ARTIFACTS = ROOT / "test-artifacts"


def _has(css_class: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {css_class} ')"


def _cls(tag: str, css_class: str) -> str:
    return f"//{tag}[{_has(css_class)}]"


SCREENS_TABLE = _cls("table", "insider-screens")


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        if found := shutil.which(name):
            return found
    pytest.fail(
        "chromium is not installed: sh scripts/test.sh installs it (apt-get install chromium)"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    path = tmp / "market.db"
    market_db(path).conn.close()
    port = _free_port()
    proc = subprocess.Popen(
        [str(BIN), "serve", "--db", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=5).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(proc.stderr.read().decode()) from None
            time.sleep(0.2)
    yield base, tmp
    proc.terminate()
    proc.wait(timeout=10)


def _browser(args: list[str], profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            _chromium(),
            "--headless",
            "--no-sandbox",  # CI runs as root
            "--disable-gpu",
            "--disable-dev-shm-usage",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=5000",  # let the page's scripts run before the dump
            *args,
        ],
        capture_output=True,
        timeout=90,
    )


class Page:
    def __init__(self, site, path: str, name: str):
        base, tmp = site
        self.url, self.name, self.profile = base + path, name, tmp / f"profile-{name}"
        r = _browser(["--dump-dom", self.url], self.profile)
        assert r.returncode == 0, r.stderr.decode(errors="replace")[-2000:]
        self.dom = lxml.html.fromstring(r.stdout)

    def screenshot(self) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        out = ARTIFACTS / f"{self.name}.png"
        _browser([f"--screenshot={out}", "--window-size=1400,1000", self.url], self.profile)
        return out

    def check(self, test) -> None:
        try:
            test(self.dom)
        except AssertionError as e:
            raise AssertionError(f"{e}\n(screenshot of {self.url}: {self.screenshot()})") from e

    def column(self, name: str) -> list[str]:
        """The text of one column of the rendered result table, top to bottom."""
        return [
            td.text_content().strip()
            for td in self.dom.xpath(
                f"{_cls('table', 'rows-and-columns')}//td[{_has('col-' + name)}]"
            )
        ]


@browser
def test_home_page_lists_the_screens(site):
    page = Page(site, "/", "home")

    def test(dom):
        links = [a.text_content() for a in dom.xpath(f"{SCREENS_TABLE}//tr/td[1]/a")]
        assert links == [
            "latest", "purchases", "sales", "officer-purchases", "ceo-cfo-purchases",
            "cluster-buys", "big-sales", "late",
        ]  # fmt: skip
        hrefs = dom.xpath(f"{SCREENS_TABLE}//a")
        assert hrefs[0].get("href") == "/market/latest"
        assert "market" in dom.text_content()

    page.check(test)


@browser
def test_screen_view_opens_on_rows_newest_first(site):
    page = Page(site, "/market/screen_ceo_cfo_purchases", "screen")

    def test(dom):
        # Newest trade first (the view's default sort); not ETA ED (a former CEO) nor
        # EPSILON EVE (assistant to the CEO).
        assert page.column("owner_name") == ["ZETA ZOE", "BETA BOB", "ALPHA ANN"]
        assert page.column("value") == ["200000.0", "126000.0", "10000.0"]
        # The column help is folded into a closed <details> above the rows.
        (details,) = dom.xpath(_cls("details", "insider-help"))
        assert details.get("open") is None
        assert details.xpath(".//dl[" + _has("column-descriptions") + "]/dt")
        facets = {f.get("data-column") for f in dom.xpath("//*[" + _has("facet-info") + "]")}
        assert {"issuer_ticker", "code", "owner_roles"} <= facets

    page.check(test)


@browser
def test_filtered_canned_query(site):
    page = Page(
        site, "/market/ceo-cfo-purchases?since=2020-01-01&min_value=100000&ticker=", "canned"
    )

    def test(dom):
        assert page.column("owner_name") == ["ZETA ZOE", "BETA BOB"]
        assert page.column("issuer_ticker") == ["BCO", "ACME"]
        assert page.column("late") == ["1", "0"]
        assert page.column("filing_url")[0].endswith("0000002001-21-000001-index.htm")

    page.check(test)
    clusters = Page(
        site, "/market/cluster-buys?since=2020-01-01&min_value=&ticker=acme", "clusters"
    )

    def test_clusters(dom):
        assert clusters.column("issuer_ticker") == ["ACME"]
        assert clusters.column("distinct_buyers") == ["5"]
        assert clusters.column("value") == ["373550.0"]

    clusters.check(test_clusters)


def test_serve_errors_are_one_line(tmp_path: Path):
    r = subprocess.run([str(BIN), "serve", "--db", str(tmp_path / "none.db")],
                       capture_output=True, text=True, timeout=30)  # fmt: skip
    assert r.returncode == 1 and "does not exist" in r.stderr and r.stderr.count("\n") == 1
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        db = tmp_path / "m.db"
        market_db(db).conn.close()
        r = subprocess.run([str(BIN), "serve", "--db", str(db), "--port", str(port)],
                           capture_output=True, text=True, timeout=30)  # fmt: skip
    assert r.returncode == 1 and f"cannot listen on 127.0.0.1:{port}" in r.stderr
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
