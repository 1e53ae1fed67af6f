"""Talking to EDGAR (or an EDGAR-shaped folder / local URL): bytes in, nothing parsed here
beyond JSON.

Fair access is enforced here, once, for every thread: at most `rate` requests in any one-second
window (never more than 10), a declared User-Agent for real hosts, back-off on the SEC's
rate-limit answers and retries with jitter on transient failures.
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

SEC_WWW = "https://www.sec.gov"
SEC_DATA = "https://data.sec.gov"
MAX_RATE = 10.0
OWNERSHIP_FORMS = frozenset({"3", "3/A", "4", "4/A", "5", "5/A"})

UA_HELP = (
    "EDGAR requires a User-Agent naming you and a contact e-mail "
    "(SEC fair-access rule); set INSIDER_USER_AGENT='Your Name you@example.com' "
    "or pass --user-agent"
)

_RATE_LIMIT_TEXT = re.compile(rb"Request Rate Threshold Exceeded|Undeclared Automated Tool", re.I)
_XSL_FOLDER = re.compile(r"^xslF345X\d+/", re.I)


class EdgarError(Exception):
    """A fetch that failed for good; the message is one line."""


class NotFound(EdgarError):
    pass


class UserAgentMissing(EdgarError):
    pass


def raw_document_name(primary_document: str) -> str:
    """`xslF345X05/form4.xml` is EDGAR's rendered HTML; the raw XML is `form4.xml`."""
    return _XSL_FOLDER.sub("", primary_document)


def archive_path(cik: str | int, accession: str, filename: str) -> str:
    return f"Archives/edgar/data/{int(cik)}/{accession.replace('-', '')}/{filename}"


