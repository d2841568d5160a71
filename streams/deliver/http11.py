"""Deliveries' POSTs over pooled HTTP/1.1 keep-alive connections, on asyncio streams alone.

A webhook POST through httpx's transport crossed httpx's request and response models, httpcore's
connection pool, anyio's stream and h11's state machine, and wrote the headers and the body in two
socket writes: ~0.75 ms of CPU a request on this machine, a quarter of the deliverer's CPU per alert
(py-spy, ``make bench worker``'s ``deliver_alone``). A delivery needs one thing of HTTP: send one
request, read one answer, keep the connection for the next. This does that in one write and one
read loop, and hands the answer back as an :class:`httpx.Response` (what the destinations' answer
readers take), so errors and answers read as before: a refused or dropped connection is
``httpx.ConnectError`` / ``httpx.RemoteProtocolError``, no answer within the timeout
``httpx.ReadTimeout``, a URL that is not http(s) ``httpx.UnsupportedProtocol``.

Like httpcore, a pooled connection the server closed while it was idle (or idle longer than
``KEEPALIVE_S``) is not reused, and a request that fails is not sent again here: the dispatcher
retries it (same batch, same ``webhook-id``). Proxies are not spoken here: with one named in the
environment, :class:`~pantau.streams.deliver.transport.DeliveryClient` uses httpx's client.
"""

from __future__ import annotations

import asyncio
import select
import ssl
import time
from urllib.parse import urlsplit

import httpx

__all__ = ["KEEPALIVE_S", "Http11Pool"]

KEEPALIVE_S = 5.0
"""An idle connection older than this is closed rather than reused (httpcore's default expiry)."""
_FORBIDDEN = str.maketrans("", "", "\r\n")
_ORIGINS_KEPT = 256


class _Origin:
    """Where a URL's requests go: scheme, host, port, and the start of every request to it."""

    __slots__ = ("key", "host", "port", "tls", "target", "host_header")

    def __init__(self, url: str) -> None:
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise httpx.InvalidURL(str(exc)) from None
        if parts.scheme not in ("http", "https"):
            raise httpx.UnsupportedProtocol(f"request URL has an unsupported protocol '{parts.scheme}://'")
        if not parts.hostname:
            raise httpx.InvalidURL("no host in the URL")
        self.tls = parts.scheme == "https"
        self.host = parts.hostname
        self.port = port or (443 if self.tls else 80)
        self.key = (self.tls, self.host, self.port)
        self.target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        shown = f"[{self.host}]" if ":" in self.host else self.host
        self.host_header = shown if port is None else f"{shown}:{port}"


class _Connection:
    __slots__ = ("reader", "writer", "idle_since")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.idle_since = 0.0

    def usable(self, now: float) -> bool:
        """Open, not closed by the server meanwhile (nothing to read while idle), and not idle too long."""
        if self.writer.is_closing() or self.reader.at_eof() or now - self.idle_since >= KEEPALIVE_S:
            return False
        # The event loop may not have seen the server's FIN yet: ask the socket, as httpcore does.
        sock = self.writer.get_extra_info("socket")
        try:
            return sock is None or not select.select([sock], [], [], 0)[0]
        except (OSError, ValueError):
            return False

    def close(self) -> None:
        """Close the socket (the server sees the connection end)."""
        self.writer.close()


