"""Serve the web page from a child process, so rendering a page never takes the monitor's interpreter.

``pantau run`` classifies in Python; a page rendered in a thread of the same
process shares its interpreter lock, and a person browsing slowed
classification by about a quarter (tests/bench/bench_web.py). The child has
its own interpreter, its own connection to the state file (WAL: it reads
while the monitor writes) and its own watcher on the rules directory, so it
shows the version the files hold, as the monitor's own watcher loads them.

The parent binds the listening socket (a taken port is known at once, port 0
picks a free one) and hands it to the child; the child reads its settings
(the configuration, pickled) from its standard input and keeps that pipe
open: when the parent exits or stops the page, the pipe closes and the child
stops serving, so no page outlives its monitor.
"""

from __future__ import annotations

import os
import pickle
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass

from pantau.config import Config
from pantau.core.logs import get_logger, logging_settings
from pantau.runtime.observe import parse_address

__all__ = ["WebProcess", "start_in_process"]

log = get_logger(component="web")


@dataclass
class WebProcess:
    """A page served by a child process: its URL, and a way to stop it."""

    process: subprocess.Popen
    url: str

    def stop(self, timeout: float = 5.0) -> None:
        """Close the child's pipe (it stops serving) and wait; kill it if it does not stop in ``timeout``."""
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout)


def _bind(listen: str) -> socket.socket | None:
    host, port = parse_address(listen)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        log.error(
            "web_not_started",
            listen=listen,
            error=str(exc),
            hint="another program uses the port: set web.listen to a free host:port, or null to turn the page off",
        )
        return None
    return sock


def start_in_process(config: Config, listen: str, *, mode: str = "embedded") -> WebProcess | None:
    """Serve the page for ``config`` on ``listen`` from a child process; None (logged) when it cannot bind."""
    sock = _bind(listen)
    if sock is None:
        return None
    host, port = sock.getsockname()[:2]
    fmt, level = logging_settings()
    settings = pickle.dumps({"config": config, "fd": sock.fileno(), "mode": mode, "log": (fmt, level)})
    process = subprocess.Popen(
        [sys.executable, "-m", "pantau.web.process"],
        stdin=subprocess.PIPE,
        pass_fds=(sock.fileno(),),
        close_fds=True,
    )
    sock.close()  # the child holds the socket now
    assert process.stdin is not None
    process.stdin.write(len(settings).to_bytes(8, "big") + settings)
    process.stdin.flush()
    shown = f"[{host}]" if ":" in host else host
    return WebProcess(process, f"http://{shown}:{port}")


def _serve_child() -> None:
    """The child: read the settings, serve on the inherited socket until the parent's pipe closes."""
    import uvicorn

    from pantau.core.logs import configure_logging
    from pantau.streams.classify import LiveRules
    from pantau.web.app import build_app, make_context
    from pantau.web.server import uvicorn_config

    stdin = sys.stdin.buffer
    size = int.from_bytes(stdin.read(8), "big")
    settings = pickle.loads(stdin.read(size))  # from our own parent, over a pipe only it holds
    config: Config = settings["config"]
    configure_logging(*settings["log"])
    live = LiveRules(config.rules).start()

    def problem() -> str | None:
        return "; ".join(str(p) for p in live.last_error.problems[:3]) if live.last_error is not None else None

    context = make_context(config, lambda: live.current, mode=settings["mode"], rules_problem=problem)
    server = uvicorn.Server(uvicorn_config(build_app(context)))  # the settings `pantau web` serves with

    def watch_parent() -> None:
        stdin.read()  # returns at end of file: the parent stopped the page or exited
        server.should_exit = True

    threading.Thread(target=watch_parent, name="pantau-web-parent", daemon=True).start()
    try:
        server.run(sockets=[socket.socket(fileno=settings["fd"])])
    finally:
        live.stop()
        os._exit(0)  # no atexit work of the parent's modules: this process only served pages


if __name__ == "__main__":
    _serve_child()