def redact_user_agent(ua: str) -> str:
    """Logs never show the full contact: keep the first word and mask the e-mail."""
    return re.sub(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", "<e-mail>", ua)


class RateLimiter:
    """At most `rate` acquisitions in any window of `window` seconds, across threads."""

    def __init__(self, rate: float = MAX_RATE, window: float = 1.0, margin: float = 0.02) -> None:
        self.n = max(1, int(rate)) if rate >= 1 else 1
        # Below 1/s: one request per 1/rate seconds.
        self.window = window if rate >= 1 else 1.0 / rate
        self.window += margin  # arrival jitter must not make the server count 11 in a second
        self.stamps: deque[float] = deque()
        self.lock = threading.Lock()
        self.paused_until = 0.0

    def pause(self, seconds: float) -> None:
        """Every thread waits: the SEC blocks the client, not the thread."""
        with self.lock:
            self.paused_until = max(self.paused_until, time.monotonic() + seconds)

    def acquire(self) -> None:
        with self.lock:
            while True:
                now = time.monotonic()
                if now < self.paused_until:
                    time.sleep(self.paused_until - now)
                    continue
                while self.stamps and now - self.stamps[0] >= self.window:
                    self.stamps.popleft()
                if len(self.stamps) < self.n:
                    self.stamps.append(now)
                    return
                time.sleep(self.window - (now - self.stamps[0]))


class Edgar:
    """EDGAR client over the real hosts, an http(s) base URL, or a local folder."""

    def __init__(
        self,
        base: str | None = None,
        user_agent: str | None = None,
        rate: float = MAX_RATE,
        *,
        retries: int = 5,
        rate_limit_retries: int = 6,
        backoff: float = 0.5,
        rate_limit_pause: float = 600.0,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.folder: Path | None = None
        self.base = None
        if base:
            if base.startswith(("http://", "https://")):
                self.base = base.rstrip("/")
            else:
                path = base[len("file://") :] if base.startswith("file://") else base
                self.folder = Path(path).resolve()
                if not self.folder.is_dir():
                    raise EdgarError(f"EDGAR mirror folder not found: {path}")
        host = urlparse(self.base).hostname if self.base else "www.sec.gov"
        self.real_host = self.folder is None and (
            host is None or host == "sec.gov" or host.endswith(".sec.gov")
        )
        ua = (user_agent or "").strip()
        if self.real_host and (not ua or "@" not in ua):
            raise UserAgentMissing(UA_HELP)
        self.user_agent = ua or "insider (offline mirror)"
        if rate <= 0:
            raise EdgarError("--rate must be above 0")
        self.limiter = RateLimiter(min(rate, MAX_RATE))
        self.retries = retries
        self.rate_limit_retries = rate_limit_retries
        self.backoff = backoff
        self.rate_limit_pause = rate_limit_pause
        self.timeout = timeout
        self.sleep = sleep
        self._local = threading.local()
        self._count_lock = threading.Lock()
        self.requests = 0
        self.fallbacks = 0

    # -- URLs -------------------------------------------------------------------------
    def url(self, path: str) -> str:
        if self.folder is not None:
            return str(self.folder / path)
        if self.base is not None:
            return f"{self.base}/{path}"
        host = SEC_DATA if path.startswith("submissions/") else SEC_WWW
        return f"{host}/{path}"

    # -- fetching ---------------------------------------------------------------------
    def get(self, path: str) -> bytes:
        if self.folder is not None:
            return self._read_file(path)
        return self._get_http(self.url(path))

    def get_json(self, path: str) -> Any:
        data = self.get(path)
        try:
            return json.loads(data)
        except ValueError:
            raise EdgarError(f"{path}: not valid JSON") from None

    def _count(self) -> None:
        with self._count_lock:
            self.requests += 1

    def _read_file(self, path: str) -> bytes:
        assert self.folder is not None
        target = (self.folder / path).resolve()
        if not target.is_relative_to(self.folder):
            raise NotFound(f"{path}: outside the mirror")
        self._count()
        try:
            return target.read_bytes()
        except FileNotFoundError:
            raise NotFound(f"{path}: not in the mirror ({self.folder})") from None
        except OSError as e:
            raise EdgarError(f"{path}: {e.strerror}") from None

    def _session(self):
        s = getattr(self._local, "session", None)
        if s is None:
            import requests

            s = requests.Session()
            s.headers.update(
                {
                    "User-Agent": self.user_agent,
                    "Accept-Encoding": "gzip, deflate",
                    "Connection": "keep-alive",
                }
            )
            self._local.session = s
        return s

    def _get_http(self, url: str) -> bytes:
        import requests

        transient = 0
        limited = 0
        while True:
            self.limiter.acquire()
            self._count()
            try:
                resp = self._session().get(url, timeout=self.timeout)
                status = resp.status_code
                body = resp.content
            except (requests.ConnectionError, requests.Timeout) as e:
                transient += 1
                if transient > self.retries:
                    raise EdgarError(f"{url}: connection failed: {_first_line(e)}") from None
                self._wait(transient)
                continue
            except requests.RequestException as e:
                transient += 1
                if transient > self.retries:
                    raise EdgarError(f"{url}: {_first_line(e)}") from None
                self._wait(transient)
                continue
            if status == 200:
                return body
            if status == 429 or (status == 403 and _RATE_LIMIT_TEXT.search(body[:4096])):
                limited += 1
                if limited > self.rate_limit_retries:
                    raise EdgarError(f"{url}: EDGAR kept refusing (HTTP {status}, rate limit)")
                pause = _retry_after(resp.headers.get("Retry-After"))
                if pause is None:
                    pause = min(self.rate_limit_pause, 10.0 * 2 ** (limited - 1))
                self.limiter.pause(pause)
                continue
            if status == 404:
                raise NotFound(f"{url}: HTTP 404 not found")
            if status >= 500:
                transient += 1
                if transient > self.retries:
                    raise EdgarError(f"{url}: HTTP {status} after {self.retries} retries")
                self._wait(transient)
                continue
            raise EdgarError(f"{url}: HTTP {status}")

    def _wait(self, attempt: int) -> None:
        delay = self.backoff * 2 ** (attempt - 1)
        self.sleep(delay * (0.5 + random.random()))

    # -- EDGAR documents ----------------------------------------------------------------
    def company_tickers(self) -> dict[str, Any]:
        return self.get_json("files/company_tickers.json")

    def submissions(self, cik: str | int) -> dict[str, Any]:
        return self.get_json(f"submissions/CIK{int(cik):010d}.json")

    def submissions_page(self, name: str) -> dict[str, Any]:
        return self.get_json(f"submissions/{name}")


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return text[0] if text else type(e).__name__


def user_agent_from_env(explicit: str | None = None) -> str | None:
    return explicit or os.environ.get("INSIDER_USER_AGENT") or os.environ.get("EDGAR_IDENTITY")
