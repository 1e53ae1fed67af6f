"""The errors of the EDGAR layer: each message is one line a user can act on."""

from __future__ import annotations


class EdgarError(Exception):
    """A fetch that failed for good; the message is one line."""


class NotFound(EdgarError):
    pass


class UserAgentMissing(EdgarError):
    pass


class RateLimited(EdgarError):
    """EDGAR kept answering "slow down" through every back-off: stop the whole sync."""


class Cancelled(EdgarError):
    """The client was cancelled (Ctrl-C): every waiting or new request stops at once."""


class Transient(EdgarError):
    """A failure that may well pass (server errors, timeouts, a deadline, a cut body):
    the sync records it as transient and tries the filing again on the next run."""


class BadJSON(EdgarError):
    """A JSON document that does not decode (or nests deeper than Python can follow)."""


class Refused(EdgarError):
    """A request insider will not make or finish (a path outside the base, a redirect to
    another host, a body over its cap): permanent, never retried."""
