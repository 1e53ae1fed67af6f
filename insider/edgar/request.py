"""One GET against EDGAR with every guard of insider/edgar: the shared rate limit (each
redirect hop and each retry is one more request through it), bodies capped while they
stream and decompress, a deadline per request, redirects only to the base's own origin and
under its path, Retry-After honoured up to a cap and then given up on, the user told of
long waits (`Edgar.notice`). The client (`client.py`) keeps the state; this is the loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlparse

from . import body as bodies
from .client import (
    _RATE_LIMIT_TEXT,
    _REDIRECTS,
    EdgarError,
    NotFound,
    RateLimited,
    Refused,
    Transient,
    _first_line,
    _kind,
    _retry_after,
    _unreachable,
    redact_user_agent,
)
from .names import origin, strip_credentials

if TYPE_CHECKING:
    from .client import Edgar


def get_http(client: Edgar, url: str, kind: str) -> bytes:
    """GET `url` through the limiter: the body.
    Each redirect hop is one more request through the limiter, to the same origin
    and under the base only. A Retry-After over `rate_limit_cap` is waited for the cap
    only, once, and the user is told; refused again, the sync stops (RateLimited).

    Long on purpose: one request's state machine (redirects, caps, deadlines, retries, slow-
    down pauses); split, its invariants would be spread over several functions."""
    import requests
    import urllib3

    transient = limited = hops = 0
    asked: str | None = None  # a Retry-After over the cap, already waited out once
    session = client._session()  # set up before taking a slot: the slot is the send time
    current = url
    while True:
        sent_at = client._slot()  # this process's limiter and the machine's budget
        client._count()
        dog = bodies.Watchdog(client.deadlines[kind])
        try:
            with dog:
                resp = session.get(
                    current, timeout=client.timeout, stream=True, allow_redirects=False
                )
                try:
                    status = resp.status_code
                    if status == 200:
                        body = bodies.read_body(resp, kind, client.caps[kind])
                    else:
                        body = b"" if status in _REDIRECTS else bodies.read_prefix(resp)
                finally:
                    resp.close()
            if dog.fired:  # the socket was shut down under a read that then "ended"
                raise bodies.DeadlineExceeded
        except bodies.TooLarge as e:
            raise Refused(f"{url}: {e}") from None
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as e:
            if dog.fired:
                raise Transient(_deadline_text(client, url, kind)) from None
            if isinstance(e, ValueError):  # a bad URL or header: retrying cannot help
                raise EdgarError(f"{url}: {_first_line(e)}") from None
            # A host that is not there (name unknown, connection refused) rarely comes
            # back within seconds: one retry, then say so plainly.
            unreachable = _unreachable(e)
            if unreachable and transient >= 1:
                host = urlparse(url).netloc
                raise Transient(f"cannot connect to {host}: {unreachable}") from None
            # Resets, timeouts, bodies cut short (fewer bytes than Content-Length), broken
            # gzip: transient, retried a bounded number of times.
            transient += 1
            if transient > client.retries:
                raise Transient(
                    f"{url}: {_kind(e)} after {client.retries} retries ({_first_line(e)})"
                ) from None
            client._wait(transient, None)
            continue
        except bodies.DeadlineExceeded:
            raise Transient(_deadline_text(client, url, kind)) from None
        except bodies.BadEncoding as e:
            transient += 1
            if transient > client.retries:
                raise Transient(f"{url}: {e} after {client.retries} retries") from None
            client._wait(transient, None)
            continue
        if status == 200:
            client.limiter.succeeded(sent_at)
            return body
        if status in _REDIRECTS:
            hops += 1
            current = _redirect(client, url, current, resp.headers.get("Location"), hops)
            continue
        header = resp.headers.get("Retry-After")
        retry_after = _retry_after(header)
        slow_down = status == 429 or (status == 403 and _RATE_LIMIT_TEXT.search(body))
        if slow_down or status >= 500:
            if asked is not None:
                raise RateLimited(
                    f"EDGAR still refuses (HTTP {status}) after the "
                    f"{duration(client.rate_limit_cap)} wait, the most insider waits, though "
                    f"it asked for {asked}; stored filings are kept, run the same sync later"
                )
            if retry_after is not None and retry_after > client.rate_limit_cap:
                asked = f"{duration(retry_after)} (Retry-After: {header.strip()[:40]})"
                client._tell(
                    f"EDGAR asks to wait {asked} (HTTP {status}); waiting "
                    f"{duration(client.rate_limit_cap)}, the most insider waits, then "
                    "trying once more",
                    client.rate_limit_cap,
                )
                retry_after = client.rate_limit_cap
        if slow_down:
            limited += 1
            if limited > client.rate_limit_retries:
                why = "rate limit"
                if b"Undeclared Automated Tool" in body:
                    why = f"undeclared tool: User-Agent {redact_user_agent(client.user_agent)!r}"
                raise RateLimited(
                    f"EDGAR kept refusing requests (HTTP {status}, {why}) through "
                    f"{client.rate_limit_retries} back-offs; stored filings are kept, "
                    "run the same sync later to resume"
                )
            strikes = client.limiter.strikes
            pause = client.limiter.slow_down(
                sent_at, retry_after, client.rate_limit_pause, client.rate_limit_cap
            )
            if client.limiter.strikes != strikes and asked is None:
                client._tell(
                    f"EDGAR says slow down (HTTP {status}): pausing all requests "
                    f"for {duration(pause)}",
                    pause,
                )
            continue
        if status == 404:
            raise NotFound(f"{url}: HTTP 404 not found")
        if status >= 500:
            transient += 1
            if transient > client.retries and asked is None:
                raise Transient(f"{url}: HTTP {status} after {client.retries} retries")
            client._wait(transient, retry_after)
            continue
        raise EdgarError(f"{url}: HTTP {status}")


def _redirect(client: Edgar, url: str, current: str, location: str | None, hops: int) -> str:
    """Where a redirect may go: the same scheme, host and port as the base, under its
    path, within `max_redirects` hops. Anything else ends the request."""
    if hops > client.max_redirects:
        raise Refused(f"{url}: more than {client.max_redirects} redirects")
    if not location:
        raise EdgarError(f"{url}: redirect without a Location")
    target = urljoin(current, location.strip())
    base = client.base or url
    prefix = urlparse(client.base).path.rstrip("/") + "/" if client.base else "/"
    path = unquote(urlparse(target).path)
    if (
        origin(target) != origin(base)
        or not path.startswith(prefix)
        or any(seg in (".", "..") for seg in path.split("/"))
    ):
        shown = strip_credentials(target)[:200]
        raise Refused(f"{url}: redirect to {shown} refused (outside {client.base or 'EDGAR'})")
    return target


def _deadline_text(client: Edgar, url: str, kind: str) -> str:
    return (
        f"{url}: no complete answer within {client.deadlines[kind]:g} s "
        f"(the deadline for a {kind}); will be tried again"
    )


def duration(seconds: float) -> str:
    """12 s, 10 min, 1 h 40 min, 27 h 46 min."""
    s = int(round(seconds))
    if s < 60:
        return f"{seconds:.3g} s" if seconds < 10 else f"{s} s"
    if s < 3600:
        return f"{s // 60} min" + (f" {s % 60} s" if s % 60 else "")
    return f"{s // 3600} h {s % 3600 // 60} min"
