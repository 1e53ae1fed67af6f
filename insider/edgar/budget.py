"""One request budget for the whole machine: every insider process of a user together sends
at most 10 requests to EDGAR in any one second (the SEC counts per machine, not per process).

The budget is a small file, `requests.budget`, in the user's cache folder:
`$INSIDER_CACHE_DIR`, else `$XDG_CACHE_HOME/insider/`, else `~/.cache/insider/`. It holds
the send times (wall clock, one per line) of the last requests. Taking a slot means: lock
the file (`flock`, exclusive), drop times older than the window, and if fewer than `n`
remain, append now and unlock; otherwise unlock and sleep until the oldest leaves the
window. The lock is held for microseconds, so 10 slots a second cost nothing measurable.

The window is one second plus a margin of 75 ms (the in-process limiter's is 50 ms): a
request reaches the server some milliseconds after its slot, more so from several busy
processes, and that jitter must not put 11 arrivals in one of the server's seconds. The
price: at most 10/1.075 = 9.3 requests/s. Where the folder cannot be written (or `fcntl`
is missing, as on Windows) the budget is per process only, and `MachineBudget.shared`
says so.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock; the in-process limiter still holds
    fcntl = None  # type: ignore[assignment]

FILE_NAME = "requests.budget"


def cache_dir() -> Path:
    """Where insider keeps per-user machine state (documented in the README)."""
    explicit = os.environ.get("INSIDER_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "insider"


class MachineBudget:
    """At most `n` slots in any `window` seconds, shared through a locked file by every
    process that uses the same file. Thread-safe (flock does not exclude threads sharing
    one open file, so a thread lock guards the file too)."""

    def __init__(
        self,
        n: int = 10,
        window: float = 1.0,
        margin: float = 0.075,
        path: Path | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.n = n
        self.window = window + margin
        self.clock = clock
        self.lock = threading.Lock()
        self.fd: int | None = None
        self.path = path if path is not None else cache_dir() / FILE_NAME
        self.shared = False
        self.local: list[float] = []  # the fallback when the file cannot be used
        if fcntl is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self.shared = True
        except OSError:
            self.fd = None

    def close(self) -> None:
        with self.lock:
            if self.fd is not None:
                os.close(self.fd)
                self.fd = None

    def try_take(self) -> float:
        """Take a slot now and return 0.0, or return how long to wait before trying again."""
        with self.lock:
            if self.fd is None:
                return self._take(self.local)
            assert fcntl is not None
            fcntl.flock(self.fd, fcntl.LOCK_EX)
            try:
                stamps = _read(self.fd)
                wait = self._take(stamps)
                if wait == 0.0:
                    data = "".join(f"{t:.6f}\n" for t in stamps[-self.n :]).encode()
                    os.pwrite(self.fd, data, 0)
                    os.ftruncate(self.fd, len(data))
                return wait
            finally:
                fcntl.flock(self.fd, fcntl.LOCK_UN)

    def _take(self, stamps: list[float]) -> float:
        now = self.clock()
        # Times from the future (a clock set back) would block everyone: drop them too.
        stamps[:] = sorted(t for t in stamps if now - self.window < t <= now + 0.001)
        if len(stamps) < self.n:
            stamps.append(now)
            return 0.0
        return max(0.001, stamps[-self.n] + self.window - now)

    def acquire(self, stop: threading.Event | None = None) -> bool:
        """Wait for a slot; False when `stop` was set while waiting."""
        while True:
            wait = self.try_take()
            if wait == 0.0:
                return True
            if stop is not None:
                if stop.wait(wait):
                    return False
            else:
                time.sleep(wait)


def _read(fd: int) -> list[float]:
    raw = os.pread(fd, 4096, 0)
    out = []
    for line in raw.split(b"\n"):
        try:
            out.append(float(line))
        except ValueError:
            continue  # an empty or damaged line: it only costs a slot, never blocks
    return out


_shared: MachineBudget | None = None
_shared_lock = threading.Lock()


def machine_budget() -> MachineBudget:
    """The process's one handle on the machine budget (opened on first use)."""
    global _shared
    with _shared_lock:
        wanted = cache_dir() / FILE_NAME
        if _shared is None or _shared.path != wanted:
            _shared = MachineBudget(path=wanted)
        return _shared
