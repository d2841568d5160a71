"""The log gate: holds back the Kafka client libraries' reconnect noise so that :class:`BrokerWatch` speaks for it.

:class:`LibraryLogGate` is the filter on the log handlers that holds back the
libraries' lines: connection and coordinator complaints always (they only tell
the watch to probe at once), anything else from those libraries during an
outage and shortly after it, and repeats of one message beyond one a minute.
Held-back lines are counted (``pantau_kafka_client_log_lines_held_total``)
and logged at debug level. If the client libraries keep complaining for
``persist`` seconds while the broker itself answers (a wrong advertised
listener, an ACL, a coordinator that never comes), one summary warning a minute
says so with a sample line: quiet, but never silent about a real fault. Start-up
conditions of a fresh broker (``GroupCoordinatorNotAvailableError``) pass within
seconds and so are never logged above debug.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from pantau.core import metrics
from pantau.core.logs import get_logger

if TYPE_CHECKING:
    from pantau.adapters.kafka.connectivity import BrokerWatch

__all__ = ["LibraryLogGate", "LIBRARY_LOGGERS"]

log = get_logger(component="kafka")

LIBRARY_LOGGERS = ("aiokafka", "kafka", "faust", "mode")
"""Top-level names of the loggers whose lines the gate may hold back."""

# What the libraries say when a broker, a connection or a coordinator is missing.
_CONNECTIVITY = re.compile(
    r"connect|socket|ECONNREFUSED|errno|not ready|NodeNotReady|no node available|metadata|coordinator"
    r"|heartbeat|KafkaTimeout|RequestTimedOut|NotLeader|LeaderNotAvailable|broker|disconnected|backoff",
    re.IGNORECASE,
)
_VARIABLE = re.compile(r"0x[0-9a-f]+|\d+", re.IGNORECASE)


class LibraryLogGate(logging.Filter):
    """Held back: Kafka clients' connection noise, their lines during outages, repeats within ``window``."""

    def __init__(self, watch: BrokerWatch, *, window: float = 60.0, clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self.watch = watch
        self.window = window
        self._clock = clock
        self._last: dict[tuple[str, str], float] = {}
        self._held: dict[tuple[str, str], int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        """False for a line to hold back (counted, kept at debug level)."""
        if record.name.partition(".")[0] not in LIBRARY_LOGGERS or record.levelno < logging.WARNING:
            return True
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            text += f" {type(record.exc_info[1]).__name__}: {record.exc_info[1]}"
        if record.name.startswith(("aiokafka", "kafka")) and _CONNECTIVITY.search(text):
            self.watch.note_client_error(text)
            return self._hold(record, text)
        if self.watch.quiet_period():
            return self._hold(record, text)
        key = (record.name, _VARIABLE.sub("#", text)[:200])
        now = self._clock()
        if now - self._last.get(key, float("-inf")) < self.window:
            self._held[key] = self._held.get(key, 0) + 1
            return self._hold(record, text)
        self._last[key] = now
        if len(self._last) > 1000:  # bounded: forget the oldest templates
            for old in sorted(self._last, key=self._last.__getitem__)[:500]:
                self._last.pop(old, None)
                self._held.pop(old, None)
        repeats = self._held.pop(key, 0)
        if repeats:
            record.msg, record.args = f"{text} (and {repeats} more like it in the last minutes)", None
        return True

    def _hold(self, record: logging.LogRecord, text: str) -> bool:
        metrics.KAFKA_CLIENT_LINES_HELD.inc()
        log.debug("kafka_client_log_held", logger=record.name, level=record.levelname.lower(), line=text[:300])
        return False

    def install(self) -> LibraryLogGate:
        """Attach to every handler of the root logger (where the libraries' lines end up); returns self."""
        for handler in logging.getLogger().handlers:
            if self not in handler.filters:
                handler.addFilter(self)
        return self

    def remove(self) -> None:
        """Detach from the root logger's handlers."""
        for handler in logging.getLogger().handlers:
            handler.removeFilter(self)
