r"""``pantau run`` as a process: the embedded runner with its signals, observer, page and start line.

    load rules (--once: fixed) -> EmbeddedRunner -> --once: one pass, summary on stderr
                                               \-> else: /metrics /readyz (+ WebSub callback), the web page,
                                                   freeze the heap, "monitor_started", run until SIGINT/SIGTERM

The runner itself (inbox, pipeline, archive, dispatcher around one SQLite file) is
:class:`pantau.runtime.embedded.EmbeddedRunner`; this module only starts and stops it.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Callable
from contextlib import suppress
from typing import TextIO

from pantau.adapters.sqlite.websub import SqliteSubscriptionStore
from pantau.config import Config
from pantau.core import heap
from pantau.core.logs import get_logger
from pantau.runtime.embedded import EmbeddedRunner
from pantau.runtime.observe import start_observer
from pantau.sources.websub_callback import serve_websub
from pantau.streams.classify import load_ruleset

__all__ = ["run_embedded"]

log = get_logger(component="embedded")


def _readiness(runner: EmbeddedRunner) -> Callable[[], list[str]]:
    def reasons() -> list[str]:
        backlog = runner.inbox.count_pending()
        return [f"{backlog} articles waiting to be classified"] if backlog > 1000 else []

    return reasons


async def _main(config: Config, once: bool, console_stream: TextIO | None) -> int:
    rules = None
    if once:  # one pass: no need to watch the rules directory
        rules = load_ruleset(config.rules)
    runner = EmbeddedRunner(config, rules=rules, console_stream=console_stream)
    observer = page = None
    try:
        runner.start()
        if once:
            summary = await runner.once()
            for error in summary.errors:
                print(f"pantau: feed failed: {error}", file=sys.stderr)
            print(summary.line(), file=sys.stderr)
            return 0
        if config.metrics:  # not for --once: nothing would scrape a process that lives seconds
            _subscriber, routes = serve_websub(runner.poller, config, SqliteSubscriptionStore(runner.conn))
            observer = start_observer(
                config.metrics,
                _readiness(runner),
                mode="run",
                routes=routes,
                degraded=runner.live.degraded if runner.live is not None else None,
            )
        if config.web.listen:  # the page in its own process: it never holds up this one, nor its interpreter
            from pantau.web.app import start_page

            page = start_page(config)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        # The rules, judge and caches stay: full collections skip them (pantau/core/heap.py). The count is
        # on the start line so that a test (and an operator) can see the freeze happened.
        frozen = heap.settle()
        log.info(
            "monitor_started",
            feeds=len(config.feeds),
            state=str(config.state),
            rules=str(config.rules),
            frozen_objects=frozen,
        )
        await runner.forever(stop)
        log.info("monitor_stopped")
        return 0
    finally:
        if page is not None:
            page.stop()
        if observer is not None:
            observer.stop()
        await runner.aclose()


def run_embedded(config: Config, *, once: bool = False, console_stream: TextIO | None = None) -> int:
    """Run the embedded monitor (``--once``: one pass, then exit); returns the exit status."""
    return asyncio.run(_main(config, once, console_stream))
