"""Every error pantau raises on purpose, documented once.

    PantauError                 root: catch this to handle any pantau failure
    ├── ConfigError             pantau.yaml is unusable (path, key, fix)
    │   └── MissingEnvError     a ${NAME} placeholder names an unset variable
    ├── FeedError               one feed could not be fetched or parsed (url)
    │   ├── FetchError          network, HTTP status, size or time limits
    │   ├── BlockedAddressError the feed resolves to a private/loopback address
    │   └── ParseError          the body is not a feed we can read
    ├── RulesError              a rule set failed to load (every located error)
    ├── StateError              the SQLite state file is missing or unusable (path)
    ├── InputError              a file or value given on the command line is unusable
    ├── RuleEditRefused         a rule edit from the web page was not saved (errors, changed meanwhile)
    ├── DeliveryError           one destination refused or could not be reached
    │   ├── RetryableDelivery   try again later (5xx, 429, timeouts)
    │   └── PermanentDelivery   do not retry (4xx, 410 Gone, bad address)
    ├── BrokerError             Kafka is unreachable or refused a write
    └── FeedbackLinkError       a feedback link is forged, altered or expired

Messages follow one shape: what went wrong, the offending value, where, and
what to do next. ``hint`` carries the "what to do" part so that the CLI can
print it on its own line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "PantauError",
    "ConfigError",
    "MissingEnvError",
    "FeedError",
    "FetchError",
    "BlockedAddressError",
    "ParseError",
    "RulesError",
    "StateError",
    "InputError",
    "RuleEditRefused",
    "DeliveryError",
    "RetryableDelivery",
    "PermanentDelivery",
    "BrokerError",
    "FeedbackLinkError",
]


class PantauError(Exception):
    """Root of pantau's errors; ``str()`` gives the full one-line message."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class ConfigError(PantauError):
    """The configuration file cannot be used as written."""


class MissingEnvError(ConfigError):
    """A ``${NAME}`` placeholder refers to an environment variable that is unset."""


class FeedError(PantauError):
    """One feed failed; the poller records it and carries on with the others."""

    def __init__(self, url: str, message: str, *, hint: str | None = None) -> None:
        super().__init__(f"{url}: {message}", hint=hint)
        self.url = url


class FetchError(FeedError):
    """The feed could not be fetched (network, status, size or time limit)."""

    def __init__(
        self,
        url: str,
        message: str,
        *,
        hint: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
        outcome: str = "error",
    ) -> None:
        super().__init__(url, message, hint=hint)
        self.status = status
        self.retry_after = retry_after
        self.outcome = outcome


class BlockedAddressError(FetchError):
    """The feed's host resolves to an address pantau refuses by default."""


class ParseError(FeedError):
    """The response is not a feed pantau can read."""


class RulesError(PantauError):
    """A rule set failed to load; ``problems`` lists every located error."""

    def __init__(self, problems: Sequence[Any], *, directory: str = "") -> None:
        # pantau.streams.classify.problems.Problem, which sits above this kernel: Any, not imported.
        self.problems = list(problems)
        where = directory or "?"
        if len(self.problems) <= 1:
            message = f"rule set {where} refused: {self.problems[0] if self.problems else 'no problems recorded'}"
        else:  # all at once, one per line, so a typo in one file does not hide the next
            shown = "".join(f"\n  {p}" for p in self.problems[:20])
            more = f"\n  ... and {len(self.problems) - 20} more" if len(self.problems) > 20 else ""
            message = f"rule set {where} refused, {len(self.problems)} errors:{shown}{more}"
        super().__init__(message, hint="run `pantau rules check` for every error with its fix")


class StateError(PantauError):
    """The state file cannot be opened, created, or is not there for a read-only command."""


class InputError(PantauError):
    """A file or value given on the command line cannot be used (missing, a folder, binary...)."""


class RuleEditRefused(PantauError):
    """A rule edit from the web page was not written: it has errors, or the file changed since it was opened."""


class DeliveryError(PantauError):
    """A destination could not take an alert."""

    def __init__(self, destination: str, message: str, *, hint: str | None = None) -> None:
        super().__init__(f"destination {destination!r}: {message}", hint=hint)
        self.destination = destination


class RetryableDelivery(DeliveryError):
    """Transient failure: retry later, honouring ``retry_after`` when set."""

    def __init__(
        self,
        destination: str,
        message: str,
        *,
        hint: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(destination, message, hint=hint)
        self.retry_after = retry_after


class PermanentDelivery(DeliveryError):
    """The destination will never accept this alert as configured."""

    def __init__(self, destination: str, message: str, *, hint: str | None = None, disable: bool = False) -> None:
        super().__init__(destination, message, hint=hint)
        self.disable = disable


class BrokerError(PantauError):
    """Kafka is unreachable or refused a write."""


class FeedbackLinkError(PantauError):
    """A feedback link (alert key, verdict, expiry, signature) is forged, altered or expired."""
