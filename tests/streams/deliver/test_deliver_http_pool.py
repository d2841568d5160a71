"""streams/deliver/http_pool.py: deliveries' POSTs on aiohttp's keep-alive connections, against real local servers."""

from __future__ import annotations

import asyncio
import ssl
import threading
from collections.abc import Callable

import pytest

from pantau.core.errors import PermanentDelivery, RetryableDelivery
from pantau.streams.deliver.http_pool import ANSWER_CAP
from pantau.streams.deliver.transport import make_client, post, request


class RawServer:
    """An HTTP server on 127.0.0.1 written for the test: ``answer(request bytes)`` gives the bytes sent back
    (None: say nothing), then the connection stays open unless ``close_after`` says otherwise."""

    def __init__(
        self,
        answer: Callable[[bytes], bytes | None],
        *,
        close_after: bool = False,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.answer, self.close_after, self.tls = answer, close_after, tls
        self.connections = 0
        self.requests: list[bytes] = []
        self.loop = asyncio.new_event_loop()
        started = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(started,), daemon=True)
        self.thread.start()
        started.wait(5)

    def _run(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.tls))
        self.port = server.sockets[0].getsockname()[1]
        self.server = server
        started.set()
        self.loop.run_forever()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                raw = head + await reader.readexactly(length)
                self.requests.append(raw)
                answer = self.answer(raw)
                if answer is None:  # a receiver that never answers (until the client hangs up)
                    await reader.read()
                    return
                writer.write(answer)
                await writer.drain()
                if self.close_after:
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            writer.close()

    def url(self, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}/hook?x=1"

    def stop(self) -> None:
        # End the connections' handlers on the running loop: left pending, one is closed later by the garbage
        # collector, after the loop, and its ``writer.close()`` raises "Event loop is closed" into another test.
        asyncio.run_coroutine_threadsafe(self._shutdown(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)

    async def _shutdown(self) -> None:
        self.server.close()
        handlers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)


OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


def _posts(url: str, bodies: list[bytes], *, timeout: float = 5.0) -> list[int]:
    async def go() -> list[int]:
        client = make_client(timeout)
        try:
            return [await post(client, "siem", url, body, {"Content-Type": "application/json"}) for body in bodies]
        finally:
            await client.aclose()

    return asyncio.run(go())


def _answer_body(url: str) -> bytes:
    async def go() -> bytes:
        client = make_client(5.0)
        try:
            return (await request(client, "siem", url, b"{}", {})).content
        finally:
            await client.aclose()

    return asyncio.run(go())


def test_posts_share_one_keep_alive_connection_and_send_the_request_as_written():
    server = RawServer(lambda raw: OK)
    try:
        assert _posts(server.url(), [b'{"a": 1}', b'{"a": 2}', b'{"a": 3}']) == [200, 200, 200]
    finally:
        server.stop()
    assert server.connections == 1
    first = server.requests[0]
    assert first.startswith(b"POST /hook?x=1 HTTP/1.1\r\n")
    assert f"Host: 127.0.0.1:{server.port}\r\n".encode() in first
    assert b"User-Agent: pantau-alerts/1\r\n" in first and b"Content-Type: application/json\r\n" in first
    assert b"Content-Length: 8\r\n" in first and first.endswith(b'\r\n\r\n{"a": 1}')


def test_a_connection_the_server_closes_is_not_reused():
    closing = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"
    server = RawServer(lambda raw: closing, close_after=True)
    try:
        assert _posts(server.url(), [b"1", b"2", b"3"]) == [200, 200, 200]
    finally:
        server.stop()
    assert server.connections == 3


