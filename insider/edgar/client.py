"""Talking to EDGAR (or an EDGAR-shaped folder / local URL): bytes in, nothing parsed here
beyond JSON (the decoders of EDGAR's documents are the package's other modules).

Fair access is enforced here, once, for every thread of the process: at most `rate` requests
in any one-second window (never more than 10), a declared User-Agent for real hosts, a back-off
shared by all threads when the SEC says "slow down" (403 rate-limit page or 429, honouring
Retry-After), and a bounded number of retries with exponential backoff and jitter on 5xx and
broken connections. No other code in insider talks HTTP.
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from . import body as bodies
from .budget import machine_budget
from .errors import (  # noqa: F401  (re-exported: callers import them from here)
    BadJSON,
    Cancelled,
    EdgarError,
    NotFound,
    RateLimited,
    Refused,
    Transient,
    UserAgentMissing,
)
from .names import safe_path, strip_credentials
from .ratelimit import MAX_RATE, RateLimiter

SEC_WWW = "https://www.sec.gov"
SEC_DATA = "https://data.sec.gov"

UA_HELP = (
    "EDGAR requires a User-Agent naming you and a contact e-mail "
    "(SEC fair-access rule); set INSIDER_USER_AGENT='Your Name you@example.com'"
)

_RATE_LIMIT_TEXT = re.compile(rb"Request Rate Threshold Exceeded|Undeclared Automated Tool", re.I)


_REDIRECTS = frozenset({301, 302, 303, 307, 308})


def redact_user_agent(ua: str) -> str:
    """Logs never show the full contact: the e-mail address is masked."""
    return re.sub(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", "<e-mail>", ua)


class Edgar:
    """EDGAR client over the real hosts, an http(s) base URL, or a local folder.

    Thread-safe: one `requests.Session` per thread (keep-alive, gzip), one shared limiter.
    Knobs for tests and impatient users: `retries` (5xx/connection errors per request),
    `backoff` (first retry delay, doubled each time, capped by `backoff_cap`, jittered
    +-50%), `rate_limit_pause` (first shared pause after a 403/429 without Retry-After,
    doubled up to `rate_limit_cap`), `rate_limit_retries` (slow-down answers one request
    accepts before the sync is stopped with `RateLimited`).
    """

    def __init__(
        self,
        base: str | None = None,
        user_agent: str | None = None,
        rate: float = MAX_RATE,
        *,
        retries: int = 5,
        backoff: float = 0.5,
        backoff_cap: float = 30.0,
        rate_limit_retries: int = 8,
        rate_limit_pause: float = 15.0,
        rate_limit_cap: float = 600.0,
        timeout: float | tuple[float, float] = (10.0, 30.0),
        margin: float = 0.05,
        max_redirects: int = 5,
        caps: dict[str, int] | None = None,
        deadlines: dict[str, float] | None = None,
    ) -> None:
        """Every knob of the client checked and set (rate, retries, back-off, caps,
        deadlines, budget); long only because there are that many."""
        self.folder: Path | None = None
        self.base = None
        self.auth: tuple[str, str] | None = None
        if base:
            if base.startswith(("http://", "https://")):
                # user:pass@ goes to the session's auth, never into a stored or shown URL.
                parts = urlparse(base)
                if parts.username is not None or parts.password is not None:
                    self.auth = (unquote(parts.username or ""), unquote(parts.password or ""))
                self.base = strip_credentials(base).rstrip("/")
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
        if any(c in ua for c in "\r\n"):
            raise EdgarError("the User-Agent must be one line")
        self.user_agent = ua or "insider (offline mirror)"
        if not rate > 0:
            raise EdgarError("the rate must be above 0 requests per second")
        if rate > MAX_RATE:
            raise EdgarError(
                "the rate cannot exceed 10 requests per second (SEC fair-access limit)"
            )
        self.stop = threading.Event()
        self.limiter = RateLimiter(rate, margin=margin, stop=self.stop)
        self.retries = retries
        self.backoff = backoff
        self.backoff_cap = backoff_cap
        self.rate_limit_retries = rate_limit_retries
        self.rate_limit_pause = rate_limit_pause
        self.rate_limit_cap = rate_limit_cap
        self.timeout = timeout
        self.max_redirects = max_redirects
        self.caps = {**bodies.CAPS, **(caps or {})}
        self.deadlines = {**bodies.DEADLINES, **(deadlines or {})}
        # Told about long waits: notice(message, seconds). The CLI shows it; None: silent.
        self.notice: Callable[[str, float], None] | None = None
        self._local = threading.local()
        self._sessions: list[Any] = []
        self._count_lock = threading.Lock()
        self.requests = 0
        self.retried = 0

    # -- URLs -------------------------------------------------------------------------
    def url(self, path: str) -> str:
        if self.folder is not None:
            return str(self.folder / path)
        if self.base is not None:
            return f"{self.base}/{path}"
        host = SEC_DATA if path.startswith("submissions/") else SEC_WWW
        return f"{host}/{path}"

    # -- life cycle -----------------------------------------------------------------------
    def cancel(self) -> None:
        """Wake every thread waiting on the limiter or a back-off; they raise `Cancelled`."""
        self.stop.set()
        self.limiter.wake()

    def close(self) -> None:
        with self._count_lock:
            sessions, self._sessions = self._sessions, []
        for s in sessions:
            s.close()

    # -- fetching ---------------------------------------------------------------------
    def get(self, path: str, kind: str | None = None) -> bytes:
        """The document at `path` (relative to the base), at most the cap of its `kind`
        (`filing`, `submissions`, `index`, `dataset`; guessed from the path if not given)."""
        kind = kind or bodies.kind_of(path)
        self._check(path)
        if self.folder is not None:
            return self._read_file(path, kind)
        return self._get_http(self.url(path), kind)

    def get_json(self, path: str, kind: str | None = None) -> Any:
        data = self.get(path, kind)
        try:
            return json.loads(data)
        except ValueError:
            raise BadJSON(f"{self.url(path)}: not valid JSON") from None
        except RecursionError:
            raise BadJSON(f"{self.url(path)}: JSON nested too deeply") from None

    def _check(self, path: str) -> None:
        if self.stop.is_set():
            raise Cancelled("interrupted")
        if not safe_path(path):
            raise Refused(f"refused to request {path[:200]!r}: not a plain EDGAR path")

    def _count(self) -> None:
        with self._count_lock:
            self.requests += 1

    def _read_file(self, path: str, kind: str) -> bytes:
        assert self.folder is not None
        target = (self.folder / path).resolve()
        if not target.is_relative_to(self.folder):
            raise Refused(f"{path}: outside the mirror")
        self._count()
        try:
            return bodies.read_file(target, self.caps[kind])
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise NotFound(f"{path}: not in the mirror ({self.folder})") from None
        except bodies.TooLarge as e:
            raise Refused(f"{path}: {kind} {e}") from None
        except OSError as e:
            raise EdgarError(f"{path}: {e.strerror}") from None

    def _session(self):
        s = getattr(self._local, "session", None)
        if s is None:
            import requests

            s = requests.Session()
            bodies.mount_watchdog(s)
            s.auth = self.auth
            s.max_redirects = self.max_redirects
            s.headers.update(
                {
                    "User-Agent": self.user_agent,
                    "Accept-Encoding": "gzip, deflate",
                    "Connection": "keep-alive",
                }
            )
            self._local.session = s
            with self._count_lock:
                self._sessions.append(s)
        return s

    def _get_http(self, url: str, kind: str) -> bytes:
        from .request import get_http

        return get_http(self, url, kind)

    def _slot(self) -> float:
        """The send time of one request: a slot of this process's limiter and, at the same
        instant, a slot of the machine's budget, shared with every insider process
        (edgar/budget.py). When the budget has none free, the process slot is given back
        and both are taken again later: a slot taken long before its request is sent
        would let requests bunch up at the server."""
        while True:
            sent_at = self.limiter.acquire()
            wait = machine_budget().try_take()
            if not wait:
                return sent_at
            self.limiter.release(sent_at)
            if self.stop.wait(wait):
                raise Cancelled("interrupted")

    def _tell(self, message: str, seconds: float) -> None:
        if self.notice is not None:
            self.notice(message, seconds)

    def _wait(self, attempt: int, retry_after: float | None) -> None:
        if retry_after is not None:
            delay = min(retry_after, self.rate_limit_cap)
        else:
            delay = min(self.backoff_cap, self.backoff * 2 ** (attempt - 1))
            delay *= 0.5 + random.random()
        if delay >= 5:
            from .request import duration

            self._tell(f"EDGAR is not answering well: waiting {duration(delay)}", delay)
        with self._count_lock:
            self.retried += 1
        if self.stop.wait(delay):
            raise Cancelled("interrupted")

    # -- EDGAR documents ----------------------------------------------------------------
    def company_tickers(self) -> dict[str, Any]:
        return self.get_json("files/company_tickers.json")

    def submissions(self, cik: str | int) -> dict[str, Any]:
        return self.get_json(f"submissions/CIK{int(cik):010d}.json")

    def submissions_page(self, name: str) -> dict[str, Any]:
        return self.get_json(f"submissions/{name}")


def _retry_after(value: str | None) -> float | None:
    """Retry-After is seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def _unreachable(e: BaseException) -> str | None:
    """Why the host cannot be reached at all, or None for a failure worth retrying."""
    import requests

    if not isinstance(e, requests.ConnectionError) or isinstance(e, requests.Timeout):
        return None
    text = repr(e)
    if (
        "NameResolutionError" in text
        or "Name or service not known" in text
        or ("nodename nor servname" in text or "Temporary failure in name resolution" in text)
    ):
        return "host not found (no network, or a wrong EDGAR address?)"
    if "Connection refused" in text or "ConnectionRefusedError" in text:
        return "connection refused (is the server running?)"
    return None


def _kind(e: BaseException) -> str:
    import requests

    if isinstance(e, requests.Timeout):
        return "timed out"
    if isinstance(
        e, requests.exceptions.ChunkedEncodingError | requests.exceptions.ContentDecodingError
    ):
        return "response cut short"
    if isinstance(e, requests.ConnectionError):
        return "connection failed"
    return "request failed"


def _first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    line = text[0] if text else type(e).__name__
    return line if len(line) <= 160 else line[:157] + "..."


def user_agent_from_env(explicit: str | None = None) -> str | None:
    return explicit or os.environ.get("INSIDER_USER_AGENT") or os.environ.get("EDGAR_IDENTITY")
