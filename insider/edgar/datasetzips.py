"""The SEC's data-set landing page and quarter ZIPs: links, streaming downloads, resume.

Every request goes through the Edgar client's rate limiter, back-off and User-Agent (one
budget with sync). A ZIP streams to `DEST.part` in 1 MB pieces (never whole in memory)
and is renamed to DEST only when complete; an interrupted download resumes from the bytes
on disk with a Range request (If-Range: the ETag it started with), or restarts when the
server sends the whole file again. A quarter imported before is asked for conditionally
(If-None-Match / If-Modified-Since): 304 means unchanged and nothing is downloaded.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..datasets import quarter_of_name
from . import body as bodies
from .client import (
    _RATE_LIMIT_TEXT,
    Edgar,
    EdgarError,
    NotFound,
    RateLimited,
    Refused,
    Transient,
    _first_line,
    _retry_after,
    _unreachable,
)

LANDING_PATH = "data-research/sec-markets-data/insider-transactions-data-sets"
CHUNK = 1 << 20
_HREF = re.compile(rb"""<a\s[^>]*?href\s*=\s*["']([^"'<>\s]+?_form345\.zip)["']""", re.I)
_SAFE_PATH = re.compile(r"^[A-Za-z0-9_.\-/]+$")

Progress = Callable[[int, int | None], None]  # bytes so far, total (None: unknown)


def landing_links(html: bytes, source: str = "landing page") -> dict[str, str]:
    """quarter -> path on the host, from every <a href> ending in _form345.zip."""
    links: dict[str, str] = {}
    for m in _HREF.finditer(html):
        href = m.group(1).decode("ascii", "replace")
        parts = urlsplit(href)
        if parts.netloc and not (parts.netloc == "sec.gov" or parts.netloc.endswith(".sec.gov")):
            continue  # a link to another host is not the SEC's data set
        path = parts.path.lstrip("/")
        if not path or ".." in path.split("/") or not _SAFE_PATH.match(path):
            continue
        quarter = quarter_of_name(path)
        if quarter:
            links.setdefault(quarter, path)
    if not links:
        raise EdgarError(f"{source}: no links to quarterly *_form345.zip files on the page")
    return links


def fetch_landing(edgar: Edgar) -> dict[str, str]:
    try:
        html = edgar.get(LANDING_PATH)
    except NotFound:
        raise EdgarError(
            f"{edgar.url(LANDING_PATH)}: the data-set landing page is not there"
        ) from None
    return landing_links(html, edgar.url(LANDING_PATH))


@dataclass
class Fetched:
    status: str  # 'downloaded' or 'not-modified'
    path: Path | None = None
    size: int = 0
    etag: str | None = None
    last_modified: str | None = None
    resumed_from: int = 0


def download(
    edgar: Edgar,
    path: str,
    dest: Path,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    progress: Progress | None = None,
) -> Fetched:
    """Fetch `path` (on the EDGAR host or mirror) to `dest`; conditional when `etag` or
    `last_modified` (of the copy imported before) is given. One request, plus the retries
    the rate limit and transient failures call for."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if edgar.folder is not None:
        return _copy_from_folder(edgar, path, dest, progress)
    return _download_http(edgar, edgar.url(path), dest, etag, last_modified, progress)


def _copy_from_folder(edgar: Edgar, path: str, dest: Path, progress) -> Fetched:
    assert edgar.folder is not None
    src = (edgar.folder / path).resolve()
    if not src.is_relative_to(edgar.folder) or not src.is_file():
        raise NotFound(f"{edgar.url(path)}: not in the mirror")
    edgar._count()
    part = dest.with_name(dest.name + ".part")
    with open(src, "rb") as fin, open(part, "wb") as fout:
        shutil.copyfileobj(fin, fout, CHUNK)
    part.replace(dest)
    size = dest.stat().st_size
    if progress:
        progress(size, size)
    return Fetched("downloaded", dest, size)


