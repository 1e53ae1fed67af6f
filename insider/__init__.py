"""insider: SEC Form 3/4/5 insider trading from EDGAR into SQLite.

`from insider import parse_ownership` is the public parser. The names are loaded on first
use, so the command line does not import lxml for commands that never parse.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Filing": "models",
    "Issuer": "models",
    "ReportingOwner": "models",
    "Row": "models",
    "Signature": "models",
    "ParseError": "parse",
    "parse_ownership": "parse",
}

__all__ = [
    "Filing",
    "Issuer",
    "ParseError",
    "ReportingOwner",
    "Row",
    "Signature",
    "parse_ownership",
]

if TYPE_CHECKING:
    from .models import Filing, Issuer, ReportingOwner, Row, Signature
    from .parse import ParseError, parse_ownership


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'insider' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
