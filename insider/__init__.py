"""insider: SEC Form 3/4/5 insider trading from EDGAR into SQLite."""

from .models import Filing, Issuer, ReportingOwner, Row, Signature
from .parse import ParseError, parse_ownership

__all__ = [
    "Filing",
    "Issuer",
    "ParseError",
    "ReportingOwner",
    "Row",
    "Signature",
    "parse_ownership",
]
__version__ = "0.1.0"
