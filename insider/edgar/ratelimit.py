"""The fair-access limiter: at most `rate` requests in any one-second window for every thread
of the process (and, through `budget`, every process of the machine), with the shared
back-off the SEC's "slow down" answers ask for. Its clock is injectable for tests."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from .errors import Cancelled

MAX_RATE = 10.0


class RateLimiter:
    """At most `rate` acquisitions in any window of one second, across all threads.

    The window is widened by `margin` seconds: a request leaves the client a few
    milliseconds after its slot is taken (thread switch, connection set-up), and that jitter
    must not let the server see 11 arrivals inside one of its seconds. Below 1/s, one request
    per 1/rate seconds.

    `pause()` blocks every thread (the SEC blocks a client, not a thread). `stop` (an Event)
    wakes every sleeper at once and makes it raise `Cancelled`.
    """

    def __init__(
        self,
        rate: float = MAX_RATE,
        window: float = 1.0,
        margin: float = 0.05,
        stop: threading.Event | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be above 0")
        self.n = max(1, int(rate)) if rate >= 1 else 1
        self.window = (window if rate >= 1 else 1.0 / rate) + margin
        self.stamps: deque[float] = deque()
        self.lock = threading.Lock()
        self.cond = threading.Condition(self.lock)
        self.stop = stop or threading.Event()
        self.clock = clock
        self.paused_until = 0.0
        self.pause_started = float("-inf")
        self.strikes = 0
        self.pauses: list[float] = []  # every pause taken, in seconds (for the summary, tests)

    def acquire(self) -> float:
        """Wait for a slot; return its time (monotonic). Waiting releases the lock, so a
        "slow down" noted meanwhile by another thread holds this one back too."""
        with self.cond:
            while True:
                if self.stop.is_set():
                    raise Cancelled("interrupted")
                now = self.clock()
                if now < self.paused_until:
                    self.cond.wait(self.paused_until - now)
                    continue
                while self.stamps and now - self.stamps[0] >= self.window:
                    self.stamps.popleft()
                if len(self.stamps) < self.n:
                    self.stamps.append(now)
                    return now
                self.cond.wait(self.window - (now - self.stamps[0]))

    def release(self, stamp: float) -> None:
        """Give back a slot taken at `stamp` that was not used (the machine budget had none
        free at that instant): a slot must stand for a request actually sent then."""
        with self.cond:
            try:
                self.stamps.remove(stamp)
            except ValueError:
                return
            self.cond.notify_all()

    def wake(self) -> None:
        with self.cond:
            self.cond.notify_all()

    def pause(self, seconds: float) -> None:
        with self.lock:
            now = self.clock()
            self.pause_started = now
            self.paused_until = max(self.paused_until, now + seconds)
            self.pauses.append(seconds)

    def slow_down(
        self, sent_at: float, retry_after: float | None, base: float, cap: float
    ) -> float:
        """A "slow down" answer to a request sent at `sent_at`. Requests sent before the
        current pause began were already in flight: they wait it out but do not lengthen
        it. Otherwise the shared pause doubles (base, 2*base, ... up to cap) unless the
        server said how long (Retry-After). Returns the pause now in force."""
        with self.lock:
            now = self.clock()
            if sent_at < self.pause_started:
                return max(0.0, self.paused_until - now)
            self.strikes += 1
            seconds = retry_after
            if seconds is None:
                seconds = min(cap, base * 2 ** (self.strikes - 1))
            self.pause_started = now
            self.paused_until = max(self.paused_until, now + seconds)
            self.pauses.append(seconds)
            return seconds

    def succeeded(self, sent_at: float) -> None:
        """A request sent after the last pause began went through: the block is over.
        (One sent before it proves nothing.)"""
        if self.strikes:
            with self.lock:
                if sent_at >= self.pause_started:
                    self.strikes = 0
