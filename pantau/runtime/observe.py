"""The operator endpoints every pantau process serves: /metrics, /healthz, /readyz.

``pantau run``, ``pantau sources`` and ``pantau worker`` each call
:func:`start_observer` with the ``metrics:`` address of the config. Liveness
(/healthz) only says the process answers; readiness (/readyz) asks the caller's
``readiness`` callable, which returns the reasons the process cannot do its
work yet (``["kafka unreachable"]``), so Prometheus, compose health checks and
Kubernetes probes see the same answer. The optional ``degraded`` callable lists
what is wrong while the process still does its work -- a refused rule edit, with
the last good rule set still classifying: /readyz answers 200 ``ready, degraded:``
with those reasons, so a probe keeps the process in service (taking every
replica out for one editor's typo would stop all classification) while people,
``pantau status`` and the PantauRuleReloadFailing alert see the problem.

The server runs in daemon threads (one per request) so a slow scrape never
blocks the asyncio loop that does the real work.
"""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import REGISTRY, CollectorRegistry, make_wsgi_app

from pantau.core.errors import ConfigError
from pantau.core.logs import get_logger
from pantau.core.metrics import BUILD_INFO

__all__ = ["Observer", "start_observer", "parse_address", "set_build_info"]

Readiness = Callable[[], list[str]]
_COMMANDS = {"run", "demo", "sources", "worker"}
log = get_logger(component="observer")


def parse_address(address: str) -> tuple[str, int]:
    """Split ``host:port`` (``[::1]:9464`` for IPv6; empty host = all) into its parts."""
    host, sep, port = address.strip().rpartition(":")
    if not sep or not port.isdigit() or int(port) > 65535:
        raise ConfigError(
            f"metrics address {address!r} is not host:port",
            hint="write it like 127.0.0.1:9464 (0.0.0.0:9464 in a container; port 0 picks a free one)",
        )
    host = host.strip("[]") or "0.0.0.0"
    return host, int(port)


def set_build_info(mode: str | None = None) -> None:
    """Fill ``pantau_build_info`` with the version, Python and the mode this process runs in."""
    try:
        version = metadata.version("pantau")
    except metadata.PackageNotFoundError:
        version = "unknown"
    if mode is None:
        # The pantau sub-command is the mode: `pantau worker ...` -> "worker".
        mode = next((a for a in sys.argv[1:] if a in _COMMANDS), "unknown")
    BUILD_INFO.info({"version": version, "mode": mode, "python": sys.version.split()[0]})


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _Server6(_Server):
    address_family = socket.AF_INET6


class _QuietHandler(WSGIRequestHandler):
    """Scrapes every few seconds would flood stderr; log them at debug level instead."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib name)
        log.debug("http_request", request=format % args, client=self.client_address[0])


@dataclass
class Observer:
    """A running observer server; ``port`` is the bound port (useful with port 0)."""

    host: str
    port: int
    _server: WSGIServer = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    @property
    def url(self) -> str:
        """Base URL of the server, e.g. ``http://127.0.0.1:9464``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def stop(self) -> None:
        """Stop serving and release the port; safe to call twice."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def __enter__(self) -> Observer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _reasons(readiness: Readiness | None) -> list[str]:
    """The readiness callable's reasons; a crashing check counts as a reason too."""
    if readiness is None:
        return []
    try:
        return [str(r) for r in readiness()]
    except Exception as exc:  # a broken check must not take the server down
        log.warning("readiness_check_failed", error=repr(exc))
        return [f"readiness check failed: {exc!r}"]


def _app(
    registry: CollectorRegistry,
    readiness: Readiness | None,
    degraded: Readiness | None = None,
    routes: Mapping[str, Callable] | None = None,
) -> Callable:
    routes = routes or {}
    metrics = make_wsgi_app(registry)

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        for prefix, routed in routes.items():
            if path.startswith(prefix.rstrip("/") + "/"):
                return routed(environ, start_response)
        if path == "/metrics":
            return metrics(environ, start_response)
        if path == "/healthz":
            return _text(start_response, "200 OK", "ok\n")
        if path == "/readyz":
            reasons = _reasons(readiness)
            if reasons:
                body = "not ready:\n" + "".join(f"- {r}\n" for r in reasons)
                return _text(start_response, "503 Service Unavailable", body)
            problems = _reasons(degraded)
            if problems:
                return _text(start_response, "200 OK", "ready, degraded:\n" + "".join(f"- {r}\n" for r in problems))
            return _text(start_response, "200 OK", "ready\n")
        if path == "/":
            return _text(start_response, "200 OK", "pantau: /metrics /healthz /readyz\n")
        return _text(start_response, "404 Not Found", f"no such page {path}; try /metrics /healthz /readyz\n")

    return app


def _text(start_response: Callable, status: str, body: str) -> list[bytes]:
    data = body.encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(data)))])
    return [data]


def start_observer(
    address: str,
    readiness: Readiness | None = None,
    *,
    degraded: Readiness | None = None,
    mode: str | None = None,
    registry: CollectorRegistry = REGISTRY,
    routes: Mapping[str, Callable] | None = None,
) -> Observer:
    """Serve /metrics, /healthz and /readyz on ``address`` in a background thread.

    ``readiness`` lists why the process cannot work (503); ``degraded`` what is wrong while it works (200).
    ``routes`` maps path prefixes to further WSGI apps served by the same server (the WebSub
    callback: hubs reach the process at the address ops already expose).
    """
    host, port = parse_address(address)
    server_class = _Server6 if ":" in host else _Server
    try:
        server = make_server(
            host, port, _app(registry, readiness, degraded, routes), server_class, handler_class=_QuietHandler
        )
    except OSError as exc:
        raise ConfigError(
            f"cannot serve metrics on {address}: {exc.strerror or exc}",
            hint="another process may hold the port: change `metrics:` in the config, or set it to null",
        ) from None
    set_build_info(mode)
    bound_port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, name=f"observer:{bound_port}", daemon=True)
    thread.start()
    log.info("observer_started", address=f"{host}:{bound_port}")
    return Observer(host=host, port=bound_port, _server=server, _thread=thread)
