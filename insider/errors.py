"""Errors the CLI turns into one line, importable without the heavy modules behind them
(`insider --help` must not pay for sqlite_utils)."""

from __future__ import annotations


class StoreError(Exception):
    """A database problem the user can act on (locked, not an insider DB, ...)."""
