"""What a sync reports: its errors and its result (counts, failures, one summary line)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


class SyncError(Exception):
    """A problem that stops the sync before any filing (unknown ticker, no submissions)."""


class BadDocument(SyncError):
    """A submissions document that is not shaped like EDGAR's (one line, the sync stops
    before any filing request; its malformed rows alone are only skipped)."""


class Interrupted(Exception):
    """Ctrl-C / SIGTERM during a sync; `result` holds what was stored before it."""

    def __init__(self, result: SyncResult) -> None:
        super().__init__("interrupted")
        self.result = result


@dataclass
class SyncResult:
    new: int = 0
    skipped: int = 0
    failed: int = 0
    failed_earlier: int = 0
    fallbacks: int = 0
    requests: int = 0
    seconds: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)
    # Tickers not in EDGAR's list, with close tickers that are: the other targets are
    # synced all the same, and the command reports these and exits non-zero.
    unknown: list[tuple[str, list[str]]] = field(default_factory=list)
    retried: int = 0  # transient failures of earlier syncs tried again
    # Listed filings skipped because EDGAR's JSON about them is malformed, and malformed
    # submissions documents: one line each.
    problems: list[str] = field(default_factory=list)

    def summary(self, retry_option: str | None = None) -> str:
        """One line; `retry_option` names how the caller retries failed filings."""
        line = (
            f"{self.new} new filings, {self.skipped} already stored, {self.failed} failed; "
            f"{self.requests} requests in {self.seconds:.1f} s"
        )
        if self.fallbacks:
            line += f" ({self.fallbacks} via index.json)"
        if self.retried:
            line += f"; {self.retried} transient failures of earlier syncs tried again"
        if self.failed_earlier:
            how = f": {retry_option}" if retry_option else ""
            line += f"; {self.failed_earlier} failed earlier (not retried{how})"
        if self.problems:
            line += f"; {len(self.problems)} malformed entries in EDGAR's lists skipped"
        return line


# progress(done, total) or progress(done, total, phase): phase names what runs now
# ("listing AIV", "fetching filings of AIV"); total is 0 while it is not known yet.
Progress = Callable[..., None]


class UnknownTicker(SyncError):
    def __init__(self, target: str, suggestions: list[str]):
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown ticker {target!r}: not in EDGAR's company_tickers.json{hint}")
        self.target, self.suggestions = target, suggestions
