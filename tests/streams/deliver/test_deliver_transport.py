"""streams/deliver/transport.py: deliveries go straight to httpx's transport, or through the proxy named in the env."""

from __future__ import annotations

import asyncio

import pytest

from pantau.core.errors import RetryableDelivery
from pantau.streams.deliver.transport import make_client, post


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    async def go() -> int:
        client = make_client(5.0)
        try:
            return await post(client, "siem", url, body, headers)
        finally:
            await client.aclose()

    return asyncio.run(go())


def test_a_post_reaches_the_receiver_with_its_body_and_headers_and_pantaus_user_agent(receiver):
    status = _post(receiver.url, b'{"a": 1}', {"Content-Type": "application/json", "webhook-id": "m1"})

    assert status == 200
    got = receiver.requests[0]
    headers = {k.lower(): v for k, v in got.headers.items()}
    assert (got.path, got.body) == ("/hook", b'{"a": 1}')
    assert headers["user-agent"] == "pantau-alerts/1"
    assert headers["webhook-id"] == "m1"
    assert headers["content-type"] == "application/json"


def test_many_posts_over_one_client_all_arrive_in_order(receiver):
    async def go() -> list[int]:
        client = make_client(5.0)
        try:
            return [await post(client, "siem", receiver.url, f"{i}".encode(), {}) for i in range(20)]
        finally:
            await client.aclose()

    assert asyncio.run(go()) == [200] * 20
    assert [r.body for r in receiver.requests] == [f"{i}".encode() for i in range(20)]


def test_a_proxy_named_in_the_environment_carries_the_deliveries(receiver, monkeypatch, unused_port):
    # The receiver plays the proxy: a plain-HTTP proxy is asked for the whole target URL.
    for name in ("NO_PROXY", "no_proxy", "http_proxy", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{receiver.port}")
    target = f"http://127.0.0.1:{unused_port}/hook"  # nothing listens there: only the proxy can answer

    assert _post(target, b"{}", {}) == 200
    assert receiver.requests[0].path == target


def test_a_receiver_that_is_down_is_a_retryable_failure_naming_the_destination(unused_port):
    with pytest.raises(RetryableDelivery, match="cannot reach") as caught:
        _post(f"http://127.0.0.1:{unused_port}/hook", b"{}", {})
    assert caught.value.destination == "siem"


@pytest.mark.parametrize("inside_a_loop", [False, True])
def test_building_a_client_loads_anyios_backend_so_the_first_alert_does_not_pay_for_it(inside_a_loop):
    import subprocess
    import sys

    build = "asyncio.run(built())" if inside_a_loop else "make_client(5.0)"
    child = (
        "import asyncio, sys\n"
        "from pantau.streams.deliver.transport import make_client\n"
        "async def built():\n    make_client(5.0)\n"
        "before = 'anyio._backends._asyncio' in sys.modules\n"
        f"{build}\n"
        "print(before, 'anyio._backends._asyncio' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, check=True)

    assert out.stdout.split() == ["False", "True"]