def _download_http(edgar, url, dest, etag, last_modified, progress) -> Fetched:
    """Stream one ZIP to disk, resuming a partial file (Range) and honouring the cap,
    deadline and conditional-request headers.

    Long on purpose: one request's state machine (resume, redirect, cap, deadline, retry);
    split, its invariants would be spread over several functions."""
    import requests

    part = dest.with_name(dest.name + ".part")
    meta_file = dest.with_name(dest.name + ".part.json")
    session = edgar._session()
    transient = limited = hops = 0
    asked: str | None = None  # a Retry-After over the cap, already waited out once
    start = url
    while True:
        have = part.stat().st_size if part.exists() else 0
        part_tag = _read_meta(meta_file) if have else None
        headers = {"Accept-Encoding": "identity"}  # Range counts bytes of the file itself
        if have and part_tag:
            headers["Range"] = f"bytes={have}-"
            headers["If-Range"] = part_tag
        elif etag or last_modified:
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
        sent_at = edgar.limiter.acquire()
        edgar._count()
        # The guards of every insider request (edgar/request.py): a deadline for the whole
        # answer, redirects only home, a cap on the bytes written.
        dog = bodies.Watchdog(edgar.deadlines["dataset"])
        dog.__enter__()
        try:
            resp = session.get(
                url, headers=headers, timeout=edgar.timeout, stream=True, allow_redirects=False
            )
        except requests.RequestException as e:
            dog.__exit__(None, None, None)
            if dog.fired:
                raise Transient(
                    f"{url}: no answer within {edgar.deadlines['dataset']:g} s"
                ) from None

            unreachable = _unreachable(e)
            if unreachable and transient >= 1:
                raise EdgarError(
                    f"cannot connect to {urlsplit(url).netloc}: {unreachable}"
                ) from None
            transient = _transient(edgar, url, transient, _first_line(e))
            continue
        with resp, dog:
            status = resp.status_code
            if status in (301, 302, 303, 307, 308):
                from .request import _redirect

                hops += 1
                url = _redirect(edgar, start, url, resp.headers.get("Location"), hops)
                continue
            if status == 304:
                edgar.limiter.succeeded(sent_at)
                return Fetched("not-modified", None, 0, etag, last_modified)
            if status in (200, 206):
                ok = _stream_body(
                    resp, part, meta_file, status, have, progress, edgar.caps["dataset"]
                )
                if dog.fired:
                    raise Transient(
                        f"{url}: not complete within {edgar.deadlines['dataset']:g} s "
                        "(the deadline for a data set); run the same backfill to resume"
                    )
                if ok is None:  # cut short: resume from what is on disk
                    transient = _transient(edgar, url, transient, "response cut short")
                    continue
                edgar.limiter.succeeded(sent_at)
                part.replace(dest)
                meta_file.unlink(missing_ok=True)
                return Fetched(
                    "downloaded",
                    dest,
                    dest.stat().st_size,
                    resp.headers.get("ETag"),
                    resp.headers.get("Last-Modified"),
                    have if status == 206 else 0,
                )
            body = resp.raw.read(8192, decode_content=True) or b""
            if status == 416:  # the part on disk is not a prefix of the file: restart
                part.unlink(missing_ok=True)
                meta_file.unlink(missing_ok=True)
                transient = _transient(edgar, url, transient, "HTTP 416")
                continue
            if status == 429 or (status == 403 and _RATE_LIMIT_TEXT.search(body)):
                wait = _retry_after(resp.headers.get("Retry-After"))
                if wait is not None and wait > edgar.rate_limit_cap:
                    if asked is not None:  # waited the cap once: one line, stop
                        raise RateLimited(
                            f"EDGAR still refuses (HTTP {status}) after the "
                            f"{edgar.rate_limit_cap:g} s wait, the most insider waits, though "
                            f"it asked for {asked} s; run the same backfill later"
                        )
                    asked = f"{wait:.0f}"
                    edgar._tell(
                        f"EDGAR asks to wait {asked} s (HTTP {status}); waiting "
                        f"{edgar.rate_limit_cap:g} s, the most insider waits",
                        edgar.rate_limit_cap,
                    )
                    wait = edgar.rate_limit_cap
                limited += 1
                if limited > edgar.rate_limit_retries:
                    raise RateLimited(
                        f"EDGAR kept refusing requests (HTTP {status}) through "
                        f"{edgar.rate_limit_retries} back-offs; run the same backfill later"
                    )
                edgar.limiter.slow_down(
                    sent_at,
                    wait,
                    edgar.rate_limit_pause,
                    edgar.rate_limit_cap,
                )
                continue
            if status == 404:
                raise NotFound(f"{url}: HTTP 404 not found")
            if status >= 500:
                transient = _transient(
                    edgar, url, transient, f"HTTP {status}", resp.headers.get("Retry-After")
                )
                continue
            raise EdgarError(f"{url}: HTTP {status}")


def _transient(
    edgar: Edgar, url: str, attempt: int, why: str, retry_after: str | None = None
) -> int:
    attempt += 1
    if attempt > edgar.retries:
        raise EdgarError(f"{url}: {why} after {edgar.retries} retries")
    edgar._wait(attempt, _retry_after(retry_after))
    return attempt


def _stream_body(resp, part: Path, meta_file: Path, status: int, have: int, progress, cap: int):
    """Write the body to `part` (appending on 206), at most `cap` bytes in all. True when
    complete; None when cut."""
    import requests

    if status == 200:
        have = 0  # the whole file again: restart
        tag = resp.headers.get("ETag") or resp.headers.get("Last-Modified")
        if tag:
            meta_file.write_text(json.dumps({"if_range": tag}))
        else:
            meta_file.unlink(missing_ok=True)
    length = resp.headers.get("Content-Length")
    expected = have + int(length) if length and length.isdigit() else None
    if expected is not None and expected > cap:
        raise Refused(
            f"data set of {expected // bodies.MB} MB, over the {cap // bodies.MB} MB limit"
        )
    done = have
    import urllib3

    try:
        with open(part, "ab" if status == 206 else "wb") as f:
            # read1: whatever has arrived, so the bytes before a cut are on disk to resume
            # Raw bytes: a ZIP is never sent content-encoded (identity was asked for), and
            # decoding here would let a gzip bomb through.
            while chunk := resp.raw.read1(CHUNK, decode_content=False):
                done += len(chunk)
                if done > cap:
                    raise Refused(
                        f"data set over the {cap // bodies.MB} MB limit; not read further"
                    )
                f.write(chunk)
                if progress:
                    progress(done, expected)
    except (requests.RequestException, urllib3.exceptions.HTTPError, ConnectionError):
        return None  # reset, cut short, timed out: resume from what is on disk
    except OSError as e:
        raise EdgarError(f"cannot write {part}: {e.strerror or e}") from None
    if expected is not None and done < expected:
        return None
    return True


def _read_meta(meta_file: Path) -> str | None:
    try:
        return json.loads(meta_file.read_text()).get("if_range")
    except (OSError, ValueError, AttributeError):
        return None
