"""Errors the CLI turns into one line, importable without the heavy modules behind them
(`insider --help` must not pay for sqlite_utils)."""

from __future__ import annotations


class StoreError(Exception):
    """A database problem the user can act on (locked, not an insider DB, ...)."""


class ReportError(Exception):
    """A problem with the question (no such owner, ambiguous name); one line."""

    def __init__(self, message: str, exit_code: int = 1, candidates: list | None = None):
        super().__init__(message)
        self.exit_code = exit_code
        self.candidates = candidates or []
