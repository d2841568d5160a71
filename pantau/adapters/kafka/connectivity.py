"""Broker connectivity: one honest signal per outage instead of the client libraries' reconnect noise.

During a broker restart aiokafka, kafka-python, Faust and mode each log every
failed reconnect, metadata refresh and fetch (aio-libs/aiokafka#496): thousands
of error lines that bury the one fact an operator needs. :class:`BrokerWatch`
owns that fact instead. A daemon thread asks the broker for its API versions
(the smallest request Kafka answers, on a socket of its own, so the probe adds
no log lines and no client state) every ``interval`` seconds, and turns the
answers into:

- one warning ``kafka_connection_lost`` when the broker stops answering and one
  ``kafka_connection_restored`` with ``outage_seconds`` when it answers again;
- ``pantau_kafka_broker_connected{bootstrap}`` (1/0), ``pantau_kafka_outages_total``
  and ``pantau_kafka_outage_seconds_total``;
- a readiness reason while the broker is unreachable (``/readyz`` answers 503).

:class:`~pantau.adapters.kafka.log_gate.LibraryLogGate` holds back the libraries' own lines
(see there); :func:`watch_broker` starts both.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable

from pantau.adapters.kafka.log_gate import LibraryLogGate
from pantau.core import metrics
from pantau.core.logs import get_logger

__all__ = ["BrokerWatch", "probe_broker", "watch_broker"]

log = get_logger(component="kafka")

_API_VERSIONS = 18
NOISE_GAP = 10.0
"""Seconds without a client complaint after which the next one starts a new count: a fault that persists makes
the clients complain every second or so; a rebalance, a few lines within seconds."""


def probe_broker(address: str, timeout: float = 2.0) -> str | None:
    """Ask one broker ``host:port`` for its API versions; None when it answers, else why not."""
    host, _, port = address.strip().rpartition(":")
    correlation = int(time.monotonic() * 1000) & 0x7FFFFFFF
    client = b"pantau-probe"
    # ApiVersions v0: every Kafka since 0.10 answers it, before any authentication or metadata.
    body = struct.pack(">hhih", _API_VERSIONS, 0, correlation, len(client)) + client
    try:
        with socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(struct.pack(">i", len(body)) + body)
            head = _read(sock, 10)  # size, correlation id, error code
    except (OSError, ValueError) as exc:
        return str(exc) or type(exc).__name__
    size, answered, error = struct.unpack(">iih", head)
    if answered != correlation or size < 6:
        return "the broker answered out of turn"
    return None if error == 0 else f"the broker refused ApiVersions (error code {error})"


def _read(sock: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionResetError("the broker closed the connection")
        data += chunk
    return data


class BrokerWatch:
    """Whether this process reaches Kafka, from a silent probe; logs one line per change of state."""

    def __init__(
        self,
        bootstrap: str,
        *,
        interval: float = 1.0,
        failures: int = 2,
        persist: float = 30.0,
        probe: Callable[[str], str | None] = probe_broker,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bootstrap = bootstrap
        self.interval = interval
        self.failures = failures
        """Consecutive failed probes before an outage is declared (one slow answer is not an outage)."""
        self.persist = persist
        self._probe = probe
        self._clock = clock
        self._connected: bool | None = None
        self._failed = 0
        self._first_failure = 0.0
        self._last_error = ""
        self._down_since: float | None = None
        self._restored_at: float | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._noise_since: float | None = None
        self._noise_last = float("-inf")
        self._noise_count = 0
        self._noise_sample = ""
        self._last_summary = float("-inf")
        self._gauge = metrics.KAFKA_BROKER_CONNECTED.labels(bootstrap)
        self._outages = metrics.KAFKA_OUTAGES.labels(bootstrap)
        self._outage_seconds = metrics.KAFKA_OUTAGE_SECONDS.labels(bootstrap)

    @property
    def connected(self) -> bool | None:
        """True while the broker answers, False during an outage, None before the first answer."""
        return self._connected

    def reasons(self) -> list[str]:
        """Readiness reasons: empty while the broker answers."""
        if self._connected:
            return []
        if self._connected is None:
            return [f"kafka: no answer yet from {self.bootstrap}"]
        down = self._clock() - (self._down_since or self._clock())
        return [f"kafka unreachable at {self.bootstrap} for {down:.0f} s ({self._last_error})"]

    def quiet_period(self, after: float = 15.0) -> bool:
        """True during an outage and for ``after`` seconds past its end (the libraries settle then)."""
        if self._connected is False:
            return True
        return self._restored_at is not None and self._clock() - self._restored_at < after

    def check(self) -> bool:
        """Probe once now and update the state (the thread calls this; tests may too)."""
        errors = [self._probe(address) for address in self.bootstrap.split(",")]
        ok = any(e is None for e in errors)
        with self._lock:
            if ok:
                self._failed = 0
                self._up()
            else:
                self._failed += 1
                if self._failed == 1:
                    self._first_failure = self._clock()
                self._last_error = next(e for e in errors if e)
                # The first answer decides at start-up; later, one failed probe may be a slow answer.
                if self._connected is None or (self._connected and self._failed >= self.failures):
                    self._down()
                elif self._connected:
                    self._wake.set()  # probe again at once rather than after a whole interval
        return ok

    def _up(self) -> None:
        now = self._clock()
        if self._connected is False and self._down_since is not None:
            outage = now - self._down_since
            self._outages.inc()
            self._outage_seconds.inc(outage)
            self._restored_at = now
            log.warning("kafka_connection_restored", bootstrap=self.bootstrap, outage_seconds=round(outage, 1))
        elif self._connected is None:
            log.info("kafka_connected", bootstrap=self.bootstrap)
        self._connected = True
        self._down_since = None
        self._gauge.set(1)

    def _down(self) -> None:
        if self._connected is False:
            return
        # The outage began with the first failed probe, not with the one that confirmed it.
        self._down_since = self._first_failure
        self._connected = False
        self._gauge.set(0)
        log.warning(
            "kafka_connection_lost",
            bootstrap=self.bootstrap,
            error=self._last_error,
            hint="pantau keeps retrying; readiness is false until the broker answers again",
        )

    def note_client_error(self, text: str) -> None:
        """A client library complained about its connection: probe now, summarise if it persists."""
        self._wake.set()
        if self.quiet_period():
            self._noise_since = None
            return
        now = self._clock()
        with self._lock:
            # Lines that stopped for a while were a passing condition (a rebalance): count afresh. Without this,
            # the rebalance after partitions were added hours after the start-up one read as a fault that persists.
            if self._noise_since is None or now - self._noise_last > NOISE_GAP:
                self._noise_since, self._noise_count = now, 0
            self._noise_last = now
            self._noise_count += 1
            self._noise_sample = text[:300]
            if now - self._noise_since >= self.persist and now - self._last_summary >= 60.0:
                log.warning(
                    "kafka_client_errors",
                    bootstrap=self.bootstrap,
                    lines=self._noise_count,
                    seconds=round(now - self._noise_since),
                    sample=self._noise_sample,
                    hint="the broker answers, but the Kafka client keeps failing: check the broker's "
                    "advertised.listeners, topic leaders and the consumer group coordinator",
                )
                self._last_summary = now
                self._noise_since = None

    def start(self) -> BrokerWatch:
        """Probe in a daemon thread until :meth:`stop`; returns self."""
        self._thread = threading.Thread(target=self._run, name="kafka-watch", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.check()
            except Exception as exc:  # the watch must never die; say so once a minute at most
                log.debug("kafka_probe_failed", error=repr(exc))
            self._wake.wait(self.interval)
            self._wake.clear()

    def stop(self) -> None:
        """Stop probing (the thread ends within one probe)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


def watch_broker(bootstrap: str) -> tuple[BrokerWatch, LibraryLogGate]:
    """Start watching ``bootstrap`` and gate the client libraries' log lines; stop both at exit."""
    watch = BrokerWatch(bootstrap)
    watch.check()  # the first answer decides readiness before the thread's first beat
    return watch.start(), LibraryLogGate(watch).install()