class Http11Pool:
    """Keep-alive connections by origin; ``post`` sends one request on one and reads its whole answer."""

    def __init__(self, timeout: float, headers: dict[str, str], ssl_context: ssl.SSLContext | None = None) -> None:
        self.timeout = timeout
        self._common = headers
        self._ssl = ssl_context
        self._idle: dict[tuple[bool, str, int], list[_Connection]] = {}
        self._origins: dict[str, _Origin] = {}

    async def post(self, url: str, *, content: bytes, headers: dict[str, str]) -> httpx.Response:
        """POST ``content`` to ``url`` and read the whole answer (the connection stays for the next request)."""
        origin = self._origins.get(url)
        if origin is None:
            if len(self._origins) >= _ORIGINS_KEPT:  # URLs made per message (a reply URL) must not pile up
                self._origins.clear()
            origin = self._origins[url] = _Origin(url)
        merged = {**self._common, **headers}
        head = "".join(f"{k.translate(_FORBIDDEN)}: {v.translate(_FORBIDDEN)}\r\n" for k, v in merged.items())
        request = (
            f"POST {origin.target} HTTP/1.1\r\nHost: {origin.host_header}\r\n{head}"
            f"Content-Length: {len(content)}\r\n\r\n"
        ).encode("latin-1") + content
        connection = self._pooled(origin) or await self._connect(origin)
        try:
            async with asyncio.timeout(self.timeout):
                connection.writer.write(request)
                status, answer_headers, body, keep = await _read_answer(connection.reader)
        except TimeoutError:
            connection.close()
            raise httpx.ReadTimeout(f"no answer within {self.timeout:g} s") from None
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
            connection.close()
            raise httpx.RemoteProtocolError(f"server disconnected or answered badly: {exc!r}") from None
        except BaseException:
            connection.close()
            raise
        if keep:
            connection.idle_since = time.monotonic()
            self._idle.setdefault(origin.key, []).append(connection)
        else:
            connection.close()
        return httpx.Response(status, headers=answer_headers, content=body)

    def _pooled(self, origin: _Origin) -> _Connection | None:
        idle = self._idle.get(origin.key)
        now = time.monotonic()
        while idle:
            connection = idle.pop()
            if connection.usable(now):
                return connection
            connection.close()
        return None

    async def _connect(self, origin: _Origin) -> _Connection:
        context: ssl.SSLContext | None = None
        if origin.tls:
            if self._ssl is None:
                self._ssl = httpx.create_ssl_context(trust_env=True)
            context = self._ssl
        try:
            async with asyncio.timeout(self.timeout):
                reader, writer = await asyncio.open_connection(
                    origin.host, origin.port, ssl=context, server_hostname=origin.host if context else None
                )
        except TimeoutError:
            raise httpx.ConnectTimeout(f"no connection within {self.timeout:g} s") from None
        except OSError as exc:
            raise httpx.ConnectError(str(exc) or type(exc).__name__) from None
        return _Connection(reader, writer)

    async def aclose(self) -> None:
        """Close every idle connection."""
        idle, self._idle = self._idle, {}
        for connections in idle.values():
            for connection in connections:
                connection.close()


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, list[tuple[str, str]], bytes, bool]:
    """(status, headers, body, keep the connection) of one answer; 1xx interim answers are skipped."""
    while True:
        raw = await reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        version, _, rest = lines[0].partition(" ")
        status = int(rest[:3])
        if not version.startswith("HTTP/1.") or not 100 <= status <= 599:
            raise ValueError(f"not an HTTP/1 status line: {lines[0][:80]!r}")
        if status >= 200:
            break
    headers: list[tuple[str, str]] = []
    fields: dict[str, str] = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
            fields[name.strip().lower()] = value.strip().lower()
    connection = fields.get("connection", "")
    keep = "close" not in connection if version == "HTTP/1.1" else "keep-alive" in connection
    if status in (204, 304):
        return status, headers, b"", keep
    if "chunked" in fields.get("transfer-encoding", ""):
        return status, headers, await _chunks(reader), keep
    if "content-length" in fields:
        return status, headers, await reader.readexactly(int(fields["content-length"])), keep
    return status, headers, await reader.read(), False  # the body ends where the connection does


async def _chunks(reader: asyncio.StreamReader) -> bytes:
    body = bytearray()
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip(), 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":  # trailers, if any
                pass
            return bytes(body)
        body += await reader.readexactly(size)
        await reader.readexactly(2)
