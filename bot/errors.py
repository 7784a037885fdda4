"""Error kinds the runner acts on: retry later, or give up and dead-letter."""

from __future__ import annotations


class BotError(Exception):
    """Base of the bot's own errors."""


class TransientError(BotError):
    """Worth retrying: timeouts, 5xx, rate limits. `retry_after` in seconds when the service said."""

    def __init__(self, message: str, *, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class RateLimited(TransientError):
    """GitHub or Jira asked us to wait."""


class PermanentError(BotError):
    """Retrying cannot help (a 404, a 422, a bad payload): dead-letter at once, with the reason."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status      # the HTTP status GitHub or Jira answered, when there was one


class SettingsError(BotError):
    """A missing or malformed setting; the message names the variable and what is expected."""
