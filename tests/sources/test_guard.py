"""The address guard checks the address actually connected to."""

import asyncio

import httpcore
import pytest

from pantau.core.errors import BlockedAddressError
from pantau.sources.guard import GuardedBackend, is_public_address


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("not-an-ip", False),
    ],
)
def test_public_addresses(address, public):
    assert is_public_address(address) is public


class _PublicLookingDns(GuardedBackend):
    """Resolves every name to a public address, as a rebinding DNS server would at first."""

    async def _resolve(self, host, port, timeout):
        return ["93.184.216.34"]


class _Redirecting(httpcore.AsyncNetworkBackend):
    """Lands every connection on 127.0.0.1, whatever address was asked for."""

    def __init__(self, port):
        self.port = port
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        return await self.inner.connect_tcp("127.0.0.1", self.port, timeout=timeout)


def test_peer_of_the_connected_socket_is_checked(feed_server):
    backend = _PublicLookingDns(_Redirecting(feed_server.port), allow_private=False)

    async def go():
        return await backend.connect_tcp("feeds.example.org", 80, timeout=2)

    with pytest.raises(BlockedAddressError, match="127.0.0.1"):
        asyncio.run(go())


def test_allowed_private_connection_goes_to_the_checked_address(feed_server):
    backend = GuardedBackend(httpcore.AnyIOBackend(), allow_private=True)

    async def go():
        stream = await backend.connect_tcp("localhost", feed_server.port, timeout=2)
        peer = stream.get_extra_info("socket").getpeername()[0]
        await stream.aclose()
        return peer

    assert asyncio.run(go()) in {"127.0.0.1", "::1"}
