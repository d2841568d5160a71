"""Structured logs: JSON lines in production, readable colour on a terminal.

Bind context once (``log = get_logger().bind(feed=feed.key)``) and log events
as snake_case names with keyword fields; never format values into the message.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from typing import TextIO

import structlog

__all__ = ["configure_logging", "logging_settings", "get_logger", "default_format", "BoundLogger"]

BoundLogger = structlog.stdlib.BoundLogger
"""What :func:`get_logger` returns (for annotations)."""

# One lock for every line written to stderr: structlog's events and the stdlib
# handler (kafka-python's and aiokafka's threads) would otherwise interleave
# halves of two JSON lines, which no log shipper can parse.
_WRITE_LOCK = threading.Lock()


def _write_line(line: str) -> None:
    stream = sys.stderr
    with _WRITE_LOCK:
        stream.write(line + "\n")
        stream.flush()


def default_format() -> str:
    """``PANTAU_LOG_FORMAT`` when set, else ``console`` on a terminal and ``json`` otherwise."""
    # A terminal means a person is reading; containers and pipes feed log
    # shippers (the image also sets PANTAU_LOG_FORMAT=json explicitly).
    if os.environ.get("PANTAU_LOG_FORMAT"):
        return os.environ["PANTAU_LOG_FORMAT"]
    return "console" if sys.stderr.isatty() else "json"


_settings: tuple[str, str] | None = None


def logging_settings() -> tuple[str, str]:
    """The (format, level) last configured, for a child process to log alike."""
    return _settings or (default_format(), "info")


def configure_logging(fmt: str | None = None, level: str = "info") -> None:
    """Route structlog and stdlib logging to stderr in the chosen format."""
    global _settings
    fmt = fmt or default_format()
    _settings = (fmt, level)
    lvl = getattr(logging, level.upper(), logging.INFO)
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    # JSON gets the traceback as a string field; the console renderer prints it itself.
    exc: list[structlog.typing.Processor] = [structlog.processors.format_exc_info] if fmt == "json" else []
    structlog.configure(
        processors=[*shared, *exc, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(lvl),
        logger_factory=_StderrLogger,
        cache_logger_on_first_use=False,
    )
    # Libraries (aiokafka, faust, kafka-python) log through stdlib: same format, quieter.
    handler = _StderrHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
            foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(max(lvl, logging.WARNING))


class _StderrLogger:
    """structlog output that looks up ``sys.stderr`` at each write.

    Holding the stream object from configure time breaks when stderr is
    swapped later (test capture, daemon re-parenting): writes would go to a
    closed file.
    """

    def __init__(self, *args: object) -> None:
        pass

    def msg(self, message: str) -> None:
        _write_line(message)

    log = debug = info = warn = warning = err = error = critical = exception = fatal = msg


class _StderrHandler(logging.StreamHandler[TextIO]):
    """A stdlib handler that always writes to the current ``sys.stderr``."""

    @property  # always the current sys.stderr, whatever StreamHandler.__init__ assigns
    def stream(self) -> TextIO:  # noqa: D401
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:  # StreamHandler.__init__ assigns it; ignore.
        pass

    def emit(self, record: logging.LogRecord) -> None:
        try:
            _write_line(self.format(record))
        except Exception:  # logging must never raise into the caller
            self.handleError(record)


def get_logger(**context: object) -> BoundLogger:
    """A logger with ``context`` bound once for every event it logs."""
    # Initial values, not .bind(): binding now would build the logger from the
    # configuration of import time, so module-level loggers would ignore
    # --log-format. The lazy proxy builds it when the first event is logged.
    logger: BoundLogger = structlog.get_logger("pantau", **context)  # a lazy proxy, typed as what it becomes
    return logger
