"""Serve the web page: in a thread of ``pantau run`` (its own event loop), or in the foreground for ``pantau web``.

The page runs in its own thread with its own event loop and its own SQLite
connection, so a slow page (a backtest, a search) never holds up the
monitor's loop; a port already in use is logged and the monitor runs on.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette

from pantau.core.logs import get_logger
from pantau.runtime.observe import parse_address

__all__ = ["WebServer", "start_in_thread", "serve", "uvicorn_config"]

log = get_logger(component="web")


def uvicorn_config(app: Starlette, listen: str | None = None) -> uvicorn.Config:
    """uvicorn's settings for the page, wherever it is served; ``listen=None``: on a socket handed to ``run``."""
    # No access log (pantau logs through structlog), no lifespan, no server header or proxy trust, no websockets.
    host, port = parse_address(listen) if listen is not None else ("127.0.0.1", 0)
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        lifespan="off",
        server_header=False,
        proxy_headers=False,
        ws="none",
    )


@dataclass
class WebServer:
    """A running page: its URL and a way to stop it."""

    server: uvicorn.Server
    thread: threading.Thread | None
    url: str

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the server to stop and wait for its thread."""
        self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(timeout)


def start_in_thread(app: Starlette, listen: str, *, ready_timeout: float = 10.0) -> WebServer | None:
    """Serve ``app`` on ``listen`` from a daemon thread; None (logged) when it cannot bind."""
    server = uvicorn.Server(uvicorn_config(app, listen))
    failed: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(server.serve())
        except BaseException as exc:  # SystemExit from uvicorn when the port is taken
            failed.append(exc)

    thread = threading.Thread(target=run, name="pantau-web", daemon=True)
    thread.start()
    waited = 0.0
    while not server.started and thread.is_alive() and waited < ready_timeout:
        thread.join(0.02)
        waited += 0.02
    if not server.started:
        server.should_exit = True
        log.error(
            "web_not_started",
            listen=listen,
            error=repr(failed[0]) if failed else "timed out",
            hint="another program uses the port: set web.listen to a free host:port, or null to turn the page off",
        )
        return None
    host, port = _bound(server, listen)
    return WebServer(server, thread, f"http://{host}:{port}")


def _bound(server: uvicorn.Server, listen: str) -> tuple[str, int]:
    host, port = parse_address(listen)
    for srv in getattr(server, "servers", []) or []:
        for sock in srv.sockets:
            return host, sock.getsockname()[1]
    return host, port


def serve(app: Starlette, listen: str) -> None:
    """Serve ``app`` in the foreground until Ctrl-C (``pantau web``)."""
    uvicorn.Server(uvicorn_config(app, listen)).run()
