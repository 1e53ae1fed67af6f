"""EDGAR: fetching (`client`: HTTP or a mirror folder, fair-access rate limit, back-off)
and decoding EDGAR's own formats (`submissions`: the submissions JSON, `archive`: filing
folders and `index.json`, `tickers`: `company_tickers.json`, `daily_index`: the daily
form index, `feed`: the latest-filings Atom feed; `budget`: the machine-wide request
budget the client draws on). Nothing here parses a filing or touches the database."""

from .archive import archive_path, pick_document, raw_document_name
from .client import (
    MAX_RATE,
    SEC_DATA,
    SEC_WWW,
    UA_HELP,
    Cancelled,
    Edgar,
    EdgarError,
    NotFound,
    RateLimited,
    RateLimiter,
    UserAgentMissing,
    _retry_after,
    redact_user_agent,
    user_agent_from_env,
)
from .submissions import OWNERSHIP_FORMS, FilingRef
from .tickers import normalize_ticker, ticker_rows

__all__ = [
    "MAX_RATE",
    "OWNERSHIP_FORMS",
    "SEC_DATA",
    "SEC_WWW",
    "UA_HELP",
    "Cancelled",
    "Edgar",
    "EdgarError",
    "FilingRef",
    "NotFound",
    "RateLimited",
    "RateLimiter",
    "UserAgentMissing",
    "_retry_after",
    "archive_path",
    "normalize_ticker",
    "pick_document",
    "raw_document_name",
    "redact_user_agent",
    "ticker_rows",
    "user_agent_from_env",
]