def test_a_keep_alive_connection_the_server_closed_while_idle_is_not_reused():
    # The server answers as if it kept the connection, then closes it (its idle timeout) while no request runs.
    server = RawServer(lambda raw: OK, close_after=True)

    async def go() -> list[int]:
        client = make_client(5.0)
        try:
            first = await post(client, "siem", server.url(), b"1", {})
            await asyncio.sleep(0.3)
            return [first, await post(client, "siem", server.url(), b"2", {})]
        finally:
            await client.aclose()

    try:
        assert asyncio.run(go()) == [200, 200]
    finally:
        server.stop()
    assert server.connections == 2


def test_a_chunked_answer_and_one_that_ends_with_the_connection_are_read_whole():
    chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n"
    until_close = b"HTTP/1.0 200 OK\r\n\r\nto the end"
    for answer, close in ((chunked, False), (until_close, True)):
        server = RawServer(lambda raw, answer=answer: answer, close_after=close)

        try:
            body = _answer_body(server.url())
        finally:
            server.stop()
        assert body == (b"abcde" if close is False else b"to the end")


def test_an_answer_over_several_writes_after_an_interim_100_is_read_as_one():
    def answer(raw: bytes) -> bytes:
        return b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 429 Too Many\r\nRetry-After: 7\r\nContent-Length: 4\r\n\r\nslow"

    server = RawServer(answer)
    try:
        with pytest.raises(RetryableDelivery) as caught:
            _posts(server.url(), [b"{}"])
    finally:
        server.stop()
    assert caught.value.retry_after == 7
    assert "429" in str(caught.value) and "slow" in str(caught.value)


def test_no_answer_within_the_timeout_is_a_retryable_failure():
    server = RawServer(lambda raw: None)
    try:
        with pytest.raises(RetryableDelivery, match="no answer from .* within 0.5 s"):
            _posts(server.url(), [b"{}"], timeout=0.5)
    finally:
        server.stop()


def test_a_server_that_hangs_up_without_answering_is_a_retryable_failure():
    server = RawServer(lambda raw: b"", close_after=True)
    try:
        with pytest.raises(RetryableDelivery, match="cannot reach"):
            _posts(server.url(), [b"{}"])
    finally:
        server.stop()


def test_a_url_that_is_not_http_is_permanent():
    with pytest.raises(PermanentDelivery, match="unusable url"):
        _posts("ftp://127.0.0.1/hook", [b"{}"])


def test_https_is_verified_against_the_certificates_the_environment_names(tls_ca, tmp_path, monkeypatch):
    ca, cert = tls_ca
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    server = RawServer(lambda raw: OK, tls=context)
    try:
        with pytest.raises(RetryableDelivery, match="cannot reach"):  # an unknown authority: refused
            _posts(server.url("https"), [b"{}"])
        bundle = tmp_path / "ca.pem"
        ca.cert_pem.write_to_path(str(bundle))
        monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
        assert _posts(server.url("https"), [b"1", b"2"]) == [200, 200]
    finally:
        server.stop()


def test_every_delivery_client_shares_one_tls_context_per_environment(monkeypatch):
    import certifi

    from pantau.streams.deliver.transport import make_client, tls_context

    for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    first, second = make_client(5.0), make_client(5.0)
    # Built once (loading a CA bundle is tens of ms), not again at each pool's first request.
    assert first._direct._ssl is second._direct._ssl is tls_context()
    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())
    assert tls_context() is not first._direct._ssl and tls_context() is make_client(5.0)._direct._ssl


def test_an_endless_or_compressed_answer_is_read_only_up_to_the_cap():
    import gzip

    bomb = gzip.compress(b"x" * (ANSWER_CAP * 8))  # ~8 MB inflated from a few KB
    huge = b"y" * (ANSWER_CAP * 3)
    answers = [
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(bomb) + bomb,
        b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(huge) + huge,
    ]
    for answer in answers:
        server = RawServer(lambda raw, answer=answer: answer, close_after=True)

        try:
            body = _answer_body(server.url())
        finally:
            server.stop()
        assert len(body) == ANSWER_CAP and set(body) <= {ord("x"), ord("y")}
