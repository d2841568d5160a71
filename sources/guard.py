"""Refuse private, loopback and link-local addresses at connect time.

Checking a feed's hostname before the request is not enough: DNS can answer
differently a second later (rebinding), and redirects lead elsewhere. pantau
resolves the name itself inside httpcore's network backend, checks every
address, connects to the checked address only (TLS SNI and the Host header
still carry the hostname, since httpcore takes both from the URL), and checks
the peer of the connected socket once more.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from pantau.core.errors import BlockedAddressError

__all__ = ["is_public_address", "GuardedBackend", "GuardedTransport", "ALLOW_HINT"]

ALLOW_HINT = "set network.allow_private: true (or pass --allow-private) if this feed is meant to be internal"


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address; False for private, loopback, link-local, etc."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """A network backend that connects only to addresses it has checked itself."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend, *, allow_private: bool) -> None:
        self._inner = inner
        self.allow_private = allow_private

    async def _resolve(self, host: str, port: int, timeout: float | None) -> list[str]:
        loop = asyncio.get_running_loop()
        try:
            infos = await asyncio.wait_for(loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), timeout)
        except (OSError, asyncio.TimeoutError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
        seen: dict[str, None] = {}
        for info in infos:
            seen.setdefault(str(info[4][0]), None)
        return list(seen)

    def _refuse(self, host: str, port: int, addresses: Iterable[str]) -> BlockedAddressError:
        shown = ", ".join(addresses)
        return BlockedAddressError(
            f"{host}:{port}",
            f"refused to connect: {host} resolves to non-public address {shown}",
            hint=ALLOW_HINT,
            outcome="blocked",
        )

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Resolve ``host``, refuse non-public addresses, connect to a checked one."""
        addresses = await self._resolve(host, port, timeout)
        allowed = addresses if self.allow_private else [a for a in addresses if is_public_address(a)]
        if not allowed:
            raise self._refuse(host, port, addresses)
        last: Exception | None = None
        for address in allowed:
            try:
                stream = await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
                continue
            sock = stream.get_extra_info("socket")
            peer = sock.getpeername()[0] if sock is not None else address
            if not self.allow_private and not is_public_address(peer):
                await stream.aclose()
                raise self._refuse(host, port, [peer])
            return stream
        assert last is not None
        raise last

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ):
        """Unix sockets are never a feed address."""
        raise BlockedAddressError(path, "unix sockets are not feed addresses", outcome="blocked")

    async def sleep(self, seconds: float) -> None:
        """Delegate to the wrapped backend."""
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with :class:`GuardedBackend` under its connection pool."""

    def __init__(self, *, allow_private: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # httpx does not expose httpcore's network_backend parameter; the pool
        # reads this attribute for every new connection.
        pool = self._pool
        pool._network_backend = GuardedBackend(pool._network_backend, allow_private=allow_private)
