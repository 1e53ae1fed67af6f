"""The fair-access limiter (insider/edgar/ratelimit.py) on an injected clock: the
rule "at most `rate` requests in any window of one second (+ margin), one shared pause for
every thread after a slow-down answer" checked exactly, without waiting on the real clock.
(The real-clock checks against a local server are the `slow` tests in test_sync_faults.py.)
"""

from __future__ import annotations

import threading

import pytest

from insider.edgar import Cancelled, RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _acquire_in_thread(limiter: RateLimiter) -> tuple[threading.Thread, list]:
    got: list = []

    def run() -> None:
        try:
            got.append(limiter.acquire())
        except Cancelled as e:
            got.append(e)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, got


def _advance(limiter: RateLimiter, clock: Clock, to: float) -> None:
    clock.now = to
    limiter.wake()


def test_ten_slots_per_window_then_the_eleventh_waits_for_the_window_plus_margin():
    clock = Clock()
    lim = RateLimiter(10, margin=0.05, clock=clock)
    assert [lim.acquire() for _ in range(10)] == [0.0] * 10
    t, got = _acquire_in_thread(lim)
    t.join(0.1)
    assert t.is_alive() and got == []  # an 11th inside the window waits
    _advance(lim, clock, 1.04)
    t.join(0.1)
    assert t.is_alive() and got == []  # still inside window + margin
    _advance(lim, clock, 1.05)
    t.join(2)
    assert got == [1.05]


def test_sliding_window_counts_only_the_last_second():
    clock = Clock()
    lim = RateLimiter(3, margin=0.0, clock=clock)
    for when in (0.0, 0.25, 0.75):  # binary fractions: exact differences
        clock.now = when
        lim.acquire()
    clock.now = 1.0  # the slot of 0.0 has left the window; 0.25 and 0.75 have not
    assert lim.acquire() == 1.0
    t, got = _acquire_in_thread(lim)
    t.join(0.1)
    assert t.is_alive()
    _advance(lim, clock, 1.25)
    t.join(2)
    assert got == [1.25]


def test_below_one_per_second_one_request_per_period():
    clock = Clock()
    lim = RateLimiter(0.5, margin=0.0, clock=clock)
    assert lim.acquire() == 0.0
    t, got = _acquire_in_thread(lim)
    t.join(0.1)
    _advance(lim, clock, 1.99)
    t.join(0.1)
    assert t.is_alive()
    _advance(lim, clock, 2.0)
    t.join(2)
    assert got == [2.0]


def test_slow_down_doubles_a_shared_pause_up_to_the_cap_and_in_flight_requests_do_not_add():
    clock = Clock()
    lim = RateLimiter(10, clock=clock)
    assert lim.slow_down(0.0, None, base=1.0, cap=4.0) == 1.0
    # A request sent before that pause began was already in flight: no longer pause.
    assert lim.slow_down(-0.5, None, base=1.0, cap=4.0) == 1.0
    clock.now = 1.0
    assert lim.slow_down(1.0, None, base=1.0, cap=4.0) == 2.0
    clock.now = 3.0
    assert lim.slow_down(3.0, None, base=1.0, cap=4.0) == 4.0
    clock.now = 7.0
    assert lim.slow_down(7.0, None, base=1.0, cap=4.0) == 4.0  # capped
    clock.now = 11.0
    assert lim.slow_down(11.0, 2.5, base=1.0, cap=4.0) == 2.5  # the server said how long
    assert lim.pauses == [1.0, 2.0, 4.0, 4.0, 2.5]
    # Only a success sent after the last pause began ends the block.
    lim.succeeded(10.0)
    assert lim.strikes == 5
    lim.succeeded(11.0)
    assert lim.strikes == 0


def test_a_pause_holds_every_thread_until_it_ends():
    clock = Clock()
    lim = RateLimiter(10, clock=clock)
    lim.pause(5.0)
    t, got = _acquire_in_thread(lim)
    t.join(0.1)
    _advance(lim, clock, 4.9)
    t.join(0.1)
    assert t.is_alive()
    _advance(lim, clock, 5.0)
    t.join(2)
    assert got == [5.0]


def test_stop_wakes_a_waiting_thread_with_cancelled():
    clock = Clock()
    stop = threading.Event()
    lim = RateLimiter(1, clock=clock, stop=stop)
    lim.acquire()
    t, got = _acquire_in_thread(lim)
    t.join(0.1)
    stop.set()
    lim.wake()
    t.join(2)
    assert len(got) == 1 and isinstance(got[0], Cancelled)
    with pytest.raises(Cancelled):
        lim.acquire()


def test_rate_must_be_positive():
    with pytest.raises(ValueError):
        RateLimiter(0)
